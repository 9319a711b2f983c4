// lifecycle-models-bench: how fast the customer-base models fit and score,
// printed beside floors measured in the same run. It only prints; it is never
// a test.
//
//   lifecycle-models-bench [--data DIR] [--customers N] [--runs N]
//
// Fits run on the CDNOW data shipped in examples/data (the 2,357-customer
// sample and the full 23,570-customer log, calibration to 1997-09-30); the
// summaries are built once, outside the timings. Scoring runs on N synthetic
// customers (default 1,000,000) generated into memory first.

#include <lifecycle/bgnbd.hpp>
#include <lifecycle/clv.hpp>
#include <lifecycle/customer_summary.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/gamma_gamma.hpp>
#include <lifecycle/pareto_nbd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/core.h>

#ifndef LIFECYCLE_EXAMPLE_DATA
#define LIFECYCLE_EXAMPLE_DATA "examples/data"
#endif

namespace {

using namespace lifecycle;
using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) { return std::chrono::duration<double>(steady::now() - t0).count(); }

// The median of `runs` timings of f, in seconds.
double median_seconds(int runs, const std::function<void()>& f) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = steady::now();
    f();
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

calibration_summary load(const std::string& path, double& seconds) {
  const auto t0 = steady::now();
  auto reader = event_csv_reader::open(path);
  summary_options o;
  o.calibration_end = boost::gregorian::date(1997, 9, 30);
  calibration_summary s = summarize_event_csv(reader, o);
  seconds = seconds_since(t0);
  return s;
}

// Customers shaped like CDNOW's: T up to a year, most never back, some often.
std::vector<customer_summary> synthetic(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::geometric_distribution<int> repeats(0.45);
  std::vector<customer_summary> out(n);
  for (customer_summary& c : out) {
    c.T = 1 + 51 * uniform(rng);
    c.x = uniform(rng) < 0.6 ? 0 : static_cast<std::uint32_t>(1 + repeats(rng));
    c.t_x = c.x > 0 ? c.T * (0.05 + 0.95 * uniform(rng)) : 0;
    c.mean_spend = c.x > 0 ? 5 + 60 * uniform(rng) : 0;
  }
  return out;
}

void usage(std::FILE* to) {
  fmt::print(to,
             "usage: lifecycle-models-bench [--data DIR] [--customers N] [--runs N]\n"
             "  --data DIR      where cdnow_sample.csv and cdnow.csv are (default {})\n"
             "  --customers N   synthetic customers to score (default 1000000)\n"
             "  --runs N        repetitions of each BG/NBD fit; the median is shown (default 21)\n",
             LIFECYCLE_EXAMPLE_DATA);
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = LIFECYCLE_EXAMPLE_DATA;
  std::size_t customers = 1'000'000;
  int runs = 21;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--data" || arg == "--customers" || arg == "--runs") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--data") data = value;
      else if (arg == "--customers") customers = std::stoull(value);
      else runs = std::max(1, std::stoi(value));
    } else {
      usage(arg == "--help" ? stdout : stderr);
      return arg == "--help" ? 0 : 2;
    }
  }

  double sample_read = 0, full_read = 0;
  const calibration_summary sample = load(data + "/cdnow_sample.csv", sample_read);
  const calibration_summary full = load(data + "/cdnow.csv", full_read);
  fmt::print("lifecycle-models-bench: CDNOW, calibration 1997-01-01 .. 1997-09-30, unit week\n\n");
  fmt::print("reading and summarizing the event CSV\n");
  fmt::print("  sample  {:>7} customers  {:>8.1f} ms\n", sample.customers.size(), sample_read * 1e3);
  fmt::print("  full    {:>7} customers  {:>8.1f} ms\n\n", full.customers.size(), full_read * 1e3);

  // --- BG/NBD fits -----------------------------------------------------------
  fmt::print("BG/NBD fit (analytic gradient, BFGS + Newton), median of {} runs\n", runs);
  bgnbd_fit fit;
  for (const auto* s : {&sample, &full}) {
    const double t = median_seconds(runs, [&] { fit = fit_bgnbd(s->customers); });
    // The floor: one pass of the public, ungrouped log-likelihood over the same customers.
    double ll = 0;
    const double pass = median_seconds(runs, [&] { ll = bgnbd_log_likelihood(fit.params, s->customers); });
    fmt::print("  {:<6} {:>6} customers  {:>8.2f} ms  (target {} ms)  {} evaluations, converged {}\n",
               s == &sample ? "sample" : "full", s->customers.size(), t * 1e3, s == &sample ? 20 : 200,
               fit.report.evaluations, fit.report.converged ? "yes" : "NO");
    fmt::print("         floor: one plain log-likelihood pass over the customers  {:>8.2f} ms  (LL {:.2f})\n",
               pass * 1e3, ll);
  }
  const bgnbd_params bg = fit.params;

  fmt::print("\nPareto/NBD fit (numeric gradient: 2F1 has no parameter derivatives in closed form), 3 runs\n");
  pareto_nbd_fit pfit;
  for (const auto* s : {&sample, &full}) {
    const double t = median_seconds(3, [&] { pfit = fit_pareto_nbd(s->customers); });
    fmt::print("  {:<6} {:>6} customers  {:>8.1f} ms  {} evaluations, converged {}\n", s == &sample ? "sample" : "full",
               s->customers.size(), t * 1e3, pfit.report.evaluations, pfit.report.converged ? "yes" : "NO");
  }
  fmt::print("\nGamma-Gamma fit (analytic gradient), median of {} runs\n", runs);
  gamma_gamma_fit gfit;
  for (const auto* s : {&sample, &full}) {
    const double t = median_seconds(runs, [&] { gfit = fit_gamma_gamma(s->customers); });
    fmt::print("  {:<6} {:>6} spenders   {:>8.2f} ms  {} evaluations, converged {}\n", s == &sample ? "sample" : "full",
               gfit.report.customers, t * 1e3, gfit.report.evaluations, gfit.report.converged ? "yes" : "NO");
  }

  // --- Scoring ---------------------------------------------------------------
  const std::vector<customer_summary> many = synthetic(customers, 1);
  const double n = static_cast<double>(customers);
  fmt::print("\nscoring {} synthetic customers (parameters fitted on the full log), one thread\n", customers);
  std::vector<double> out(customers);
  auto score = [&](const char* what, const std::function<double(const customer_summary&)>& f, const char* note) {
    const auto t0 = steady::now();
    for (std::size_t i = 0; i < customers; ++i) out[i] = f(many[i]);
    const double t = seconds_since(t0);
    double sum = 0;
    for (double v : out) sum += v;
    fmt::print("  {:<42} {:>8.1f} ms  {:>7.1f} ns each  (mean {:.4f}){}\n", what, t * 1e3, t / n * 1e9, sum / n, note);
  };
  // The floor: what P(alive) cannot avoid, a logarithm and an exponential per customer.
  score("floor: log + exp per customer", [](const customer_summary& c) { return std::exp(-std::log(c.T + c.t_x)); }, "");
  score("BG/NBD P(alive)", [&](const customer_summary& c) { return bgnbd_p_alive(bg, c); }, "  (target < 1 s)");
  score("BG/NBD expected purchases, next 52 weeks", [&](const customer_summary& c) {
    return bgnbd_expected_purchases(bg, 52, c);
  }, "");
  score("Pareto/NBD P(alive)", [&](const customer_summary& c) { return pareto_nbd_p_alive(pfit.params, c); }, "");
  score("Gamma-Gamma expected spend", [&](const customer_summary& c) {
    return gamma_gamma_expected_spend(gfit.params, c);
  }, "");
  const std::size_t clv_customers = std::min<std::size_t>(customers, 100'000);
  {
    const auto t0 = steady::now();
    double sum = 0;
    for (std::size_t i = 0; i < clv_customers; ++i) sum += customer_lifetime_value(bg, gfit.params, many[i]);
    const double t = seconds_since(t0);
    fmt::print("  {:<42} {:>8.1f} ms  {:>7.1f} ns each  (mean {:.2f}; {} customers, 12 monthly periods)\n",
               "BG/NBD + Gamma-Gamma CLV, a year", t * 1e3, t / static_cast<double>(clv_customers) * 1e9,
               sum / static_cast<double>(clv_customers), clv_customers);
  }
  return 0;
}
