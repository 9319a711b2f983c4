// The optimizer on problems whose answers are known in closed form: an
// exponential sample (maximum and standard error), a quadratic (covariance),
// Rosenbrock's valley, an infeasible region; and the numeric gradient.

#include <catch2/catch.hpp>

#include <lifecycle/error.hpp>
#include <lifecycle/model_fit.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace lifecycle;

TEST_CASE("optimizer: exponential sample, estimate and standard error", "[models][optimizer]") {
  // LL(λ) = n ln λ - λ S over φ = ln λ: the maximum is λ = n / S, and the
  // Fisher information in φ is n, so se(λ) = λ / sqrt(n).
  const std::vector<double> sample{0.5, 1.25, 3.0, 0.2, 2.2, 0.9, 1.7, 0.05, 4.1, 1.1};
  double sum = 0;
  for (double v : sample) sum += v;
  const double n = static_cast<double>(sample.size());
  auto f = [&](std::span<const double> phi, std::span<double> gradient) {
    const double lambda = std::exp(phi[0]);
    if (!gradient.empty()) gradient[0] = n - lambda * sum;
    return n * std::log(lambda) - lambda * sum;
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, {std::log(10.0)}, sample.size());
  CHECK(m.report.converged);
  CHECK(m.report.message == "gradient below tolerance");
  CHECK(std::exp(m.phi[0]) == Approx(n / sum).epsilon(1e-10));
  REQUIRE(m.report.hessian_ok);
  REQUIRE(m.covariance.size() == 1);
  CHECK(m.covariance[0] == Approx(1 / n).epsilon(1e-6));
  const std::vector<double> se = standard_errors_of_exp(m.phi, m.covariance);
  REQUIRE(se.size() == 1);
  CHECK(se[0] == Approx(n / sum / std::sqrt(n)).epsilon(1e-6));
  CHECK(m.report.log_likelihood == Approx(n * std::log(n / sum) - n).epsilon(1e-12));
  CHECK(m.report.gradient_norm <= 1e-8 * n);
  CHECK(m.report.evaluations > 0);
}

TEST_CASE("optimizer: a quadratic's covariance is the inverse of its curvature", "[models][optimizer]") {
  // LL = -1/2 (φ-μ)' A (φ-μ), A = [[4, 1], [1, 2]]: covariance A^-1 = [[2, -1], [-1, 4]] / 7.
  const double mu0 = 0.3, mu1 = -1.2;
  auto f = [&](std::span<const double> phi, std::span<double> gradient) {
    const double d0 = phi[0] - mu0, d1 = phi[1] - mu1;
    if (!gradient.empty()) {
      gradient[0] = -(4 * d0 + d1);
      gradient[1] = -(d0 + 2 * d1);
    }
    return -0.5 * (4 * d0 * d0 + 2 * d0 * d1 + 2 * d1 * d1);
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, {3.0, 2.0}, 1);
  CHECK(m.report.converged);
  CHECK(m.phi[0] == Approx(mu0).margin(1e-9));
  CHECK(m.phi[1] == Approx(mu1).margin(1e-9));
  REQUIRE(m.covariance.size() == 4);
  CHECK(m.covariance[0] == Approx(2.0 / 7).epsilon(1e-6));
  CHECK(m.covariance[1] == Approx(-1.0 / 7).epsilon(1e-6));
  CHECK(m.covariance[2] == Approx(-1.0 / 7).epsilon(1e-6));
  CHECK(m.covariance[3] == Approx(4.0 / 7).epsilon(1e-6));
}

TEST_CASE("optimizer: Rosenbrock's valley, and the iteration limit", "[models][optimizer]") {
  auto f = [](std::span<const double> phi, std::span<double> gradient) {
    const double x = phi[0], y = phi[1];
    if (!gradient.empty()) {
      gradient[0] = -(-400 * x * (y - x * x) - 2 * (1 - x));
      gradient[1] = -(200 * (y - x * x));
    }
    return -(100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x));
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, {-1.2, 1.0}, 1);
  CHECK(m.report.converged);
  CHECK(m.phi[0] == Approx(1).margin(1e-7));
  CHECK(m.phi[1] == Approx(1).margin(1e-7));
  CHECK(m.report.iterations < 200);

  fit_options few;
  few.max_iterations = 3;
  const log_likelihood_maximum stopped = maximize_log_likelihood(f, {-1.2, 1.0}, 1, few);
  CHECK_FALSE(stopped.report.converged);
  CHECK(stopped.report.message == "iteration limit reached");
  CHECK(stopped.report.log_likelihood > f(std::vector<double>{-1.2, 1.0}, {}));  // it did improve
}

TEST_CASE("optimizer: steps back from an infeasible region", "[models][optimizer]") {
  // The maximum at φ = 1.9 lies just inside a region beyond which the
  // likelihood is not finite; the start's steepest step overshoots into it.
  auto f = [](std::span<const double> phi, std::span<double> gradient) {
    if (phi[0] > 2) return std::numeric_limits<double>::quiet_NaN();
    const double d = phi[0] - 1.9;
    if (!gradient.empty()) gradient[0] = -2 * d;
    return -d * d;
  };
  const log_likelihood_maximum m = maximize_log_likelihood(f, {-30.0}, 1);
  CHECK(m.report.converged);
  CHECK(m.phi[0] == Approx(1.9).margin(1e-8));
}

TEST_CASE("optimizer: rejects a start where the likelihood is not finite", "[models][optimizer]") {
  auto f = [](std::span<const double>, std::span<double>) { return -std::numeric_limits<double>::infinity(); };
  CHECK_THROWS_AS(maximize_log_likelihood(f, {0.0}, 1), lifecycle::error);
  CHECK_THROWS_WITH(maximize_log_likelihood(f, {0.0}, 1), Catch::Contains("starting values"));
}

TEST_CASE("numeric gradient is accurate to about 1e-10", "[models][optimizer]") {
  auto f = [](std::span<const double> phi) { return 1000 * std::sin(phi[0]) + phi[1] * phi[1] * phi[1] - std::exp(phi[2]); };
  const std::vector<double> at{0.7, -1.3, 2.1};
  std::vector<double> g(3);
  numeric_gradient(f, at, g);
  CHECK(g[0] == Approx(1000 * std::cos(0.7)).epsilon(1e-11));
  CHECK(g[1] == Approx(3 * 1.3 * 1.3).epsilon(1e-11));
  CHECK(g[2] == Approx(-std::exp(2.1)).epsilon(1e-11));
}
