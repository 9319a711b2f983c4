#pragma once
/// \file flows.hpp
/// What the observed flows between stages say: per stage, how likely a person
/// there is to ever reach loyal and to end passive; the most common paths
/// through the stages; how long the first purchase and loyalty take.
///
/// `markov_outcomes` reads the first from the transition counts alone, as an
/// absorbing Markov chain. `compute_flows` (report.hpp) adds the same shares by
/// direct count, the paths and the durations, from a `report_collector`.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "lifecycle/engine.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle {

/// Two outcomes of a person's lifecycle, as probabilities in [0, 1]; NaN when
/// nobody was ever observed in the stage.
struct stage_outcomes {
  double reach_loyal = std::numeric_limits<double>::quiet_NaN();  ///< ever reaches loyal (1 for loyal itself)
  double end_passive = std::numeric_limits<double>::quiet_NaN();  ///< ends in passive, for good
};

/// The absorbing Markov chain of the observed flows. Each stay in a stage
/// either ended with a move (`moves[from][to]` counts them) or still lasts
/// (`ended_in[s]` persons are in stage s now): so from stage s a person moves
/// to t with probability moves[s][t] / (moves out of s + ended_in[s]) and
/// stops in s with the rest. Reaching loyal is the probability of ever hitting
/// loyal; ending passive is the probability of stopping in passive. Both are
/// one small linear solve, (I - Q) x = b, by Gaussian elimination with partial
/// pivoting. The chain assumes a person's next move depends only on their stage
/// (not on how they got there); the direct counts of `compute_flows` do not.
std::array<stage_outcomes, stage_count> markov_outcomes(const transition_matrix& moves,
                                                        const std::array<std::uint64_t, stage_count>& ended_in);

/// The flows of one stage.
struct stage_flow {
  std::uint64_t persons = 0;  ///< persons ever in the stage (every known person for potential)
  stage_outcomes markov;      ///< from `markov_outcomes`
  /// Direct count over `persons`: the share who entered loyal at or after their
  /// first entry into the stage, and the share whose stage is passive now.
  stage_outcomes observed;
};

/// How many persons took one path through the stages.
struct stage_path_count {
  std::vector<stage> stages;  ///< every stage held, in order, from potential (corrections included)
  bool longer = false;        ///< the path went on past these 21 stages (the rest is cut)
  std::uint64_t persons = 0;  ///< persons whose whole path (so far) is this one
  /// Median days from becoming known to entering the path's last stage; none
  /// for the path that never left potential.
  std::optional<double> median_days;
};

/// Days some persons took for one step, mean and median (NaN when nobody did).
struct days_summary {
  std::uint64_t persons = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double median = std::numeric_limits<double>::quiet_NaN();
};

/// Everything the flows section of the report shows.
struct flow_summary {
  std::array<stage_flow, stage_count> stages{};
  std::vector<stage_path_count> top_paths;  ///< the most common paths, most persons first
  std::uint64_t distinct_paths = 0;         ///< how many different paths persons took
  /// From becoming known to the first move into a customer stage, over the
  /// persons who made it (as the engine saw it: the clock when it happened).
  days_summary to_first_purchase;
  /// From first entering new to first entering loyal after it, over the persons who did.
  days_summary new_to_loyal;
};

}  // namespace lifecycle
