#pragma once
// Interns person ids: string -> dense handle, handle -> string. Names live in one
// character arena; each index slot keeps 32 bits of the name's hash, its handle
// and where its characters are, so a lookup touches one slot and one arena line,
// and a batch can prefetch both ahead of time.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "detail/huge_page_allocator.hpp"
#include "detail/hash.hpp"

namespace lifecycle::detail {

class name_index {
 public:
  static constexpr std::uint32_t none = 0xffffffffu;
  static constexpr std::size_t max_name = 0xffff;  ///< longer names are refused by the engine
  static constexpr std::uint64_t offset_mask = (std::uint64_t{1} << 48) - 1;  ///< 256 TiB of names

  /// The handle of `name`, or `none`.
  std::uint32_t find(std::string_view name) const { return find(name, hash_string(name)); }

  std::uint32_t find(std::string_view name, std::uint64_t h) const {
    if (slots_.empty()) return none;
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.handle == none) return none;
      if (s.tag == tag && matches(s, name)) return s.handle;
    }
  }

  /// The handle of `name` (at most max_name bytes), adding it if new (handles are 0, 1, 2, ...).
  std::uint32_t intern(std::string_view name, std::uint64_t h) {
    if ((size() + 1) * 4 > slots_.size() * 3) grow();
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.handle == none) {
        s = {tag, static_cast<std::uint32_t>(size()), chars_.size() & offset_mask, name.size() & 0xffffu};
        chars_.insert(chars_.end(), name.begin(), name.end());
        offsets_.push_back(chars_.size());
        return s.handle;
      }
      if (s.tag == tag && matches(s, name)) return s.handle;
    }
  }

  /// Stage 1 of a batched lookup: bring the name's home slot into cache.
  /// Forced inline, or g++ may delete the call (see pooled_lists.hpp).
  [[gnu::always_inline]] void prefetch_slot(std::uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }

  /// Stage 2: the handle the home slot suggests (unverified, or `none`), and
  /// bring its characters into cache for the verifying lookup.
  [[gnu::always_inline]] std::uint32_t guess(std::uint64_t h) const {
    if (slots_.empty()) return none;
    const slot& s = slots_[h & (slots_.size() - 1)];
    if (s.handle == none || s.tag != static_cast<std::uint32_t>(h >> 32)) return none;
    __builtin_prefetch(chars_.data() + s.offset);
    return s.handle;
  }

  std::string_view name_of(std::uint32_t handle) const {
    const std::size_t begin = offsets_[handle], end = offsets_[handle + 1];
    return {chars_.data() + begin, end - begin};
  }

  std::size_t size() const { return offsets_.size() - 1; }

  std::size_t bytes() const {
    return slots_.capacity() * sizeof(slot) + chars_.capacity() + offsets_.capacity() * sizeof(std::uint64_t);
  }

  void reserve(std::size_t n) {
    std::size_t want = 16;
    while (want * 3 < n * 4) want *= 2;
    if (want > slots_.size()) rehash(want);
    offsets_.reserve(n + 1);
  }

 private:
  struct slot {
    std::uint32_t tag;
    std::uint32_t handle;
    std::uint64_t offset : 48;
    std::uint64_t length : 16;
  };
  static_assert(sizeof(slot) == 16);

  bool matches(const slot& s, std::string_view name) const {
    return s.length == name.size() && std::memcmp(chars_.data() + s.offset, name.data(), name.size()) == 0;
  }

  void grow() { rehash(slots_.empty() ? 1024 : slots_.size() * 2); }

  void rehash(std::size_t n) {
    big_vector<slot> fresh(n, slot{0, none, 0, 0});
    const std::size_t mask = n - 1;
    for (std::uint32_t h = 0; h < size(); ++h) {
      const std::string_view name = name_of(h);
      const std::uint64_t full = hash_string(name);
      std::size_t i = full & mask;
      while (fresh[i].handle != none) i = (i + 1) & mask;
      fresh[i] = {static_cast<std::uint32_t>(full >> 32), h, offsets_[h] & offset_mask, name.size() & 0xffffu};
    }
    slots_.swap(fresh);
  }

  big_vector<slot> slots_;
  big_vector<char> chars_;
  std::vector<std::uint64_t> offsets_{0};
};

}  // namespace lifecycle::detail
