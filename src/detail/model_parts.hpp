#pragma once
// Pieces of the transaction models that the holdout comparison and CLV share:
// a customer's expected purchases factor into P(alive), which depends on the
// whole history (x, t_x, T), times the expectation if alive, which depends on
// (x, T) alone. Summing over many customers, the second factor is computed once
// per distinct (x, T).

#include "lifecycle/bgnbd.hpp"
#include "lifecycle/pareto_nbd.hpp"

namespace lifecycle::detail {

/// Expected purchases in (T, T + t] of an alive BG/NBD customer with x repeat purchases.
double bgnbd_expected_if_alive(const bgnbd_params& p, double t, double x, double T) noexcept;

/// Expected purchases in (T, T + t] of an alive Pareto/NBD customer with x repeat purchases.
double pareto_nbd_expected_if_alive(const pareto_nbd_params& p, double t, double x, double T) noexcept;

}  // namespace lifecycle::detail
