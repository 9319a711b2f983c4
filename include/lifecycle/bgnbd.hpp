#pragma once
/// \file bgnbd.hpp
/// The BG/NBD model (Fader, Hardie & Lee 2005, "'Counting Your Customers' the
/// Easy Way", *Marketing Science* 24(2)): who is still alive and how much they
/// will buy.
///
/// While alive, a customer buys at a Poisson rate λ; after each purchase they
/// drop out with probability p. Across customers λ ~ Gamma(r, alpha) and
/// p ~ Beta(a, b). A customer who made no repeat purchase (x = 0) is alive by
/// assumption. Times are in the summary's unit (customer_summary.hpp); alpha
/// is in that unit, r, a and b have none. Formulas: docs/models.md.

#include <span>

#include "lifecycle/customer_summary.hpp"
#include "lifecycle/model_fit.hpp"

namespace lifecycle {

/// The four parameters; all positive.
struct bgnbd_params {
  double r = 0, alpha = 0, a = 0, b = 0;
};

/// A fitted BG/NBD model.
struct bgnbd_fit {
  bgnbd_params params;
  bgnbd_params std_errors;  ///< from the Hessian; zeros unless `report.hessian_ok`
  fit_report report;
};

/// Maximum-likelihood fit with the analytic gradient. Throws `lifecycle::error`
/// (errc::invalid_argument) for no customers, a customer with impossible
/// figures (t_x outside [0, T], x > 0 with t_x = 0), or no repeat purchase at
/// all. A fit that does not converge is returned with `report.converged` false.
bgnbd_fit fit_bgnbd(std::span<const customer_summary> customers, const fit_options& options = {});

/// The log-likelihood of one customer.
double bgnbd_log_likelihood(const bgnbd_params& p, double x, double t_x, double T) noexcept;
/// Summed over \p customers.
double bgnbd_log_likelihood(const bgnbd_params& p, std::span<const customer_summary> customers) noexcept;

/// The probability that a customer with history (x, t_x, T) is still alive at T.
double bgnbd_p_alive(const bgnbd_params& p, double x, double t_x, double T) noexcept;
inline double bgnbd_p_alive(const bgnbd_params& p, const customer_summary& c) noexcept {
  return bgnbd_p_alive(p, c.x, c.t_x, c.T);
}

/// Expected repeat purchases in (T, T + t] of a customer with history (x, t_x, T).
double bgnbd_expected_purchases(const bgnbd_params& p, double t, double x, double t_x, double T) noexcept;
inline double bgnbd_expected_purchases(const bgnbd_params& p, double t, const customer_summary& c) noexcept {
  return bgnbd_expected_purchases(p, t, c.x, c.t_x, c.T);
}

/// Expected repeat purchases in the first \p t units after a customer's first purchase.
double bgnbd_expected_purchases_new(const bgnbd_params& p, double t) noexcept;

}  // namespace lifecycle
