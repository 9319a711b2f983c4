// The stage graph (stage_graph.hpp): the model's edges, a host's edits, the
// validation that names what is wrong, and the renderings. Every expected
// value below is read off the graph drawn in docs/model.md by hand.

#include "test_support.hpp"

#include <set>

using namespace lctest;

namespace {

using move_set = std::set<std::pair<stage, stage>>;

// model.md, "The state machine", drawn by hand: the ten normal moves.
const move_set model_normal = {
    {stage::potential, stage::new_customer}, {stage::new_customer, stage::deal_hunter},
    {stage::new_customer, stage::loyal},     {stage::new_customer, stage::passive},
    {stage::passive, stage::deal_hunter},    {stage::passive, stage::loyal},
    {stage::deal_hunter, stage::loyal},      {stage::loyal, stage::deal_hunter},
    {stage::deal_hunter, stage::passive},    {stage::loyal, stage::passive}};

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const lifecycle::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("stage graph: the model's graph has the ten normal moves, every other move a correction", "[graph]") {
  const stage_graph g;
  for (stage from : all_stages)
    for (stage to : all_stages) {
      INFO(to_string(from) << " -> " << to_string(to));
      if (from == to)
        CHECK(g.kind(from, to) == move_kind::forbidden);  // the diagonal is no move
      else if (model_normal.count({from, to}))
        CHECK(g.kind(from, to) == move_kind::normal);
      else
        CHECK(g.kind(from, to) == move_kind::correction);
    }
  CHECK(g.count(move_kind::normal) == 10);
  CHECK(g.count(move_kind::correction) == 10);  // 5 * 4 ordered pairs - 10 normal
  CHECK(g.count(move_kind::forbidden) == 0);
  CHECK(g.edges().size() == 20);
  CHECK(g.edges().front().from == stage::potential);  // normal edges come first
  CHECK(g.edges().front().kind == move_kind::normal);
  CHECK(g.edges().back().kind == move_kind::correction);
}

TEST_CASE("stage graph: reachability by normal moves", "[graph]") {
  const stage_graph g;
  // From potential everything; from loyal only deal_hunter and passive (and
  // loyal): no normal move leads back to new or potential.
  for (stage s : all_stages) CHECK(g.reachable(stage::potential, s));
  CHECK(g.reachable(stage::loyal, stage::passive));
  CHECK(g.reachable(stage::loyal, stage::deal_hunter));
  CHECK(g.reachable(stage::loyal, stage::loyal));
  CHECK_FALSE(g.reachable(stage::loyal, stage::new_customer));
  CHECK_FALSE(g.reachable(stage::loyal, stage::potential));
  CHECK_FALSE(g.reachable(stage::new_customer, stage::potential));
  CHECK_FALSE(g.reachable(stage::passive, stage::new_customer));
}

TEST_CASE("stage graph: a host forbids and allows moves", "[graph]") {
  SECTION("never call a loyal customer a deal hunter") {
    const stage_graph g(stage_moves{}, stage_moves{{stage::loyal, stage::deal_hunter}});
    CHECK(g.kind(stage::loyal, stage::deal_hunter) == move_kind::forbidden);
    CHECK(g.kind(stage::deal_hunter, stage::loyal) == move_kind::normal);  // the other way stays
    CHECK(g.count(move_kind::normal) == 9);
    CHECK(g.count(move_kind::correction) == 10);
    CHECK(g.count(move_kind::forbidden) == 1);
    // loyal still reaches deal_hunter through passive.
    CHECK(g.reachable(stage::loyal, stage::deal_hunter));
    const auto edges = g.edges();
    REQUIRE(edges.size() == 20);  // 19 edges and the forbidden move
    CHECK(edges.back().kind == move_kind::forbidden);
    CHECK(edges.back().from == stage::loyal);
    CHECK(edges.back().to == stage::deal_hunter);
  }
  SECTION("a refund back to potential is part of the normal lifecycle") {
    const stage_graph g(stage_moves{{stage::new_customer, stage::potential}}, stage_moves{});
    CHECK(g.kind(stage::new_customer, stage::potential) == move_kind::normal);
    CHECK(g.count(move_kind::normal) == 11);
    CHECK(g.count(move_kind::correction) == 9);
    CHECK(g.reachable(stage::loyal, stage::potential) == false);  // loyal -> potential is still a correction
    CHECK(g.reachable(stage::new_customer, stage::potential));
  }
  SECTION("a forbidden correction edge") {
    const stage_graph g(stage_moves{}, stage_moves{{stage::potential, stage::passive}});
    CHECK(g.kind(stage::potential, stage::passive) == move_kind::forbidden);
    CHECK(g.count(move_kind::correction) == 9);
  }
}

TEST_CASE("stage graph: validation names the offending stage or edge", "[graph]") {
  // Without potential -> new, potential has no normal move out: the first
  // stage (in stage order) it cannot reach is new.
  CHECK(error_of([] { stage_graph(stage_moves{}, stage_moves{{stage::potential, stage::new_customer}}); }) ==
        "stage graph: new cannot be reached from potential by normal moves (forbid_moves = potential->new)");
  // Without passive's two ways out, passive still is reached (from new), but
  // loyal cannot be reached from it.
  CHECK(error_of([] {
          stage_graph(stage_moves{}, stage_moves{{stage::passive, stage::loyal}, {stage::passive, stage::deal_hunter}});
        }) ==
        "stage graph: loyal cannot be reached from passive by normal moves "
        "(forbid_moves = passive->deal_hunter, passive->loyal)");
  // No normal move into loyal at all: potential cannot reach it, which is checked first.
  CHECK(error_of([] {
          stage_graph(stage_moves{},
                      stage_moves{{stage::new_customer, stage::loyal}, {stage::passive, stage::loyal}, {stage::deal_hunter, stage::loyal}});
        }).starts_with("stage graph: loyal cannot be reached from potential by normal moves"));
  CHECK(error_of([] { stage_graph(stage_moves{{stage::loyal, stage::loyal}}, stage_moves{}); }) ==
        "stage graph: allow_moves holds loyal->loyal, a stage to itself");
  CHECK(error_of([] { stage_graph(stage_moves{}, stage_moves{{stage::new_customer, stage::new_customer}}); }) ==
        "stage graph: forbid_moves holds new->new, a stage to itself");
  CHECK(error_of([] {
          stage_graph(stage_moves{{stage::passive, stage::new_customer}}, stage_moves{{stage::passive, stage::new_customer}});
        }) == "stage graph: passive->new is both in allow_moves and in forbid_moves");
  // An unknown stage cannot even enter a set of moves.
  stage_moves m;
  CHECK_THROWS_AS(m.insert({static_cast<stage>(7), stage::loyal}), lifecycle::error);
  CHECK(m.empty());
  try {
    stage_graph(stage_moves{}, stage_moves{{stage::potential, stage::new_customer}});
  } catch (const lifecycle::error& e) {
    CHECK(e.code() == errc::invalid_policy);
  }
}

TEST_CASE("stage graph: moves as text", "[graph]") {
  CHECK(to_string(stage_move{stage::loyal, stage::deal_hunter}) == "loyal->deal_hunter");
  CHECK(parse_stage_move("loyal->deal_hunter") == stage_move{stage::loyal, stage::deal_hunter});
  CHECK(parse_stage_move(" new -> passive ") == stage_move{stage::new_customer, stage::passive});
  CHECK_FALSE(parse_stage_move("loyal->vip"));
  CHECK_FALSE(parse_stage_move("loyal deal_hunter"));
  CHECK_FALSE(parse_stage_move("->loyal"));
  const stage_moves m{{stage::loyal, stage::deal_hunter}, {stage::passive, stage::new_customer}};
  CHECK(m.size() == 2);
  CHECK(to_string(m) == "passive->new, loyal->deal_hunter");  // in (from, to) order
  CHECK(to_string(stage_moves{}) == "none");
  stage_moves n = m;
  n.erase({stage::loyal, stage::deal_hunter});
  CHECK(n.size() == 1);
  CHECK_FALSE(n == m);
}

TEST_CASE("stage graph: the policy keys allow_moves and forbid_moves", "[graph][policy]") {
  policy p;
  CHECK(p.get("allow_moves") == "none");
  CHECK(p.get("forbid_moves") == "none");
  p.set("forbid_moves", "loyal -> deal_hunter,deal_hunter->loyal");
  CHECK(p.get("forbid_moves") == "deal_hunter->loyal, loyal->deal_hunter");
  CHECK(p.forbid_moves.contains({stage::loyal, stage::deal_hunter}));
  p.validate();  // loyal is still reached from deal_hunter (through passive)
  const stage_graph g(p);
  CHECK(g.kind(stage::deal_hunter, stage::loyal) == move_kind::forbidden);
  p.set("forbid_moves", "none");
  CHECK(p == policy{});

  CHECK(error_of([] { policy q; q.set("forbid_moves", "loyal->vip"); }) ==
        "policy: forbid_moves names an unknown stage 'vip' in 'loyal->vip' "
        "(stages: potential, new, passive, deal_hunter, loyal)");
  CHECK(error_of([] { policy q; q.set("allow_moves", "loyal to new"); }).starts_with("policy: allow_moves must be moves"));
  CHECK(error_of([] {
          policy q;
          q.set("forbid_moves", "passive->loyal, passive->deal_hunter");
          q.validate();
        }) ==
        "policy: stage graph: loyal cannot be reached from passive by normal moves "
        "(forbid_moves = passive->deal_hunter, passive->loyal)");
  // The engine validates on construction.
  policy bad;
  bad.forbid_moves.insert({stage::potential, stage::new_customer});
  CHECK_THROWS_WITH(engine(bad), Catch::Matchers::Contains("new cannot be reached from potential"));
}

TEST_CASE("stage graph: copies are equal and independent", "[graph]") {
  const stage_graph a(stage_moves{{stage::new_customer, stage::potential}}, stage_moves{{stage::loyal, stage::deal_hunter}});
  stage_graph b = a;
  CHECK(b.table() == a.table());
  CHECK(b.edges().size() == a.edges().size());
  CHECK(b.reachable(stage::new_customer, stage::potential));
  b = stage_graph();
  CHECK(b.kind(stage::loyal, stage::deal_hunter) == move_kind::normal);
  CHECK(a.kind(stage::loyal, stage::deal_hunter) == move_kind::forbidden);
}

TEST_CASE("stage graph: text and DOT", "[graph]") {
  const stage_graph g(stage_moves{}, stage_moves{{stage::loyal, stage::deal_hunter}});
  const std::string text = render_text(g);
  CHECK_THAT(text, Catch::Matchers::StartsWith(
                       "stage graph: 5 stages, 9 normal moves, 10 correction moves, 1 forbidden\n"
                       "policy: allow_moves = none; forbid_moves = loyal->deal_hunter\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("  potential    new          normal      the first purchase\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("  loyal        deal_hunter  forbidden   forbidden by the policy"));
  const std::string dot = render_dot(g);
  CHECK_THAT(dot, Catch::Matchers::StartsWith("digraph G {"));
  CHECK_THAT(dot, Catch::Matchers::Contains("0[label=\"potential\", shape=doublecircle];"));
  CHECK_THAT(dot, Catch::Matchers::Contains("0->1 [penwidth=2];"));           // potential -> new, normal
  CHECK_THAT(dot, Catch::Matchers::Contains("1->0 [style=dashed"));           // new -> potential, correction
  CHECK_THAT(dot, Catch::Matchers::Contains("4->3 [style=dotted"));           // loyal -> deal_hunter, forbidden
  CHECK(dot.find("4->3 [penwidth=2]") == std::string::npos);
}
