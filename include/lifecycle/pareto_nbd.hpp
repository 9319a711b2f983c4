#pragma once
/// \file pareto_nbd.hpp
/// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting Your
/// Customers: Who Are They and What Will They Do Next?", *Management Science*
/// 33(1)), with the likelihood in the form of Fader & Hardie (2005), "A Note on
/// Deriving the Pareto/NBD Model and Related Expressions".
///
/// While alive, a customer buys at a Poisson rate λ; they drop out at an
/// exponentially distributed time with rate μ, at any moment rather than only
/// after a purchase. Across customers λ ~ Gamma(r, alpha), μ ~ Gamma(s, beta).
/// Times are in the summary's unit; alpha and beta are in that unit.
/// Formulas: docs/models.md.

#include <span>

#include "lifecycle/customer_summary.hpp"
#include "lifecycle/model_fit.hpp"

namespace lifecycle {

/// The four parameters; all positive.
struct pareto_nbd_params {
  double r = 0, alpha = 0, s = 0, beta = 0;
};

/// A fitted Pareto/NBD model.
struct pareto_nbd_fit {
  pareto_nbd_params params;
  pareto_nbd_params std_errors;  ///< from the Hessian; zeros unless `report.hessian_ok`
  fit_report report;
};

/// Maximum-likelihood fit. The likelihood needs the Gauss hypergeometric
/// function, whose derivatives in its parameters have no closed form, so the
/// gradient is a fourth-order central difference. Throws like `fit_bgnbd`.
pareto_nbd_fit fit_pareto_nbd(std::span<const customer_summary> customers, const fit_options& options = {});

/// The log-likelihood of one customer.
double pareto_nbd_log_likelihood(const pareto_nbd_params& p, double x, double t_x, double T) noexcept;
/// Summed over \p customers.
double pareto_nbd_log_likelihood(const pareto_nbd_params& p, std::span<const customer_summary> customers) noexcept;

/// The probability that a customer with history (x, t_x, T) is still alive at T.
double pareto_nbd_p_alive(const pareto_nbd_params& p, double x, double t_x, double T) noexcept;
inline double pareto_nbd_p_alive(const pareto_nbd_params& p, const customer_summary& c) noexcept {
  return pareto_nbd_p_alive(p, c.x, c.t_x, c.T);
}

/// Expected repeat purchases in (T, T + t] of a customer with history (x, t_x, T).
double pareto_nbd_expected_purchases(const pareto_nbd_params& p, double t, double x, double t_x, double T) noexcept;
inline double pareto_nbd_expected_purchases(const pareto_nbd_params& p, double t, const customer_summary& c) noexcept {
  return pareto_nbd_expected_purchases(p, t, c.x, c.t_x, c.T);
}

/// Expected repeat purchases in the first \p t units after a customer's first purchase.
double pareto_nbd_expected_purchases_new(const pareto_nbd_params& p, double t) noexcept;

}  // namespace lifecycle
