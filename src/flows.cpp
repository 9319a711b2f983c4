// The absorbing Markov chain of the observed stage flows.

#include "lifecycle/flows.hpp"

#include <cmath>

namespace lifecycle {

namespace {

constexpr std::size_t n = stage_count;
using matrix = std::array<std::array<double, n>, n>;
using vec = std::array<double, n>;

/// Solves a x = b for the first `size` unknowns by Gaussian elimination with
/// partial pivoting; NaN where the system is singular (it is not for a chain
/// whose every observed stage can stop, which observation guarantees).
vec solve(matrix a, vec b, std::size_t size) {
  vec x;
  x.fill(std::numeric_limits<double>::quiet_NaN());
  for (std::size_t col = 0; col < size; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < size; ++r)
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    if (std::fabs(a[pivot][col]) < 1e-12) return x;
    std::swap(a[pivot], a[col]);
    std::swap(b[pivot], b[col]);
    for (std::size_t r = col + 1; r < size; ++r) {
      const double f = a[r][col] / a[col][col];
      if (f == 0.0) continue;
      for (std::size_t c = col; c < size; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  for (std::size_t i = size; i-- > 0;) {
    double s = b[i];
    for (std::size_t c = i + 1; c < size; ++c) s -= a[i][c] * x[c];
    x[i] = s / a[i][i];
  }
  return x;
}

}  // namespace

std::array<stage_outcomes, stage_count> markov_outcomes(const transition_matrix& moves,
                                                        const std::array<std::uint64_t, stage_count>& ended_in) {
  // P[s][t]: the chance a stay in s ends with a move to t; stop[s]: that it lasts.
  matrix p{};
  vec stop{};
  std::array<bool, n> seen{};
  for (std::size_t s = 0; s < n; ++s) {
    double total = static_cast<double>(ended_in[s]);
    for (std::size_t t = 0; t < n; ++t)
      if (t != s) total += static_cast<double>(moves[s][t]);
    seen[s] = total > 0;
    if (!seen[s]) continue;  // a row of zeros: an unobserved stage leads nowhere
    for (std::size_t t = 0; t < n; ++t)
      if (t != s) p[s][t] = static_cast<double>(moves[s][t]) / total;
    stop[s] = static_cast<double>(ended_in[s]) / total;
  }

  // Ending passive: x = P x + b with b[s] = stop[s] for s = passive, 0 otherwise.
  matrix a{};
  vec b{};
  const std::size_t passive = static_cast<std::size_t>(stage::passive);
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t t = 0; t < n; ++t) a[s][t] = (s == t ? 1.0 : 0.0) - p[s][t];
    b[s] = s == passive ? stop[s] : 0.0;
  }
  const vec end_passive = solve(a, b, n);

  // Reaching loyal: loyal absorbs (h = 1); for the other stages h = P h.
  // Solved over the four other stages, in their own order.
  const std::size_t loyal = static_cast<std::size_t>(stage::loyal);
  std::array<std::size_t, n - 1> others{};
  for (std::size_t s = 0, k = 0; s < n; ++s)
    if (s != loyal) others[k++] = s;
  matrix a2{};
  vec b2{};
  for (std::size_t i = 0; i < n - 1; ++i) {
    for (std::size_t j = 0; j < n - 1; ++j) a2[i][j] = (i == j ? 1.0 : 0.0) - p[others[i]][others[j]];
    b2[i] = p[others[i]][loyal];
  }
  const vec h = solve(a2, b2, n - 1);

  std::array<stage_outcomes, stage_count> out{};
  for (std::size_t i = 0; i < n - 1; ++i)
    if (seen[others[i]]) out[others[i]].reach_loyal = h[i];
  if (seen[loyal]) out[loyal].reach_loyal = 1.0;
  for (std::size_t s = 0; s < n; ++s)
    if (seen[s]) out[s].end_passive = end_passive[s];
  return out;
}

}  // namespace lifecycle
