#pragma once
// Little-endian byte encoding with bounds-checked reading, for serialized state.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "lifecycle/error.hpp"

namespace lifecycle::detail {

class byte_writer {
 public:
  template <class T>
  void put(T v) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    auto u = static_cast<U>(v);
    std::byte b[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      b[i] = static_cast<std::byte>(u & 0xff);
      if constexpr (sizeof(T) > 1) u = static_cast<U>(u >> 8);
    }
    bytes_.insert(bytes_.end(), b, b + sizeof(T));
  }
  void reserve(std::size_t n) { bytes_.reserve(n); }
  void put_bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  std::vector<std::byte>& bytes() { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

/// Reads what byte_writer wrote; every read past the end throws `error`
/// (invalid_state) naming `what`, so corrupt input can never be over-read.
class byte_reader {
 public:
  byte_reader(std::span<const std::byte> bytes, const char* what) : bytes_(bytes), what_(what) {}

  template <class T>
  T get() {
    static_assert(std::is_integral_v<T>);
    need(sizeof(T));
    std::make_unsigned_t<T> u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<std::make_unsigned_t<T>>(static_cast<std::uint64_t>(bytes_[pos_ + i]) << (8 * i));
    pos_ += sizeof(T);
    return static_cast<T>(u);
  }

  /// A count of items that each take at least `item_bytes`: rejects counts the
  /// remaining bytes cannot hold before anything is allocated for them.
  std::size_t get_count(std::size_t item_bytes) {
    const auto n = get<std::uint32_t>();
    if (item_bytes != 0 && n > remaining() / item_bytes) fail("count larger than the data");
    return n;
  }

  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::size_t position() const { return pos_; }

  [[noreturn]] void fail(const std::string& why) const {
    throw error(errc::invalid_state, std::string(what_) + ": " + why);
  }

 private:
  void need(std::size_t n) const {
    if (remaining() < n) fail("truncated");
  }
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  const char* what_;
};

}  // namespace lifecycle::detail
