#pragma once
/// \file profile.hpp
/// Everything a host asks about one person, as of the clock.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/money.hpp"
#include "lifecycle/month_day.hpp"
#include "lifecycle/person_id.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

/// A person as of the clock. Stage, roles and counters are a function of the
/// events alone (any arrival order gives the same); `stage_since` and
/// `days_in_stage` record when the engine saw the changes happen.
struct profile {
  person_id id;                     ///< invalid for a bare person_state
  stage current_stage = stage::potential;
  boost::posix_time::ptime stage_since;  ///< when the current stage began
  role_set roles;
  std::optional<role> primary_role;  ///< none when no role is held
  std::uint32_t purchases = 0;        ///< net of refunds
  std::uint32_t coupon_purchases = 0; ///< net of refunds
  std::uint32_t refunded_purchases = 0;
  money spend;                        ///< net of refunds
  std::optional<boost::gregorian::date> first_purchase;  ///< of the net purchases
  std::optional<boost::gregorian::date> last_purchase;
  boost::gregorian::date first_seen;  ///< business day of the earliest event
  std::array<double, stage_count> days_in_stage{};  ///< so far, current stay included
  // With a customer-base model in the policy (lapse_model bgnbd or pareto) and
  // at least one net purchase; none otherwise (models.md, "In the lifecycle").
  std::optional<double> p_alive;             ///< the model's probability the customer is alive on the clock's day
  std::optional<double> expected_purchases;  ///< expected repeat purchases in the next forecast_days
  std::optional<double> clv;                 ///< lifetime value over forecast_days, major units; needs spend_p, spend_q, spend_gamma
  // Points, tier, reachability, birthday and NPS (docs/signals.md); from an
  // engine whose policy tracks them, defaults otherwise.
  std::int64_t points = 0;           ///< points in the last points_window_days
  std::uint8_t tier = 0;             ///< index into the policy's tiers (0 without tiers)
  bool reachable = false;            ///< confirmed the relationship (follow or opt-in) and not opted out
  std::optional<month_day> birthday; ///< as the host set it
  std::optional<int> nps_score;      ///< the latest feedback score, 0..10
};

}  // namespace lifecycle
