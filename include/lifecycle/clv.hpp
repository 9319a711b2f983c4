#pragma once
/// \file clv.hpp
/// Customer lifetime value over a horizon: the expected purchases of a
/// transaction model (BG/NBD or Pareto/NBD), valued by the Gamma-Gamma spend
/// model, discounted period by period.
///
///   CLV = Σ_{i=1..n} E[spend] (E[Y(t_i)] - E[Y(t_{i-1})]) / (1 + d)^i,
///   t_i = min(i * period, horizon),  n = ceil(horizon / period)
///
/// where E[Y(t)] is the customer's expected repeat purchases in the next t
/// units given their history, and purchases in period i are discounted by i
/// whole periods (as at the period's end).

#include "lifecycle/bgnbd.hpp"
#include "lifecycle/customer_summary.hpp"
#include "lifecycle/gamma_gamma.hpp"
#include "lifecycle/pareto_nbd.hpp"

namespace lifecycle {

/// The horizon and the discounting. All times are in the summary's unit; the
/// defaults suit weeks: a year, monthly periods, 1% a month.
struct clv_terms {
  double horizon = 52;          ///< how far ahead, > 0
  double period = 52.0 / 12.0;  ///< the length of a discount period, > 0
  double discount_rate = 0.01;  ///< per period, > -1 (0.01 = 1%)
};

/// The CLV of a customer over \p terms, in money units (dollars). NaN for
/// invalid parameters or terms. Cost: one expected-purchases evaluation per period.
double customer_lifetime_value(const bgnbd_params& transactions, const gamma_gamma_params& spend,
                               const customer_summary& c, const clv_terms& terms = {}) noexcept;
double customer_lifetime_value(const pareto_nbd_params& transactions, const gamma_gamma_params& spend,
                               const customer_summary& c, const clv_terms& terms = {}) noexcept;

}  // namespace lifecycle
