// Customer-base models: summarize a purchase log, fit BG/NBD and Gamma-Gamma, score a customer.
#include <lifecycle/bgnbd.hpp>
#include <lifecycle/clv.hpp>
#include <lifecycle/customer_summary.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/gamma_gamma.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <string>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main(int argc, char** argv) {
  // The CDNOW sample shipped in examples/data (the test passes its full path).
  const std::string events = argc > 1 ? argv[1] : "examples/data/cdnow_sample.csv";

  // Per customer: repeat purchases x, recency t_x and age T in weeks, up to the calibration end.
  auto reader = event_csv_reader::open(events);
  summary_options options;
  options.calibration_end = boost::gregorian::date(1997, 9, 30);
  const calibration_summary data = summarize_event_csv(reader, options);
  EXPECT(data.customers.size() == 2357);

  const bgnbd_fit purchases = fit_bgnbd(data.customers);  // throws lifecycle::error for data it cannot fit
  EXPECT(purchases.report.converged);
  const bgnbd_params& p = purchases.params;
  fmt::print("BG/NBD r {:.3f} alpha {:.3f} a {:.3f} b {:.3f}, LL {:.1f}, {} iterations\n", p.r, p.alpha, p.a, p.b,
             purchases.report.log_likelihood, purchases.report.iterations);
  EXPECT(std::abs(p.r - 0.243) < 5e-4 && std::abs(p.alpha - 4.414) < 5e-4);  // Fader, Hardie & Lee (2005)

  const gamma_gamma_fit spend = fit_gamma_gamma(data.customers);  // the customers with x > 0
  fmt::print("Gamma-Gamma p {:.2f} q {:.2f} gamma {:.2f}\n", spend.params.p, spend.params.q, spend.params.gamma);

  // Customer 00004: x = 2, t_x = 30.43, T = 38.86 weeks, repeat purchases worth 22.35 on average.
  const customer_summary& c = data.customers.front();
  EXPECT(c.id == "00004" && c.x == 2);
  const double alive = bgnbd_p_alive(p, c);
  const double next_39_weeks = bgnbd_expected_purchases(p, 39, c);
  const double per_purchase = gamma_gamma_expected_spend(spend.params, c);
  // A year ahead, discounted 1% a month (the defaults of clv_terms, in weeks).
  const double clv = customer_lifetime_value(p, spend.params, c, {.horizon = 52, .period = 52.0 / 12, .discount_rate = 0.01});
  fmt::print("customer {}: P(alive) {:.3f}, {:.3f} purchases in 39 weeks, {:.2f} each, CLV {:.2f}\n", c.id, alive,
             next_39_weeks, per_purchase, clv);
  EXPECT(std::abs(next_39_weeks - 1.226) < 5e-4);
  EXPECT(alive > 0 && alive < 1 && clv > 0);
}
