#pragma once
/// \file loyalty.hpp
/// Points per event kind and the tiers they lead to (docs/signals.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lifecycle/event_kind.hpp"

namespace lifecycle {

/// Points per event kind. For `purchase` the figure is per whole unit of money
/// (100 minor units) of each purchase, rounded down; for `referral` it is paid
/// when the referred person converts (their first net purchase), to the first
/// person who referred them. Refunded purchases lose their points.
using points_table = std::array<int, event_kind_count>;

/// The defaults: purchase 1 per unit, review 20, post 30, referral 100.
constexpr points_table default_points() noexcept {
  points_table t{};
  t[static_cast<std::size_t>(event_kind::purchase)] = 1;
  t[static_cast<std::size_t>(event_kind::review)] = 20;
  t[static_cast<std::size_t>(event_kind::post)] = 30;
  t[static_cast<std::size_t>(event_kind::referral)] = 100;
  return t;
}

/// "purchase:1, post:30, review:20, referral:100" (kinds with points only), or "none".
std::string to_string(const points_table& t);
/// Parses kind:points pairs separated by commas (kinds not named get 0), or "none".
std::optional<points_table> parse_points_table(std::string_view text);

/// A membership tier: held while the points in the window are at least `min_points`.
struct tier {
  std::string name;
  std::int64_t min_points = 0;
  friend bool operator==(const tier&, const tier&) = default;
};

/// Tiers from lowest to highest; the first has min_points 0. Empty: no tiers.
using tier_list = std::vector<tier>;

/// member, silver >= 500, gold >= 2000.
inline tier_list default_tiers() { return {{"member", 0}, {"silver", 500}, {"gold", 2000}}; }

/// "member:0, silver:500, gold:2000", or "none".
std::string to_string(const tier_list& t);
/// Parses name:min_points pairs separated by commas, or "none". Checks the
/// shape only (a name and an integer per pair); `policy::validate` checks the order.
std::optional<tier_list> parse_tier_list(std::string_view text);

/// The most tiers a policy may define.
inline constexpr std::size_t max_tiers = 16;

}  // namespace lifecycle
