#pragma once
/// \file transition.hpp
/// The record of one change: a stage moved, or a role was gained or lost, and why.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/person_id.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

/// What made a change happen (model.md, "The state machine").
enum class cause : std::uint8_t {
  event,      ///< an event arrived and the move is one the stage graph allows
  time,       ///< a deadline passed (a window edge, the new period, the lapse)
  correction  ///< a late event or a refund forced a move the graph does not join
};
inline constexpr std::array<std::string_view, 3> cause_names = {"event", "time", "correction"};
constexpr std::string_view to_string(cause c) noexcept { return cause_names[static_cast<std::size_t>(c)]; }
constexpr std::optional<cause> parse_cause(std::string_view t) noexcept {
  return detail::parse_enum<cause>(cause_names, t);
}

/// What changed.
enum class change : std::uint8_t {
  stage,
  role_gained,
  role_lost,
  signal  ///< a moment to act (signal.hpp); nothing about the stage or roles changed
};
inline constexpr std::array<std::string_view, 4> change_names = {"stage", "role_gained", "role_lost", "signal"};
constexpr std::string_view to_string(change c) noexcept { return change_names[static_cast<std::size_t>(c)]; }

/// The rule that decided a change, with the figures it looked at. Formatting a
/// reason gives the human sentence, e.g. "lapse: last purchase 91 days ago (>= 90)".
struct reason {
  /// Stage rules 1-6 of model.md, then the role rules.
  enum class rule : std::uint8_t {
    no_purchase,     ///< 1: P = 0.                         a = purchases refunded
    new_customer,    ///< 2: D < first + new_days.          a = days since first, b = new_days
    lapse,           ///< 3: D >= last + lapse_days.        a = days since last, b = lapse_days
    deal_hunter,     ///< 4: Pw >= min, Cw >= share * Pw.   a = Cw, b = Pw, c = window, d = share in permille
    loyal,           ///< 5: Pw >= min (and Fw >= 1).       a = Pw, b = Fw, c = window, d = min purchases
    occasional,      ///< 6: none of the above.             a = Pw, b = Cw, c = window, d = Fw
    role_held,       ///< role gained.                      a = qualifying events, b = threshold, c = role window
    role_dropped,    ///< role lost.                        a = qualifying events, b = threshold, c = role window
    other_role,      ///< spectator lost to another role.   a = events in window
    lapse_model,     ///< 3 under a model: P(alive) < threshold. a = P(alive) in millionths (rounded down),
                     ///< b = threshold in millionths, c = model (1 BG/NBD, 2 Pareto/NBD), d = repeat purchases x
    // Signals (signal.hpp), one rule each, named like the signal.
    browse_no_buy,   ///< a = browse_hours, c = browse_repeat_days
    abandoned_cart,  ///< a = browse_hours, c = browse_repeat_days
    usage_decline,   ///< a = events in the last span, b = events in the span before, c = decline_days, d = decline_min_events
    contact_due,     ///< a = days without contact, b = contact_every_days (of the stage), c = 1 if never contacted
    over_contacted,  ///< a = contacts without activity in between, b = over_contact_count, c = over_contact_days
    birthday,        ///< a = month, b = day, c = 1 when 29 February is marked on 28 February
    tier_up,         ///< a = points in the window, b = the new tier's min_points, c = points_window_days, d = new tier index
    tier_down,       ///< a = points in the window, b = the old tier's min_points, c = points_window_days, d = new tier index
  };
  rule which = rule::no_purchase;
  role about = role::spectator;  ///< the role, for the role rules
  std::array<std::int32_t, 4> figures{};  ///< a, b, c, d as documented per rule

  friend bool operator==(const reason&, const reason&) = default;
};

/// The human sentence for \p r.
std::string to_string(const reason& r);

/// One change of one person.
struct transition {
  person_id person;             ///< invalid when produced by a bare person_state
  change what = change::stage;
  stage from = stage::potential;  ///< for change::stage
  stage to = stage::potential;    ///< for change::stage
  role role_changed = role::spectator;  ///< for role_gained / role_lost
  signal_kind signal_raised = signal_kind::browse_no_buy;  ///< for change::signal
  /// Caused by an event: the engine clock when it was applied (in replay the
  /// latest event time seen, which is the event's own time for in-order events).
  /// Caused by time: the start of the business day the deadline fell on.
  boost::posix_time::ptime when;
  enum cause cause = cause::event;
  struct reason why;

  friend bool operator==(const transition&, const transition&) = default;
};

/// "stage new -> passive (time): lapse: ...", "role +creator (event): creator: ..."
/// or "signal browse_no_buy (time): browse_no_buy: ...".
std::string to_string(const transition& t);

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::cause> : lifecycle::detail::enum_formatter<lifecycle::cause> {};
template <>
struct fmt::formatter<lifecycle::change> : lifecycle::detail::enum_formatter<lifecycle::change> {};
template <>
struct fmt::formatter<lifecycle::reason> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const lifecycle::reason& r, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(lifecycle::to_string(r), ctx);
  }
};
template <>
struct fmt::formatter<lifecycle::transition> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const lifecycle::transition& t, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(lifecycle::to_string(t), ctx);
  }
};
