// Gamma-Gamma: the density of a customer's mean transaction value z̄ over x
// transactions,
//
//   f(z̄ | p, q, γ; x) = Γ(px+q) / (Γ(px) Γ(q)) γ^q z̄^(px-1) x^(px) / (γ + x z̄)^(px+q),
//
// its analytic gradient, the fit, and the conditional expected spend.

#include "lifecycle/gamma_gamma.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "lifecycle/error.hpp"
#include "lifecycle/special_functions.hpp"

namespace lifecycle {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool valid(const gamma_gamma_params& p) {
  return p.p > 0 && p.q > 0 && p.gamma > 0 && std::isfinite(p.p) && std::isfinite(p.q) && std::isfinite(p.gamma);
}

bool usable(const customer_summary& c) { return c.x > 0 && c.mean_spend > 0; }

struct spender {
  double x, mean;
};

double log_likelihood(std::span<const spender> data, const gamma_gamma_params& p, std::span<double> gradient) {
  const bool want = !gradient.empty();
  const double lg_q = log_gamma(p.q), log_gamma_param = std::log(p.gamma);
  const double psi_q = want ? digamma(p.q) : 0;
  double ll = 0, g_p = 0, g_q = 0, g_gamma = 0;
  for (const spender& s : data) {
    const double px = p.p * s.x;
    const double log_total = std::log(p.gamma + s.x * s.mean);
    ll += log_gamma(px + p.q) - log_gamma(px) - lg_q + p.q * log_gamma_param + (px - 1) * std::log(s.mean) +
          px * std::log(s.x) - (px + p.q) * log_total;
    if (want) {
      const double psi_pxq = digamma(px + p.q);
      g_p += s.x * (psi_pxq - digamma(px) + std::log(s.mean) + std::log(s.x) - log_total);
      g_q += psi_pxq - psi_q + log_gamma_param - log_total;
      g_gamma += p.q / p.gamma - (px + p.q) / (p.gamma + s.x * s.mean);
    }
  }
  if (want) {
    gradient[0] = g_p * p.p;
    gradient[1] = g_q * p.q;
    gradient[2] = g_gamma * p.gamma;
  }
  return ll;
}

}  // namespace

double gamma_gamma_log_likelihood(const gamma_gamma_params& p, double x, double mean_spend) noexcept {
  if (!valid(p) || !(x > 0) || !(mean_spend > 0) || !std::isfinite(mean_spend)) return nan;
  const spender s{x, mean_spend};
  return log_likelihood(std::span<const spender>(&s, 1), p, {});
}

double gamma_gamma_log_likelihood(const gamma_gamma_params& p, std::span<const customer_summary> customers) noexcept {
  double ll = 0;
  for (const customer_summary& c : customers)
    if (usable(c)) ll += gamma_gamma_log_likelihood(p, c.x, c.mean_spend);
  return ll;
}

double gamma_gamma_expected_spend(const gamma_gamma_params& p, double x, double mean_spend) noexcept {
  if (!valid(p) || !(x >= 0) || !(mean_spend >= 0)) return nan;
  const double denominator = p.p * x + p.q - 1;
  if (!(denominator > 0)) return nan;
  return p.p * (p.gamma + x * mean_spend) / denominator;
}

gamma_gamma_fit fit_gamma_gamma(std::span<const customer_summary> customers, const fit_options& options) {
  const auto began = std::chrono::steady_clock::now();
  gamma_gamma_fit out;
  std::vector<spender> data;
  double total = 0;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const customer_summary& c = customers[i];
    if (c.x == 0) continue;
    if (!std::isfinite(c.mean_spend))
      throw error(errc::invalid_argument,
                  fmt::format("Gamma-Gamma: customer {}: the mean spend is not a number",
                              c.id.empty() ? fmt::format("#{}", i + 1) : "'" + c.id + "'"));
    if (!(c.mean_spend > 0)) {
      ++out.left_out;
      continue;
    }
    data.push_back({static_cast<double>(c.x), c.mean_spend});
    total += c.mean_spend;
  }
  if (data.empty())
    throw error(errc::invalid_argument,
                "Gamma-Gamma: no customer with repeat purchases of positive value (x > 0 and mean spend > 0)");
  std::vector<double> start = log_start(options, 3, "Gamma-Gamma", "p, q, gamma");
  if (start.empty()) {
    // p = 1, q = 2: a population mean spend p gamma / (q - 1) equal to the observed mean.
    start = {0.0, std::log(2.0), std::log(total / static_cast<double>(data.size()))};
  }
  auto f = [&](std::span<const double> phi, std::span<double> gradient) {
    const gamma_gamma_params p{std::exp(phi[0]), std::exp(phi[1]), std::exp(phi[2])};
    if (!valid(p)) return nan;
    return log_likelihood(data, p, gradient);
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, start, data.size(), options);
  out.params = {std::exp(m.phi[0]), std::exp(m.phi[1]), std::exp(m.phi[2])};
  const std::vector<double> se = standard_errors_of_exp(m.phi, m.covariance);
  if (se.size() == 3) out.std_errors = {se[0], se[1], se[2]};
  out.report = m.report;
  out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return out;
}

}  // namespace lifecycle
