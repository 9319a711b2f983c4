#pragma once
// The stage graph's 5x5 lookup table, for the rules' parameters.

#include "lifecycle/stage_graph.hpp"

namespace lifecycle::detail {

/// The table of the model's graph with \p allow added and \p forbid removed,
/// built from the graph (not validated: the engine validates on construction;
/// person_state takes the policy as the host gives it). The model's table is
/// built once; a host's once per thread and policy.
move_table move_table_of(const stage_moves& allow, const stage_moves& forbid);

}  // namespace lifecycle::detail
