#pragma once
// A map from person index to a value, for the few persons that have one (the
// contact records of reachable persons). The values sit densely in chunks; an
// open-addressing index of 8-byte slots finds them. The index is small enough
// to stay in cache, so a lookup costs about one miss, the value's, where a
// node-based map costs a bucket and a node. Chunks never move: a value stays
// where it is (references stay valid) and growing wastes at most one chunk.
// Entries are never erased.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace lifecycle::detail {

template <class T>
class person_map {
 public:
  /// The value of `key`, or null.
  T* find(std::uint32_t key) {
    if (index_.empty()) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const slot& s = index_[i];
      if (s.key == key) return &value(s.at);
      if (s.key == empty) return nullptr;
    }
  }
  const T* find(std::uint32_t key) const { return const_cast<person_map*>(this)->find(key); }

  /// The value of `key`, made (value-initialized) if there is none.
  T& operator[](std::uint32_t key) { return *insert(key, T{}).first; }

  /// Adds `key` with `v` unless present; returns the entry and whether it was added.
  std::pair<T*, bool> insert(std::uint32_t key, const T& v) {
    if (T* found = find(key)) return {found, false};
    if ((keys_.size() + 1) * 2 > index_.size()) grow();  // at most half full: short probes
    const auto at = static_cast<std::uint32_t>(keys_.size());
    std::size_t i = home(key);
    while (index_[i].key != empty) i = (i + 1) & mask();
    index_[i] = {key, at};
    if (at % chunk == 0) chunks_.push_back(std::make_unique<T[]>(chunk));
    keys_.push_back(key);
    value(at) = v;
    return {&value(at), true};
  }

  std::size_t size() const noexcept { return keys_.size(); }
  std::size_t bytes() const noexcept {
    return index_.capacity() * sizeof(slot) + keys_.capacity() * sizeof(std::uint32_t) +
           chunks_.size() * chunk * sizeof(T) + chunks_.capacity() * sizeof(chunks_[0]);
  }

  /// The keys in ascending order (for output that must not depend on insertion order).
  std::vector<std::uint32_t> sorted_keys() const {
    std::vector<std::uint32_t> keys = keys_;
    std::sort(keys.begin(), keys.end());
    return keys;
  }

 private:
  static constexpr std::uint32_t empty = 0xffffffffu;  // no person has this index
  static constexpr std::uint32_t chunk = 256;          // values per chunk
  struct slot {
    std::uint32_t key = empty;
    std::uint32_t at = 0;  // its value: value(at)
  };

  T& value(std::uint32_t at) { return chunks_[at / chunk][at % chunk]; }
  std::size_t mask() const noexcept { return index_.size() - 1; }
  // Fibonacci hashing: consecutive indexes spread over the table.
  std::size_t home(std::uint32_t key) const noexcept {
    return static_cast<std::size_t>((std::uint64_t{key} * 0x9E3779B97F4A7C15ull) >> 32) & mask();
  }

  void grow() {
    index_.assign(std::max<std::size_t>(16, index_.size() * 2), slot{});
    for (std::size_t at = 0; at < keys_.size(); ++at) {
      std::size_t i = home(keys_[at]);
      while (index_[i].key != empty) i = (i + 1) & mask();
      index_[i] = {keys_[at], static_cast<std::uint32_t>(at)};
    }
  }

  std::vector<slot> index_;
  std::vector<std::uint32_t> keys_;  // in insertion order: key i's value is value(i)
  std::vector<std::unique_ptr<T[]>> chunks_;
};

}  // namespace lifecycle::detail
