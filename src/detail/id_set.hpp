#pragma once
// Remembers event ids for duplicate detection as 96-bit fingerprints (a false
// "duplicate" needs two ids among billions to agree on 96 bits). Each entry
// knows the last day its event could still count in a window; once the clock
// passes it, the entry may be forgotten, because the event would change nothing
// if it came again. Purchase and refund ids never expire.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "detail/huge_page_allocator.hpp"
#include "detail/hash.hpp"
#include "lifecycle/detail/person_records.hpp"

namespace lifecycle::detail {

class id_set {
 public:
  static constexpr day_number forever = std::numeric_limits<day_number>::max();

  struct fingerprint {
    std::uint64_t a;
    std::uint32_t b;
  };

  static fingerprint fingerprint_of(std::string_view id) {
    auto [a, b] = hash_bytes_2x(id.data(), id.size());
    if (a == 0) a = 1;  // 0 marks an empty slot
    return {a, static_cast<std::uint32_t>(b >> 32)};
  }

  /// Inserts the id; false if it is remembered (a duplicate), true if new or
  /// expired (forgotten) by `clock_day`.
  /// `expires` is the first day on which the entry may be forgotten.
  bool insert(fingerprint f, day_number expires, day_number clock_day) {
    if ((count_ + 1) * 10 > slots_.size() * 7) rebuild(clock_day);
    const std::size_t mask = slots_.size() - 1;
    slot* expired = nullptr;  // the first forgotten entry on the way, to take over
    for (std::size_t i = f.a & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.a == 0) {
        // The id is not in its run. A new entry takes an expired one's place
        // when the run has one: the table then fills, and is cleaned, less
        // often. Only an empty slot ends a run, so none is made here.
        if (expired != nullptr) {
          *expired = {f.a, f.b, expires};
        } else {
          s = {f.a, f.b, expires};
          ++count_;
        }
        return true;
      }
      if (expired == nullptr && s.expires <= clock_day) expired = &s;
      if (s.a == f.a && s.b == f.b) {
        // An expired entry counts as forgotten whether or not a clean-up has
        // removed it yet, so the answer never depends on when clean-ups ran
        // (or on a snapshot, which keeps only live entries).
        const bool forgotten = s.expires <= clock_day;
        if (forgotten || expires > s.expires) s.expires = expires;
        return forgotten;
      }
    }
  }

  // Forced inline, or g++ may delete the call (see pooled_lists.hpp).
  [[gnu::always_inline]] void prefetch(fingerprint f) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[f.a & (slots_.size() - 1)]);
  }

  /// Calls f(fingerprint, expires) for every entry not yet expired on `clock_day`.
  template <class F>
  void for_each_live(day_number clock_day, F&& f) const {
    for (const slot& s : slots_)
      if (s.a != 0 && s.expires > clock_day) f(fingerprint{s.a, s.b}, s.expires);
  }

  /// Room for `n` entries without growing.
  void reserve(std::size_t n) {
    std::size_t want = 1024;
    while ((n + 1) * 2 > want) want *= 2;
    if (want > slots_.size()) {
      big_vector<slot> old(want, slot{0, 0, 0});
      old.swap(slots_);
      for (const slot& s : old)
        if (s.a != 0) place(s);
    }
  }

  std::size_t size() const { return count_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(slot); }

 private:
  struct slot {
    std::uint64_t a;
    std::uint32_t b;
    day_number expires;
  };
  static_assert(sizeof(slot) == 16);

  // Drops expired entries; grows only if that did not free enough room. A
  // steady stream keeps its size and is cleaned in place, allocating nothing.
  void rebuild(day_number clock_day) {
    std::size_t live = 0;
    for (const slot& s : slots_)
      if (s.a != 0 && s.expires > clock_day) ++live;
    std::size_t n = slots_.empty() ? 1024 : slots_.size();
    while ((live + 1) * 2 > n) n *= 2;
    if (n == slots_.size()) {
      compact_in_place(clock_day);
      count_ = live;
      return;
    }
    big_vector<slot> old(n, slot{0, 0, 0});
    old.swap(slots_);
    for (const slot& s : old)
      if (s.a != 0 && s.expires > clock_day) place(s);
    count_ = live;
  }

  // Linear probing without tombstones: after emptying the expired slots, every
  // entry is moved back towards its home. Walking the table once from a slot
  // that was empty before (no probe run crosses it), each entry lands at or
  // before where it was, in a run that is already final.
  void compact_in_place(day_number clock_day) {
    const std::size_t n = slots_.size();
    const std::size_t mask = n - 1;
    std::size_t gap = 0;
    while (slots_[gap].a != 0) ++gap;  // exists: the load stays below 0.7
    for (slot& s : slots_)
      if (s.a != 0 && s.expires <= clock_day) s = slot{0, 0, 0};
    for (std::size_t k = 1; k < n; ++k) {
      const std::size_t i = (gap + k) & mask;
      if (slots_[i].a == 0) continue;
      const slot s = slots_[i];
      slots_[i] = slot{0, 0, 0};
      place(s);
    }
  }

  void place(const slot& s) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = s.a & mask;
    while (slots_[i].a != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }

  big_vector<slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace lifecycle::detail
