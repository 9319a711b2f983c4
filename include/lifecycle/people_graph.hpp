#pragma once
/// \file people_graph.hpp
/// The people graph: who pays for whom, and who brings whom.
///
/// The one who pays and the one who uses can differ (a parent pays for a
/// child's app, a company buys the seats its staff use), and customers bring
/// others (referrals, advocacy). A purchase with `target=` links payer ->
/// beneficiary; a referral with `target=` links referrer -> referred. The engine
/// keeps these links as events arrive (`engine::links`); this class builds them
/// into two compressed sparse row graphs (Boost.Graph), one per kind, and
/// answers questions of them.
///
/// ```
/// const lifecycle::people_graph g(eng);              // O(persons + links)
/// for (lifecycle::person_id kid : g.beneficiaries(*eng.find("mom"))) ...
/// const auto r = g.reach(*eng.find("sara"));        // everyone her referrals reached
/// ```

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "lifecycle/person_id.hpp"
#include "lifecycle/person_link.hpp"

namespace lifecycle {

class engine;

/// A person's referral reach.
struct referral_reach {
  std::uint64_t persons = 0;    ///< everyone reachable through referrals, the person excluded
  std::uint64_t customers = 0;  ///< of them, persons who became customers
};

/// One advocate: a person whose referrals brought customers.
struct advocate {
  person_id who;
  std::uint64_t referred = 0;            ///< distinct persons they referred
  std::uint64_t referred_customers = 0;  ///< of them, persons who became customers
  referral_reach reach;                  ///< through referrals of referrals, too
};

/// The graph of person links. Immutable once built; queries are const and
/// may run on several threads at once.
class people_graph {
 public:
  /// An empty graph.
  people_graph();
  /// Builds from \p eng's links, persons and conversions, as of now. O(persons
  /// + links log links) time (the links are sorted to merge repeats); 16 bytes
  /// per person (two graphs, both directions) and 16 per distinct link.
  explicit people_graph(const engine& eng);
  /// Builds from links kept elsewhere: \p persons handles (every link's ends
  /// must be below it; throws `lifecycle::error`, errc::invalid_argument,
  /// otherwise), and the persons who became customers. Links from a person to
  /// themself are ignored (the engine never records them).
  people_graph(std::size_t persons, std::span<const person_link> links, std::span<const person_id> customers);
  ~people_graph();
  /// A moved-from graph may only be assigned to or destroyed.
  people_graph(people_graph&&) noexcept;
  people_graph& operator=(people_graph&&) noexcept;
  people_graph(const people_graph&) = delete;
  people_graph& operator=(const people_graph&) = delete;

  /// Handles the graph spans (0 .. persons() - 1).
  std::size_t persons() const noexcept;
  /// Links of \p k as recorded, repeats included (a parent paying twice for a child is 2).
  std::uint64_t links(link_kind k) const noexcept;
  /// Distinct from -> to pairs of \p k: the graph's edges.
  std::uint64_t edges(link_kind k) const noexcept;
  /// Persons with at least one outgoing link of \p k (payers, referrers). O(persons).
  std::uint64_t sources(link_kind k) const noexcept;
  /// Persons with at least one incoming link of \p k (beneficiaries, referred). O(persons).
  std::uint64_t targets(link_kind k) const noexcept;

  /// The persons \p payer paid for, in handle order. Empty for a handle outside the graph.
  std::vector<person_id> beneficiaries(person_id payer) const;
  /// The persons who paid for \p user, in handle order.
  std::vector<person_id> payers(person_id user) const;
  /// The persons \p p referred directly, in handle order.
  std::vector<person_id> referred(person_id p) const;
  /// The persons who referred \p p, in handle order.
  std::vector<person_id> referrers(person_id p) const;

  /// Everyone reachable from \p p through referrals (referred, referred by
  /// them, ...), \p p excluded even when a cycle leads back, and how many of
  /// them became customers. A breadth-first search: O(what it reaches).
  referral_reach reach(person_id p) const;
  /// The same persons, in handle order.
  std::vector<person_id> reach_set(person_id p) const;

  /// The \p n persons who referred the most persons who became customers
  /// (ties: more persons referred, then the lower handle), each with their
  /// reach. Persons none of whose referred converted are not advocates.
  std::vector<advocate> top_advocates(std::size_t n) const;

  /// Whether \p p became a customer, as the graph was told.
  bool customer(person_id p) const noexcept;

  /// Wall-clock seconds the build took.
  double build_seconds() const noexcept;
  /// Bytes the graph holds.
  std::size_t bytes() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace lifecycle
