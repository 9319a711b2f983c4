// CLV: the expected purchases of each period, valued and discounted. The
// conditional expectation factors into P(alive), computed once, times the
// expectation if alive, once per period boundary.

#include "lifecycle/clv.hpp"

#include <cmath>
#include <limits>

#include "detail/model_parts.hpp"

namespace lifecycle {

namespace {

template <class IfAlive>
double lifetime_value(double p_alive, double spend, const clv_terms& terms, IfAlive if_alive) {
  if (!(terms.horizon > 0) || !(terms.period > 0) || !(terms.discount_rate > -1) || !std::isfinite(terms.horizon) ||
      !std::isfinite(terms.period) || !std::isfinite(p_alive) || !std::isfinite(spend))
    return std::numeric_limits<double>::quiet_NaN();
  const double periods = std::ceil(terms.horizon / terms.period);
  if (periods > 1e7) return std::numeric_limits<double>::quiet_NaN();
  double value = 0, before = 0, discount = 1;
  for (double i = 1; i <= periods; ++i) {
    const double expected = if_alive(std::min(i * terms.period, terms.horizon));
    discount /= 1 + terms.discount_rate;
    value += (expected - before) * discount;
    before = expected;
  }
  return spend * p_alive * value;
}

}  // namespace

double customer_lifetime_value(const bgnbd_params& transactions, const gamma_gamma_params& spend,
                               const customer_summary& c, const clv_terms& terms) noexcept {
  return lifetime_value(bgnbd_p_alive(transactions, c), gamma_gamma_expected_spend(spend, c), terms,
                        [&](double t) { return detail::bgnbd_expected_if_alive(transactions, t, c.x, c.T); });
}

double customer_lifetime_value(const pareto_nbd_params& transactions, const gamma_gamma_params& spend,
                               const customer_summary& c, const clv_terms& terms) noexcept {
  return lifetime_value(pareto_nbd_p_alive(transactions, c), gamma_gamma_expected_spend(spend, c), terms,
                        [&](double t) { return detail::pareto_nbd_expected_if_alive(transactions, t, c.x, c.T); });
}

}  // namespace lifecycle
