#pragma once
/// \file figures.hpp
/// The counts of an engine as one value that adds up across engines. A backend
/// that partitions its events by person (one engine per partition) merges the
/// partitions' figures into those one engine would give; see docs/scaling.md.

#include <array>
#include <cstdint>
#include <span>

#include "lifecycle/engine.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

struct figures {
  std::uint64_t known_persons = 0;
  std::array<std::uint64_t, stage_count> stages{};  ///< known persons per stage
  std::array<std::uint64_t, role_count> roles{};    ///< persons holding each role
  transition_matrix moves{};                        ///< stage transitions, from (row) to (column)
  transition_matrix forbidden{};                    ///< of those, moves the stage graph forbids
  std::uint64_t conversions = 0;                    ///< persons who became customers
  std::array<std::uint64_t, role_count + 1> conversions_by_primary_role{};  ///< last: no role
  ingest_counts ingested{};                         ///< accepted, duplicate, rejected events

  /// Adds another partition's figures. Sound only when the partitions hold
  /// disjoint persons (events split by person), as every count is per person.
  figures& operator+=(const figures& other) noexcept;
  friend bool operator==(const figures&, const figures&) = default;
};

/// The engine's figures as of its clock.
figures figures_of(const engine& e);

/// The sum of the partitions' figures.
figures merge(std::span<const figures> partitions) noexcept;

}  // namespace lifecycle
