#pragma once
/// \file policy.hpp
/// Every number of the model, by name, with the defaults of model.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/loyalty.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/stage_graph.hpp"
#include "lifecycle/time_unit.hpp"

namespace lifecycle {

/// Where the engine's clock comes from.
enum class clock_mode : std::uint8_t {
  replay,  ///< the clock is the latest event time seen (batch replays, tests)
  host     ///< the host moves the clock with `advance_to`; events too far ahead are rejected
};

inline constexpr std::array<std::string_view, 2> clock_mode_names = {"replay", "host"};

constexpr std::string_view to_string(clock_mode m) noexcept {
  return clock_mode_names[static_cast<std::size_t>(m)];
}
constexpr std::optional<clock_mode> parse_clock_mode(std::string_view text) noexcept {
  return detail::parse_enum<clock_mode>(clock_mode_names, text);
}

/// What decides stage rule 3, the lapse (model.md, "Customer stages").
enum class lapse_kind : std::uint8_t {
  days,    ///< passive once D >= last purchase + lapse_days (the default)
  bgnbd,   ///< passive once the BG/NBD probability alive falls below lapse_alive_threshold
  pareto   ///< the same under Pareto/NBD
};

inline constexpr std::array<std::string_view, 3> lapse_kind_names = {"days", "bgnbd", "pareto"};

constexpr std::string_view to_string(lapse_kind m) noexcept {
  return lapse_kind_names[static_cast<std::size_t>(m)];
}
constexpr std::optional<lapse_kind> parse_lapse_kind(std::string_view text) noexcept {
  return detail::parse_enum<lapse_kind>(lapse_kind_names, text);
}

/// The rules' numbers. Windows and deadlines count whole days of the business
/// calendar (UTC shifted by `utc_offset`); an event on day d is inside a window
/// of W days on day D when D - W < d <= D.
struct policy {
  int new_days = 30;                ///< a customer is new while D < first purchase + new_days
  int lapse_days = 90;              ///< passive once D >= last purchase + lapse_days
  int window_days = 180;            ///< stage window for Pw, Cw and Fw
  int role_window_days = 30;        ///< role window
  int joiner_min_joins = 2;         ///< joins in the role window that make a joiner
  int loyal_min_purchases = 3;      ///< Pw needed for loyal
  bool loyal_requires_follow = true;///< loyal also needs Fw >= 1 (off for bare order logs)
  int deal_min_purchases = 2;       ///< Pw needed for deal hunter
  double deal_coupon_share = 0.5;   ///< deal hunter when Cw >= share * Pw; in (0, 1]
  boost::posix_time::time_duration utc_offset = boost::posix_time::hours(0);  ///< business calendar offset, within +-14h, whole minutes
  clock_mode clock = clock_mode::replay;  ///< replay or host clock
  boost::posix_time::time_duration max_skew = boost::posix_time::minutes(5);  ///< host mode: how far ahead of the clock an event may be dated; 0 .. 7 days
  /// Moves added to the stage graph as normal edges (e.g. new->potential for a
  /// business where a refund back to potential is part of the lifecycle).
  stage_moves allow_moves;
  /// Moves removed from the stage graph (e.g. loyal->deal_hunter for a business
  /// that never calls a loyal customer a deal hunter). The rules may still make
  /// such a move; it is then recorded as a correction and counted as forbidden.
  stage_moves forbid_moves;

  // The customer-base model behind rule 3 and the profiles' forecasts
  // (models.md, "In the lifecycle"). With lapse_model = days none of these is used.
  lapse_kind lapse_model = lapse_kind::days;  ///< what decides rule 3
  double lapse_alive_threshold = 0.5;     ///< passive when P(alive) < this; in (0, 1)
  time_unit model_unit = time_unit::week; ///< the unit the parameters were fitted in (alpha, beta)
  double bgnbd_r = 0, bgnbd_alpha = 0, bgnbd_a = 0, bgnbd_b = 0;        ///< 0 = unset; positive when used
  double pareto_r = 0, pareto_alpha = 0, pareto_s = 0, pareto_beta = 0; ///< 0 = unset; positive when used
  int forecast_days = 364;                ///< horizon of the profiles' expected purchases and CLV
  /// Gamma-Gamma spend parameters (gamma in major money units); all 0 = unset:
  /// profiles then carry no CLV.
  double spend_p = 0, spend_q = 0, spend_gamma = 0;
  double clv_discount_rate = 0.01;        ///< per month (a twelfth of a year), > -1

  // Signals, points, tiers and NPS (docs/signals.md). Signals are moments on
  // the engine's clock; none of these changes a stage or a role.
  signal_set signals = signal_set::all();  ///< which signals are emitted
  int browse_hours = 24;        ///< browse_no_buy / abandoned_cart: hours without a purchase after a view / cart, 1..8760
  int browse_repeat_days = 7;   ///< ... at most once per person per this many days (each signal on its own)
  int decline_days = 14;        ///< usage_decline: the span compared with the span before it
  int decline_min_events = 4;   ///< ... events needed in the span before
  int contact_every_days = 30;  ///< contact_due: a reachable customer's contact cadence
  /// ... per stage, indexed by `stage`; 0 = contact_every_days. Text: "loyal:14, passive:60" or "none".
  std::array<int, stage_count> contact_every_days_by_stage{};
  int over_contact_count = 3;   ///< over_contacted: contacts (2..4) ...
  int over_contact_days = 7;    ///< ... within this many days, no activity of the person in between
  points_table points = default_points();  ///< points per event kind (loyalty.hpp)
  int points_window_days = 365; ///< the points that count for the tier: the last this many days
  tier_list tiers = default_tiers();       ///< from lowest to highest; empty = no tiers
  bool nps = true;              ///< keep each person's latest feedback score for the NPS

  /// Whether the engine keeps the per-person state of signals, points, tiers or NPS.
  bool tracks_signals() const noexcept { return !signals.empty() || tiers.size() > 1 || nps; }
  /// The contact cadence for a customer in stage \p s.
  int contact_every(stage s) const noexcept {
    const int v = contact_every_days_by_stage[static_cast<std::size_t>(s)];
    return v > 0 ? v : contact_every_days;
  }

  /// Throws `lifecycle::error` (errc::invalid_policy) naming the first field
  /// that holds nonsense, e.g. "policy: window_days must be between 1 and 36500 days, got -3",
  /// or the stage or edge that makes the stage graph invalid (see `stage_graph`),
  /// e.g. "policy: stage graph: loyal cannot be reached from passive by normal moves".
  void validate() const;

  /// Sets one field from text, as scripts and policy files write it:
  /// integers, `true`/`false` (also yes/no, 1/0), a share such as `0.5`,
  /// an offset such as `+08:00` or `-03:30`, `replay` or `host`, a skew in
  /// seconds or with a unit (`300`, `90s`, `5m`, `1h`, `1d`), and moves as a
  /// comma-separated list (`loyal->deal_hunter, passive->new`) or `none`. Throws
  /// `lifecycle::error` (errc::invalid_policy) for an unknown key or a bad value;
  /// the field is unchanged then. Range checks are `validate`'s job.
  void set(std::string_view key, std::string_view value);

  /// The field's current value in the text form `set` accepts.
  /// Throws `lifecycle::error` for an unknown key.
  std::string get(std::string_view key) const;

  /// The names `set` and `get` accept, in declaration order.
  static constexpr std::array<std::string_view, 43> keys = {
      "new_days",           "lapse_days",         "window_days",
      "role_window_days",   "joiner_min_joins",   "loyal_min_purchases",
      "loyal_requires_follow", "deal_min_purchases", "deal_coupon_share",
      "utc_offset",         "clock",              "max_skew",
      "allow_moves",        "forbid_moves",       "lapse_model",
      "lapse_alive_threshold", "model_unit",      "bgnbd_r",
      "bgnbd_alpha",        "bgnbd_a",            "bgnbd_b",
      "pareto_r",           "pareto_alpha",       "pareto_s",
      "pareto_beta",        "forecast_days",      "spend_p",
      "spend_q",            "spend_gamma",        "clv_discount_rate",
      "signals",            "browse_hours",       "browse_repeat_days",
      "decline_days",       "decline_min_events", "contact_every_days",
      "contact_every_days_by_stage", "over_contact_count", "over_contact_days",
      "points",             "points_window_days", "tiers",
      "nps"};

  friend bool operator==(const policy&, const policy&) = default;
};

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::clock_mode>
    : lifecycle::detail::enum_formatter<lifecycle::clock_mode> {};
template <>
struct fmt::formatter<lifecycle::lapse_kind>
    : lifecycle::detail::enum_formatter<lifecycle::lapse_kind> {};
