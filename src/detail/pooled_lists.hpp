#pragma once
// Variable-length lists of small records for many persons, in one pooled array.
// A list lives in a block of power-of-two capacity; freed blocks are reused by
// class, so the hot path allocates nothing once the pool has grown.

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "detail/huge_page_allocator.hpp"

namespace lifecycle::detail {

/// Where one person's list lives: 8 bytes in the person's record.
struct list_ref {
  static constexpr std::uint32_t no_block = 63;
  static constexpr std::uint32_t local = 62;  // a small_list's records are in the record itself
  std::uint32_t offset = 0;
  std::uint32_t size : 26 = 0;
  std::uint32_t cap_log2 : 6 = no_block;
  bool has_block() const { return cap_log2 < local; }
  std::uint32_t capacity() const { return has_block() ? (1u << cap_log2) : 0; }
};
static_assert(sizeof(list_ref) == 8);

/// A list whose first N records live in the person's own record: most persons
/// have only a day or two of activity in their windows, and reading those then
/// costs no second cache miss. A longer list moves to the pool, and back once
/// it is short again.
template <class T, std::uint32_t N>
struct small_list {
  list_ref ref{0, 0, list_ref::local};
  T here[N]{};
  bool is_local() const { return ref.cap_log2 == list_ref::local; }
  std::uint32_t size() const { return ref.size; }
};

template <class T>
class pooled_lists {
 public:
  static constexpr std::uint32_t max_size = (1u << 26) - 1;

  /// A list's first block holds 2^first records: more saves the copies of
  /// growing through the small sizes, at the price of room in lists that stay short.
  explicit pooled_lists(std::uint32_t first = 0) : first_class(first) {}

  T* data(list_ref r) { return items_.data() + r.offset; }
  // Every fetch-ahead helper in the engine is forced inline. A function whose
  // only effect is a prefetch has no effect a program can see, so g++ 12 at
  // -O2 may find it free of side effects and delete the calls it has not
  // inlined yet (after splitting off the part behind a test, as here). The
  // single ingest call lost its fetch of the signal record that way, and a
  // batch of named events 17 of its 47 fetch instructions.
  [[gnu::always_inline]] void prefetch(list_ref r) const {
    if (r.has_block()) __builtin_prefetch(items_.data() + r.offset);
  }
  const T* data(list_ref r) const { return items_.data() + r.offset; }

  template <std::uint32_t N>
  T* data(small_list<T, N>& l) {
    return l.is_local() ? l.here : items_.data() + l.ref.offset;
  }
  template <std::uint32_t N>
  const T* data(const small_list<T, N>& l) const {
    return l.is_local() ? l.here : items_.data() + l.ref.offset;
  }
  template <std::uint32_t N>
  static std::uint32_t capacity(const small_list<T, N>& l) {
    return l.is_local() ? N : l.ref.capacity();
  }
  /// Fetches a pooled list for reading it whole (a wake): its first two cache
  /// lines and its last record.
  template <std::uint32_t N>
  [[gnu::always_inline]] void prefetch_all(const small_list<T, N>& l) const {
    if (l.is_local()) return;
    const T* begin = items_.data() + l.ref.offset;
    const T* end = begin + l.ref.size;
    __builtin_prefetch(begin);
    __builtin_prefetch(reinterpret_cast<const char*>(begin) + 64);
    __builtin_prefetch(end - 1);
  }

  /// Fetches where the next change of a pooled list lands: its last record (a
  /// day's further events) and the slot after it (a new day). A pooled list is
  /// never empty (it moves home first).
  template <std::uint32_t N>
  [[gnu::always_inline]] void prefetch(const small_list<T, N>& l) const {
    if (l.is_local()) return;
    const T* end = items_.data() + l.ref.offset + l.ref.size;
    __builtin_prefetch(end - 1);
    __builtin_prefetch(end);
  }

  template <std::uint32_t N>
  [[gnu::always_inline]] void push_back(small_list<T, N>& l, const T& value) {
    if (l.is_local() && l.ref.size < N) [[likely]] {
      l.here[l.ref.size] = value;
      l.ref.size = (l.ref.size + 1) & max_size;
      return;
    }
    push_back_far(l, value);
  }

  /// Drops the records `drop` says to, keeping the order of the rest; calls
  /// `drop` once per record, in order. A list short enough again moves back home.
  template <std::uint32_t N, class Drop>
  void erase_if(small_list<T, N>& l, Drop&& drop) {
    T* d = data(l);
    const std::uint32_t n = l.ref.size;
    std::uint32_t kept = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const T v = d[i];
      if (!drop(v)) d[kept++] = v;
    }
    if (kept != n) shrink_to(l, kept);
  }

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
  template <std::uint32_t N>
  [[gnu::noinline]] void push_back_far(small_list<T, N>& l, const T& value) {
    if (l.is_local()) move_to_pool(l);
    push_back(l.ref, value);
  }

  // Sets a small list's size; one short enough again moves back home, at half
  // the room, not at full, so that a list that hovers at N does not move to and fro.
  template <std::uint32_t N>
  void shrink_to(small_list<T, N>& l, std::uint32_t size) {
    l.ref.size = size & max_size;
    if (l.is_local() || size > N / 2) return;
    const list_ref pooled = l.ref;
    for (std::uint32_t k = 0; k < size; ++k) l.here[k] = items_[pooled.offset + k];
    release(l.ref);
    l.ref.size = size & max_size;
    l.ref.cap_log2 = list_ref::local;
  }

  // Moves a full home list to the first block class with room for one more.
  template <std::uint32_t N>
  void move_to_pool(small_list<T, N>& l) {
    std::uint32_t cls = first_class;
    while ((1u << cls) <= N) ++cls;
    const std::uint32_t offset = take_block(cls);
    for (std::uint32_t k = 0; k < N; ++k) items_[offset + k] = l.here[k];
    l.ref.offset = offset;
    l.ref.size = N & max_size;
    l.ref.cap_log2 = cls & 63u;
  }

  void release(list_ref& r) {
    if (free_.size() <= r.cap_log2) free_.resize(r.cap_log2 + 1u);
    free_[r.cap_log2].push_back(r.offset);
    r = list_ref{};
  }

  // A block of 2^cls records: a freed one of that class, or a new one at the end.
  std::uint32_t take_block(std::uint32_t cls) {
    if (cls > 26) throw std::length_error("lifecycle: one person's list exceeds 2^26 records");
    if (cls < free_.size() && !free_[cls].empty()) {
      const std::uint32_t offset = free_[cls].back();
      free_[cls].pop_back();
      return offset;
    }
    const auto offset = static_cast<std::uint32_t>(items_.size());
    const std::size_t want = items_.size() + (std::size_t{1} << cls);
    // Grow by a quarter, not double: the pool is most of the engine's memory.
    if (want > items_.capacity()) items_.reserve(std::max(want, items_.capacity() + items_.capacity() / 4));
    items_.resize(want);
    return offset;
  }

  void grow(list_ref& r) {
    const std::uint32_t cls = r.has_block() ? r.cap_log2 + 1u : first_class;
    const std::uint32_t offset = take_block(cls);
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

/// Adapts one list of a pool (a list_ref or a small_list) to the container
/// shape person_rules.hpp expects.
template <class T, class List = list_ref>
struct pooled_list_view {
  pooled_lists<T>& pool;
  List& ref;
  std::size_t size() const { return list_size(ref); }
  T& operator[](std::size_t i) { return pool.data(ref)[i]; }
  const T& operator[](std::size_t i) const { return pool.data(ref)[i]; }
  void push_back(const T& v) { pool.push_back(ref, v); }
  void erase_at(std::size_t i) { pool.erase_at(ref, static_cast<std::uint32_t>(i)); }
  template <class Drop>
  void erase_if(Drop&& drop) {
    pool.erase_if(ref, std::forward<Drop>(drop));
  }

 private:
  static std::size_t list_size(const list_ref& r) { return r.size; }
  template <std::uint32_t N>
  static std::size_t list_size(const small_list<T, N>& l) { return l.ref.size; }
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
  template <class Drop>
  void erase_if(Drop&& drop) {
    std::erase_if(items, std::forward<Drop>(drop));
  }
};

}  // namespace lifecycle::detail
