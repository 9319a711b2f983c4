#pragma once
/// \file role.hpp
/// User roles: what a person is as a user (model.md, "User roles"), and a compact set of them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lifecycle/detail/enum_set.hpp"
#include "lifecycle/detail/enum_text.hpp"

namespace lifecycle {

/// The five user roles, in the order reports list them.
enum class role : std::uint8_t {
  creator,    ///< posted inside the role window
  critic,     ///< reviewed inside the role window
  joiner,     ///< joined at least `joiner_min_joins` times inside the role window
  spectator,  ///< active inside the role window but holds none of the other four
  buyer       ///< searched, carted or purchased inside the role window
};

/// Number of roles.
inline constexpr std::size_t role_count = 5;

/// All roles in report order (creator, critic, joiner, spectator, buyer).
inline constexpr std::array<role, role_count> all_roles = {role::creator, role::critic, role::joiner,
                                                          role::spectator, role::buyer};

/// Text names as used in scripts, CSV and reports.
inline constexpr std::array<std::string_view, role_count> role_names = {
    "creator", "critic", "joiner", "spectator", "buyer"};

/// The role's text name, e.g. "critic".
constexpr std::string_view to_string(role r) noexcept {
  return role_names[static_cast<std::size_t>(r)];
}

/// Parses a text name ("creator", "critic", "joiner", "spectator", "buyer").
constexpr std::optional<role> parse_role(std::string_view text) noexcept {
  return detail::parse_enum<role>(role_names, text);
}

/// A set of roles in one byte. A person may hold several roles at once.
using role_set = detail::enum_set<role, role_count>;

/// The roles of \p s in report order joined by \p separator; \p empty when \p s is empty.
/// `to_string(role_set{role::buyer, role::creator})` is "creator,buyer".
std::string to_string(role_set s, std::string_view separator = ",", std::string_view empty = "none");

/// Parses "none" or a list of role names separated by commas, in any order.
std::optional<role_set> parse_role_set(std::string_view text) noexcept;

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::role> : lifecycle::detail::enum_formatter<lifecycle::role> {};

template <>
struct fmt::formatter<lifecycle::role_set> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(lifecycle::role_set s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(lifecycle::to_string(s), ctx);
  }
};
