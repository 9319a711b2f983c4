// CLV: the sum of discounted expected purchases, worked by hand from the
// models' own expectations, and its edge cases.

#include <catch2/catch.hpp>

#include <lifecycle/clv.hpp>

#include <cmath>

using namespace lifecycle;

namespace {

customer_summary customer(std::uint32_t x, double t_x, double T, double mean_spend) {
  customer_summary c;
  c.x = x;
  c.t_x = t_x;
  c.T = T;
  c.mean_spend = mean_spend;
  return c;
}

const bgnbd_params bg{0.243, 4.414, 0.793, 2.426};
const pareto_nbd_params pn{0.553, 10.578, 0.606, 11.669};
const gamma_gamma_params gg{6.25, 3.74, 15.44};

}  // namespace

TEST_CASE("CLV is discounted expected purchases times expected spend", "[models][clv]") {
  const customer_summary c = customer(2, 30.43, 38.86, 22.35);
  const double spend = gamma_gamma_expected_spend(gg, c);
  // One period, no discount: spend times the expected purchases.
  CHECK(customer_lifetime_value(bg, gg, c, {.horizon = 39, .period = 39, .discount_rate = 0}) ==
        Approx(spend * bgnbd_expected_purchases(bg, 39, c)).epsilon(1e-12));
  // Three periods of 13 weeks at 5% a period.
  const double e13 = bgnbd_expected_purchases(bg, 13, c), e26 = bgnbd_expected_purchases(bg, 26, c),
               e39 = bgnbd_expected_purchases(bg, 39, c);
  const double by_hand = spend * (e13 / 1.05 + (e26 - e13) / (1.05 * 1.05) + (e39 - e26) / (1.05 * 1.05 * 1.05));
  CHECK(customer_lifetime_value(bg, gg, c, {.horizon = 39, .period = 13, .discount_rate = 0.05}) ==
        Approx(by_hand).epsilon(1e-12));
  // A horizon that is not a whole number of periods: the last one is partial.
  const double partial =
      spend * (bgnbd_expected_purchases(bg, 20, c) / 1.1 + (e26 - bgnbd_expected_purchases(bg, 20, c)) / 1.21);
  CHECK(customer_lifetime_value(bg, gg, c, {.horizon = 26, .period = 20, .discount_rate = 0.1}) ==
        Approx(partial).epsilon(1e-12));
  // Pareto/NBD the same way.
  CHECK(customer_lifetime_value(pn, gg, c, {.horizon = 52, .period = 52, .discount_rate = 0}) ==
        Approx(spend * pareto_nbd_expected_purchases(pn, 52, c)).epsilon(1e-12));
  // The defaults: a year of weeks, monthly periods, 1% a month.
  CHECK(customer_lifetime_value(bg, gg, c) ==
        Approx(customer_lifetime_value(bg, gg, c, {.horizon = 52, .period = 52.0 / 12, .discount_rate = 0.01})));
}

TEST_CASE("CLV grows with the horizon and shrinks with the discount", "[models][clv]") {
  const customer_summary c = customer(4, 35, 38, 40);
  const double year = customer_lifetime_value(bg, gg, c, {.horizon = 52});
  const double two = customer_lifetime_value(bg, gg, c, {.horizon = 104});
  CHECK(two > year);
  CHECK(customer_lifetime_value(bg, gg, c, {.horizon = 104, .discount_rate = 0.05}) < two);
  // A customer who never came back is valued at the population's mean spend.
  const customer_summary once = customer(0, 0, 38, 0);
  CHECK(customer_lifetime_value(bg, gg, once, {.horizon = 52, .period = 52, .discount_rate = 0}) ==
        Approx(gamma_gamma_expected_spend(gg, 0, 0) * bgnbd_expected_purchases(bg, 52, once)));
  // A customer long silent is worth less than a recent one with the same history.
  CHECK(customer_lifetime_value(bg, gg, customer(4, 5, 38, 40)) < year);
}

TEST_CASE("CLV of invalid terms is NaN", "[models][clv]") {
  const customer_summary c = customer(2, 30, 38, 20);
  CHECK(std::isnan(customer_lifetime_value(bg, gg, c, {.horizon = 0})));
  CHECK(std::isnan(customer_lifetime_value(bg, gg, c, {.horizon = 52, .period = 0})));
  CHECK(std::isnan(customer_lifetime_value(bg, gg, c, {.horizon = 52, .period = 4, .discount_rate = -1})));
  CHECK(std::isnan(customer_lifetime_value(bg, {1, 0.5, 10}, customer(0, 0, 38, 0))));  // infinite mean spend
  CHECK(std::isnan(customer_lifetime_value(bgnbd_params{}, gg, c)));
}
