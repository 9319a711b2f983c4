#pragma once
/// \file money.hpp
/// Money as an integer count of minor units (cents), so sums are exact.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace lifecycle {

/// An amount in minor units of the host's currency (two decimals assumed when
/// parsing or printing text).
struct money {
  std::int64_t minor = 0;

  constexpr money() noexcept = default;
  constexpr explicit money(std::int64_t minor_units) noexcept : minor(minor_units) {}

  constexpr money& operator+=(money o) noexcept { minor += o.minor; return *this; }
  constexpr money& operator-=(money o) noexcept { minor -= o.minor; return *this; }
  friend constexpr money operator+(money a, money b) noexcept { return money{a.minor + b.minor}; }
  friend constexpr money operator-(money a, money b) noexcept { return money{a.minor - b.minor}; }
  friend constexpr auto operator<=>(money, money) noexcept = default;
};

/// Parses a decimal in major units ("12", "12.5", "12.34", "-3.10") into minor
/// units. More than two decimals, empty text, stray characters or a value
/// beyond +-9e15 give nullopt; nothing is rounded.
std::optional<money> parse_money(std::string_view text) noexcept;

/// "12.34", "-0.05", "0.00".
std::string to_string(money m);

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::money> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(lifecycle::money m, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(lifecycle::to_string(m), ctx);
  }
};
