#pragma once
/// \file person_id.hpp
/// A handle for a person interned by an engine.

#include <cstdint>
#include <functional>
#include <limits>

namespace lifecycle {

/// A dense handle an engine issues for a person's string id. Handles are
/// 0, 1, 2, ... in order of first appearance and stay valid for the engine's life.
struct person_id {
  std::uint32_t value = std::numeric_limits<std::uint32_t>::max();

  constexpr person_id() noexcept = default;
  constexpr explicit person_id(std::uint32_t v) noexcept : value(v) {}
  /// False for a default-constructed handle (no person).
  constexpr bool valid() const noexcept { return value != std::numeric_limits<std::uint32_t>::max(); }
  friend constexpr auto operator<=>(person_id, person_id) noexcept = default;
};

}  // namespace lifecycle

template <>
struct std::hash<lifecycle::person_id> {
  std::size_t operator()(lifecycle::person_id p) const noexcept { return p.value; }
};
