#pragma once
/// \file stage_graph.hpp
/// The stage graph: the customer stages and the moves between them that the
/// lifecycle allows (model.md, "The state machine"). The engine classifies
/// every stage transition against it: a move along a normal edge is caused by
/// an event or by time; any other move is a correction.
///
/// The graph is the model's, edited by two policy keys: `allow_moves` adds
/// normal moves and `forbid_moves` removes moves. A business that never lets a
/// loyal customer be called a deal hunter writes `forbid_moves = loyal->deal_hunter`;
/// the rules may still produce that move (they decide stages, the graph only
/// describes the normal lifecycle), and the engine then records it as a
/// correction and counts it (`engine::forbidden_moves`).

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

struct policy;

/// One move between two stages, e.g. loyal -> deal_hunter.
struct stage_move {
  stage from = stage::potential;
  stage to = stage::potential;
  friend constexpr auto operator<=>(const stage_move&, const stage_move&) = default;
};

/// "loyal->deal_hunter".
std::string to_string(stage_move m);

/// Parses "loyal->deal_hunter" (blanks around the arrow and the names are
/// allowed); nullopt for anything else, including an unknown stage name.
std::optional<stage_move> parse_stage_move(std::string_view text) noexcept;

/// A set of moves: what the policy keys `allow_moves` and `forbid_moves` hold.
/// A small value (one bit per ordered pair of stages).
class stage_moves {
 public:
  constexpr stage_moves() noexcept = default;
  /// Throws `lifecycle::error` (errc::invalid_argument) for a stage outside the enum.
  stage_moves(std::initializer_list<stage_move> moves);

  /// Adds \p m. Throws `lifecycle::error` (errc::invalid_argument) when a
  /// stage is outside the enum. A move from a stage to itself is held, and
  /// rejected by validation (`policy::validate`), which names it.
  void insert(stage_move m);
  void erase(stage_move m) noexcept;
  bool contains(stage_move m) const noexcept;
  bool empty() const noexcept { return bits_ == 0; }
  std::size_t size() const noexcept;
  /// The moves in order of (from, to).
  std::vector<stage_move> list() const;

  friend bool operator==(const stage_moves&, const stage_moves&) = default;

 private:
  std::uint32_t bits_ = 0;  // bit from * stage_count + to
};

/// "none", or the moves joined by ", " ("loyal->deal_hunter, passive->new").
std::string to_string(const stage_moves& m);

/// What the graph says about a move.
enum class move_kind : std::uint8_t {
  normal,      ///< an edge of the normal lifecycle: caused by an event or by time
  correction,  ///< an edge only late events and refunds take: recorded as a correction
  forbidden    ///< no edge (the policy removed it): recorded as a correction and counted
};
inline constexpr std::array<std::string_view, 3> move_kind_names = {"normal", "correction", "forbidden"};
constexpr std::string_view to_string(move_kind k) noexcept { return move_kind_names[static_cast<std::size_t>(k)]; }
constexpr std::optional<move_kind> parse_move_kind(std::string_view t) noexcept {
  return detail::parse_enum<move_kind>(move_kind_names, t);
}

/// The kind of every move, indexed [from][to]; the diagonal is unused (forbidden).
using move_table = std::array<std::array<move_kind, stage_count>, stage_count>;

/// One edge of the graph, or a forbidden move.
struct stage_edge {
  stage from = stage::potential;
  stage to = stage::potential;
  move_kind kind = move_kind::normal;
  std::string note;  ///< what makes a person take it, e.g. "the first purchase"
};

/// The stage graph: five named stage vertices and the moves between them, each
/// edge marked normal or correction. Built once (a Boost.Graph adjacency_list
/// behind the scenes), then asked in O(1) through a 5x5 table.
///
/// The model's graph has every ordered pair of distinct stages as an edge:
/// the 10 normal moves of model.md and 10 correction moves (late orders out of
/// potential, full refunds back to potential, a refunded first order that
/// makes a customer new again).
class stage_graph {
 public:
  /// The model's graph.
  stage_graph();
  /// The model's graph with \p allow added as normal edges and \p forbid
  /// removed, validated: every stage must be reachable from potential by
  /// normal moves, and loyal from every customer stage (new, passive,
  /// deal_hunter); no move may join a stage to itself or be both allowed and
  /// forbidden. Throws `lifecycle::error` (errc::invalid_policy) naming the
  /// offending stage or edge, e.g.
  /// "stage graph: loyal cannot be reached from passive by normal moves".
  stage_graph(const stage_moves& allow, const stage_moves& forbid);
  /// The graph of `p.allow_moves` and `p.forbid_moves`; throws as above.
  explicit stage_graph(const policy& p);
  /// Copies rebuild the graph (it is tiny); a moved-from graph may only be
  /// assigned to or destroyed.
  ~stage_graph();
  stage_graph(const stage_graph&);
  stage_graph& operator=(const stage_graph&);
  stage_graph(stage_graph&&) noexcept;
  stage_graph& operator=(stage_graph&&) noexcept;

  /// The kind of the move \p from -> \p to (forbidden when from == to). O(1).
  move_kind kind(stage from, stage to) const noexcept { return table_[index(from)][index(to)]; }
  /// True for a normal edge. O(1).
  bool is_normal(stage from, stage to) const noexcept { return kind(from, to) == move_kind::normal; }
  /// The lookup table the engine classifies with, computed from the graph's edges.
  const move_table& table() const noexcept { return table_; }

  /// The edges (normal first, then corrections, in the model's order), then
  /// the forbidden moves between distinct stages.
  std::vector<stage_edge> edges() const;
  /// Whether \p to can be reached from \p from by normal moves (a breadth-first
  /// search of the graph; true when from == to). Throws `lifecycle::error`
  /// (errc::invalid_argument) for a stage outside the enum.
  bool reachable(stage from, stage to) const;
  /// Normal edges, correction edges and forbidden moves.
  std::size_t count(move_kind k) const noexcept;

  const stage_moves& allowed() const noexcept { return allow_; }
  const stage_moves& forbidden() const noexcept { return forbid_; }

 private:
  static constexpr std::size_t index(stage s) noexcept {
    const auto i = static_cast<std::size_t>(s);
    return i < stage_count ? i : 0;
  }
  struct impl;
  std::unique_ptr<impl> impl_;
  move_table table_{};
  stage_moves allow_, forbid_;
};

/// The graph as a text table: from, to, kind and what makes a person take the
/// move, then what validation checked. What `lifecycle graph` prints.
std::string render_text(const stage_graph& g);
/// The graph as Graphviz DOT (`dot -Tsvg` renders it): normal edges solid,
/// correction edges dashed and grey, forbidden moves dotted and red.
std::string render_dot(const stage_graph& g);

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::move_kind> : lifecycle::detail::enum_formatter<lifecycle::move_kind> {};
