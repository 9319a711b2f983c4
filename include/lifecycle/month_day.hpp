#pragma once
/// \file month_day.hpp
/// A day of the year without a year, such as a birthday.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/date_time/gregorian/gregorian_types.hpp>

namespace lifecycle {

/// A month and a day that exists in some year (29 February included).
struct month_day {
  std::uint8_t month = 1;  ///< 1..12
  std::uint8_t day = 1;    ///< 1..31, valid for the month in a leap year

  /// The date it falls on in \p year: 29 February falls on 28 February in
  /// years that are not leap years.
  boost::gregorian::date in_year(int year) const;
  /// Whether month and day name a day of some year.
  bool valid() const noexcept;

  friend constexpr bool operator==(month_day, month_day) noexcept = default;
};

/// Parses "MM-DD" (also "M-D"); nullopt for anything else or a day no year has.
std::optional<month_day> parse_month_day(std::string_view text) noexcept;
/// "MM-DD".
std::string to_string(month_day d);

}  // namespace lifecycle
