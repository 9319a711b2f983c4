#pragma once
// A fast 64-bit string hash (multiply-fold over 8-byte words), used for the
// person index, event-id fingerprints and checksums.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace lifecycle::detail {

__extension__ using uint128 = unsigned __int128;

inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) {
  const uint128 r = static_cast<uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

inline std::uint64_t load_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

/// Loads 1..8 bytes without reading past them.
inline std::uint64_t load_tail(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return (static_cast<std::uint64_t>(a) << 32) | b;
  }
  return (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
         (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
         static_cast<unsigned char>(p[n - 1]);
}

inline std::uint64_t hash_bytes(const char* p, std::size_t n, std::uint64_t seed) {
  constexpr std::uint64_t k0 = 0x9e3779b97f4a7c15ULL, k1 = 0xc2b2ae3d27d4eb4fULL,
                          k2 = 0x165667b19e3779f9ULL;
  std::uint64_t h = fold_multiply(seed ^ k0, static_cast<std::uint64_t>(n) ^ k1);
  while (n > 16) {
    h = fold_multiply(load_u64(p) ^ k1 ^ h, load_u64(p + 8) ^ k2);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0, b = 0;
  if (n > 8) {
    a = load_u64(p);
    b = load_u64(p + n - 8);
  } else if (n > 0) {
    a = load_tail(p, n);
  }
  return fold_multiply(fold_multiply(a ^ k1 ^ h, b ^ k2), k0 ^ h);
}

/// Two independent 64-bit lanes in one pass over the bytes (for fingerprints).
inline std::pair<std::uint64_t, std::uint64_t> hash_bytes_2x(const char* p, std::size_t n) {
  constexpr std::uint64_t k0 = 0x9e3779b97f4a7c15ULL, k1 = 0xc2b2ae3d27d4eb4fULL,
                          k2 = 0x165667b19e3779f9ULL, k3 = 0xd6e8feb86659fd93ULL;
  std::uint64_t h = fold_multiply(k3 ^ k0, static_cast<std::uint64_t>(n) ^ k1);
  std::uint64_t g = fold_multiply(k2 ^ k1, static_cast<std::uint64_t>(n) ^ k3);
  while (n > 16) {
    const std::uint64_t a = load_u64(p), b = load_u64(p + 8);
    h = fold_multiply(a ^ k1 ^ h, b ^ k2);
    g = fold_multiply(b ^ k3 ^ g, a ^ k0);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0, b = 0;
  if (n > 8) {
    a = load_u64(p);
    b = load_u64(p + n - 8);
  } else if (n > 0) {
    a = load_tail(p, n);
  }
  return {fold_multiply(fold_multiply(a ^ k1 ^ h, b ^ k2), k0 ^ h),
          fold_multiply(fold_multiply(b ^ k3 ^ g, a ^ k0), k2 ^ g)};
}

inline std::uint64_t hash_string(std::string_view s, std::uint64_t seed = 0) {
  return hash_bytes(s.data(), s.size(), seed);
}

/// The hash of an event id as person records store it: never 0 (0 means "no id").
inline std::uint64_t id_hash(std::string_view id) {
  const std::uint64_t h = hash_string(id, 0x6c69666563796c65ULL);
  return h != 0 ? h : 1;
}

}  // namespace lifecycle::detail
