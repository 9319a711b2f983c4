#include "detail/model_scores.hpp"

#include "lifecycle/bgnbd.hpp"
#include "lifecycle/clv.hpp"
#include "lifecycle/gamma_gamma.hpp"
#include "lifecycle/pareto_nbd.hpp"

namespace lifecycle::detail {

double model_p_alive(lapse_kind kind, const model_params& m, double x, double t_x, double T) noexcept {
  if (kind == lapse_kind::bgnbd) return bgnbd_p_alive({m[0], m[1], m[2], m[3]}, x, t_x, T);
  return pareto_nbd_p_alive({m[0], m[1], m[2], m[3]}, x, t_x, T);
}

double model_expected_purchases(lapse_kind kind, const model_params& m, double t, double x, double t_x,
                                double T) noexcept {
  if (kind == lapse_kind::bgnbd) return bgnbd_expected_purchases({m[0], m[1], m[2], m[3]}, t, x, t_x, T);
  return pareto_nbd_expected_purchases({m[0], m[1], m[2], m[3]}, t, x, t_x, T);
}

double model_clv(lapse_kind kind, const model_params& m, const spend_params& spend, double x, double t_x,
                 double T, double mean_spend, double horizon, double period, double rate) noexcept {
  customer_summary c;
  c.x = static_cast<std::uint32_t>(x);
  c.t_x = t_x;
  c.T = T;
  c.mean_spend = mean_spend;
  const gamma_gamma_params g{spend[0], spend[1], spend[2]};
  const clv_terms terms{horizon, period, rate};
  if (kind == lapse_kind::bgnbd) return customer_lifetime_value(bgnbd_params{m[0], m[1], m[2], m[3]}, g, c, terms);
  return customer_lifetime_value(pareto_nbd_params{m[0], m[1], m[2], m[3]}, g, c, terms);
}

}  // namespace lifecycle::detail
