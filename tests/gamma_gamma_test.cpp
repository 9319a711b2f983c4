// Gamma-Gamma: the published CDNOW spend figures (Fader & Hardie 2013), the
// density against a direct evaluation, the expected spend, and bad input.

#include <catch2/catch.hpp>

#include <lifecycle/error.hpp>
#include <lifecycle/gamma_gamma.hpp>

#include <cmath>
#include <vector>

#include "model_test_data.hpp"

using namespace lifecycle;

namespace {

customer_summary spender(std::uint32_t x, double mean) {
  customer_summary c;
  c.x = x;
  c.t_x = x > 0 ? 10 : 0;
  c.T = 30;
  c.mean_spend = mean;
  return c;
}

}  // namespace

TEST_CASE("Gamma-Gamma reproduces the published CDNOW spend model", "[models][gamma_gamma][cdnow]") {
  // The convention of the note: the 946 customers with repeat purchases in the
  // calibration period, z̄ = the mean value of their repeat transactions (a
  // transaction = the purchases of one day, summed; the trial left out).
  const calibration_summary data = lctest::cdnow_sample();
  const gamma_gamma_fit fit = fit_gamma_gamma(data.customers);
  INFO("p " << fit.params.p << " q " << fit.params.q << " gamma " << fit.params.gamma);
  CHECK(fit.report.customers == 946);
  CHECK(fit.left_out == 0);
  CHECK(fit.params.p == Approx(6.25).margin(0.005));
  CHECK(fit.params.q == Approx(3.74).margin(0.005));
  CHECK(fit.params.gamma == Approx(15.44).margin(0.005));
  CHECK(fit.report.converged);
  REQUIRE(fit.report.hessian_ok);
  CHECK(fit.std_errors.p > 0);
  CHECK(fit.std_errors.gamma > 0);
  CHECK(gamma_gamma_log_likelihood(fit.params, data.customers) == Approx(fit.report.log_likelihood).epsilon(1e-13));
  // The population mean spend p gamma / (q - 1) is close to the mean of the z̄s.
  double mean = 0;
  for (const customer_summary& c : data.customers)
    if (c.x > 0) mean += c.mean_spend / 946;
  CHECK(gamma_gamma_expected_spend(fit.params, 0, 0) == Approx(mean).epsilon(0.1));
}

TEST_CASE("Gamma-Gamma density and expected spend, worked by hand", "[models][gamma_gamma]") {
  const gamma_gamma_params p{6.25, 3.74, 15.44};
  // f(z̄) = Γ(px+q)/(Γ(px)Γ(q)) γ^q z̄^(px-1) x^(px) / (γ + x z̄)^(px+q), x = 3, z̄ = 40.
  const double px = 6.25 * 3;
  const double direct = std::lgamma(px + 3.74) - std::lgamma(px) - std::lgamma(3.74) + 3.74 * std::log(15.44) +
                        (px - 1) * std::log(40.0) + px * std::log(3.0) - (px + 3.74) * std::log(15.44 + 3 * 40.0);
  CHECK(gamma_gamma_log_likelihood(p, 3, 40) == Approx(direct).epsilon(1e-13));
  // The density integrates to 1 over z̄ (midpoint rule in ln z̄, which
  // reaches far into the tail, where f falls like z̄^-(q+1)).
  double total = 0;
  for (double u = -10; u < 20; u += 0.001) {
    const double z = std::exp(u + 0.0005);
    total += std::exp(gamma_gamma_log_likelihood(p, 3, z)) * z * 0.001;
  }
  CHECK(total == Approx(1).epsilon(1e-6));
  // E[M | x, z̄] = p (γ + x z̄) / (p x + q - 1): a weighted mean of the population's and the customer's own.
  CHECK(gamma_gamma_expected_spend(p, 3, 40) == Approx(6.25 * (15.44 + 120) / (18.75 + 2.74)));
  const double population = 6.25 * 15.44 / 2.74;
  const double weight = 2.74 / (18.75 + 2.74);
  CHECK(gamma_gamma_expected_spend(p, 3, 40) == Approx(weight * population + (1 - weight) * 40));
  CHECK(gamma_gamma_expected_spend(p, 0, 0) == Approx(population));
  CHECK(std::isnan(gamma_gamma_expected_spend({1, 0.5, 10}, 0, 0)));  // q <= 1: no finite mean
  CHECK(std::isnan(gamma_gamma_log_likelihood(p, 0, 40)));
}

TEST_CASE("Gamma-Gamma leaves out repeat customers who spent nothing", "[models][gamma_gamma][cdnow]") {
  // The full log has one customer whose repeat purchases are all $0.00
  // (examples/data/README.md): there is no gamma density at 0.
  const calibration_summary data = lctest::cdnow_full();
  const gamma_gamma_fit fit = fit_gamma_gamma(data.customers);
  CHECK(fit.left_out == 1);
  CHECK(fit.report.customers == 9450);
  CHECK(fit.report.converged);
}

TEST_CASE("Gamma-Gamma fit rejects bad input with clear errors", "[models][gamma_gamma]") {
  CHECK_THROWS_WITH(fit_gamma_gamma({}), Catch::Contains("no customer with repeat purchases of positive value"));
  CHECK_THROWS_WITH(fit_gamma_gamma(std::vector<customer_summary>{spender(0, 0), spender(0, 0)}),
                    Catch::Contains("no customer with repeat purchases"));
  CHECK_THROWS_WITH(fit_gamma_gamma(std::vector<customer_summary>{spender(2, 0)}),
                    Catch::Contains("no customer with repeat purchases of positive value"));
  CHECK_THROWS_WITH(fit_gamma_gamma(std::vector<customer_summary>{spender(2, std::nan(""))}),
                    Catch::Contains("customer #1: the mean spend is not a number"));
}
