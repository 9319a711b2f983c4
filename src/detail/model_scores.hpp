#pragma once
// The customer-base models as the rules call them (person_rules.hpp), by plain
// numbers: the models' public headers declare lifecycle::purchase_record, which
// must not meet detail::purchase_record where both namespaces are open.

#include <array>

#include "lifecycle/policy.hpp"

namespace lifecycle::detail {

/// BG/NBD (r, alpha, a, b) or Pareto/NBD (r, alpha, s, beta), by `kind`.
using model_params = std::array<double, 4>;
/// Gamma-Gamma (p, q, gamma).
using spend_params = std::array<double, 3>;

/// P(alive) of a history (x, t_x, T) in model units (bgnbd_p_alive, pareto_nbd_p_alive).
double model_p_alive(lapse_kind kind, const model_params& m, double x, double t_x, double T) noexcept;
/// Expected repeat purchases in (T, T + t].
double model_expected_purchases(lapse_kind kind, const model_params& m, double t, double x, double t_x,
                                double T) noexcept;
/// customer_lifetime_value with the terms (horizon, period, rate); NaN when it has none.
double model_clv(lapse_kind kind, const model_params& m, const spend_params& spend, double x, double t_x,
                 double T, double mean_spend, double horizon, double period, double rate) noexcept;

}  // namespace lifecycle::detail
