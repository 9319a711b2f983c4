#pragma once
/// \file person_state.hpp
/// One person's lifecycle state as a value, usable without an engine.
///
/// A host that keeps state in its own database does, per event: load the bytes,
/// `from_bytes`, `apply`, `to_bytes`, store. It schedules time-driven changes by
/// storing `next_deadline()` beside the bytes and calling `advance_to` when it passes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/detail/person_records.hpp"
#include "lifecycle/event.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/profile.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/transition.hpp"

namespace lifecycle {

namespace detail {
struct rule_params;
}

/// What the rules say about a person on one day.
struct evaluation {
  stage current_stage = stage::potential;
  reason stage_reason;
  role_set roles;
  std::optional<role> primary_role;
  std::array<std::uint32_t, role_count> role_events{};  ///< qualifying events per role in the window
};

/// The outcome of `person_state::apply`.
enum class apply_status : std::uint8_t {
  accepted,   ///< recorded
  duplicate,  ///< a purchase id already held; nothing changed
  rejected    ///< refused; see the reject_reason; nothing changed
};

inline constexpr std::array<std::string_view, 3> apply_status_names = {"accepted", "duplicate", "rejected"};
constexpr std::string_view to_string(apply_status s) noexcept {
  return apply_status_names[static_cast<std::size_t>(s)];
}

struct apply_result {
  apply_status status = apply_status::accepted;
  reject_reason why_rejected = reject_reason::none;
  std::vector<transition> transitions;  ///< time-driven ones up to `now` first, then the event's
};

/// A person's state: a plain value (copyable, comparable, serializable).
/// Not thread-safe for concurrent mutation, like any value.
class person_state {
 public:
  /// A person no event has reached yet (`known()` is false).
  person_state() = default;

  /// True once an event has been applied; a known person is at least potential.
  bool known() const noexcept { return core_.has(detail::person_core::known); }

  /// Moves the state to \p now (time-driven transitions first), then records \p e.
  /// In replay clock mode an event later than \p now moves the clock to it; in host
  /// mode one dated more than `max_skew` after \p now is rejected. Duplicate
  /// detection covers purchase ids (a second refund of one purchase moves no
  /// money); other event ids are the caller's to deduplicate (the engine does it
  /// for you). A duplicate changes nothing, not even the clock.
  apply_result apply(const event& e, const policy& p, boost::posix_time::ptime now);

  /// Moves the clock to \p now and returns the time-driven transitions, each at
  /// the start of the business day its deadline fell on. Earlier times are ignored.
  std::vector<transition> advance_to(boost::posix_time::ptime now, const policy& p);

  /// The start of the earliest business day on which time alone may change the
  /// state, or not_a_date_time when nothing is pending (or the person is unknown).
  boost::posix_time::ptime next_deadline(const policy& p) const;

  /// What the rules say on business day \p d. \p d must not be before the
  /// state's clock day (windows already left are forgotten); throws
  /// `lifecycle::error` (invalid_argument) if it is.
  evaluation evaluate(boost::gregorian::date d, const policy& p) const;

  /// The profile as of the state's clock (`id` left invalid).
  profile to_profile(const policy& p) const;

  /// The state's clock: the latest `now` it has seen.
  boost::posix_time::ptime clock() const;

  stage current_stage() const noexcept { return static_cast<stage>(core_.stage); }
  role_set roles() const noexcept { return role_set::from_bits(core_.roles); }

  /// A compact, versioned, checksummed encoding (little-endian, portable).
  std::vector<std::byte> to_bytes() const;
  /// Decodes `to_bytes` output; throws `lifecycle::error` (invalid_state) for
  /// truncated, corrupted or foreign-version bytes, never reads out of bounds.
  static person_state from_bytes(std::span<const std::byte> bytes);

  friend bool operator==(const person_state&, const person_state&) = default;

 private:
  detail::day_number next_deadline_day(const detail::rule_params& rp) const;

  std::int64_t clock_us_ = 0;
  detail::person_core core_;
  detail::stage_stays stays_;
  std::vector<detail::purchase_record> purchases_;
  std::vector<detail::activity_day> activity_;
};

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::apply_status>
    : lifecycle::detail::enum_formatter<lifecycle::apply_status> {};
