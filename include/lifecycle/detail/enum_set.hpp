#pragma once
// A set of the values of a small vocabulary enum in one byte (bit i = value i).

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace lifecycle::detail {

template <class Enum, std::size_t Count>
class enum_set {
  static_assert(Count <= 8, "one byte holds the set");
  static constexpr std::uint8_t mask = static_cast<std::uint8_t>((1u << Count) - 1u);

 public:
  constexpr enum_set() noexcept = default;
  constexpr enum_set(std::initializer_list<Enum> values) noexcept {
    for (Enum v : values) insert(v);
  }

  /// Every value.
  static constexpr enum_set all() noexcept { return from_bits(mask); }
  static constexpr enum_set none() noexcept { return {}; }
  /// Builds a set from its bit pattern (bit i = value i); higher bits are dropped.
  static constexpr enum_set from_bits(std::uint8_t bits) noexcept {
    enum_set s;
    s.bits_ = static_cast<std::uint8_t>(bits & mask);
    return s;
  }
  constexpr std::uint8_t bits() const noexcept { return bits_; }

  constexpr bool contains(Enum v) const noexcept { return (bits_ >> static_cast<int>(v)) & 1u; }
  constexpr void insert(Enum v) noexcept { bits_ |= static_cast<std::uint8_t>(1u << static_cast<int>(v)); }
  constexpr void erase(Enum v) noexcept { bits_ &= static_cast<std::uint8_t>(~(1u << static_cast<int>(v))); }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr int size() const noexcept {
    int n = 0;
    for (std::uint8_t b = bits_; b != 0; b &= static_cast<std::uint8_t>(b - 1)) ++n;
    return n;
  }

  friend constexpr bool operator==(enum_set, enum_set) noexcept = default;

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace lifecycle::detail
