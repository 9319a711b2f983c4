#pragma once
/// \file engine.hpp
/// Many persons in memory: ingest events, advance the clock, ask questions.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/event.hpp"
#include "lifecycle/month_day.hpp"
#include "lifecycle/nps.hpp"
#include "lifecycle/person_id.hpp"
#include "lifecycle/person_link.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/profile.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/stage_graph.hpp"
#include "lifecycle/transition.hpp"

namespace lifecycle {

/// What became of one ingested event.
enum class ingest_status : std::uint8_t { accepted, duplicate, rejected };
inline constexpr std::array<std::string_view, 3> ingest_status_names = {"accepted", "duplicate",
                                                                        "rejected"};
constexpr std::string_view to_string(ingest_status s) noexcept {
  return ingest_status_names[static_cast<std::size_t>(s)];
}

constexpr std::optional<ingest_status> parse_ingest_status(std::string_view text) noexcept {
  return detail::parse_enum<ingest_status>(ingest_status_names, text);
}

/// The answer to one `engine::ingest`.
struct ingest_result {
  ingest_status status = ingest_status::accepted;
  reject_reason why_rejected = reject_reason::none;  ///< set when rejected
  person_id person;  ///< the event's person (invalid if rejected before it was known)
  /// Every transition the call caused: time-driven ones the event's time made
  /// due (replay clock), then the event's own. Signals (`change::signal`) come
  /// in the same list, in the same order. Valid until the next non-const call.
  std::span<const transition> transitions;
  bool accepted() const noexcept { return status == ingest_status::accepted; }
};

/// Totals of a batch ingest.
struct batch_result {
  std::uint64_t accepted = 0, duplicate = 0, rejected = 0, transitions = 0;
  std::uint64_t signals = 0;  ///< signal records (not counted in `transitions`)
};

/// How much transition history the engine keeps for `history()`.
enum class history_mode : std::uint8_t {
  full,    ///< every stage and role transition and every signal (the default)
  stages,  ///< stage transitions only
  none     ///< none; subscribe or read ingest results instead (fastest, least memory)
};

inline constexpr std::array<std::string_view, 3> history_mode_names = {"full", "stages", "none"};
constexpr std::string_view to_string(history_mode m) noexcept {
  return history_mode_names[static_cast<std::size_t>(m)];
}
constexpr std::optional<history_mode> parse_history_mode(std::string_view text) noexcept {
  return detail::parse_enum<history_mode>(history_mode_names, text);
}

struct engine_options {
  history_mode history = history_mode::full;
  std::size_t expected_persons = 0;  ///< reserve room up front (a hint)
};

/// Counts from `from` stage (row) to `to` stage (column) of every stage transition.
using transition_matrix = std::array<std::array<std::uint64_t, stage_count>, stage_count>;

/// Memory the engine holds, by part, in bytes.
struct memory_usage {
  std::size_t state = 0;    ///< fixed per-person records plus their pooled lists
  std::size_t index = 0;    ///< person ids: the string table and its hash index
  std::size_t dedupe = 0;   ///< event ids remembered for duplicate detection
  std::size_t schedule = 0; ///< the deadline calendar
  std::size_t history = 0;  ///< transition history
  std::size_t links = 0;    ///< person links (purchases and referrals with a target)
  std::size_t signals = 0;  ///< signals, points, tiers and NPS state (0 when the policy tracks none)
};

/// Running totals of what was ingested.
struct ingest_counts {
  std::uint64_t accepted = 0, duplicate = 0, rejected = 0;
  friend bool operator==(const ingest_counts&, const ingest_counts&) = default;
};

/// Identifies a subscription for `unsubscribe`.
enum class subscription : std::uint32_t {};

/// The in-memory lifecycle engine. Events may arrive in any order and twice;
/// the stage, roles and counters of every person depend only on the set of
/// distinct events (and the clock). Not thread-safe: use one engine per thread
/// or partition (see docs/api.md).
class engine {
 public:
  /// Validates \p p, its stage graph included, and folds the graph into the
  /// table every transition is classified with (throws `lifecycle::error`,
  /// errc::invalid_policy, naming the field, or the stage or edge).
  explicit engine(const policy& p = {}, engine_options options = {});
  ~engine();
  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  const policy& rules() const noexcept;
  /// The stage graph the engine classifies stage transitions with (the
  /// policy's `allow_moves` and `forbid_moves` applied to the model's).
  const stage_graph& graph() const noexcept;

  /// The handle for \p name, creating an entry if new. An interned person with
  /// no event yet is not known: it has no stage and is not counted.
  person_id intern(std::string_view name);
  /// The handle for \p name if the engine has seen it.
  std::optional<person_id> find(std::string_view name) const;
  /// The string id of \p p; throws `lifecycle::error` for a handle never issued.
  std::string_view name(person_id p) const;

  /// Ingests one event. Amortized O(1): no scan of other persons, no allocation
  /// once the engine has grown. Rejections are results, not exceptions.
  ingest_result ingest(const event& e);
  /// The same, for a host that resolved the person once (`e.person` is ignored).
  ingest_result ingest(person_id p, const event& e);
  /// Ingests events in the given order, exactly as one `ingest` call each would,
  /// but faster: it works a few events ahead, prefetching the memory the next
  /// events will touch. Transitions go to subscribers and history.
  batch_result ingest(std::span<const event> events);
  /// The same with resolved handles: `persons[i]` is the person of `events[i]`.
  /// Throws `lifecycle::error` (invalid_argument) if the spans differ in size.
  batch_result ingest(std::span<const person_id> persons, std::span<const event> events);

  /// Moves the clock forward to \p t (earlier times are ignored) and returns the
  /// time-driven transitions and signals, in time order. Touches only persons
  /// whose next deadline has passed. A browse signal due at exactly \p t waits:
  /// a purchase at that instant would still answer it. Valid until the next non-const call.
  std::span<const transition> advance_to(boost::posix_time::ptime t);
  /// The clock; not_a_date_time before the first event (replay) or advance_to (host).
  boost::posix_time::ptime clock() const;

  /// Persons that at least one event has reached.
  std::size_t known_persons() const noexcept;
  /// Handles issued so far (known persons, persons only interned, targets):
  /// every handle is below this.
  std::size_t interned_persons() const noexcept;
  /// The profile of a known person as of the clock.
  std::optional<profile> profile_of(std::string_view name) const;
  std::optional<profile> profile_of(person_id p) const;
  /// The person's transitions in the order they happened (per `history_mode`).
  std::vector<transition> history(person_id p) const;
  /// Every transition kept, in the order the engine recorded them.
  std::vector<transition> all_history() const;

  /// Known persons per stage, indexed by `stage`.
  std::array<std::uint64_t, stage_count> stage_counts() const noexcept;
  /// Persons holding each role, indexed by `role`.
  std::array<std::uint64_t, role_count> role_counts() const noexcept;
  transition_matrix matrix() const noexcept;
  /// The stage moves the stage graph has no edge for (the policy's
  /// `forbid_moves`). Each was still made, and recorded as a correction.
  transition_matrix forbidden_moves() const noexcept;
  /// Persons who became customers (first net purchase) at some point.
  std::uint64_t conversions() const noexcept;
  /// Whether \p p ever became a customer (as `conversions` counts). O(1).
  bool converted(person_id p) const noexcept;
  /// Conversions by primary role at the moment of conversion; the last entry
  /// counts conversions by persons who held no role.
  std::array<std::uint64_t, role_count + 1> conversions_by_primary_role() const noexcept;
  ingest_counts counts() const noexcept;
  memory_usage memory() const;

  /// Sets (or with nullopt clears) the birthday of \p p: a `birthday` signal at
  /// the start of that day of the business calendar each year, from the next one
  /// after the clock's day (once the person is known). Throws `lifecycle::error`
  /// (invalid_argument) for a handle never issued or an invalid month_day, and
  /// (invalid_state) when the policy tracks no signals.
  void set_birthday(person_id p, std::optional<month_day> day);
  /// Records at the clock that \p p confirmed the relationship (an opt-in, as a
  /// `follow` does) or ended it (an opt-out; a later follow or opt-in confirms
  /// again). Only reachable customers get `contact_due`. Throws as set_birthday.
  void set_reachable(person_id p, bool reachable);

  /// Signals emitted so far, indexed by `signal_kind`.
  std::array<std::uint64_t, signal_count> signal_counts() const noexcept;
  /// Known persons per tier, indexed like the policy's `tiers` (empty without tiers).
  std::vector<std::uint64_t> tier_counts() const;
  /// The net promoter score of the latest score of every person who gave one,
  /// overall, by current stage and by current primary role. O(persons).
  nps_table nps() const;

  /// Every person link accepted events made, in the order they were ingested:
  /// a purchase or referral whose `target` names someone other than its person
  /// (the target is interned, not made known). Valid until the next non-const call.
  /// `people_graph` (people_graph.hpp) builds the graph of them.
  std::span<const person_link> links() const noexcept;

  /// Calls \p f with every transition as it is made (after the engine's state
  /// is updated). \p f must not call back into this engine's non-const members.
  subscription subscribe(std::function<void(const transition&)> f);
  void unsubscribe(subscription s);

  /// The whole engine as bytes: policy, options, clock, every person (state,
  /// refunds waiting for their purchase, next deadline), the person links, the
  /// duplicate memory, the counters and the kept history. Versioned and checksummed; restoring
  /// and going on gives exactly what an uninterrupted engine gives.
  /// Subscriptions are not saved. For files, see snapshot.hpp.
  std::vector<std::byte> snapshot() const;
  /// An engine rebuilt from `snapshot()` bytes. Truncated, corrupted or
  /// foreign-version bytes throw `lifecycle::error` (errc::invalid_state) that
  /// names the problem; there is never a half-restored engine.
  static engine restore(std::span<const std::byte> bytes);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::ingest_status>
    : lifecycle::detail::enum_formatter<lifecycle::ingest_status> {};
template <>
struct fmt::formatter<lifecycle::history_mode>
    : lifecycle::detail::enum_formatter<lifecycle::history_mode> {};
