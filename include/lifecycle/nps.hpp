#pragma once
/// \file nps.hpp
/// Net promoter score from `feedback` events with a score of 0..10.

#include <array>
#include <cstdint>
#include <optional>

#include "lifecycle/role.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

/// Answers counted by group: promoters score 9-10, passives 7-8, detractors 0-6.
struct nps_counts {
  std::uint64_t promoters = 0, passives = 0, detractors = 0;

  std::uint64_t responses() const noexcept { return promoters + passives + detractors; }
  /// Percent promoters minus percent detractors, -100..100; none without answers.
  std::optional<double> score() const noexcept {
    const std::uint64_t n = responses();
    if (n == 0) return std::nullopt;
    return 100.0 * (static_cast<double>(promoters) - static_cast<double>(detractors)) / static_cast<double>(n);
  }
  void add(int score) noexcept {
    if (score >= 9) ++promoters;
    else if (score >= 7) ++passives;
    else if (score >= 0) ++detractors;
  }
  friend bool operator==(const nps_counts&, const nps_counts&) = default;
};

/// Each person counts once, with their latest score (by event time), in the
/// group of their current stage and primary role.
struct nps_table {
  nps_counts overall;
  std::array<nps_counts, stage_count> by_stage{};
  std::array<nps_counts, role_count + 1> by_primary_role{};  ///< last: persons with no role
  friend bool operator==(const nps_table&, const nps_table&) = default;
};

}  // namespace lifecycle
