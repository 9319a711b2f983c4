// Pareto/NBD with the Fader-Hardie likelihood:
//
//   L = Γ(r+x) α^r β^s / Γ(r) * [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A0 ]
//
// where A0 = F(t_x) - F(T) and, with m = max(α, β),
//   F(y) = 2F1(r+s+x, s+1 or r+x; r+s+x+1; |α-β|/(m+y)) / (m+y)^(r+s+x)
// (s+1 when α >= β, r+x otherwise, so that the argument lies in [0, 1)).
// F(y) = (r+s+x) ∫_y^∞ (α+u)^-(r+x) (β+u)^-(s+1) du is decreasing, so A0 >= 0;
// it is formed in logs as F(t_x) (1 - F(T)/F(t_x)) to keep its sign and scale.

#include "lifecycle/pareto_nbd.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "detail/model_data.hpp"
#include "detail/model_parts.hpp"
#include "lifecycle/special_functions.hpp"

namespace lifecycle {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool valid(const pareto_nbd_params& p) {
  return p.r > 0 && p.alpha > 0 && p.s > 0 && p.beta > 0 && std::isfinite(p.r) && std::isfinite(p.alpha) &&
         std::isfinite(p.s) && std::isfinite(p.beta);
}

// ln F(y), as above.
double log_f(const pareto_nbd_params& p, double x, double y) {
  const double big = std::max(p.alpha, p.beta);
  const double a = p.r + p.s + x;
  const double b = p.alpha >= p.beta ? p.s + 1 : p.r + x;
  const double z = std::abs(p.alpha - p.beta) / (big + y);
  return std::log(hypergeometric_2f1(a, b, a + 1, z)) - a * std::log(big + y);
}

// The two branches of the likelihood without the factor Γ(r+x) α^r β^s / Γ(r):
// alive = ln[(α+T)^-(r+x) (β+T)^-s], died = ln[s/(r+s+x) A0] (-inf when A0 = 0).
struct branches {
  double alive, died;
};

// From ln F(t_x) and ln F(T).
branches combine(const pareto_nbd_params& p, double x, double T, double f_tx, double f_T) {
  branches out;
  out.alive = -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
  const double ratio = f_T - f_tx;  // <= 0 but for rounding
  out.died = ratio < 0 ? std::log(p.s / (p.r + p.s + x)) + f_tx + std::log(-std::expm1(ratio))
                       : -std::numeric_limits<double>::infinity();
  return out;
}

branches branches_of(const pareto_nbd_params& p, double x, double t_x, double T) {
  const double f_tx = log_f(p, x, t_x);
  return combine(p, x, T, f_tx, T == t_x ? f_tx : log_f(p, x, T));
}

double log_likelihood(const detail::grouped_customers& data, const pareto_nbd_params& p) {
  const double lg_r = log_gamma(p.r);
  const double scale = p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  std::vector<double> base(data.distinct_x.size());
  for (std::size_t k = 0; k < base.size(); ++k) base[k] = log_gamma(p.r + data.distinct_x[k]) - lg_r + scale;
  // ln F once per distinct (x, time): the hypergeometric function is the cost.
  std::vector<double> f_T(data.x_T.size()), f_tx(data.x_tx.size());
  for (std::size_t k = 0; k < f_T.size(); ++k) f_T[k] = log_f(p, data.x_T[k].first, data.x_T[k].second);
  for (std::size_t k = 0; k < f_tx.size(); ++k) f_tx[k] = log_f(p, data.x_tx[k].first, data.x_tx[k].second);
  double ll = 0;
  for (const detail::customer_group& g : data.groups) {
    const branches b = combine(p, g.x, g.T, f_tx[g.x_tx_index], g.T == g.t_x ? f_tx[g.x_tx_index] : f_T[g.x_T_index]);
    ll += g.weight * (base[g.x_index] + detail::log_add(b.alive, b.died));
  }
  return ll;
}

bool valid_history(double x, double t_x, double T) { return x >= 0 && t_x >= 0 && T >= t_x && std::isfinite(T); }

}  // namespace

double pareto_nbd_log_likelihood(const pareto_nbd_params& p, double x, double t_x, double T) noexcept {
  if (!valid(p) || !valid_history(x, t_x, T)) return nan;
  const double base = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  const branches b = branches_of(p, x, t_x, T);
  return base + detail::log_add(b.alive, b.died);
}

double pareto_nbd_log_likelihood(const pareto_nbd_params& p, std::span<const customer_summary> customers) noexcept {
  double ll = 0;
  for (const customer_summary& c : customers) ll += pareto_nbd_log_likelihood(p, c.x, c.t_x, c.T);
  return ll;
}

double pareto_nbd_p_alive(const pareto_nbd_params& p, double x, double t_x, double T) noexcept {
  if (!valid(p) || !valid_history(x, t_x, T)) return nan;
  const branches b = branches_of(p, x, t_x, T);
  return 1 / (1 + std::exp(b.died - b.alive));
}

double detail::pareto_nbd_expected_if_alive(const pareto_nbd_params& p, double t, double x, double T) noexcept {
  if (t == 0) return 0;
  // (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)], with the bracket
  // over (s-1) formed so that s = 1 is no special case.
  const double log_u = -std::log1p(t / (p.beta + T));
  const double bracket_over = -log_u * detail::expm1_over((p.s - 1) * log_u);
  return (p.r + x) * (p.beta + T) / (p.alpha + T) * bracket_over;
}

double pareto_nbd_expected_purchases(const pareto_nbd_params& p, double t, double x, double t_x, double T) noexcept {
  if (!valid(p) || !valid_history(x, t_x, T) || !(t >= 0)) return nan;
  return detail::pareto_nbd_expected_if_alive(p, t, x, T) * pareto_nbd_p_alive(p, x, t_x, T);
}

double pareto_nbd_expected_purchases_new(const pareto_nbd_params& p, double t) noexcept {
  return pareto_nbd_expected_purchases(p, t, 0, 0, 0);
}

pareto_nbd_fit fit_pareto_nbd(std::span<const customer_summary> customers, const fit_options& options) {
  const auto began = std::chrono::steady_clock::now();
  const detail::grouped_customers data = detail::group_customers(customers, "Pareto/NBD");
  std::vector<double> start = log_start(options, 4, "Pareto/NBD", "r, alpha, s, beta");
  if (start.empty()) {
    // r/alpha the pooled repeat rate; a mean lifetime beta/s as long as the mean T.
    const double rate = data.total_x / data.total_T;
    const double mean_T = data.total_T / static_cast<double>(data.customers);
    start = {0.0, std::log(1.0 / rate), 0.0, std::log(mean_T)};
  }
  auto value = [&](std::span<const double> phi) {
    const pareto_nbd_params p{std::exp(phi[0]), std::exp(phi[1]), std::exp(phi[2]), std::exp(phi[3])};
    if (!valid(p)) return nan;
    return log_likelihood(data, p);
  };
  auto f = [&](std::span<const double> phi, std::span<double> gradient) {
    const double ll = value(phi);
    if (!gradient.empty() && std::isfinite(ll)) numeric_gradient(value, phi, gradient);
    return ll;
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, start, data.customers, options);
  pareto_nbd_fit out;
  out.params = {std::exp(m.phi[0]), std::exp(m.phi[1]), std::exp(m.phi[2]), std::exp(m.phi[3])};
  const std::vector<double> se = standard_errors_of_exp(m.phi, m.covariance);
  if (se.size() == 4) out.std_errors = {se[0], se[1], se[2], se[3]};
  out.report = m.report;
  out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return out;
}

}  // namespace lifecycle
