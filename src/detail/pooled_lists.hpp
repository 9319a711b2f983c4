#pragma once
// Variable-length lists of small records for many persons, in one pooled array.
// A list lives in a block of power-of-two capacity; freed blocks are reused by
// class, so the hot path allocates nothing once the pool has grown.

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "detail/huge_page_allocator.hpp"

namespace lifecycle::detail {

/// Where one person's list lives: 8 bytes in the person's record.
struct list_ref {
  std::uint32_t offset = 0;
  std::uint32_t size : 26 = 0;
  std::uint32_t cap_log2 : 6 = 63;  // 63 = no block yet
  bool has_block() const { return cap_log2 != 63; }
  std::uint32_t capacity() const { return has_block() ? (1u << cap_log2) : 0; }
};
static_assert(sizeof(list_ref) == 8);

template <class T>
class pooled_lists {
 public:
  static constexpr std::uint32_t max_size = (1u << 26) - 1;

  /// A list's first block holds 2^first records: more saves the copies of
  /// growing through the small sizes, at the price of room in lists that stay short.
  explicit pooled_lists(std::uint32_t first = 0) : first_class(first) {}

  T* data(list_ref r) { return items_.data() + r.offset; }
  void prefetch(list_ref r) const {
    if (r.has_block()) __builtin_prefetch(items_.data() + r.offset);
  }
  const T* data(list_ref r) const { return items_.data() + r.offset; }

  void push_back(list_ref& r, const T& value) {
    if (r.size == r.capacity()) grow(r);
    items_[r.offset + r.size] = value;
    r.size = (r.size + 1) & max_size;
  }

  /// Removes element i by moving the last one into its place (order is not kept).
  /// An emptied list gives its block back, so persons who went quiet hold none.
  void erase_at(list_ref& r, std::uint32_t i) {
    T* d = data(r);
    d[i] = d[r.size - 1];
    r.size = (r.size - 1) & max_size;
    if (r.size == 0) release(r);
  }

  /// Bytes held, free blocks and spare capacity included.
  std::size_t bytes() const {
    std::size_t b = items_.capacity() * sizeof(T);
    for (const auto& f : free_) b += f.capacity() * sizeof(std::uint32_t);
    return b;
  }

 private:
  void release(list_ref& r) {
    if (free_.size() <= r.cap_log2) free_.resize(r.cap_log2 + 1u);
    free_[r.cap_log2].push_back(r.offset);
    r = list_ref{};
  }

  void grow(list_ref& r) {
    const std::uint32_t cls = r.has_block() ? r.cap_log2 + 1u : first_class;
    if (cls > 26) throw std::length_error("lifecycle: one person's list exceeds 2^26 records");
    std::uint32_t offset;
    if (cls < free_.size() && !free_[cls].empty()) {
      offset = free_[cls].back();
      free_[cls].pop_back();
    } else {
      offset = static_cast<std::uint32_t>(items_.size());
      const std::size_t want = items_.size() + (std::size_t{1} << cls);
      // Grow by a quarter, not double: the pool is most of the engine's memory.
      if (want > items_.capacity()) items_.reserve(std::max(want, items_.capacity() + items_.capacity() / 4));
      items_.resize(want);
    }
    if (r.has_block()) {
      for (std::uint32_t i = 0; i < r.size; ++i) items_[offset + i] = items_[r.offset + i];
      const std::uint32_t size = r.size;
      release(r);
      r.size = size & max_size;
    }
    r.offset = offset;
    r.cap_log2 = cls & 63u;
  }

  std::uint32_t first_class;
  big_vector<T> items_;
  std::vector<std::vector<std::uint32_t>> free_;
};

/// Adapts one list of a pool to the container shape person_rules.hpp expects.
template <class T>
struct pooled_list_view {
  pooled_lists<T>& pool;
  list_ref& ref;
  std::size_t size() const { return ref.size; }
  T& operator[](std::size_t i) { return pool.data(ref)[i]; }
  const T& operator[](std::size_t i) const { return pool.data(ref)[i]; }
  void push_back(const T& v) { pool.push_back(ref, v); }
  void erase_at(std::size_t i) { pool.erase_at(ref, static_cast<std::uint32_t>(i)); }
};

/// The same shape over a std::vector (person_state's own storage).
template <class T>
struct vector_list_view {
  std::vector<T>& items;
  std::size_t size() const { return items.size(); }
  T& operator[](std::size_t i) { return items[i]; }
  const T& operator[](std::size_t i) const { return items[i]; }
  void push_back(const T& v) { items.push_back(v); }
  void erase_at(std::size_t i) {
    items[i] = items.back();
    items.pop_back();
  }
};

}  // namespace lifecycle::detail
