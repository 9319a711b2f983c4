// The stage graph: named stage vertices in a Boost.Graph adjacency_list, edges
// marked normal or correction, validated by breadth-first searches, and folded
// into a 5x5 table so that classifying a move never walks the graph.

#include "lifecycle/stage_graph.hpp"

#include <algorithm>
#include <bit>
#include <sstream>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/named_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/multi_index/member.hpp>
#include <fmt/format.h>

#include "detail/stage_table.hpp"
#include "lifecycle/error.hpp"
#include "lifecycle/policy.hpp"

namespace lifecycle::detail {

/// A vertex: one stage, found by its text name ("deal_hunter").
struct stage_vertex {
  std::string name;
  stage value = stage::potential;
};

/// An edge: how the engine classifies the move, and what makes a person take it.
struct move_edge {
  move_kind kind = move_kind::normal;
  std::string note;
};

}  // namespace lifecycle::detail

// Named vertices: add_edge and find_vertex take the stage's text name.
namespace boost::graph {
template <>
struct internal_vertex_name<lifecycle::detail::stage_vertex> {
  using type = multi_index::member<lifecycle::detail::stage_vertex, std::string, &lifecycle::detail::stage_vertex::name>;
};
template <>
struct internal_vertex_constructor<lifecycle::detail::stage_vertex> {
  using type = cannot_add_vertex<lifecycle::detail::stage_vertex>;  // the five stages are all there is
};
}  // namespace boost::graph

namespace lifecycle {

using detail::move_edge;
using detail::stage_vertex;

namespace {

using graph_type =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, stage_vertex, move_edge>;
using vertex = boost::graph_traits<graph_type>::vertex_descriptor;

struct model_edge {
  stage from, to;
  move_kind kind;
  std::string_view note;
};

// model.md, "The state machine": the normal lifecycle, then the moves that only
// late events and refunds force.
constexpr std::array<model_edge, 20> model_edges = {{
    {stage::potential, stage::new_customer, move_kind::normal, "the first purchase"},
    {stage::new_customer, stage::passive, move_kind::normal, "the new period ends: buys now and then, or has lapsed"},
    {stage::new_customer, stage::deal_hunter, move_kind::normal, "the new period ends: buys mostly with coupons"},
    {stage::new_customer, stage::loyal, move_kind::normal, "the new period ends: repeat purchases and a follow"},
    {stage::passive, stage::deal_hunter, move_kind::normal, "reactivated by purchases with coupons"},
    {stage::passive, stage::loyal, move_kind::normal, "reactivated: repeat purchases and a follow"},
    {stage::deal_hunter, stage::loyal, move_kind::normal, "fewer coupons among the purchases in the window"},
    {stage::deal_hunter, stage::passive, move_kind::normal, "lapsed, or too few purchases in the window"},
    {stage::loyal, stage::deal_hunter, move_kind::normal, "more coupons among the purchases in the window"},
    {stage::loyal, stage::passive, move_kind::normal, "lapsed, or too few purchases or follows in the window"},
    {stage::potential, stage::passive, move_kind::correction, "a late order, dated after its new period"},
    {stage::potential, stage::deal_hunter, move_kind::correction, "late orders that make a deal hunter at once"},
    {stage::potential, stage::loyal, move_kind::correction, "late orders that make a loyal customer at once"},
    {stage::new_customer, stage::potential, move_kind::correction, "every purchase refunded"},
    {stage::passive, stage::potential, move_kind::correction, "every purchase refunded"},
    {stage::deal_hunter, stage::potential, move_kind::correction, "every purchase refunded"},
    {stage::loyal, stage::potential, move_kind::correction, "every purchase refunded"},
    {stage::passive, stage::new_customer, move_kind::correction, "the first order refunded: the next is recent"},
    {stage::deal_hunter, stage::new_customer, move_kind::correction, "the first order refunded: the next is recent"},
    {stage::loyal, stage::new_customer, move_kind::correction, "the first order refunded: the next is recent"},
}};

vertex vertex_of(const graph_type& g, std::string_view name) {
  const auto v = boost::graph::find_vertex(std::string(name), g);
  if (!v) throw error(errc::invalid_policy, fmt::format("stage graph: unknown stage '{}'", name));
  return *v;
}

/// Fills \p g (empty) with the model's graph, the edits applied; not yet
/// validated. In place: the name index of a named graph refers to its graph,
/// so such a graph is never copied or moved.
void build(graph_type& g, const stage_moves& allow, const stage_moves& forbid) {
  for (stage s : all_stages) add_vertex(stage_vertex{std::string(to_string(s)), s}, g);
  for (const model_edge& e : model_edges) {
    const stage_move m{e.from, e.to};
    if (forbid.contains(m)) continue;
    move_edge edge{e.kind, std::string(e.note)};
    if (allow.contains(m) && e.kind != move_kind::normal) {
      edge.kind = move_kind::normal;
      edge.note = fmt::format("allowed by the policy (in the model a correction: {})", e.note);
    }
    add_edge(vertex_of(g, to_string(e.from)), vertex_of(g, to_string(e.to)), edge, g);
  }
  // Every ordered pair of distinct stages is a model edge, so an allowed move
  // that is no edge yet can only join a stage to itself; validation names it.
}

/// Keeps the normal edges only: validation and reachability are about the
/// normal lifecycle (with correction edges every stage reaches every other).
struct normal_only {
  const graph_type* g = nullptr;
  bool operator()(boost::graph_traits<graph_type>::edge_descriptor e) const { return (*g)[e].kind == move_kind::normal; }
};

/// The stages a breadth-first search of \p g reaches from \p start.
template <class Graph>
std::array<bool, stage_count> reached_from(const Graph& g, const graph_type& base, stage start) {
  std::array<bool, stage_count> seen{};
  struct on_discover : boost::default_bfs_visitor {
    const graph_type* base;
    std::array<bool, stage_count>* seen;
    void discover_vertex(vertex v, const Graph&) const { (*seen)[static_cast<std::size_t>((*base)[v].value)] = true; }
  };
  on_discover vis;
  vis.base = &base;
  vis.seen = &seen;
  boost::breadth_first_search(g, vertex_of(base, to_string(start)), boost::visitor(vis));
  return seen;
}

std::array<bool, stage_count> normal_reach(const graph_type& g, stage start) {
  const boost::filtered_graph<graph_type, normal_only> normal(g, normal_only{&g});
  return reached_from(normal, g, start);
}

/// The stages from which \p goal can be reached by normal moves (a search of the reversed graph).
std::array<bool, stage_count> reaching(const graph_type& g, stage goal) {
  const boost::filtered_graph<graph_type, normal_only> normal(g, normal_only{&g});
  const boost::reverse_graph<boost::filtered_graph<graph_type, normal_only>> reversed(normal);
  return reached_from(reversed, g, goal);
}

std::string edits_hint(const stage_moves& forbid) {
  return forbid.empty() ? std::string() : fmt::format(" (forbid_moves = {})", to_string(forbid));
}

void validate(const graph_type& g, const stage_moves& allow, const stage_moves& forbid) {
  for (const stage_move& m : allow.list())
    if (m.from == m.to) throw error(errc::invalid_policy, fmt::format("stage graph: allow_moves holds {}, a stage to itself", to_string(m)));
  for (const stage_move& m : forbid.list()) {
    if (m.from == m.to) throw error(errc::invalid_policy, fmt::format("stage graph: forbid_moves holds {}, a stage to itself", to_string(m)));
    if (allow.contains(m))
      throw error(errc::invalid_policy,
                  fmt::format("stage graph: {} is both in allow_moves and in forbid_moves", to_string(m)));
  }
  const auto from_potential = normal_reach(g, stage::potential);
  for (stage s : all_stages)
    if (!from_potential[static_cast<std::size_t>(s)])
      throw error(errc::invalid_policy, fmt::format("stage graph: {} cannot be reached from potential by normal moves{}",
                                                    to_string(s), edits_hint(forbid)));
  const auto to_loyal = reaching(g, stage::loyal);
  for (stage s : all_stages)
    if (is_customer(s) && !to_loyal[static_cast<std::size_t>(s)])
      throw error(errc::invalid_policy, fmt::format("stage graph: loyal cannot be reached from {} by normal moves{}",
                                                    to_string(s), edits_hint(forbid)));
}

move_table table_of(const graph_type& g) {
  move_table t;
  for (auto& row : t) row.fill(move_kind::forbidden);
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const stage from = g[boost::source(*it, g)].value, to = g[boost::target(*it, g)].value;
    t[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)] = g[*it].kind;
  }
  return t;
}

void check_stage(stage s) {
  if (static_cast<std::size_t>(s) >= stage_count)
    throw error(errc::invalid_argument, fmt::format("stage_moves: unknown stage {}", static_cast<int>(s)));
}

std::uint32_t bit(stage_move m) {
  return std::uint32_t{1} << (static_cast<std::uint32_t>(m.from) * stage_count + static_cast<std::uint32_t>(m.to));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------
// Moves and sets of moves.

std::string to_string(stage_move m) { return fmt::format("{}->{}", to_string(m.from), to_string(m.to)); }

std::optional<stage_move> parse_stage_move(std::string_view text) noexcept {
  const std::size_t arrow = text.find("->");
  if (arrow == std::string_view::npos) return std::nullopt;
  const auto from = parse_stage(trim(text.substr(0, arrow)));
  const auto to = parse_stage(trim(text.substr(arrow + 2)));
  if (!from || !to) return std::nullopt;
  return stage_move{*from, *to};
}

stage_moves::stage_moves(std::initializer_list<stage_move> moves) {
  for (const stage_move& m : moves) insert(m);
}

void stage_moves::insert(stage_move m) {
  check_stage(m.from);
  check_stage(m.to);
  bits_ |= bit(m);
}

void stage_moves::erase(stage_move m) noexcept {
  if (static_cast<std::size_t>(m.from) < stage_count && static_cast<std::size_t>(m.to) < stage_count) bits_ &= ~bit(m);
}

bool stage_moves::contains(stage_move m) const noexcept {
  if (static_cast<std::size_t>(m.from) >= stage_count || static_cast<std::size_t>(m.to) >= stage_count) return false;
  return (bits_ & bit(m)) != 0;
}

std::size_t stage_moves::size() const noexcept { return static_cast<std::size_t>(std::popcount(bits_)); }

std::vector<stage_move> stage_moves::list() const {
  std::vector<stage_move> out;
  for (stage from : all_stages)
    for (stage to : all_stages)
      if (contains({from, to})) out.push_back({from, to});
  return out;
}

std::string to_string(const stage_moves& m) {
  if (m.empty()) return "none";
  std::string out;
  for (const stage_move& x : m.list()) {
    if (!out.empty()) out += ", ";
    out += to_string(x);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The graph.

struct stage_graph::impl {
  graph_type g;
  impl(const stage_moves& allow, const stage_moves& forbid) { build(g, allow, forbid); }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
};

stage_graph::stage_graph() : stage_graph(stage_moves{}, stage_moves{}) {}

stage_graph::stage_graph(const stage_moves& allow, const stage_moves& forbid)
    : impl_(std::make_unique<impl>(allow, forbid)), allow_(allow), forbid_(forbid) {
  validate(impl_->g, allow, forbid);
  table_ = table_of(impl_->g);
}

stage_graph::stage_graph(const policy& p) : stage_graph(p.allow_moves, p.forbid_moves) {}

stage_graph::~stage_graph() = default;

stage_graph::stage_graph(const stage_graph& o)
    : impl_(std::make_unique<impl>(o.allow_, o.forbid_)), table_(o.table_), allow_(o.allow_), forbid_(o.forbid_) {}

stage_graph& stage_graph::operator=(const stage_graph& o) {
  if (this != &o) *this = stage_graph(o);
  return *this;
}

stage_graph::stage_graph(stage_graph&&) noexcept = default;
stage_graph& stage_graph::operator=(stage_graph&&) noexcept = default;

std::vector<stage_edge> stage_graph::edges() const {
  const graph_type& g = impl_->g;
  std::vector<stage_edge> out;
  for (move_kind k : {move_kind::normal, move_kind::correction})
    for (auto [it, end] = boost::edges(g); it != end; ++it)
      if (g[*it].kind == k)
        out.push_back({g[boost::source(*it, g)].value, g[boost::target(*it, g)].value, k, g[*it].note});
  for (const stage_move& m : forbid_.list())
    if (m.from != m.to) out.push_back({m.from, m.to, move_kind::forbidden, "forbidden by the policy (forbid_moves)"});
  return out;
}

bool stage_graph::reachable(stage from, stage to) const {
  check_stage(from);
  check_stage(to);
  return normal_reach(impl_->g, from)[static_cast<std::size_t>(to)];
}

std::size_t stage_graph::count(move_kind k) const noexcept {
  std::size_t n = 0;
  for (stage from : all_stages)
    for (stage to : all_stages)
      if (from != to && kind(from, to) == k) ++n;
  return n;
}

// ---------------------------------------------------------------------------
// Rendering.

std::string render_text(const stage_graph& g) {
  const std::vector<stage_edge> edges = g.edges();
  std::string out = fmt::format("stage graph: {} stages, {} normal moves, {} correction moves, {} forbidden\n",
                                stage_count, g.count(move_kind::normal), g.count(move_kind::correction),
                                g.count(move_kind::forbidden));
  out += fmt::format("policy: allow_moves = {}; forbid_moves = {}\n\n", to_string(g.allowed()), to_string(g.forbidden()));
  std::size_t w_from = 4, w_to = 2;
  for (const stage_edge& e : edges) {
    w_from = std::max(w_from, to_string(e.from).size());
    w_to = std::max(w_to, to_string(e.to).size());
  }
  out += fmt::format("  {:<{}}  {:<{}}  {:<10}  {}\n", "from", w_from, "to", w_to, "kind", "what moves a person along it");
  for (const stage_edge& e : edges)
    out += fmt::format("  {:<{}}  {:<{}}  {:<10}  {}\n", to_string(e.from), w_from, to_string(e.to), w_to,
                       to_string(e.kind), e.note);
  out += "\nnormal moves are caused by events or by time; any other move the rules make is\n"
         "recorded as a correction (a forbidden one is also counted as forbidden).\n";
  out += "checked: every stage can be reached from potential by normal moves, and loyal\n"
         "from new, passive and deal_hunter.\n";
  return out;
}

std::string render_dot(const stage_graph& sg) {
  // Through Boost.Graph's own writer: the graph as built, plus the forbidden
  // moves as extra dotted edges (they are no edges of the graph itself).
  graph_type g;
  build(g, sg.allowed(), sg.forbidden());
  for (const stage_move& m : sg.forbidden().list())
    if (m.from != m.to)
      add_edge(vertex_of(g, to_string(m.from)), vertex_of(g, to_string(m.to)),
               move_edge{move_kind::forbidden, "forbidden by the policy"}, g);
  std::ostringstream out;
  boost::write_graphviz(
      out, g,
      [&g](std::ostream& o, vertex v) {
        o << fmt::format("[label=\"{}\"{}]", g[v].name,
                         g[v].value == stage::potential ? ", shape=doublecircle" : "");
      },
      [&g](std::ostream& o, boost::graph_traits<graph_type>::edge_descriptor e) {
        switch (g[e].kind) {
          case move_kind::normal: o << "[penwidth=2]"; break;
          case move_kind::correction: o << "[style=dashed, color=\"#999999\", constraint=false]"; break;
          case move_kind::forbidden:
            o << "[style=dotted, color=\"#c03030\", label=\"forbidden\", fontcolor=\"#c03030\", constraint=false]";
            break;
        }
      },
      [](std::ostream& o) {
        o << "label=\"lifecycle stage graph: solid = normal, dashed = correction, dotted = forbidden\";\n"
             "labelloc=t;\nrankdir=LR;\nfontname=\"Helvetica\";\n"
             "node [shape=circle, fixedsize=true, width=1.3, style=filled, fillcolor=\"#dbe8fb\", fontname=\"Helvetica\"];\n"
             "edge [fontname=\"Helvetica\", fontsize=10];\n";
      });
  return out.str();
}

// ---------------------------------------------------------------------------
// The table person_state and the engine classify with.

namespace detail {

move_table move_table_of(const stage_moves& allow, const stage_moves& forbid) {
  if (allow.empty() && forbid.empty()) {
    static const move_table model = stage_graph().table();
    return model;
  }
  // person_state asks on every call; build a host's graph once per thread.
  thread_local std::optional<std::pair<std::pair<stage_moves, stage_moves>, move_table>> last;
  if (!last || last->first.first != allow || last->first.second != forbid) {
    graph_type g;
    build(g, allow, forbid);
    last.emplace(std::pair{allow, forbid}, table_of(g));
  }
  return last->second;
}

}  // namespace detail

}  // namespace lifecycle
