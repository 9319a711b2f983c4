// Pareto/NBD: the published CDNOW figures (Fader, Hardie & Lee 2005), the
// hypergeometric likelihood against its integral form by quadrature (no 2F1
// at all), the per-customer quantities against mpmath, units, bad input.

#include <catch2/catch.hpp>

#include <lifecycle/error.hpp>
#include <lifecycle/pareto_nbd.hpp>

#include <cmath>
#include <vector>

#include "model_test_data.hpp"

using namespace lifecycle;

namespace {

// L = Γ(r+x) α^r β^s / Γ(r) [ (α+T)^-(r+x) (β+T)^-s + s ∫_{t_x}^T (α+y)^-(r+x) (β+y)^-(s+1) dy ]:
// the individual likelihood λ^x e^-(λ+μ)T + λ^x μ ∫_{t_x}^T e^-(λ+μ)y dy mixed over
// the two gammas. The integral by composite 8-point Gauss-Legendre.
double integral_log_likelihood(const pareto_nbd_params& p, double x, double t_x, double T) {
  static constexpr double nodes[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
  static constexpr double weights[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                        0.1012285362903763};
  auto integrand = [&](double y) { return std::pow(p.alpha + y, -(p.r + x)) * std::pow(p.beta + y, -(p.s + 1)); };
  double integral = 0;
  constexpr int panels = 64;
  const double h = (T - t_x) / panels;
  for (int k = 0; k < panels; ++k) {
    const double mid = t_x + (k + 0.5) * h;
    for (int i = 0; i < 4; ++i)
      integral += weights[i] * (integrand(mid - nodes[i] * h / 2) + integrand(mid + nodes[i] * h / 2)) * h / 2;
  }
  const double alive = std::pow(p.alpha + T, -(p.r + x)) * std::pow(p.beta + T, -p.s);
  return std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta) +
         std::log(alive + p.s * integral);
}

customer_summary customer(std::uint32_t x, double t_x, double T) {
  customer_summary c;
  c.x = x;
  c.t_x = t_x;
  c.T = T;
  return c;
}

}  // namespace

TEST_CASE("Pareto/NBD reproduces the published CDNOW fit", "[models][pareto][cdnow]") {
  const calibration_summary data = lctest::cdnow_sample();
  const pareto_nbd_fit fit = fit_pareto_nbd(data.customers);
  INFO("r " << fit.params.r << " alpha " << fit.params.alpha << " s " << fit.params.s << " beta " << fit.params.beta
            << " LL " << fit.report.log_likelihood);
  // Fader, Hardie & Lee (2005): r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0.
  CHECK(fit.params.r == Approx(0.553).margin(0.0005));
  CHECK(fit.params.alpha == Approx(10.578).margin(0.0005));
  CHECK(fit.params.s == Approx(0.606).margin(0.0005));
  CHECK(fit.params.beta == Approx(11.669).margin(0.0005));
  CHECK(fit.report.log_likelihood == Approx(-9595.0).margin(0.05));
  CHECK(fit.report.converged);
  REQUIRE(fit.report.hessian_ok);
  for (double se : {fit.std_errors.r, fit.std_errors.alpha, fit.std_errors.s, fit.std_errors.beta}) CHECK(se > 0);

  // The likelihood without the hypergeometric function agrees, customer by customer.
  double by_quadrature = 0;
  for (const customer_summary& c : data.customers) {
    const double ll = pareto_nbd_log_likelihood(fit.params, c.x, c.t_x, c.T);
    const double check = integral_log_likelihood(fit.params, c.x, c.t_x, c.T);
    if (std::abs(ll - check) > 1e-12 * std::max(1.0, std::abs(check))) {
      FAIL_CHECK("customer " << c.id << ": " << ll << " vs " << check);
    }
    by_quadrature += check;
  }
  CHECK(by_quadrature == Approx(fit.report.log_likelihood).epsilon(1e-12));
  CHECK(pareto_nbd_log_likelihood(fit.params, data.customers) == Approx(fit.report.log_likelihood).epsilon(1e-13));
  // A maximum: every nearby point is worse.
  for (int i = 0; i < 4; ++i)
    for (double factor : {0.999, 1.001}) {
      pareto_nbd_params q = fit.params;
      double* v[] = {&q.r, &q.alpha, &q.s, &q.beta};
      *v[i] *= factor;
      CHECK(pareto_nbd_log_likelihood(q, data.customers) < fit.report.log_likelihood);
    }
}

TEST_CASE("Pareto/NBD fit reaches the same maximum from another start, and in days", "[models][pareto][cdnow]") {
  const calibration_summary weeks = lctest::cdnow_sample();
  const pareto_nbd_fit reference = fit_pareto_nbd(weeks.customers);
  fit_options o;
  o.start = {2, 1, 0.1, 100};
  const pareto_nbd_fit other = fit_pareto_nbd(weeks.customers, o);
  CHECK(other.report.converged);
  CHECK(other.params.r == Approx(reference.params.r).epsilon(1e-5));
  CHECK(other.params.alpha == Approx(reference.params.alpha).epsilon(1e-5));
  CHECK(other.params.s == Approx(reference.params.s).epsilon(1e-5));
  CHECK(other.params.beta == Approx(reference.params.beta).epsilon(1e-5));

  const calibration_summary days = lctest::cdnow_sample(time_unit::day);
  const pareto_nbd_fit d = fit_pareto_nbd(days.customers);
  CHECK(d.params.r == Approx(reference.params.r).epsilon(1e-5));
  CHECK(d.params.alpha == Approx(7 * reference.params.alpha).epsilon(1e-5));
  CHECK(d.params.s == Approx(reference.params.s).epsilon(1e-5));
  CHECK(d.params.beta == Approx(7 * reference.params.beta).epsilon(1e-5));
  CHECK(d.report.log_likelihood ==
        Approx(reference.report.log_likelihood - static_cast<double>(weeks.calibration_repeats()) * std::log(7.0))
            .epsilon(1e-9));
}

TEST_CASE("Pareto/NBD P(alive) and expected purchases match mpmath", "[models][pareto]") {
  // mpmath at 40 digits, the Fader-Hardie formulas; s = 1 is the limit form.
  struct row {
    pareto_nbd_params p;
    double t, x, t_x, T, alive, expected;
  };
  const row rows[] = {
      {{0.553, 10.578, 0.606, 11.669}, 39, 2, 30.43, 38.86, 0.8691675591530112, 1.4551231932576025},
      {{0.553, 10.578, 0.606, 11.669}, 39, 0, 0, 38.86, 0.29528660461689416, 0.10708146821530886},
      {{0.553, 10.578, 0.606, 11.669}, 52, 20, 38.5, 38.86, 0.99533613438164203, 17.063040862220594},
      {{0.553, 10.578, 1.0, 11.669}, 39, 2, 30.43, 38.86, 0.79463129490427156, 1.1860522822793438},
      {{0.553, 10.578, 1.0, 11.669}, 39, 0, 0, 38.86, 0.1479200201648807, 0.047823289173870202},
      {{0.553, 10.578, 1.0, 11.669}, 52, 20, 38.5, 38.86, 0.99231610707865989, 14.749993447319387},
      {{2.0, 3.0, 0.5, 400.0}, 39, 2, 30.43, 38.86, 0.98466695994965408, 3.5914738175453137},
      {{2.0, 3.0, 0.5, 400.0}, 39, 0, 0, 38.86, 0.58965534584065599, 1.0753543188199502},
      {{2.0, 3.0, 0.5, 400.0}, 52, 20, 38.5, 38.86, 0.9995482665417941, 26.552321861579614},
  };
  for (const row& r : rows) {
    INFO("s " << r.p.s << " beta " << r.p.beta << " x " << r.x);
    CHECK(pareto_nbd_p_alive(r.p, r.x, r.t_x, r.T) == Approx(r.alive).epsilon(1e-12));
    CHECK(pareto_nbd_expected_purchases(r.p, r.t, r.x, r.t_x, r.T) == Approx(r.expected).epsilon(1e-12));
  }
  const pareto_nbd_params p{0.553, 10.578, 0.606, 11.669};
  // A purchase at T itself: certainly alive.
  CHECK(pareto_nbd_p_alive(p, 3, 38.86, 38.86) == 1);
  // E[X(t)] of a new customer: r β / (α (s-1)) [1 - (β/(β+t))^(s-1)].
  CHECK(pareto_nbd_expected_purchases_new(p, 52) ==
        Approx(0.553 * 11.669 / (10.578 * (0.606 - 1)) * (1 - std::pow(11.669 / (11.669 + 52), 0.606 - 1)))
            .epsilon(1e-13));
  CHECK(std::isnan(pareto_nbd_p_alive({0.553, 10.578, 0, 11.669}, 2, 30, 38)));
}

TEST_CASE("Pareto/NBD fit rejects bad input with clear errors", "[models][pareto]") {
  CHECK_THROWS_WITH(fit_pareto_nbd({}), "Pareto/NBD: no customers to fit");
  CHECK_THROWS_WITH(fit_pareto_nbd(std::vector<customer_summary>{customer(0, 0, 30)}),
                    Catch::Contains("no customer made a repeat purchase"));
  CHECK_THROWS_WITH(fit_pareto_nbd(std::vector<customer_summary>{customer(0, 5, 30)}),
                    Catch::Contains("no repeat purchase (x = 0) but t_x = 5"));
  CHECK_THROWS_WITH(fit_pareto_nbd(std::vector<customer_summary>{customer(1, 10, -1)}),
                    Catch::Contains("T = -1 is not a time >= 0"));
}
