// The engine: many persons, the clock, duplicates, rejections, queries,
// subscriptions. Expectations are worked out by hand from model.md.

#include "test_support.hpp"

#include <map>
#include <set>

using namespace lctest;
using Catch::Matchers::Contains;

namespace {

/// "name brief" for each transition, e.g. "ana 2024-05-01T10:00:00 potential->new event".
std::vector<std::string> named(const engine& eng, std::span<const transition> ts) {
  std::vector<std::string> out;
  for (const transition& t : ts) out.push_back(std::string(eng.name(t.person)) + " " + brief(t));
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

person_id id_of(const engine& eng, std::string_view name) {
  const auto p = eng.find(name);
  REQUIRE(p.has_value());
  return *p;
}

profile profile_named(const engine& eng, std::string_view name) {
  const auto p = eng.profile_of(name);
  INFO("person " << std::string(name));
  REQUIRE(p.has_value());
  return *p;
}

/// The edges of model.md's stage graph.
bool graph_joins(stage from, stage to) {
  static const std::set<std::pair<stage, stage>> edges = {
      {stage::potential, stage::new_customer}, {stage::new_customer, stage::deal_hunter},
      {stage::new_customer, stage::loyal},     {stage::new_customer, stage::passive},
      {stage::passive, stage::deal_hunter},    {stage::passive, stage::loyal},
      {stage::deal_hunter, stage::loyal},      {stage::loyal, stage::deal_hunter},
      {stage::deal_hunter, stage::passive},    {stage::loyal, stage::passive}};
  return edges.count({from, to}) == 1;
}

ingest_result must_accept(engine& eng, const event& e) {
  const ingest_result r = eng.ingest(e);
  INFO("event of " << std::string(e.person) << " at " << when_text(e.time));
  REQUIRE(r.status == ingest_status::accepted);
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------
// Entering, converting, correcting.

TEST_CASE("engine: every person enters as potential, a first purchase is potential -> new by event",
          "[engine][stage]") {
  engine eng;
  CHECK(eng.known_persons() == 0);
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{0, 0, 0, 0, 0});
  const ingest_result r = must_accept(eng, buy(at("2024-03-01 10:00:00"), "ada", "ada-1", 999));
  CHECK(r.accepted());
  CHECK(r.why_rejected == reject_reason::none);
  const person_id ada = id_of(eng, "ada");
  CHECK(r.person == ada);
  CHECK(named(eng, r.transitions) == std::vector<std::string>{"ada 2024-03-01T10:00:00 potential->new event",
                                                              "ada 2024-03-01T10:00:00 +buyer event"});
  CHECK(briefs(eng.history(ada)) == briefs(r.transitions));
  CHECK(eng.known_persons() == 1);
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{0, 1, 0, 0, 0});
  const profile p = profile_named(eng, "ada");
  CHECK(p.id == ada);
  CHECK(p.current_stage == stage::new_customer);
  CHECK(p.stage_since == at("2024-03-01 10:00:00"));
  CHECK(p.spend == money{999});
  CHECK(p.first_seen == on("2024-03-01"));
  CHECK(eng.conversions() == 1);
}

TEST_CASE("engine: a late purchase 200 days old as a first event is potential -> passive, a correction",
          "[engine][stage][correction]") {
  engine eng;
  must_accept(eng, ev(at("2024-08-01 12:00:00"), "other", event_kind::visit));
  const pt::ptime old = at("2024-01-14 12:00:00");  // 200 days before 2024-08-01
  REQUIRE(old + pt::hours(24 * 200) == at("2024-08-01 12:00:00"));
  const ingest_result r = must_accept(eng, buy(old, "late", "late-1", 500));
  CHECK(named(eng, r.transitions) ==
        std::vector<std::string>{"late 2024-08-01T12:00:00 potential->passive correction"});
  REQUIRE(r.transitions.size() == 1);
  CHECK(r.transitions[0].why.which == reason::rule::lapse);
  CHECK(r.transitions[0].why.figures[0] == 200);
  CHECK(to_string(r.transitions[0].why) == "lapse: last purchase 200 days ago (>= 90)");
  const profile p = profile_named(eng, "late");
  CHECK(p.current_stage == stage::passive);
  CHECK(p.first_seen == on("2024-01-14"));
  CHECK(p.first_purchase == on("2024-01-14"));
  CHECK(p.roles.empty());
  CHECK(eng.clock() == at("2024-08-01 12:00:00"));  // a late event does not move the clock back
  // A conversion with no role at that moment goes to the last entry.
  CHECK(eng.conversions() == 1);
  CHECK(eng.conversions_by_primary_role()[role_count] == 1);
}

TEST_CASE("engine: refunding the only purchase returns the person to potential as a correction",
          "[engine][refund][correction]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 10:00:00"), "x", "x-1", 1000));
  const ingest_result r = must_accept(eng, refund(at("2024-03-02 10:00:00"), "x", "x-1", "x-r1"));
  CHECK(named(eng, r.transitions) ==
        std::vector<std::string>{"x 2024-03-02T10:00:00 new->potential correction"});
  const profile p = profile_named(eng, "x");
  CHECK(p.current_stage == stage::potential);
  CHECK(p.purchases == 0);
  CHECK(p.refunded_purchases == 1);
  CHECK(p.spend == money{0});
  CHECK_FALSE(p.first_purchase.has_value());
  CHECK(p.roles == role_set{role::buyer});
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{1, 0, 0, 0, 0});
  CHECK(eng.conversions() == 1);  // it was a customer at some point
}

TEST_CASE("engine: a refund before its purchase cancels it and the person stays potential",
          "[engine][refund]") {
  engine eng;
  const ingest_result r1 = must_accept(eng, refund(at("2024-03-01 09:00:00"), "x", "x-1", "x-r1"));
  CHECK(named(eng, r1.transitions) == std::vector<std::string>{"x 2024-03-01T09:00:00 +spectator event"});
  const ingest_result r2 = must_accept(eng, buy(at("2024-03-01 10:00:00"), "x", "x-1", 1000, true));
  CHECK(stage_changes(r2.transitions).empty());
  const profile p = profile_named(eng, "x");
  CHECK(p.current_stage == stage::potential);
  CHECK(p.purchases == 0);
  CHECK(p.coupon_purchases == 0);
  CHECK(p.refunded_purchases == 1);
  CHECK(p.spend == money{0});
  CHECK(p.roles == role_set{role::buyer});
  CHECK(eng.conversions() == 0);
  // A second refund of the same purchase is accepted (the person's own act) but moves no money.
  const ingest_result r3 = eng.ingest(refund(at("2024-03-01 11:00:00"), "x", "x-1", "x-r2"));
  CHECK(r3.status == ingest_status::accepted);
  CHECK(eng.counts().duplicate == 0);
  CHECK(profile_named(eng, "x").refunded_purchases == 1);
}

TEST_CASE("engine: a second refund of the same purchase moves no money, and order does not matter",
          "[engine][refund]") {
  auto run = [](bool r1_first) {
    engine eng;
    must_accept(eng, buy(at("2024-01-10 10:00:00"), "x", "x-1", 1000));
    must_accept(eng, buy(at("2024-01-12 10:30:00"), "x", "x-2", 1000));
    const auto r1 = refund(at("2024-02-20 11:00:00"), "x", "x-1", "x-r1");
    const auto r2 = refund(at("2024-04-20 11:00:00"), "x", "x-1", "x-r2");
    must_accept(eng, r1_first ? r1 : r2);
    const ingest_result second = eng.ingest(r1_first ? r2 : r1);
    CHECK(second.status == ingest_status::accepted);
    eng.advance_to(at("2024-05-01 00:00:00"));
    return profile_named(eng, "x");
  };
  const profile a = run(true), b = run(false);
  CHECK(a.purchases == 1);
  CHECK(a.refunded_purchases == 1);
  CHECK(a.spend == money{1000});
  // The refund of 2024-04-20 is activity inside the role window on 2024-05-01 either way.
  CHECK(a.roles == role_set{role::spectator});
  CHECK(b.roles == a.roles);
  CHECK(b.current_stage == a.current_stage);
  CHECK(b.purchases == a.purchases);
  CHECK(b.spend == a.spend);
}

TEST_CASE("engine: corrections are flagged exactly for moves the stage graph does not join",
          "[engine][stage][correction]") {
  engine eng;
  std::vector<transition> all;
  eng.subscribe([&all](const transition& t) { all.push_back(t); });
  auto last_move = [&](const ingest_result& r) {
    const auto moves = stage_changes(r.transitions);
    REQUIRE(moves.size() == 1);
    return brief(moves[0]);
  };

  SECTION("a late purchase turns a new customer passive: a normal move, by event") {
    must_accept(eng, buy(at("2024-06-01 10:00:00"), "x", "x-1"));
    // 2024-04-22 is 40 days earlier: first + 30 has passed, Pw = 2 without coupons or follow.
    CHECK(last_move(must_accept(eng, buy(at("2024-04-22 10:00:00"), "x", "x-0"))) ==
          "2024-06-01T10:00:00 new->passive event");
  }
  SECTION("a refund turns a loyal customer passive: a normal move, by event") {
    must_accept(eng, buy(at("2024-03-01 10:00:00"), "y", "y-1"));
    must_accept(eng, buy(at("2024-03-02 10:00:00"), "y", "y-2"));
    must_accept(eng, buy(at("2024-03-03 10:00:00"), "y", "y-3"));
    must_accept(eng, ev(at("2024-03-03 11:00:00"), "y", event_kind::follow));
    const auto moved = eng.advance_to(at("2024-04-15 00:00:00"));
    CHECK(briefs(stage_changes(moved)) == std::vector<std::string>{"2024-03-31T00:00:00 new->loyal time"});
    CHECK(last_move(must_accept(eng, refund(at("2024-04-15 10:00:00"), "y", "y-3", "y-r3"))) ==
          "2024-04-15T10:00:00 loyal->passive event");
  }
  SECTION("refunding the early purchase makes a deal hunter new again: a correction") {
    must_accept(eng, coupon_buy(at("2024-03-01 10:00:00"), "z", "z-1"));
    eng.advance_to(at("2024-04-05 00:00:00"));  // 2024-03-31: new -> passive (Pw = 1)
    CHECK(last_move(must_accept(eng, coupon_buy(at("2024-04-05 10:00:00"), "z", "z-2"))) ==
          "2024-04-05T10:00:00 passive->deal_hunter event");
    CHECK(last_move(must_accept(eng, refund(at("2024-04-06 10:00:00"), "z", "z-1", "z-r1"))) ==
          "2024-04-06T10:00:00 deal_hunter->new correction");
  }
  SECTION("refunding the early purchase makes a passive customer new again: a correction") {
    must_accept(eng, buy(at("2024-01-01 10:00:00"), "w", "w-1"));
    must_accept(eng, buy(at("2024-04-05 10:00:00"), "w", "w-2"));
    CHECK(profile_named(eng, "w").current_stage == stage::passive);
    CHECK(last_move(must_accept(eng, refund(at("2024-04-06 10:00:00"), "w", "w-1", "w-r1"))) ==
          "2024-04-06T10:00:00 passive->new correction");
  }
  SECTION("refunding a passive customer's only purchase: passive -> potential, a correction") {
    must_accept(eng, buy(at("2024-01-01 10:00:00"), "v", "v-1"));
    eng.advance_to(at("2024-02-10 00:00:00"));
    CHECK(last_move(must_accept(eng, refund(at("2024-02-10 10:00:00"), "v", "v-1", "v-r1"))) ==
          "2024-02-10T10:00:00 passive->potential correction");
  }
  SECTION("a third purchase with a follow reactivates a passive customer as loyal: by event") {
    must_accept(eng, buy(at("2024-01-01 10:00:00"), "u", "u-1"));
    must_accept(eng, buy(at("2024-01-05 10:00:00"), "u", "u-2"));
    must_accept(eng, ev(at("2024-01-05 11:00:00"), "u", event_kind::follow));
    eng.advance_to(at("2024-02-10 00:00:00"));
    CHECK(profile_named(eng, "u").current_stage == stage::passive);
    CHECK(last_move(must_accept(eng, buy(at("2024-02-10 10:00:00"), "u", "u-3"))) ==
          "2024-02-10T10:00:00 passive->loyal event");
  }
  SECTION("loyal <-> deal hunter by events") {
    must_accept(eng, buy(at("2024-01-01 10:00:00"), "s", "s-1"));
    must_accept(eng, buy(at("2024-01-02 10:00:00"), "s", "s-2"));
    must_accept(eng, buy(at("2024-01-03 10:00:00"), "s", "s-3"));
    must_accept(eng, ev(at("2024-01-03 11:00:00"), "s", event_kind::follow));
    eng.advance_to(at("2024-02-10 00:00:00"));
    CHECK(profile_named(eng, "s").current_stage == stage::loyal);
    CHECK(stage_changes(must_accept(eng, coupon_buy(at("2024-02-10 10:00:00"), "s", "s-4")).transitions).empty());
    CHECK(stage_changes(must_accept(eng, coupon_buy(at("2024-02-11 10:00:00"), "s", "s-5")).transitions).empty());
    CHECK(last_move(must_accept(eng, coupon_buy(at("2024-02-12 10:00:00"), "s", "s-6"))) ==
          "2024-02-12T10:00:00 loyal->deal_hunter event");
    CHECK(last_move(must_accept(eng, buy(at("2024-02-13 10:00:00"), "s", "s-7"))) ==
          "2024-02-13T10:00:00 deal_hunter->loyal event");
  }

  // Whatever the scenario: correction exactly when the graph has no such edge.
  for (const transition& t : stage_changes(all)) {
    INFO(brief(t));
    CHECK((t.cause == cause::correction) == !graph_joins(t.from, t.to));
  }
}

TEST_CASE("engine: a host's stage graph decides the causes; a forbidden move is a counted correction",
          "[engine][stage][correction][graph]") {
  // Sara's loyal <-> deal hunter story (the test above), under a business that
  // never calls a loyal customer a deal hunter (forbid loyal->deal_hunter) and
  // counts a refund back to potential as normal (allow new->potential).
  policy rules;
  rules.set("forbid_moves", "loyal->deal_hunter");
  rules.set("allow_moves", "new->potential");
  engine eng(rules);
  CHECK(eng.graph().kind(stage::loyal, stage::deal_hunter) == move_kind::forbidden);
  person_state alone;  // the same events through person_state must classify the same way
  std::vector<transition> alone_moves;
  auto feed = [&](const event& e) {
    const ingest_result r = must_accept(eng, e);
    if (e.person == "s")
      for (const transition& t : alone.apply(e, rules, e.time).transitions)
        if (t.what == change::stage) alone_moves.push_back(t);
    return stage_changes(r.transitions);
  };
  feed(buy(at("2024-01-01 10:00:00"), "s", "s-1"));
  feed(buy(at("2024-01-02 10:00:00"), "s", "s-2"));
  feed(buy(at("2024-01-03 10:00:00"), "s", "s-3"));
  feed(ev(at("2024-01-03 11:00:00"), "s", event_kind::follow));
  CHECK(briefs(stage_changes(eng.advance_to(at("2024-02-10 00:00:00")))) ==
        std::vector<std::string>{"2024-01-31T00:00:00 new->loyal time"});
  feed(coupon_buy(at("2024-02-10 10:00:00"), "s", "s-4"));
  feed(coupon_buy(at("2024-02-11 10:00:00"), "s", "s-5"));
  // Pw 6, Cw 3: the rules say deal hunter; the graph forbids the move: made, a correction, counted.
  CHECK(briefs(feed(coupon_buy(at("2024-02-12 10:00:00"), "s", "s-6"))) ==
        std::vector<std::string>{"2024-02-12T10:00:00 loyal->deal_hunter correction"});
  CHECK(profile_named(eng, "s").current_stage == stage::deal_hunter);
  CHECK(briefs(feed(buy(at("2024-02-13 10:00:00"), "s", "s-7"))) ==
        std::vector<std::string>{"2024-02-13T10:00:00 deal_hunter->loyal event"});
  // A refund of a new customer's only purchase: allowed, so by event.
  CHECK(briefs(feed(buy(at("2024-02-14 10:00:00"), "t", "t-1"))) ==
        std::vector<std::string>{"2024-02-14T10:00:00 potential->new event"});
  CHECK(briefs(feed(refund(at("2024-02-15 10:00:00"), "t", "t-1", "t-r1"))) ==
        std::vector<std::string>{"2024-02-15T10:00:00 new->potential event"});

  transition_matrix forbidden{};
  forbidden[static_cast<std::size_t>(stage::loyal)][static_cast<std::size_t>(stage::deal_hunter)] = 1;
  CHECK(eng.forbidden_moves() == forbidden);
  CHECK(eng.matrix()[static_cast<std::size_t>(stage::loyal)][static_cast<std::size_t>(stage::deal_hunter)] == 1);

  // person_state, fed s's events, gave the same moves with the same causes.
  std::vector<std::string> engine_s, alone_s;
  for (const transition& t : stage_changes(eng.history(id_of(eng, "s")))) engine_s.push_back(brief(t));
  for (const transition& t : alone_moves) alone_s.push_back(brief(t));
  CHECK(alone_s == std::vector<std::string>{"2024-01-01T10:00:00 potential->new event",
                                            "2024-01-31T00:00:00 new->loyal time",
                                            "2024-02-12T10:00:00 loyal->deal_hunter correction",
                                            "2024-02-13T10:00:00 deal_hunter->loyal event"});
  CHECK(alone_s == engine_s);

  // The default graph: the same move is a normal one, and nothing is forbidden.
  engine plain;
  must_accept(plain, buy(at("2024-01-01 10:00:00"), "s", "s-1"));
  must_accept(plain, buy(at("2024-01-02 10:00:00"), "s", "s-2"));
  must_accept(plain, buy(at("2024-01-03 10:00:00"), "s", "s-3"));
  must_accept(plain, ev(at("2024-01-03 11:00:00"), "s", event_kind::follow));
  must_accept(plain, coupon_buy(at("2024-02-10 10:00:00"), "s", "s-4"));
  must_accept(plain, coupon_buy(at("2024-02-11 10:00:00"), "s", "s-5"));
  CHECK(briefs(stage_changes(must_accept(plain, coupon_buy(at("2024-02-12 10:00:00"), "s", "s-6")).transitions)) ==
        std::vector<std::string>{"2024-02-12T10:00:00 loyal->deal_hunter event"});
  CHECK(plain.forbidden_moves() == transition_matrix{});
}

TEST_CASE("engine: purchases and referrals with a target make person links", "[engine][links]") {
  engine eng;
  event gift = buy(at("2024-03-01 10:00:00"), "mom", "p1");
  gift.target = "kid";
  must_accept(eng, gift);
  CHECK(eng.ingest(gift).status == ingest_status::duplicate);  // a duplicate makes no second link
  event self = buy(at("2024-03-02 10:00:00"), "mom", "p2");
  self.target = "mom";  // paying for oneself links nobody
  must_accept(eng, self);
  event ref = ev(at("2024-03-03 10:00:00"), "ann", event_kind::referral, "r1");
  ref.target = "bob";
  must_accept(eng, ref);
  event visit = ev(at("2024-03-04 10:00:00"), "ann", event_kind::visit, "v1");
  visit.target = "cy";  // target does not apply to a visit: ignored
  must_accept(eng, visit);

  const auto links = eng.links();
  REQUIRE(links.size() == 2);
  CHECK(links[0] == person_link{id_of(eng, "mom"), id_of(eng, "kid"), link_kind::paid_for});
  CHECK(links[1] == person_link{id_of(eng, "ann"), id_of(eng, "bob"), link_kind::referred});
  // Targets are interned, not known: only their own events make them known.
  CHECK_FALSE(eng.profile_of("kid"));
  CHECK_FALSE(eng.find("cy"));
  CHECK(eng.known_persons() == 2);
  CHECK(eng.interned_persons() == 4);  // mom, kid, ann, bob
  CHECK(eng.converted(id_of(eng, "mom")));
  CHECK_FALSE(eng.converted(id_of(eng, "kid")));
  CHECK_FALSE(eng.converted(person_id{}));
  CHECK(eng.memory().links >= 2 * sizeof(person_link));
}

// ---------------------------------------------------------------------------
// Time.

TEST_CASE("engine: new on day first + 29, and not on first + 30 (replay clock)", "[engine][time][boundary]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 10:00:00"), "a", "a-1"));
  const ingest_result r29 = must_accept(eng, ev(at("2024-03-30 23:59:59"), "b", event_kind::visit));
  CHECK(briefs_of(r29.transitions, id_of(eng, "a")).empty());
  CHECK(profile_named(eng, "a").current_stage == stage::new_customer);

  const ingest_result r30 = must_accept(eng, ev(at("2024-03-31 00:00:00"), "b", event_kind::visit));
  CHECK(named(eng, r30.transitions) ==
        std::vector<std::string>{"a 2024-03-31T00:00:00 new->passive time", "a 2024-03-31T00:00:00 -buyer time"});
  CHECK(profile_named(eng, "a").current_stage == stage::passive);
  CHECK(profile_named(eng, "a").stage_since == at("2024-03-31 00:00:00"));
}

TEST_CASE("engine: advance_to makes time-driven changes with no events, at the start of the day",
          "[engine][time][boundary]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 10:00:00"), "a", "a-1"));
  CHECK(eng.advance_to(at("2024-03-30 23:59:59")).empty());
  CHECK(eng.clock() == at("2024-03-30 23:59:59"));
  const auto moved = eng.advance_to(at("2024-03-31 00:00:00"));
  CHECK(named(eng, moved) ==
        std::vector<std::string>{"a 2024-03-31T00:00:00 new->passive time", "a 2024-03-31T00:00:00 -buyer time"});
  REQUIRE_FALSE(moved.empty());
  CHECK(moved[0].why.which == reason::rule::occasional);
  CHECK(eng.clock() == at("2024-03-31 00:00:00"));
  // Earlier times are ignored.
  CHECK(eng.advance_to(at("2024-03-01 00:00:00")).empty());
  CHECK(eng.clock() == at("2024-03-31 00:00:00"));
  CHECK_THROWS_AS(eng.advance_to(nat()), lifecycle::error);
}

TEST_CASE("engine: lapse on last + 90 exactly, not on last + 89", "[engine][time][boundary]") {
  engine eng;
  must_accept(eng, buy(at("2024-01-01 10:00:00"), "l", "l-1"));
  must_accept(eng, buy(at("2024-01-02 10:00:00"), "l", "l-2"));
  must_accept(eng, buy(at("2024-01-03 10:00:00"), "l", "l-3"));
  must_accept(eng, ev(at("2024-01-03 11:00:00"), "l", event_kind::follow));
  // 2024-01-31 (first + 30): Pw = 3 and a follow -> loyal. 2024-04-02 = 2024-01-03 + 90.
  const auto before = eng.advance_to(at("2024-04-01 23:59:59"));
  CHECK(briefs(stage_changes(before)) == std::vector<std::string>{"2024-01-31T00:00:00 new->loyal time"});
  CHECK(profile_named(eng, "l").current_stage == stage::loyal);

  const auto lapse = eng.advance_to(at("2024-04-02 00:00:00"));
  // The same day: l's contact cadence comes round (reachable since the follow, 3 x 30 days).
  CHECK(briefs(lapse) == std::vector<std::string>{"2024-04-02T00:00:00 loyal->passive time",
                                                  "2024-04-02T00:00:00 !contact_due time"});
  REQUIRE(lapse.size() == 2);
  CHECK(lapse[0].why.which == reason::rule::lapse);
  CHECK(lapse[0].why.figures[0] == 90);
  CHECK(lapse[0].why.figures[1] == 90);
  CHECK(to_string(lapse[0].why) == "lapse: last purchase 90 days ago (>= 90)");

  CHECK(briefs(without_signals(eng.history(id_of(eng, "l")))) ==
        std::vector<std::string>{"2024-01-01T10:00:00 potential->new event", "2024-01-01T10:00:00 +buyer event",
                                 "2024-01-31T00:00:00 new->loyal time", "2024-02-02T00:00:00 -buyer time",
                                 "2024-04-02T00:00:00 loyal->passive time"});
}

TEST_CASE("engine: one advance gives several deadlines of one person, all persons in time order",
          "[engine][time]") {
  engine eng;
  std::vector<std::string> heard;
  eng.subscribe([&](const transition& t) { heard.push_back(std::string(eng.name(t.person)) + " " + brief(t)); });
  must_accept(eng, coupon_buy(at("2024-01-10 08:00:00"), "d", "d-1"));
  must_accept(eng, coupon_buy(at("2024-01-11 08:00:00"), "d", "d-2"));
  must_accept(eng, buy(at("2024-01-15 09:00:00"), "e", "e-1"));
  heard.clear();
  const auto moved = eng.advance_to(at("2024-12-31 00:00:00"));
  // d: 2024-02-09 new -> deal_hunter (Pw = Cw = 2); 2024-02-10 no buyer event left;
  //    2024-04-10 (2024-01-11 + 90) lapse. e: 2024-02-14 new -> passive and -buyer.
  const std::vector<std::string> expected = {
      "d 2024-02-09T00:00:00 new->deal_hunter time", "d 2024-02-10T00:00:00 -buyer time",
      "e 2024-02-14T00:00:00 new->passive time",     "e 2024-02-14T00:00:00 -buyer time",
      "d 2024-04-10T00:00:00 deal_hunter->passive time"};
  CHECK(named(eng, moved) == expected);
  CHECK(heard == expected);
  for (std::size_t i = 1; i < moved.size(); ++i) CHECK(moved[i - 1].when <= moved[i].when);
  CHECK(eng.matrix()[1][3] == 1);  // new -> deal_hunter
  CHECK(eng.matrix()[3][2] == 1);  // deal_hunter -> passive
  CHECK(eng.matrix()[1][2] == 1);  // new -> passive
}

TEST_CASE("engine: a purchase 179 days old counts in Pw, 180 days old does not", "[engine][time][boundary]") {
  engine eng;
  must_accept(eng, coupon_buy(at("2024-01-01 10:00:00"), "w", "w-1"));
  eng.advance_to(at("2024-04-10 00:00:00"));  // 2024-01-31: new -> passive (Pw = 1)
  CHECK(briefs(stage_changes(must_accept(eng, coupon_buy(at("2024-04-10 10:00:00"), "w", "w-2")).transitions)) ==
        std::vector<std::string>{"2024-04-10T10:00:00 passive->deal_hunter event"});
  // 2024-06-28 is 2024-01-01 + 179; 2024-06-29 is + 180.
  CHECK(stage_changes(eng.advance_to(at("2024-06-28 23:59:59"))).empty());
  CHECK(profile_named(eng, "w").current_stage == stage::deal_hunter);
  const auto moved = stage_changes(eng.advance_to(at("2024-06-29 00:00:00")));
  CHECK(briefs(moved) == std::vector<std::string>{"2024-06-29T00:00:00 deal_hunter->passive time"});
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].why.which == reason::rule::occasional);
  CHECK(moved[0].why.figures == std::array<std::int32_t, 4>{1, 1, 180, 0});
}

TEST_CASE("engine: a role falls away on the day its last event leaves the 30-day window",
          "[engine][time][roles][boundary]") {
  engine eng;
  must_accept(eng, ev(at("2024-03-01 10:00:00"), "c", event_kind::post));
  must_accept(eng, ev(at("2024-03-01 11:00:00"), "c", event_kind::join));
  must_accept(eng, ev(at("2024-03-30 10:00:00"), "c", event_kind::join));
  CHECK(profile_named(eng, "c").roles == role_set{role::creator, role::joiner});
  CHECK(eng.advance_to(at("2024-03-30 23:59:59")).empty());
  const auto moved = eng.advance_to(at("2024-03-31 00:00:00"));
  // 2024-03-31: the post and the first join leave; one join is left: spectator.
  CHECK(briefs(moved) == std::vector<std::string>{"2024-03-31T00:00:00 -creator time",
                                                  "2024-03-31T00:00:00 -joiner time",
                                                  "2024-03-31T00:00:00 +spectator time"});
  CHECK(profile_named(eng, "c").primary_role == role::spectator);
  CHECK(briefs(eng.advance_to(at("2024-04-29 00:00:00"))) ==
        std::vector<std::string>{"2024-04-29T00:00:00 -spectator time"});
  CHECK(profile_named(eng, "c").roles.empty());
  CHECK_FALSE(profile_named(eng, "c").primary_role.has_value());
  CHECK(eng.role_counts() == std::array<std::uint64_t, role_count>{0, 0, 0, 0, 0});
}

TEST_CASE("engine: a joiner made by a second join loses the role when the first join leaves the window",
          "[engine][time][roles][boundary]") {
  // The first join is on 2024-03-20, so two joins are in the window up to 2024-04-18 and
  // the joiner role ends on 2024-04-19 (its day + 30), even though a wake on 2024-03-31
  // (the post leaving) happened while the person held a single join.
  engine eng;
  must_accept(eng, ev(at("2024-03-01 10:00:00"), "j", event_kind::post));
  must_accept(eng, ev(at("2024-03-20 10:00:00"), "j", event_kind::join));
  must_accept(eng, ev(at("2024-03-25 10:00:00"), "j", event_kind::visit));
  CHECK(briefs(eng.advance_to(at("2024-04-01 00:00:00"))) ==
        std::vector<std::string>{"2024-03-31T00:00:00 -creator time", "2024-03-31T00:00:00 +spectator time"});
  CHECK(briefs(must_accept(eng, ev(at("2024-04-05 10:00:00"), "j", event_kind::join)).transitions) ==
        std::vector<std::string>{"2024-04-05T10:00:00 +joiner event", "2024-04-05T10:00:00 -spectator event"});
  CHECK(eng.advance_to(at("2024-04-18 23:59:59")).empty());
  CHECK(briefs(eng.advance_to(at("2024-04-19 00:00:00"))) ==
        std::vector<std::string>{"2024-04-19T00:00:00 -joiner time", "2024-04-19T00:00:00 +spectator time"});
  CHECK(profile_named(eng, "j").roles == role_set{role::spectator});
  CHECK(eng.role_counts() == std::array<std::uint64_t, role_count>{0, 0, 0, 1, 0});
}

TEST_CASE("engine: with utc_offset +08:00 days and deadlines follow the business calendar",
          "[engine][time][calendar]") {
  policy p;
  p.utc_offset = pt::hours(8);
  engine eng(p);
  // 2024-01-01T17:00Z is 2024-01-02 01:00 at +08:00.
  const ingest_result r = must_accept(eng, buy(at("2024-01-01 17:00:00"), "o", "o-1"));
  CHECK(briefs(r.transitions) == std::vector<std::string>{"2024-01-01T17:00:00 potential->new event",
                                                          "2024-01-01T17:00:00 +buyer event"});
  const profile pr = profile_named(eng, "o");
  CHECK(pr.first_seen == on("2024-01-02"));
  CHECK(pr.first_purchase == on("2024-01-02"));
  // Business day 2024-02-01 (2024-01-02 + 30) starts at 2024-01-31T16:00Z.
  CHECK(eng.advance_to(at("2024-01-31 15:59:59")).empty());
  CHECK(briefs(eng.advance_to(at("2024-01-31 16:00:00"))) ==
        std::vector<std::string>{"2024-01-31T16:00:00 new->passive time", "2024-01-31T16:00:00 -buyer time"});

  // The same event in UTC is on 2024-01-01, so its deadline is 2024-01-31T00:00Z.
  engine utc;
  must_accept(utc, buy(at("2024-01-01 17:00:00"), "o", "o-1"));
  CHECK(profile_named(utc, "o").first_purchase == on("2024-01-01"));
  CHECK(briefs(utc.advance_to(at("2024-01-31 00:00:00"))) ==
        std::vector<std::string>{"2024-01-31T00:00:00 new->passive time", "2024-01-31T00:00:00 -buyer time"});
}

TEST_CASE("calendar: business_day and day_start shift by the offset", "[calendar]") {
  CHECK(business_day(at("2024-01-01 17:00:00"), pt::hours(8)) == on("2024-01-02"));
  CHECK(business_day(at("2024-01-01 15:59:59"), pt::hours(8)) == on("2024-01-01"));
  CHECK(business_day(at("2024-01-01 16:00:00"), pt::hours(8)) == on("2024-01-02"));
  CHECK(day_start(on("2024-01-02"), pt::hours(8)) == at("2024-01-01 16:00:00"));
  const auto minus_330 = -(pt::hours(3) + pt::minutes(30));
  CHECK(business_day(at("2024-01-01 03:00:00"), minus_330) == on("2023-12-31"));
  CHECK(business_day(at("2024-01-01 03:30:00"), minus_330) == on("2024-01-01"));
  CHECK(day_start(on("2024-01-01"), minus_330) == at("2024-01-01 03:30:00"));
  CHECK(business_day(at("2024-01-01 00:00:00"), pt::hours(0)) == on("2024-01-01"));
}

TEST_CASE("engine: a negative offset (-03:30) moves the day boundary the other way", "[engine][time][calendar]") {
  policy p;
  p.utc_offset = -(pt::hours(3) + pt::minutes(30));
  engine eng(p);
  // 2024-03-01T02:00Z is 2024-02-29 22:30 at -03:30.
  must_accept(eng, ev(at("2024-03-01 02:00:00"), "n", event_kind::post));
  CHECK(profile_named(eng, "n").first_seen == on("2024-02-29"));
  // The post leaves the role window on business day 2024-03-30, which starts 03:30Z.
  CHECK(eng.advance_to(at("2024-03-30 03:29:59")).empty());
  CHECK(briefs(eng.advance_to(at("2024-03-30 03:30:00"))) ==
        std::vector<std::string>{"2024-03-30T03:30:00 -creator time"});
}

TEST_CASE("engine: the replay clock is the latest event time seen", "[engine][clock]") {
  engine eng;
  CHECK(eng.clock().is_not_a_date_time());
  must_accept(eng, ev(at("2024-03-05 10:00:00"), "a", event_kind::visit));
  CHECK(eng.clock() == at("2024-03-05 10:00:00"));
  must_accept(eng, ev(at("2024-03-01 10:00:00"), "a", event_kind::visit));
  CHECK(eng.clock() == at("2024-03-05 10:00:00"));
  must_accept(eng, ev(at("2024-03-06 08:00:00"), "b", event_kind::visit));
  CHECK(eng.clock() == at("2024-03-06 08:00:00"));
  CHECK(profile_named(eng, "a").first_seen == on("2024-03-01"));
}

// ---------------------------------------------------------------------------
// Host clock mode.

TEST_CASE("engine: host clock mode rejects events before the first advance_to", "[engine][clock][host]") {
  policy p;
  p.clock = clock_mode::host;
  engine eng(p);
  const ingest_result r = eng.ingest(ev(at("2024-03-01 12:00:00"), "h", event_kind::visit));
  CHECK(r.status == ingest_status::rejected);
  CHECK(r.why_rejected == reject_reason::clock_not_set);
  CHECK(eng.known_persons() == 0);
  CHECK_FALSE(eng.profile_of("h").has_value());
  CHECK(eng.counts().rejected == 1);
  CHECK(eng.counts().accepted == 0);
  CHECK(eng.clock().is_not_a_date_time());
  CHECK(eng.advance_to(at("2024-03-01 12:00:00")).empty());
  CHECK(eng.clock() == at("2024-03-01 12:00:00"));
  CHECK(eng.ingest(ev(at("2024-03-01 12:00:00"), "h", event_kind::visit)).accepted());
}

TEST_CASE("engine: host clock mode rejects an event dated beyond max_skew and changes nothing",
          "[engine][clock][host]") {
  policy p;
  p.clock = clock_mode::host;
  engine eng(p);
  const pt::ptime now = at("2024-03-01 12:00:00");
  eng.advance_to(now);
  must_accept(eng, buy(now - pt::hours(1), "a", "a-1", 100));
  const std::string a_before = all_fields(profile_named(eng, "a"));
  const auto a_history = briefs(eng.history(id_of(eng, "a")));
  const auto stages_before = eng.stage_counts();

  SECTION("a new person") {
    const ingest_result r = eng.ingest(buy(now + pt::minutes(5) + pt::seconds(1), "b", "b-1", 100));
    CHECK(r.status == ingest_status::rejected);
    CHECK(r.why_rejected == reject_reason::too_far_ahead);
    CHECK(r.transitions.empty());
    CHECK_FALSE(eng.profile_of("b").has_value());
    CHECK(eng.known_persons() == 1);
    CHECK_FALSE(eng.find("b").has_value());  // a rejected event creates no person
  }
  SECTION("a known person") {
    const ingest_result r = eng.ingest(buy(now + pt::hours(1), "a", "a-2", 100));
    CHECK(r.why_rejected == reject_reason::too_far_ahead);
    CHECK(all_fields(profile_named(eng, "a")) == a_before);
    CHECK(briefs(eng.history(id_of(eng, "a"))) == a_history);
  }
  CHECK(eng.counts().accepted == 1);
  CHECK(eng.counts().rejected == 1);
  CHECK(eng.counts().duplicate == 0);
  CHECK(eng.stage_counts() == stages_before);
  CHECK(eng.clock() == now);
}

TEST_CASE("engine: host clock mode accepts an event within max_skew, and events do not move the clock",
          "[engine][clock][host]") {
  policy p;
  p.clock = clock_mode::host;
  engine eng(p);
  const pt::ptime now = at("2024-03-01 12:00:00");
  eng.advance_to(now);
  CHECK(eng.ingest(buy(now + pt::minutes(5), "a", "a-1", 100)).accepted());
  CHECK(eng.clock() == now);
  CHECK(eng.ingest(ev(days_after(now, -10), "a", event_kind::visit)).accepted());  // the past is fine
  CHECK(eng.clock() == now);
  const profile pr = profile_named(eng, "a");
  CHECK(pr.purchases == 1);
  CHECK(pr.current_stage == stage::new_customer);
  CHECK(pr.first_seen == on("2024-02-20"));
  // With a skew of 0 only events up to the clock are accepted.
  policy strict = p;
  strict.max_skew = pt::seconds(0);
  engine tight(strict);
  tight.advance_to(now);
  CHECK(tight.ingest(ev(now, "a", event_kind::visit)).accepted());
  CHECK(tight.ingest(ev(now + pt::seconds(1), "a", event_kind::visit)).why_rejected ==
        reject_reason::too_far_ahead);
}

TEST_CASE("engine: host mode - an event within the skew but on the next business day counts from that day",
          "[engine][clock][host]") {
  policy p;
  p.clock = clock_mode::host;
  engine eng(p);
  eng.advance_to(at("2024-03-01 23:58:00"));
  const ingest_result r = eng.ingest(buy(at("2024-03-02 00:02:00"), "f", "f-1", 100));
  REQUIRE(r.accepted());
  CHECK(r.transitions.empty());  // on 2024-03-01 the purchase is not yet in P, nor in the role window
  CHECK(profile_named(eng, "f").current_stage == stage::potential);
  CHECK(profile_named(eng, "f").roles.empty());
  CHECK(briefs(eng.advance_to(at("2024-03-02 00:00:00"))) ==
        std::vector<std::string>{"2024-03-02T00:00:00 potential->new time", "2024-03-02T00:00:00 +buyer time"});
  CHECK(eng.conversions() == 1);
  CHECK(eng.conversions_by_primary_role()[static_cast<std::size_t>(role::buyer)] == 1);
}

TEST_CASE("engine: host mode - a join dated ahead makes a joiner on its own day, also for a spectator with nothing else due",
          "[engine][clock][host]") {
  // The wake on 2024-03-02 finds a spectator whose newest record is that very
  // day's join, dated ahead: the join enters the window then, so the roles
  // must be evaluated, not taken as unchanged. With and without signals.
  for (const bool signals : {false, true}) {
    CAPTURE(signals);
    policy p;
    p.clock = clock_mode::host;
    if (!signals) p.signals = signal_set::none();
    engine eng(p);
    eng.advance_to(at("2024-03-01 10:00:00"));
    REQUIRE(eng.ingest(ev(at("2024-03-01 09:00:00"), "j", event_kind::join)).accepted());
    eng.advance_to(at("2024-03-01 23:58:00"));
    REQUIRE(eng.ingest(ev(at("2024-03-02 00:01:00"), "j", event_kind::join)).accepted());
    CHECK(profile_named(eng, "j").roles == role_set{role::spectator});
    std::vector<std::string> roles;
    for (const transition& t : eng.advance_to(at("2024-03-02 00:00:00")))
      if (t.what != change::signal) roles.push_back(brief(t));
    CHECK(roles == std::vector<std::string>{"2024-03-02T00:00:00 +joiner time", "2024-03-02T00:00:00 -spectator time"});
  }
}

TEST_CASE("engine: a late event counts on its own day", "[engine][time][late]") {
  engine eng;
  must_accept(eng, ev(at("2024-03-20 10:00:00"), "other", event_kind::visit));
  // A post dated 2024-03-10 arriving on 2024-03-20: creator now, until 2024-04-09 (its day + 30).
  const ingest_result r = must_accept(eng, ev(at("2024-03-10 08:00:00"), "late", event_kind::post));
  CHECK(briefs(r.transitions) == std::vector<std::string>{"2024-03-20T10:00:00 +creator event"});
  CHECK(profile_named(eng, "late").first_seen == on("2024-03-10"));
  CHECK(eng.advance_to(at("2024-04-08 23:59:59")).empty());
  CHECK(named(eng, eng.advance_to(at("2024-04-09 00:00:00"))) ==
        std::vector<std::string>{"late 2024-04-09T00:00:00 -creator time"});
  // A post 40 days old falls outside the role window: known, but no role.
  const ingest_result old = must_accept(eng, ev(at("2024-02-28 08:00:00"), "older", event_kind::post));
  CHECK(old.transitions.empty());
  CHECK(profile_named(eng, "older").roles.empty());
  CHECK(profile_named(eng, "older").first_seen == on("2024-02-28"));
}

TEST_CASE("engine: a refund cancels a purchase of the same person only", "[engine][refund]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 10:00:00"), "a", "a-1", 1000));
  const ingest_result r = must_accept(eng, refund(at("2024-03-01 11:00:00"), "b", "a-1", "b-r1"));
  CHECK(named(eng, r.transitions) == std::vector<std::string>{"b 2024-03-01T11:00:00 +spectator event"});
  const profile a = profile_named(eng, "a");
  CHECK(a.current_stage == stage::new_customer);
  CHECK(a.purchases == 1);
  CHECK(a.refunded_purchases == 0);
  const profile b = profile_named(eng, "b");
  CHECK(b.current_stage == stage::potential);
  CHECK(b.refunded_purchases == 0);
}

TEST_CASE("engine: batch ingest by handles matches one ingest per event", "[engine][queries]") {
  engine eng;
  const person_id a = eng.intern("a"), b = eng.intern("b");
  const pt::ptime t = at("2024-05-01 09:00:00");
  const std::vector<event> events = {buy(t, "ignored", "a1"), ev(t, "ignored", event_kind::post),
                                     buy(t, "ignored", "a1")};
  const std::vector<person_id> who = {a, b, person_id{77}};
  const batch_result r = eng.ingest(who, events);
  CHECK(r.accepted == 2);
  CHECK(r.rejected == 1);
  CHECK(r.duplicate == 0);
  CHECK(eng.profile_of(a)->current_stage == stage::new_customer);
  CHECK(eng.profile_of(b)->roles == role_set{role::creator});
  CHECK_FALSE(eng.find("ignored").has_value());
  const std::vector<person_id> short_who = {a};
  CHECK_THROWS_AS(eng.ingest(short_who, events), lifecycle::error);
}

// ---------------------------------------------------------------------------
// Rejections and duplicates.

TEST_CASE("engine: bad events are rejected with their reason and change nothing", "[engine][reject]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 10:00:00"), "ana", "ana-1", 100));
  must_accept(eng, ev(at("2024-03-01 11:00:00"), "ana", event_kind::post));
  const std::string before = all_fields(profile_named(eng, "ana"));
  const auto history_before = briefs(eng.history(id_of(eng, "ana")));
  const auto stages = eng.stage_counts();
  const auto roles = eng.role_counts();
  const pt::ptime clock = eng.clock();
  const pt::ptime later = at("2024-09-01 10:00:00");  // would move the clock and lapse ana

  event negative = buy(later, "zed", "z-1", -1);
  event no_ref = ev(later, "zed", event_kind::refund);
  event score11 = ev(later, "zed", event_kind::feedback);
  score11.score = 11;
  event no_time = ev(nat(), "zed", event_kind::visit);
  event nobody = ev(later, "", event_kind::visit);
  event ana_negative = buy(later, "ana", "ana-2", -500);
  event ana_score = ev(later, "ana", event_kind::feedback);
  ana_score.score = -7;
  const std::vector<std::pair<event, reject_reason>> cases = {
      {negative, reject_reason::negative_amount}, {no_ref, reject_reason::missing_ref},
      {score11, reject_reason::bad_score},        {no_time, reject_reason::bad_time},
      {nobody, reject_reason::empty_person},      {ana_negative, reject_reason::negative_amount},
      {ana_score, reject_reason::bad_score}};
  std::uint64_t rejected = 0;
  for (const auto& [e, why] : cases) {
    INFO("person '" << std::string(e.person) << "' kind " << to_string(e.kind));
    const ingest_result r = eng.ingest(e);
    CHECK(r.status == ingest_status::rejected);
    CHECK_FALSE(r.accepted());
    CHECK(r.why_rejected == why);
    CHECK(r.transitions.empty());
    CHECK(eng.counts().rejected == ++rejected);
  }
  CHECK(eng.counts().accepted == 2);
  CHECK(eng.counts().duplicate == 0);
  CHECK(eng.known_persons() == 1);
  CHECK_FALSE(eng.find("zed").has_value());
  CHECK_FALSE(eng.profile_of("zed").has_value());
  CHECK(eng.clock() == clock);
  CHECK(all_fields(profile_named(eng, "ana")) == before);
  CHECK(briefs(eng.history(id_of(eng, "ana"))) == history_before);
  CHECK(eng.stage_counts() == stages);
  CHECK(eng.role_counts() == roles);
}

TEST_CASE("engine: a person id longer than 65535 bytes is rejected", "[engine][reject]") {
  engine eng;
  const std::string longest(65535, 'x'), too_long(65536, 'y');
  const pt::ptime t = at("2024-03-01 10:00:00");
  CHECK(eng.ingest(ev(t, longest, event_kind::visit)).accepted());
  const ingest_result r = eng.ingest(ev(t, too_long, event_kind::visit));
  CHECK(r.status == ingest_status::rejected);
  CHECK(r.why_rejected == reject_reason::person_too_long);
  CHECK(eng.known_persons() == 1);
  CHECK_FALSE(eng.find(too_long).has_value());
}

TEST_CASE("engine: fields that do not apply to the kind are ignored, boundary values are fine",
          "[engine][reject]") {
  engine eng;
  const pt::ptime t = at("2024-03-01 10:00:00");
  event visit = ev(t, "a", event_kind::visit);
  visit.amount = money{-5};
  visit.score = 42;
  CHECK(eng.ingest(visit).accepted());
  CHECK(eng.ingest(buy(t, "a", "a-1", 0)).accepted());
  for (int score : {0, 10, -1}) {
    event f = ev(t, "a", event_kind::feedback);
    f.score = score;
    INFO("score " << score);
    CHECK(eng.ingest(f).accepted());
  }
  CHECK(profile_named(eng, "a").spend == money{0});
  CHECK(profile_named(eng, "a").purchases == 1);
}

TEST_CASE("engine: an event id seen before is a duplicate and changes nothing", "[engine][duplicate]") {
  engine eng;
  const pt::ptime t = at("2024-03-01 10:00:00");
  must_accept(eng, ev(t, "x", event_kind::post, "e-1"));
  must_accept(eng, buy(t + pt::hours(1), "x", "p-1", 1000, true));
  const std::string before = all_fields(profile_named(eng, "x"));
  const auto history = briefs(eng.history(id_of(eng, "x")));
  const auto stages = eng.stage_counts();
  const auto roles = eng.role_counts();

  const ingest_result again = eng.ingest(ev(t, "x", event_kind::post, "e-1"));
  CHECK(again.status == ingest_status::duplicate);
  CHECK(again.transitions.empty());
  const ingest_result again_buy = eng.ingest(buy(t + pt::hours(1), "x", "p-1", 1000, true));
  CHECK(again_buy.status == ingest_status::duplicate);
  // The id decides, not the content.
  const ingest_result other_content = eng.ingest(buy(t + pt::hours(1), "x", "p-1", 99999, false));
  CHECK(other_content.status == ingest_status::duplicate);
  const ingest_result as_review = eng.ingest(ev(t, "x", event_kind::review, "e-1"));
  CHECK(as_review.status == ingest_status::duplicate);

  CHECK(all_fields(profile_named(eng, "x")) == before);
  CHECK(briefs(eng.history(id_of(eng, "x"))) == history);
  CHECK(eng.stage_counts() == stages);
  CHECK(eng.role_counts() == roles);
  CHECK(eng.counts().accepted == 2);
  CHECK(eng.counts().duplicate == 4);

  // An event without an id is never a duplicate.
  CHECK(eng.ingest(ev(t, "x", event_kind::post)).accepted());
  CHECK(eng.ingest(ev(t, "x", event_kind::post)).accepted());
  CHECK(eng.counts().accepted == 4);
}

TEST_CASE("engine: an event id is a duplicate even for another person", "[engine][duplicate]") {
  engine eng;
  const pt::ptime t = at("2024-03-01 10:00:00");
  must_accept(eng, ev(t, "x", event_kind::visit, "e-1"));
  const ingest_result r = eng.ingest(ev(t, "y", event_kind::visit, "e-1"));
  CHECK(r.status == ingest_status::duplicate);
  CHECK_FALSE(eng.profile_of("y").has_value());
  CHECK(eng.known_persons() == 1);
  CHECK(eng.stage_counts()[0] == 1);
}

// ---------------------------------------------------------------------------
// Queries and subscriptions.

TEST_CASE("engine: counts, matrix, conversions and history of a small day", "[engine][queries]") {
  engine eng;
  std::vector<std::string> from_results;
  std::vector<std::string> heard_a, heard_b;
  const subscription sub_a = eng.subscribe([&](const transition& t) {
    heard_a.push_back(std::string(eng.name(t.person)) + " " + brief(t));
  });
  auto feed = [&](const event& e) {
    const ingest_result r = must_accept(eng, e);
    for (const std::string& s : named(eng, r.transitions)) from_results.push_back(s);
  };
  const pt::ptime t0 = at("2024-05-01 09:00:00");
  feed(ev(t0, "ana", event_kind::post));
  feed(buy(t0 + pt::hours(1), "ana", "a1", 2000));
  feed(ev(t0 + pt::hours(2), "ben", event_kind::search));
  subscription sub_b = eng.subscribe([&](const transition& t) {
    heard_b.push_back(std::string(eng.name(t.person)) + " " + brief(t));
  });
  feed(coupon_buy(t0 + pt::hours(3), "ben", "b1", 1500));
  feed(ev(t0 + pt::hours(4), "cy", event_kind::visit));
  feed(ev(t0 + pt::hours(5), "dee", event_kind::contact));
  feed(buy(days_after(t0, -200), "eve", "e1", 700));  // arrives now, 200 days late
  feed(refund(t0 + pt::hours(6), "ana", "a1", "ar1"));
  feed(buy(t0 + pt::hours(7), "ana", "a2", 3000));

  CHECK(eng.known_persons() == 5);
  // ana new (again), ben new, cy and dee potential, eve passive.
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{2, 2, 1, 0, 0});
  // creator: ana; spectator: cy; buyer: ana, ben.
  CHECK(eng.role_counts() == std::array<std::uint64_t, role_count>{1, 0, 0, 1, 2});
  transition_matrix m{};
  m[0][1] = 3;  // potential -> new: ana twice, ben
  m[0][2] = 1;  // potential -> passive: eve
  m[1][0] = 1;  // new -> potential: ana's refund
  CHECK(eng.matrix() == m);
  CHECK(eng.conversions() == 3);
  // At conversion ana was creator and buyer with one event each (tie: creator), ben a buyer,
  // eve had no event in the role window.
  CHECK(eng.conversions_by_primary_role() == std::array<std::uint64_t, role_count + 1>{1, 0, 0, 0, 1, 1});
  CHECK(eng.counts().accepted == 9);
  CHECK(eng.counts().duplicate == 0);
  CHECK(eng.counts().rejected == 0);

  CHECK(briefs(eng.history(id_of(eng, "ana"))) ==
        std::vector<std::string>{"2024-05-01T09:00:00 +creator event", "2024-05-01T10:00:00 potential->new event",
                                 "2024-05-01T10:00:00 +buyer event",
                                 "2024-05-01T15:00:00 new->potential correction",
                                 "2024-05-01T16:00:00 potential->new event"});
  CHECK(eng.history(id_of(eng, "dee")).empty());
  CHECK(briefs(eng.history(id_of(eng, "eve"))) ==
        std::vector<std::string>{"2024-05-01T14:00:00 potential->passive correction"});
  CHECK(named(eng, eng.all_history()) == from_results);
  CHECK(from_results.size() == 9);
  CHECK(heard_a == from_results);
  // sub_b joined before ben's purchase: it heard everything from there on.
  CHECK(heard_b == std::vector<std::string>(from_results.begin() + 4, from_results.end()));
  CHECK(eng.history(person_id{}).empty());

  // Time passes: everyone's role window and new period end on 2024-05-31.
  eng.unsubscribe(sub_a);
  heard_b.clear();
  const std::size_t a_size = heard_a.size();
  const auto moved = named(eng, eng.advance_to(at("2024-06-10 00:00:00")));
  // ana's four events of 2024-05-01, then none: usage_decline 14 days later (4 before, 0 since).
  CHECK(sorted(moved) == sorted({"ana 2024-05-15T00:00:00 !usage_decline time", "ana 2024-05-31T00:00:00 new->passive time", "ana 2024-05-31T00:00:00 -creator time",
                                 "ana 2024-05-31T00:00:00 -buyer time", "ben 2024-05-31T00:00:00 new->passive time",
                                 "ben 2024-05-31T00:00:00 -buyer time", "cy 2024-05-31T00:00:00 -spectator time"}));
  CHECK(heard_b == moved);
  CHECK(heard_a.size() == a_size);
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{2, 0, 3, 0, 0});
  CHECK(eng.role_counts() == std::array<std::uint64_t, role_count>{0, 0, 0, 0, 0});
  CHECK(eng.matrix()[1][2] == 2);
  CHECK(eng.conversions() == 3);

  eng.unsubscribe(sub_b);
  eng.unsubscribe(sub_b);  // twice is harmless
  must_accept(eng, buy(at("2024-06-10 10:00:00"), "dee", "d1"));
  CHECK(heard_b.size() == moved.size());
  CHECK(eng.conversions() == 4);
}

TEST_CASE("engine: batch ingest totals what happened", "[engine][queries]") {
  engine eng;
  const pt::ptime t = at("2024-05-01 09:00:00");
  const std::vector<event> batch = {
      buy(t, "a", "a1"),                               // potential->new, +buyer
      buy(t, "a", "a1"),                               // duplicate
      ev(t + pt::hours(1), "b", event_kind::visit),    // +spectator
      buy(t + pt::hours(2), "c", "c1", -3),            // rejected
      ev(t + pt::hours(3), "b", event_kind::post),     // +creator, -spectator
  };
  const batch_result r = eng.ingest(batch);
  CHECK(r.accepted == 3);
  CHECK(r.duplicate == 1);
  CHECK(r.rejected == 1);
  CHECK(r.transitions == 5);
  CHECK(eng.counts().accepted == 3);
  CHECK(eng.counts().duplicate == 1);
  CHECK(eng.counts().rejected == 1);
  CHECK(eng.all_history().size() == 5);
}

TEST_CASE("engine: intern, find, name and ingest by handle", "[engine][queries]") {
  engine eng;
  CHECK_FALSE(eng.find("q").has_value());
  const person_id q = eng.intern("q");
  const person_id r = eng.intern("r");
  CHECK(q.valid());
  CHECK(q == person_id{0});
  CHECK(r == person_id{1});
  CHECK(eng.intern("q") == q);
  CHECK(eng.find("q") == q);
  CHECK(eng.name(r) == "r");
  // Interned but without an event: not known, no stage, not counted.
  CHECK_FALSE(eng.profile_of(q).has_value());
  CHECK(eng.known_persons() == 0);
  CHECK(eng.stage_counts() == std::array<std::uint64_t, stage_count>{0, 0, 0, 0, 0});

  const ingest_result res = eng.ingest(q, buy(at("2024-05-01 09:00:00"), "ignored", "q1"));
  CHECK(res.accepted());
  CHECK(res.person == q);
  CHECK(eng.profile_of(q)->current_stage == stage::new_customer);
  CHECK_FALSE(eng.find("ignored").has_value());
  CHECK(eng.known_persons() == 1);

  const ingest_result bad = eng.ingest(person_id{999}, ev(at("2024-05-01 09:00:00"), "x", event_kind::visit));
  CHECK(bad.status == ingest_status::rejected);
  CHECK(bad.why_rejected == reject_reason::unknown_person);
  CHECK(eng.ingest(person_id{}, ev(at("2024-05-01 09:00:00"), "x", event_kind::visit)).why_rejected ==
        reject_reason::unknown_person);
  CHECK_THROWS_AS(eng.name(person_id{999}), lifecycle::error);
  CHECK_FALSE(eng.profile_of(person_id{999}).has_value());
  CHECK(eng.counts().rejected == 2);
}

TEST_CASE("engine: history_mode stages keeps stage moves only, none keeps nothing", "[engine][queries]") {
  const pt::ptime t = at("2024-05-01 09:00:00");
  engine stages_only({}, engine_options{history_mode::stages, 0});
  const ingest_result r = stages_only.ingest(buy(t, "a", "a1"));
  CHECK(r.transitions.size() == 2);
  CHECK(briefs(stages_only.history(*stages_only.find("a"))) ==
        std::vector<std::string>{"2024-05-01T09:00:00 potential->new event"});

  engine none({}, engine_options{history_mode::none, 16});
  std::size_t heard = 0;
  none.subscribe([&heard](const transition&) { ++heard; });
  const ingest_result n = none.ingest(buy(t, "a", "a1"));
  CHECK(n.transitions.size() == 2);
  CHECK(heard == 2);
  CHECK(none.history(*none.find("a")).empty());
  CHECK(none.all_history().empty());
  CHECK(none.stage_counts()[1] == 1);
  // Keeping nothing costs nothing; keeping stages costs the kept moves and a
  // little per person (where each person's latest is).
  for (int i = 0; i < 100; ++i) none.intern(fmt::format("p{}", i));
  CHECK(none.memory().history == 0);
  const std::size_t before = stages_only.memory().history;
  CHECK(before > 0);
  for (int i = 0; i < 100; ++i) stages_only.intern(fmt::format("p{}", i));
  CHECK(stages_only.memory().history >= before + 100 * sizeof(std::uint32_t));
}

TEST_CASE("engine: days_in_stage and stage_since follow the clock", "[engine][queries][time]") {
  engine eng;
  must_accept(eng, buy(at("2024-03-01 00:00:00"), "a", "a1"));
  eng.advance_to(at("2024-03-11 00:00:00"));
  profile p = profile_named(eng, "a");
  CHECK(p.days_in_stage[0] == 0.0);
  CHECK(p.days_in_stage[1] == 10.0);
  eng.advance_to(at("2024-04-10 00:00:00"));  // new -> passive on 2024-03-31
  p = profile_named(eng, "a");
  CHECK(p.stage_since == at("2024-03-31 00:00:00"));
  CHECK(p.days_in_stage[1] == 30.0);
  CHECK(p.days_in_stage[2] == 10.0);
}

TEST_CASE("engine: stage and role counts always match the profiles", "[engine][queries]") {
  engine eng;
  const pt::ptime t = at("2024-01-01 09:00:00");
  const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f"};
  for (int day = 0; day < 120; day += 3) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if ((day / 3 + static_cast<int>(i)) % (static_cast<int>(i) + 2) != 0) continue;
      const pt::ptime when = days_after(t, day) + pt::hours(static_cast<long>(i));
      const event_kind kinds[] = {event_kind::post,   event_kind::purchase, event_kind::join,
                                  event_kind::follow, event_kind::review,   event_kind::visit};
      const event_kind k = kinds[(static_cast<std::size_t>(day) + i) % 6];
      if (k == event_kind::purchase)
        must_accept(eng, buy(when, names[i], {}, 100, day % 2 == 0));
      else
        must_accept(eng, ev(when, names[i], k));
    }
  }
  for (const char* later : {"2024-05-01 00:00:00", "2024-08-01 00:00:00", "2025-01-01 00:00:00"}) {
    eng.advance_to(at(later));
    std::array<std::uint64_t, stage_count> stages{};
    std::array<std::uint64_t, role_count> roles{};
    for (const std::string& n : names) {
      const auto p = eng.profile_of(n);
      if (!p) continue;
      ++stages[static_cast<std::size_t>(p->current_stage)];
      for (role r : all_roles)
        if (p->roles.contains(r)) ++roles[static_cast<std::size_t>(r)];
    }
    INFO("at " << later);
    CHECK(eng.stage_counts() == stages);
    CHECK(eng.role_counts() == roles);
  }
}

TEST_CASE("engine: moving an engine keeps its state", "[engine]") {
  engine a;
  must_accept(a, buy(at("2024-03-01 10:00:00"), "x", "x1"));
  engine b(std::move(a));
  CHECK(profile_named(b, "x").current_stage == stage::new_customer);
  engine c;
  c = std::move(b);
  CHECK(c.known_persons() == 1);
  CHECK(c.ingest(buy(at("2024-03-01 10:00:00"), "x", "x1")).status == ingest_status::duplicate);
}
