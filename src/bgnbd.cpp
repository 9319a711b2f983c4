// BG/NBD: the likelihood with its analytic gradient, the fit, and the
// per-customer quantities. The terms that depend on x alone (gamma and beta
// functions) are computed once per distinct x; each (x, t_x, T) group then
// costs two logarithms and an exponential.

#include "lifecycle/bgnbd.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <limits>

#include "detail/model_data.hpp"
#include "detail/model_parts.hpp"
#include "lifecycle/special_functions.hpp"

namespace lifecycle {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool valid(const bgnbd_params& p) {
  return p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && std::isfinite(p.r) && std::isfinite(p.alpha) &&
         std::isfinite(p.a) && std::isfinite(p.b);
}

// The log-likelihood of the groups and, when gradient is not empty, its
// gradient with respect to (ln r, ln alpha, ln a, ln b).
double log_likelihood(const detail::grouped_customers& data, const bgnbd_params& p, std::span<double> gradient) {
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  const bool want = !gradient.empty();
  // Per distinct x: A = ln Γ(r+x) - ln Γ(r) + r ln α + ln B(a, b+x) - ln B(a, b), and
  // for x > 0 the log of a/(b+x-1), with their derivatives.
  struct x_terms {
    double base, log_ratio, d_r, d_a, d_b;
  };
  std::vector<x_terms> terms(data.distinct_x.size());
  const double ln_alpha = std::log(alpha);
  const double lg_r = log_gamma(r), lg_b = log_gamma(b), lg_ab = log_gamma(a + b);
  const double psi_r = want ? digamma(r) : 0, psi_b = want ? digamma(b) : 0, psi_ab = want ? digamma(a + b) : 0;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const double x = data.distinct_x[k];
    x_terms& t = terms[k];
    t.base = log_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + log_gamma(b + x) - lg_b - log_gamma(a + b + x);
    t.log_ratio = x > 0 ? std::log(a / (b + x - 1)) : 0;
    if (want) {
      const double psi_abx = digamma(a + b + x);
      t.d_r = digamma(r + x) - psi_r + ln_alpha;
      t.d_a = psi_ab - psi_abx;
      t.d_b = psi_ab + digamma(b + x) - psi_b - psi_abx;
    }
  }
  double ll = 0;
  double g_r = 0, g_alpha = 0, g_a = 0, g_b = 0;
  for (const detail::customer_group& g : data.groups) {
    const x_terms& t = terms[g.x_index];
    const double rx = r + g.x;
    const double log_T = std::log(alpha + g.T);
    const double dead_branch = -rx * log_T;  // still alive at T
    if (g.x == 0) {
      ll += g.weight * (t.base + dead_branch);
      if (want) {
        g_r += g.weight * (t.d_r - log_T);
        g_alpha += g.weight * (r / alpha - rx / (alpha + g.T));
        g_a += g.weight * t.d_a;
        g_b += g.weight * t.d_b;
      }
      continue;
    }
    const double log_tx = std::log(alpha + g.t_x);
    const double died_branch = t.log_ratio - rx * log_tx;  // dropped out right after the last purchase
    ll += g.weight * (t.base + detail::log_add(dead_branch, died_branch));
    if (want) {
      // Weights of the two branches in the mixture.
      const double w_died = 1 / (1 + std::exp(dead_branch - died_branch));
      const double w_alive = 1 - w_died;
      g_r += g.weight * (t.d_r - w_alive * log_T - w_died * log_tx);
      g_alpha += g.weight * (r / alpha - rx * (w_alive / (alpha + g.T) + w_died / (alpha + g.t_x)));
      g_a += g.weight * (t.d_a + w_died / a);
      g_b += g.weight * (t.d_b - w_died / (b + g.x - 1));
    }
  }
  if (want) {
    gradient[0] = g_r * r;
    gradient[1] = g_alpha * alpha;
    gradient[2] = g_a * a;
    gradient[3] = g_b * b;
  }
  return ll;
}

// Σ_{n>=1} (A)_n (a)_{n-1} / ((C)_n n!) z^n = (2F1(A, a-1; C; z) - 1)/(a-1),
// without the division: for a near 1. NaN when it needs more than 2e6 terms
// (z above about 1 - 2e-5).
double f_minus_one_over(double A, double a, double C, double z) {
  double term = A / C * z, sum = term;
  for (long n = 2; n < 2'000'000; ++n) {
    const double dn = static_cast<double>(n);
    const double ratio = (A + dn - 1) * (a + dn - 2) / ((C + dn - 1) * dn) * z;
    term *= ratio;
    sum += term;
    if (term == 0) return sum;
    if (dn > std::abs(A) + std::abs(a) + std::abs(C)) {
      const double rho = std::max(std::abs(ratio), z);
      if (rho < 1 && std::abs(term) * rho <= 0.25 * 2.2e-16 * std::abs(sum) * (1 - rho)) return sum;
    }
  }
  return nan;
}

// [1 - (1-z)^(a-1) 2F1(A, a-1; C; z)] / (a-1). With k = (a-1) ln(1-z) it
// equals -[ln(1-z) expm1(k)/k + e^k (2F1 - 1)/(a-1)], whose last factor is
// the series above: no division by a - 1, no difference of near-equal terms.
double bracket_over_a_minus_one(double a, double A, double C, double z) {
  const double log_w = std::log1p(-z);
  const double k = (a - 1) * log_w;
  // The general form cancels when a is near 1 and when z is small (a short
  // horizon: the bracket is O(z)); the series form has neither problem but
  // converges slowly as z nears 1.
  if (std::abs(a - 1) >= 1e-3 && z > 0.5) return (1 - std::exp(k) * hypergeometric_2f1(A, a - 1, C, z)) / (a - 1);
  const double series = f_minus_one_over(A, a, C, z);
  if (!std::isnan(series)) return -(log_w * detail::expm1_over(k) + std::exp(k) * series);
  // z within 2e-5 of 1 (a horizon 5e4 times alpha + T): interpolate between
  // a = 1 -+ 1e-3, where the general form is accurate; error about 1e-6.
  const double lo = 1 - 1e-3, hi = 1 + 1e-3;
  const double at_lo = bracket_over_a_minus_one(lo, A + lo - a, C + lo - a, z);
  const double at_hi = bracket_over_a_minus_one(hi, A + hi - a, C + hi - a, z);
  return at_lo + (at_hi - at_lo) * (a - lo) / (hi - lo);
}

}  // namespace

double bgnbd_log_likelihood(const bgnbd_params& p, double x, double t_x, double T) noexcept {
  if (!valid(p) || !(x >= 0) || !(t_x >= 0) || !(T >= t_x)) return nan;
  const double base = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha) + log_beta(p.a, p.b + x) -
                      log_beta(p.a, p.b);
  const double alive = -(p.r + x) * std::log(p.alpha + T);
  if (x == 0) return base + alive;
  const double died = std::log(p.a / (p.b + x - 1)) - (p.r + x) * std::log(p.alpha + t_x);
  return base + detail::log_add(alive, died);
}

double bgnbd_log_likelihood(const bgnbd_params& p, std::span<const customer_summary> customers) noexcept {
  double ll = 0;
  for (const customer_summary& c : customers) ll += bgnbd_log_likelihood(p, c.x, c.t_x, c.T);
  return ll;
}

double bgnbd_p_alive(const bgnbd_params& p, double x, double t_x, double T) noexcept {
  if (!valid(p) || !(x >= 0) || !(t_x >= 0) || !(T >= t_x)) return nan;
  if (x == 0) return 1;
  // 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)), the power taken in logs.
  const double log_odds = std::log(p.a / (p.b + x - 1)) + (p.r + x) * std::log((p.alpha + T) / (p.alpha + t_x));
  return 1 / (1 + std::exp(log_odds));
}

double detail::bgnbd_expected_if_alive(const bgnbd_params& p, double t, double x, double T) noexcept {
  if (t == 0) return 0;
  // The conditional expectation with Euler's transformation of its 2F1, which keeps every factor
  // moderate for large x: (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
  //   = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t/(α+T+t).
  const double a = p.a, b = p.b, r = p.r;
  const double z = t / (p.alpha + T + t);
  const double A = a + b - 1 - r, C = a + b + x - 1;
  const double bracket_over = bracket_over_a_minus_one(a, A, C, z);
  return C * bracket_over;
}

double bgnbd_expected_purchases(const bgnbd_params& p, double t, double x, double t_x, double T) noexcept {
  if (!valid(p) || !(t >= 0) || !(x >= 0) || !(t_x >= 0) || !(T >= t_x)) return nan;
  return detail::bgnbd_expected_if_alive(p, t, x, T) * bgnbd_p_alive(p, x, t_x, T);
}

double bgnbd_expected_purchases_new(const bgnbd_params& p, double t) noexcept {
  // A customer seen only at the first purchase: x = t_x = T = 0 (the unconditional expectation is the conditional one there).
  return bgnbd_expected_purchases(p, t, 0, 0, 0);
}

bgnbd_fit fit_bgnbd(std::span<const customer_summary> customers, const fit_options& options) {
  const auto began = std::chrono::steady_clock::now();
  const detail::grouped_customers data = detail::group_customers(customers, "BG/NBD");
  std::vector<double> start = log_start(options, 4, "BG/NBD", "r, alpha, a, b");
  if (start.empty()) {
    // r = 1 and alpha such that r/alpha is the pooled repeat rate; a dropout
    // probability a/(a+b) of 1/3.
    const double rate = data.total_x / data.total_T;
    start = {0.0, std::log(1.0 / rate), 0.0, std::log(2.0)};
  }
  auto f = [&](std::span<const double> phi, std::span<double> gradient) {
    const bgnbd_params p{std::exp(phi[0]), std::exp(phi[1]), std::exp(phi[2]), std::exp(phi[3])};
    if (!valid(p)) return nan;
    return log_likelihood(data, p, gradient);
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, start, data.customers, options);
  bgnbd_fit out;
  out.params = {std::exp(m.phi[0]), std::exp(m.phi[1]), std::exp(m.phi[2]), std::exp(m.phi[3])};
  const std::vector<double> se = standard_errors_of_exp(m.phi, m.covariance);
  if (se.size() == 4) out.std_errors = {se[0], se[1], se[2], se[3]};
  out.report = m.report;
  out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return out;
}

}  // namespace lifecycle
