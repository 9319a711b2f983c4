// The special functions against known values: closed forms, identities, and
// reference values computed with mpmath at 40 digits (mpmath.loggamma,
// mpmath.digamma, mpmath.hyp2f1), printed to 17 significant digits.

#include <catch2/catch.hpp>

#include <lifecycle/special_functions.hpp>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <utility>

using namespace lifecycle;

namespace {

// |got - want| <= rel * |want| (or <= rel when want is 0).
bool close(double got, double want, double rel) {
  return std::abs(got - want) <= rel * std::max(std::abs(want), 1e-300) || (want == 0 && std::abs(got) <= rel);
}

struct gamma_reference {
  double x, log_gamma, digamma;
};

// mpmath: log|Γ(x)| and ψ(x), at the double nearest to each x.
constexpr gamma_reference gamma_table[] = {
    {1e-08, 18.420680738180209, -100000000.57721565},
    {0.1, 2.2527126517342059, -10.423754940411076},
    {0.5, 0.57236494292470009, -1.9635100260214235},
    {1.4616321449683622, -0.12148629053584961, -9.2412655217294275e-17},
    {2.5, 0.28468287047291916, 0.70315664064524319},
    {3.7, 1.4280723266653881, 1.1671535393615114},
    {10.01, 12.824350262448247, 2.2528037003181357},
    {30.2, 71.934602968394986, 3.3911942727415622},
    {70.1, 226.61475376829942, 4.2427731684521418},
    {171.5, 709.14316303092824, 5.1416649814339996},
    {1000.5, 5908.6741758486775, 6.9077553206487964},
    {1000000.0, 12815504.569147612, 13.815510057964191},
    {-0.5, 1.2655121234846454, 0.036489973978576521},
    {-1.5, 0.86004701537648101, 0.70315664064524319},
    {-2.3, 0.36956666345500804, 3.3173231575618227},
    {-10.7, -15.416789096416636, 0.13374481244706443},
    {-100.3, -363.76620618267626, 6.895643124860435},
};

struct f21_reference {
  double a, b, c, z, value;
  const char* regime;
};

// mpmath.hyp2f1 at 40 digits; the regimes name the method the value exercises.
constexpr f21_reference f21_table[] = {
    {0.5, 1.5, 2.3, 0.3, 1.1188871195206273, "power series"},
    {2.3, 1.3, 3.6, 0.6, 2.0091463248574209, "1-z transformation"},
    {2.3, 1.3, 3.6, 0.99, 11.133560939605488, "1-z transformation, z near 1"},
    {2.3, 1.3, 3.6, 0.99999, 35.242906143797517, "c-a-b = 0 (to rounding): logarithmic form"},
    {1.5, 2.5, 6.0, 0.97, 2.8350036394366621, "c-a-b = 2: logarithmic form"},
    {1.5, 2.5, 2.0, 0.97, 949.95584113643653, "c-a-b = -2: Euler, then logarithmic form"},
    {2.3, 1.3, 3.6005, 0.99, 11.124485332541558, "c-a-b = 5e-4: near an integer"},
    {2.3, 1.3, 3.60000001, 0.999, 18.959120430831285, "c-a-b = 1e-8: near an integer"},
    {1.0, 1.0, 2.0000001, 0.9999, 9.2112580129028522, "c-a-b = 1e-7, z near 1"},
    {30.2, 40.3, 70.1, 0.9, 6132179891218.1036, "large parameters"},
    {30.2, 40.3, 70.1, 0.999, 7.9649706708633706e+20, "large parameters, z near 1"},
    {30.2, 40.3, 70.1, -2.0, 4.5056894286164505e-10, "large parameters, z < -1"},
    {0.5, 1.5, 2.3, -0.5, 0.87176988455301012, "Pfaff"},
    {0.5, 1.5, 2.3, -50.0, 0.19240501476057566, "Pfaff, far out"},
    {0.5, 1.5, 2.3, -1000000.0, 0.001413472905588052, "Pfaff, very far out"},
    {-3.0, 1.5, 2.3, 0.7, 0.21878159757330636, "polynomial"},
    {-3.0, 1.5, 2.3, -20.0, 3850.2232741979968, "polynomial, far out"},
    {-2.5, 1.5, 3.1, 0.9, 0.30822321135818371, "negative a"},
    {0.2, 0.3, -0.5, 0.8, 0.19359878878571576, "negative c"},
    {5.0, 7.0, 1.5, 0.6, 336883.10723877544, "c-a-b = -10.5"},
    {4.159, 1.606, 5.159, 0.6, 3.0747851314222939, "Pareto/NBD likelihood, alpha >= beta"},
    {42.0, 41.0, 43.0, 0.69, 2.2904881982727634e+20, "Pareto/NBD likelihood, alpha < beta"},
    {3.2, 4.1, 5.05, 0.47, 5.0543322659747511, "BG/NBD expectation"},
    {1.979, -0.207, 4.219, 0.999, 0.86164889575442135, "BG/NBD expectation, long horizon"},
};

}  // namespace

TEST_CASE("log_gamma and digamma match reference values", "[models][special]") {
  for (const gamma_reference& r : gamma_table) {
    INFO("x = " << r.x);
    // Relative, or absolute where the function is below 1 (near its zeros).
    CHECK(std::abs(log_gamma(r.x) - r.log_gamma) <= 5e-16 * std::max(1.0, std::abs(r.log_gamma)));
    // ψ by reflection loses a little more for negative x: ψ(1-x) and π cot(πx) nearly cancel.
    CHECK(std::abs(digamma(r.x) - r.digamma) <= (r.x > 0 ? 5e-16 : 4e-15) * std::max(1.0, std::abs(r.digamma)));
  }
}

TEST_CASE("log_gamma and digamma: closed forms, poles, signs", "[models][special]") {
  constexpr double euler = 0.57721566490153286061;
  CHECK(std::abs(log_gamma(1)) < 1e-16);
  CHECK(std::abs(log_gamma(2)) < 1e-16);
  CHECK(close(log_gamma(0.5), 0.5 * std::log(std::numbers::pi), 1e-15));
  CHECK(close(log_gamma(11), std::log(3628800.0), 1e-15));
  CHECK(close(digamma(1), -euler, 1e-15));
  CHECK(close(digamma(0.5), -euler - 2 * std::log(2.0), 1e-15));
  CHECK(std::isinf(log_gamma(0)));
  CHECK(std::isinf(log_gamma(-3)));
  CHECK(std::isnan(digamma(0)));
  CHECK(std::isnan(digamma(-2)));
  CHECK(std::isnan(log_gamma(std::numeric_limits<double>::quiet_NaN())));
  CHECK(gamma_sign(2.5) == 1);
  CHECK(gamma_sign(-0.5) == -1);
  CHECK(gamma_sign(-1.5) == 1);
  CHECK(gamma_sign(-2.5) == -1);
  CHECK(std::isnan(gamma_sign(-2)));
  CHECK(close(log_beta(2, 3), std::log(1.0 / 12), 1e-14));
}

TEST_CASE("log_gamma and digamma agree with Boost.Math and their recurrences", "[models][special]") {
  std::mt19937_64 rng(20240917);
  std::uniform_real_distribution<double> log_x(-6, 8);
  for (int i = 0; i < 2000; ++i) {
    const double x = std::pow(10.0, log_x(rng) / 2);
    INFO("x = " << x);
    const double lg = log_gamma(x);
    CHECK(std::abs(lg - boost::math::lgamma(x)) <= 1e-15 * std::max(1.0, std::abs(lg)));
    CHECK(std::abs(digamma(x) - boost::math::digamma(x)) <= 1e-15 * std::max(1.0, std::abs(digamma(x))));
    // Γ(x+1) = x Γ(x), ψ(x+1) = ψ(x) + 1/x.
    CHECK(std::abs(log_gamma(x + 1) - (lg + std::log(x))) <= 1e-14 * std::max(1.0, std::abs(lg)));
    CHECK(std::abs(digamma(x + 1) - (digamma(x) + 1 / x)) <= 1e-14 * std::max(1.0, 1 / x));
  }
}

TEST_CASE("2F1 matches reference values in every regime", "[models][special]") {
  for (const f21_reference& r : f21_table) {
    INFO(r.regime << ": 2F1(" << r.a << ", " << r.b << "; " << r.c << "; " << r.z << ")");
    CHECK(close(hypergeometric_2f1(r.a, r.b, r.c, r.z), r.value, 2e-13));
  }
}

TEST_CASE("2F1 matches closed forms", "[models][special]") {
  for (double z : {-1e3, -5.0, -0.9, -0.5, -1e-3, 1e-3, 0.3, 0.5, 0.51, 0.7, 0.9, 0.95, 0.999, 0.99999}) {
    INFO("z = " << z);
    // 2F1(1,1;2;z) = -ln(1-z)/z: c - a - b = 0, the logarithmic case.
    CHECK(close(hypergeometric_2f1(1, 1, 2, z), -std::log1p(-z) / z, 1e-14));
    // 2F1(a,b;b;z) = (1-z)^-a.
    CHECK(close(hypergeometric_2f1(0.37, 2.2, 2.2, z), std::pow(1 - z, -0.37), 1e-14));
    // 2F1(1, 2; 3.5; z) against 2F1(2, 1; 3.5; z): symmetric in a and b.
    CHECK(close(hypergeometric_2f1(1, 2, 3.5, z), hypergeometric_2f1(2, 1, 3.5, z), 1e-14));
  }
  for (double t : {0.1, 0.5, 0.9, 0.999}) {
    INFO("t = " << t);
    // arcsin t / t = 2F1(1/2, 1/2; 3/2; t^2), arctan t / t = 2F1(1/2, 1; 3/2; -t^2).
    CHECK(close(hypergeometric_2f1(0.5, 0.5, 1.5, t * t), std::asin(t) / t, 1e-14));
    CHECK(close(hypergeometric_2f1(0.5, 1, 1.5, -t * t), std::atan(t) / t, 1e-14));
  }
  for (double t : {2.0, 30.0, 1e4}) {
    INFO("t = " << t);
    CHECK(close(hypergeometric_2f1(0.5, 1, 1.5, -t * t), std::atan(t) / t, 1e-14));
  }
  // Gauss's sum at z = 1: Γ(c)Γ(c-a-b) / (Γ(c-a)Γ(c-b)); 2F1(1, 1; 3; 1) = 2.
  CHECK(close(hypergeometric_2f1(1, 1, 3, 1), 2.0, 1e-14));
  CHECK(std::isnan(hypergeometric_2f1(1, 1, 2, 1)));  // diverges
  // A terminating polynomial: 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)).
  const double b = 1.7, c = 2.9, z = 3.5;
  CHECK(close(hypergeometric_2f1(-2, b, c, z), 1 - 2 * b * z / c + b * (b + 1) * z * z / (c * (c + 1)), 1e-14));
}

TEST_CASE("2F1 outside its domain is NaN", "[models][special]") {
  CHECK(std::isnan(hypergeometric_2f1(1, 1, 2, 1.5)));   // beyond the branch point
  CHECK(std::isnan(hypergeometric_2f1(1, 1, -2, 0.5)));  // c a pole
  CHECK(hypergeometric_2f1(-1, 1, -2, 0.5) == Approx(1.25));  // ... unless the series ends first: 1 - z/c
  CHECK(std::isnan(hypergeometric_2f1(std::numeric_limits<double>::quiet_NaN(), 1, 2, 0.5)));
  CHECK(hypergeometric_2f1(3, 4, 5, 0) == 1);
}

TEST_CASE("2F1 is continuous across the switch between methods", "[models][special]") {
  // Each side of z = 0.5 and z = 0.9, and of c - a - b = integer +- 1e-3,
  // uses another method; the values must join smoothly.
  for (double z : {0.5, 0.9}) {
    const double below = hypergeometric_2f1(1.3, 2.1, 3.7, std::nextafter(z, 0.0));
    const double above = hypergeometric_2f1(1.3, 2.1, 3.7, std::nextafter(z, 1.0));
    CHECK(close(below, above, 1e-13));
  }
  // mpmath.hyp2f1(0.8, 1.4, 3.2 + d, 0.97): c - a - b = 1 + d.
  constexpr std::pair<double, double> near_integer[] = {
      {-2e-3, 1.9124625400012684}, {-1e-3, 1.9117676611490728}, {-5e-4, 1.9114205808259203},
      {-1e-9, 1.9110737402979397}, {0, 1.9110737396044961},     {1e-9, 1.9110737389110526},
      {5e-4, 1.9107271372599483},  {1e-3, 1.9103807735676837},  {2e-3, 1.9096887612429215},
  };
  for (const auto& [d, want] : near_integer) {
    INFO("c - a - b = 1 + " << d);
    CHECK(close(hypergeometric_2f1(0.8, 1.4, 3.2 + d, 0.97), want, 1e-13));
  }
}
