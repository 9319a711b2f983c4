#pragma once
// Persons waiting for a deadline, filed by day in a ring of buckets that spans
// the policy's horizon. Advancing the clock visits only the buckets of the days
// passed, so its cost follows the persons due, not the persons held. Entries are
// not removed when a person's deadline moves: the person's record says which
// day it is really scheduled for, and stale entries are skipped when visited.

#include <cstdint>
#include <vector>

#include "lifecycle/detail/person_records.hpp"

namespace lifecycle::detail {

class deadline_calendar {
 public:
  void reset(day_number horizon) {
    std::size_t n = 1;
    while (n < static_cast<std::size_t>(horizon) + 2) n *= 2;
    buckets_.assign(n, {});
  }

  /// Files `person` under `day`; the caller guarantees clock day < day <= clock day + horizon.
  void add(day_number day, std::uint32_t person) {
    buckets_[static_cast<std::size_t>(day) & (buckets_.size() - 1)].push_back(person);
  }

  /// Takes the persons filed under `day` into `out` (cleared first).
  void take(day_number day, std::vector<std::uint32_t>& out) {
    out.clear();
    out.swap(buckets_[static_cast<std::size_t>(day) & (buckets_.size() - 1)]);
  }

  std::size_t bytes() const {
    std::size_t b = buckets_.capacity() * sizeof(buckets_[0]);
    for (const auto& v : buckets_) b += v.capacity() * sizeof(std::uint32_t);
    return b;
  }

 private:
  std::vector<std::vector<std::uint32_t>> buckets_;
};

}  // namespace lifecycle::detail
