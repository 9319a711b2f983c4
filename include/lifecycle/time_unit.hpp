#pragma once
/// \file time_unit.hpp
/// The time unit of the customer-base models (customer_summary.hpp, policy.hpp).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lifecycle/detail/enum_text.hpp"

namespace lifecycle {

/// The time unit of t_x, T and forecast horizons. The fitted scale parameters
/// (alpha, beta) are in this unit; the shape parameters do not depend on it.
enum class time_unit : std::uint8_t { week, day };

inline constexpr std::array<std::string_view, 2> time_unit_names = {"week", "day"};
constexpr std::string_view to_string(time_unit u) noexcept { return time_unit_names[static_cast<std::size_t>(u)]; }
constexpr std::optional<time_unit> parse_time_unit(std::string_view text) noexcept {
  return detail::parse_enum<time_unit>(time_unit_names, text);
}
/// Days in one unit: 7 or 1.
constexpr double days_per(time_unit u) noexcept { return u == time_unit::week ? 7.0 : 1.0; }

}  // namespace lifecycle
