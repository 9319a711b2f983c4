#include "lifecycle/figures.hpp"

namespace lifecycle {

namespace {

template <std::size_t N>
void add(std::array<std::uint64_t, N>& to, const std::array<std::uint64_t, N>& from) noexcept {
  for (std::size_t i = 0; i < N; ++i) to[i] += from[i];
}

}  // namespace

figures& figures::operator+=(const figures& other) noexcept {
  known_persons += other.known_persons;
  add(stages, other.stages);
  add(roles, other.roles);
  for (std::size_t i = 0; i < stage_count; ++i) {
    add(moves[i], other.moves[i]);
    add(forbidden[i], other.forbidden[i]);
  }
  conversions += other.conversions;
  add(conversions_by_primary_role, other.conversions_by_primary_role);
  ingested.accepted += other.ingested.accepted;
  ingested.duplicate += other.ingested.duplicate;
  ingested.rejected += other.ingested.rejected;
  return *this;
}

figures figures_of(const engine& e) {
  figures f;
  f.known_persons = e.known_persons();
  f.stages = e.stage_counts();
  f.roles = e.role_counts();
  f.moves = e.matrix();
  f.forbidden = e.forbidden_moves();
  f.conversions = e.conversions();
  f.conversions_by_primary_role = e.conversions_by_primary_role();
  f.ingested = e.counts();
  return f;
}

figures merge(std::span<const figures> partitions) noexcept {
  figures total;
  for (const figures& f : partitions) total += f;
  return total;
}

}  // namespace lifecycle
