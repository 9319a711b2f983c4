#pragma once
// The browse signals waiting for their hour, earliest first. Each is due a
// fixed time after its view or cart, and events arrive nearly in time order, so
// almost every new entry is due no earlier than the last one: those join a ring
// in order, at O(1) each. The few that come late (an event sent hours late) go
// to a small heap; the earliest of the two fronts is the queue's front. The
// order is the same total order a single heap would give.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lifecycle::detail {

/// A browse_no_buy or abandoned_cart waiting for its hour.
struct pending_instant {
  std::int64_t due = 0;
  std::uint32_t person = 0;
  std::uint8_t cart = 0;
  /// Earliest due first; person and kind make the order total.
  friend bool earlier(const pending_instant& a, const pending_instant& b) {
    if (a.due != b.due) return a.due < b.due;
    if (a.person != b.person) return a.person < b.person;
    return a.cart < b.cart;
  }
};

class instant_queue {
 public:
  bool empty() const noexcept { return count_ == 0 && late_.empty(); }
  std::size_t size() const noexcept { return count_ + late_.size(); }

  /// The earliest entry; the queue must not be empty.
  [[gnu::always_inline]] const pending_instant& front() const {
    if (late_.empty()) return ring_[head_];
    if (count_ == 0) return late_.front();
    return earlier(late_.front(), ring_[head_]) ? late_.front() : ring_[head_];
  }

  void push(const pending_instant& x) {
    if (count_ == 0 || !earlier(x, ring_[(head_ + count_ - 1) & mask()])) {
      if (count_ == ring_.size()) grow();
      ring_[(head_ + count_) & mask()] = x;
      ++count_;
      return;
    }
    late_.push_back(x);
    std::push_heap(late_.begin(), late_.end(), later);
  }

  /// Removes and returns the earliest entry; the queue must not be empty.
  pending_instant pop() {
    if (!late_.empty() && (count_ == 0 || earlier(late_.front(), ring_[head_]))) {
      std::pop_heap(late_.begin(), late_.end(), later);
      const pending_instant x = late_.back();
      late_.pop_back();
      return x;
    }
    const pending_instant x = ring_[head_];
    head_ = (head_ + 1) & mask();
    --count_;
    return x;
  }

  std::size_t bytes() const noexcept {
    return ring_.capacity() * sizeof(pending_instant) + late_.capacity() * sizeof(pending_instant);
  }

 private:
  static bool later(const pending_instant& a, const pending_instant& b) { return earlier(b, a); }
  std::size_t mask() const noexcept { return ring_.size() - 1; }

  // Doubles the ring (a power of two), keeping the entries in order from 0.
  void grow() {
    std::vector<pending_instant> bigger(std::max<std::size_t>(64, ring_.size() * 2));
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) & mask()];
    ring_.swap(bigger);
    head_ = 0;
  }

  std::vector<pending_instant> ring_;  // in order: ring_[head_] is the earliest
  std::size_t head_ = 0, count_ = 0;
  std::vector<pending_instant> late_;  // a min-heap (by `later`) of the out-of-order ones
};

}  // namespace lifecycle::detail
