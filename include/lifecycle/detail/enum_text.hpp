#pragma once
// Shared plumbing for the vocabulary enums: name tables, parsing, fmt support.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace lifecycle::detail {

/// Finds \p text in \p names (exact, case-sensitive) and returns the enumerator.
template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_enum(const std::array<std::string_view, N>& names,
                                         std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<Enum>(i);
  return std::nullopt;
}

/// Formats any vocabulary enum through its `to_string` (found by ADL), so the
/// usual string-view format specs (width, alignment) apply.
template <class Enum>
struct enum_formatter : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(Enum value, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(to_string(value), ctx);
  }
};

}  // namespace lifecycle::detail
