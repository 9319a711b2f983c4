// BG/NBD: the published CDNOW figures (Fader, Hardie & Lee 2005), the
// likelihood against the paper's formula written out independently, the
// per-customer quantities against mpmath, units, starts, and bad input.

#include <catch2/catch.hpp>

#include <lifecycle/bgnbd.hpp>
#include <lifecycle/error.hpp>

#include <cmath>
#include <vector>

#include "model_test_data.hpp"

using namespace lifecycle;

namespace {

// The likelihood as the paper writes it, with the C library's lgamma and no
// log-sum-exp: an independent check of the library's grouped, stabilized form.
double paper_log_likelihood(const bgnbd_params& p, double x, double t_x, double T) {
  const double beta_ratio = std::exp(std::lgamma(p.a + p.b) + std::lgamma(p.b + x) - std::lgamma(p.b) -
                                     std::lgamma(p.a + p.b + x));
  const double gamma_part = std::exp(std::lgamma(p.r + x) - std::lgamma(p.r)) * std::pow(p.alpha, p.r);
  double l = beta_ratio * gamma_part / std::pow(p.alpha + T, p.r + x);
  if (x > 0) l += beta_ratio * p.a / (p.b + x - 1) * gamma_part / std::pow(p.alpha + t_x, p.r + x);
  return std::log(l);
}

// E[Y(t) | x, t_x, T] as the paper writes it, its 2F1 summed as a plain power
// series (fine for the small z of a 39-week forecast).
double paper_expected(const bgnbd_params& p, double t, double x, double t_x, double T) {
  const double z = t / (p.alpha + T + t);
  const double a = p.r + x, b = p.b + x, c = p.a + p.b + x - 1;
  double term = 1, sum = 1;
  for (int n = 0; n < 2000; ++n) {
    term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
    sum += term;
  }
  const double bracket = 1 - std::pow((p.alpha + T) / (p.alpha + T + t), p.r + x) * sum;
  const double alive = x > 0 ? 1 + p.a / (p.b + x - 1) * std::pow((p.alpha + T) / (p.alpha + t_x), p.r + x) : 1;
  return (p.a + p.b + x - 1) / (p.a - 1) * bracket / alive;
}

customer_summary customer(std::uint32_t x, double t_x, double T) {
  customer_summary c;
  c.x = x;
  c.t_x = t_x;
  c.T = T;
  return c;
}

}  // namespace

TEST_CASE("BG/NBD reproduces the published CDNOW fit", "[models][bgnbd][cdnow]") {
  const calibration_summary data = lctest::cdnow_sample();
  const bgnbd_fit fit = fit_bgnbd(data.customers);
  INFO("r " << fit.params.r << " alpha " << fit.params.alpha << " a " << fit.params.a << " b " << fit.params.b
            << " LL " << fit.report.log_likelihood);
  // Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
  CHECK(fit.params.r == Approx(0.243).margin(0.0005));
  CHECK(fit.params.alpha == Approx(4.414).margin(0.0005));
  CHECK(fit.params.a == Approx(0.793).margin(0.0005));
  CHECK(fit.params.b == Approx(2.426).margin(0.0005));
  CHECK(fit.report.log_likelihood == Approx(-9582.4).margin(0.05));
  CHECK(fit.report.converged);
  CHECK(fit.report.customers == 2357);
  CHECK(fit.report.gradient_norm < 1e-6);
  // A customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks.
  CHECK(bgnbd_expected_purchases(fit.params, 39, 2, 30.43, 38.86) == Approx(1.226).margin(0.0005));

  // Standard errors: present, positive, and smaller than the estimates.
  REQUIRE(fit.report.hessian_ok);
  for (double se : {fit.std_errors.r, fit.std_errors.alpha, fit.std_errors.a, fit.std_errors.b}) CHECK(se > 0);
  CHECK(fit.std_errors.r < fit.params.r);
  CHECK(fit.std_errors.b < fit.params.b);

  // The grouped likelihood of the fit equals the plain per-customer sum, and the paper's formula.
  CHECK(bgnbd_log_likelihood(fit.params, data.customers) == Approx(fit.report.log_likelihood).epsilon(1e-12));
  double paper = 0;
  for (const customer_summary& c : data.customers) paper += paper_log_likelihood(fit.params, c.x, c.t_x, c.T);
  CHECK(paper == Approx(fit.report.log_likelihood).epsilon(1e-11));

  // The maximum is a stationary point of the public likelihood (so the
  // analytic gradient the fit followed was right).
  const std::vector<double> phi{std::log(fit.params.r), std::log(fit.params.alpha), std::log(fit.params.a),
                                std::log(fit.params.b)};
  std::vector<double> gradient(4);
  numeric_gradient(
      [&](std::span<const double> v) {
        return bgnbd_log_likelihood({std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])}, data.customers);
      },
      phi, gradient);
  for (double g : gradient) CHECK(std::abs(g) < 1e-5);
  // ... and a maximum: every nearby point is worse.
  for (int i = 0; i < 4; ++i)
    for (double step : {-1e-3, 1e-3}) {
      std::vector<double> v = phi;
      v[static_cast<std::size_t>(i)] += step;
      CHECK(bgnbd_log_likelihood({std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])}, data.customers) <
            fit.report.log_likelihood);
    }
}

TEST_CASE("BG/NBD fit reaches the same maximum from other starts", "[models][bgnbd][cdnow]") {
  const calibration_summary data = lctest::cdnow_sample();
  const bgnbd_fit reference = fit_bgnbd(data.customers);
  for (const std::vector<double>& start : std::vector<std::vector<double>>{
           {1, 1, 1, 1}, {0.1, 20, 3, 0.5}, {5, 0.5, 0.2, 10}, {0.01, 100, 10, 50}}) {
    fit_options o;
    o.start = start;
    const bgnbd_fit fit = fit_bgnbd(data.customers, o);
    INFO("start " << start[0] << ", " << start[1] << ", " << start[2] << ", " << start[3] << ": "
                  << fit.report.message);
    CHECK(fit.report.converged);
    CHECK(fit.params.r == Approx(reference.params.r).epsilon(1e-6));
    CHECK(fit.params.alpha == Approx(reference.params.alpha).epsilon(1e-6));
    CHECK(fit.params.a == Approx(reference.params.a).epsilon(1e-6));
    CHECK(fit.params.b == Approx(reference.params.b).epsilon(1e-6));
  }
}

TEST_CASE("BG/NBD in days: alpha scales by 7, the shapes stay", "[models][bgnbd][cdnow]") {
  const calibration_summary weeks = lctest::cdnow_sample(time_unit::week);
  const calibration_summary days = lctest::cdnow_sample(time_unit::day);
  const bgnbd_fit w = fit_bgnbd(weeks.customers), d = fit_bgnbd(days.customers);
  CHECK(d.params.r == Approx(w.params.r).epsilon(1e-6));
  CHECK(d.params.alpha == Approx(7 * w.params.alpha).epsilon(1e-6));
  CHECK(d.params.a == Approx(w.params.a).epsilon(1e-6));
  CHECK(d.params.b == Approx(w.params.b).epsilon(1e-6));
  // The likelihood is a density in x purchase times: each costs a factor 7.
  CHECK(d.report.log_likelihood ==
        Approx(w.report.log_likelihood - static_cast<double>(weeks.calibration_repeats()) * std::log(7.0)).epsilon(1e-10));
  // Forecasts do not depend on the unit.
  CHECK(bgnbd_expected_purchases(d.params, 273, 2, 213, 272) ==
        Approx(bgnbd_expected_purchases(w.params, 39, 2, 213.0 / 7, 272.0 / 7)).epsilon(1e-6));
}

TEST_CASE("BG/NBD expected purchases and P(alive) match mpmath", "[models][bgnbd]") {
  // mpmath at 40 digits, the paper's formula, the published parameters.
  const bgnbd_params p{0.243, 4.414, 0.793, 2.426};
  struct row {
    double t, x, t_x, T, expected;
  };
  constexpr row rows[] = {
      {39, 2, 30.43, 38.86, 1.2260281747671445},   {39, 0, 0, 38.86, 0.19509805201126264},
      {39, 50, 38, 38.86, 33.391197999069292},     {2000, 5, 20, 38, 11.668913035441113},
      {1e5, 1, 10, 38, 20.212429853858119},        {1, 3, 10, 20, 0.066038823643480267},
      {0.01, 1, 10, 20, 0.00031246201316558457},
  };
  for (const row& r : rows) {
    INFO("t " << r.t << " x " << r.x << " t_x " << r.t_x << " T " << r.T);
    CHECK(bgnbd_expected_purchases(p, r.t, r.x, r.t_x, r.T) == Approx(r.expected).epsilon(1e-12));
  }
  // Independently, with the untransformed formula and a plain series.
  for (double x : {0.0, 1.0, 4.0, 12.0})
    CHECK(bgnbd_expected_purchases(p, 39, x, x > 0 ? 20 : 0, 38) ==
          Approx(paper_expected(p, 39, x, x > 0 ? 20 : 0, 38)).epsilon(1e-12));
  // P(alive) = 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).
  CHECK(bgnbd_p_alive(p, 2, 30.43, 38.86) ==
        Approx(1 / (1 + 0.793 / 3.426 * std::pow((4.414 + 38.86) / (4.414 + 30.43), 2.243))).epsilon(1e-14));
  CHECK(bgnbd_p_alive(p, 0, 0, 38.86) == 1);  // no repeat purchase: alive by assumption
  // A new customer's expectation is the conditional one at x = t_x = T = 0.
  CHECK(bgnbd_expected_purchases_new(p, 52) == Approx(bgnbd_expected_purchases(p, 52, 0, 0, 0)));
  CHECK(bgnbd_expected_purchases(p, 0, 2, 30.43, 38.86) == 0);
  CHECK(std::isnan(bgnbd_expected_purchases({0.243, -1, 0.793, 2.426}, 39, 2, 30.43, 38.86)));
  CHECK(std::isnan(bgnbd_p_alive(p, 2, 40, 38.86)));  // t_x > T
}

TEST_CASE("BG/NBD expected purchases at and near a = 1", "[models][bgnbd]") {
  // (a+b+x-1)/(a-1) [1 - ...] is 0/0 at a = 1; mpmath at 100 digits.
  struct row {
    double a, t, expected, tolerance;
  };
  constexpr row rows[] = {
      {1, 39, 1.1021367860399558, 1e-13},          {1, 400, 4.9987183215310235, 1e-13},
      {1.000001, 39, 1.1021362398096756, 1e-13},   {1.000001, 400, 4.9987128496892429, 1e-13},
      {0.9999, 39, 1.1021914114148316, 1e-13},     {0.9999, 400, 4.999265549783741, 1e-13},
      {1.0005, 39, 1.1018637288605889, 1e-13},     {1.0005, 400, 4.9959834889882703, 1e-13},
      {1, 1e7, 34.665235028878579, 1e-5},          {1.0005, 1e7, 34.56307774296903, 1e-5},
  };
  for (const row& r : rows) {
    INFO("a " << r.a << " t " << r.t);
    CHECK(bgnbd_expected_purchases({0.243, 4.414, r.a, 2.426}, r.t, 2, 30.43, 38.86) ==
          Approx(r.expected).epsilon(r.tolerance));
  }
}

TEST_CASE("BG/NBD fit rejects bad input with clear errors", "[models][bgnbd]") {
  CHECK_THROWS_WITH(fit_bgnbd({}), "BG/NBD: no customers to fit");
  const std::vector<customer_summary> nobody_returned{customer(0, 0, 30), customer(0, 0, 20)};
  CHECK_THROWS_WITH(fit_bgnbd(nobody_returned), Catch::Contains("no customer made a repeat purchase"));
  std::vector<customer_summary> bad{customer(1, 10, 30), customer(2, 40, 30)};
  bad[1].id = "c2";
  CHECK_THROWS_WITH(fit_bgnbd(bad), Catch::Contains("customer 'c2': t_x = 40 is outside [0, T = 30]"));
  CHECK_THROWS_WITH(fit_bgnbd(std::vector<customer_summary>{customer(1, 10, 30), customer(3, 0, 30)}),
                    Catch::Contains("customer #2: x = 3 repeat purchases but t_x = 0"));
  CHECK_THROWS_WITH(fit_bgnbd(std::vector<customer_summary>{customer(1, 10, std::nan(""))}),
                    Catch::Contains("is not a time >= 0"));
  CHECK_THROWS_WITH(fit_bgnbd(std::vector<customer_summary>{customer(0, 0, 0), customer(0, 0, 0)}),
                    Catch::Contains("no customer made a repeat purchase"));
  fit_options o;
  o.start = {1, 2, 3};
  CHECK_THROWS_WITH(fit_bgnbd(std::vector<customer_summary>{customer(1, 10, 30)}, o), Catch::Contains("4 values"));
  o.start = {1, -2, 3, 4};
  CHECK_THROWS_WITH(fit_bgnbd(std::vector<customer_summary>{customer(1, 10, 30)}, o), Catch::Contains("positive"));
  try {
    (void)fit_bgnbd({});
  } catch (const lifecycle::error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
}

TEST_CASE("BG/NBD on the full CDNOW log converges", "[models][bgnbd][cdnow]") {
  const calibration_summary data = lctest::cdnow_full();
  REQUIRE(data.customers.size() == 23570);
  const bgnbd_fit fit = fit_bgnbd(data.customers);
  CHECK(fit.report.converged);
  CHECK(fit.report.hessian_ok);
  // Ten times the customers: standard errors about sqrt(10) times smaller than the sample's.
  const bgnbd_fit sample = fit_bgnbd(lctest::cdnow_sample().customers);
  CHECK(fit.std_errors.r < sample.std_errors.r / 2);
  CHECK(fit.std_errors.alpha < sample.std_errors.alpha / 2);
  // The sample was drawn from this log: the estimates agree within a few sample standard errors.
  CHECK(std::abs(fit.params.r - sample.params.r) < 3 * sample.std_errors.r);
  CHECK(std::abs(fit.params.alpha - sample.params.alpha) < 3 * sample.std_errors.alpha);
  CHECK(std::abs(fit.params.a - sample.params.a) < 3 * sample.std_errors.a);
  CHECK(std::abs(fit.params.b - sample.params.b) < 3 * sample.std_errors.b);
}
