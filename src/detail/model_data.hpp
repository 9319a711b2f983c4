#pragma once
// What the transaction models share: checking customer summaries, and grouping
// customers with the same (x, t_x, T) so that the likelihood works once per
// group. In a real log most customers never come back, and those differ only
// in T: the 23,570 CDNOW customers make about 9,000 groups.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lifecycle/customer_summary.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle::detail {

struct customer_group {
  double x = 0, t_x = 0, T = 0;
  double weight = 0;          // customers in the group
  std::uint32_t x_index = 0;  // into grouped_customers::distinct_x
  std::uint32_t x_T_index = 0, x_tx_index = 0;  // into x_T and x_tx
};

struct grouped_customers {
  std::vector<customer_group> groups;  // sorted by x, then t_x, then T
  std::vector<double> distinct_x;      // increasing
  // The distinct (x, T) and (x, t_x) pairs, for terms that depend on one of the
  // times only (far fewer than the groups: most customers share their x).
  std::vector<std::pair<double, double>> x_T, x_tx;
  std::size_t customers = 0;
  double total_x = 0, total_T = 0;
};

inline std::string customer_name(const customer_summary& c, std::size_t index) {
  return c.id.empty() ? fmt::format("#{}", index + 1) : fmt::format("'{}'", c.id);
}

// Throws lifecycle::error (invalid_argument) naming the first bad customer.
inline void check_customer(const customer_summary& c, std::size_t index, std::string_view model) {
  auto fail = [&](const std::string& what) {
    throw error(errc::invalid_argument, fmt::format("{}: customer {}: {}", model, customer_name(c, index), what));
  };
  if (!std::isfinite(c.T) || c.T < 0) fail(fmt::format("T = {} is not a time >= 0", c.T));
  if (!std::isfinite(c.t_x) || c.t_x < 0 || c.t_x > c.T)
    fail(fmt::format("t_x = {} is outside [0, T = {}]", c.t_x, c.T));
  if (c.x > 0 && c.t_x == 0) fail(fmt::format("x = {} repeat purchases but t_x = 0", c.x));
  if (c.x == 0 && c.t_x != 0) fail(fmt::format("no repeat purchase (x = 0) but t_x = {}", c.t_x));
}

inline grouped_customers group_customers(std::span<const customer_summary> customers, std::string_view model) {
  if (customers.empty()) throw error(errc::invalid_argument, fmt::format("{}: no customers to fit", model));
  grouped_customers out;
  out.customers = customers.size();
  std::vector<customer_group> all;
  all.reserve(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const customer_summary& c = customers[i];
    check_customer(c, i, model);
    all.push_back({static_cast<double>(c.x), c.t_x, c.T, 1.0, 0});
    out.total_x += c.x;
    out.total_T += c.T;
  }
  if (out.total_x == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: no customer made a repeat purchase (every x is 0), so the purchase rate cannot be "
                            "estimated; choose a later calibration end",
                            model));
  if (out.total_T == 0)
    throw error(errc::invalid_argument, fmt::format("{}: every customer has T = 0 (no time observed)", model));
  std::sort(all.begin(), all.end(), [](const customer_group& a, const customer_group& b) {
    if (a.x != b.x) return a.x < b.x;
    if (a.t_x != b.t_x) return a.t_x < b.t_x;
    return a.T < b.T;
  });
  for (const customer_group& g : all) {
    if (!out.groups.empty()) {
      customer_group& last = out.groups.back();
      if (last.x == g.x && last.t_x == g.t_x && last.T == g.T) {
        last.weight += 1;
        continue;
      }
    }
    if (out.distinct_x.empty() || out.distinct_x.back() != g.x) out.distinct_x.push_back(g.x);
    out.groups.push_back(g);
    out.groups.back().x_index = static_cast<std::uint32_t>(out.distinct_x.size() - 1);
  }
  for (const customer_group& g : out.groups) {
    out.x_T.emplace_back(g.x, g.T);
    out.x_tx.emplace_back(g.x, g.t_x);
  }
  for (auto* pairs : {&out.x_T, &out.x_tx}) {
    std::sort(pairs->begin(), pairs->end());
    pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  }
  auto index_of = [](const std::vector<std::pair<double, double>>& pairs, double x, double t) {
    return static_cast<std::uint32_t>(std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(x, t)) -
                                      pairs.begin());
  };
  for (customer_group& g : out.groups) {
    g.x_T_index = index_of(out.x_T, g.x, g.T);
    g.x_tx_index = index_of(out.x_tx, g.x, g.t_x);
  }
  return out;
}

// log(e^a + e^b) without overflow.
inline double log_add(double a, double b) {
  if (a == -INFINITY) return b;
  if (b == -INFINITY) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

// expm1(k)/k, 1 at k = 0.
inline double expm1_over(double k) { return k == 0 ? 1.0 : std::expm1(k) / k; }

}  // namespace lifecycle::detail
