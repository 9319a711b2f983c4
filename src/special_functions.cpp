// Log-gamma, digamma and 2F1 for real arguments. Each function shifts its
// argument into the region where an asymptotic series or a power series is
// accurate, then undoes the shift exactly; see the header for the regions.

#include "lifecycle/special_functions.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace lifecycle {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double eps = std::numeric_limits<double>::epsilon();

bool is_pole(double x) noexcept { return x <= 0 && x == std::floor(x); }

// sin(pi x) without the loss of accuracy that forming pi * x costs for large x:
// reduce x modulo 2 first (exact in floating point).
double sin_pi(double x) noexcept {
  double r = std::fmod(x, 2.0);
  if (r < 0) r += 2.0;
  double sign = 1;
  if (r >= 1) {
    r -= 1;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r;
  return sign * std::sin(std::numbers::pi * r);
}

double cos_pi(double x) noexcept { return sin_pi(x + 0.5); }

// Stirling's series for ln Γ(x), x >= 10: the next term is below 3e-17.
double log_gamma_stirling(double x) noexcept {
  constexpr double half_log_two_pi = 0.91893853320467274178;
  const double r = 1 / x, r2 = r * r;
  const double series =
      r * (1.0 / 12 +
           r2 * (-1.0 / 360 +
                 r2 * (1.0 / 1260 +
                       r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
  return (x - 0.5) * std::log(x) - x + half_log_two_pi + series;
}

// The asymptotic series for ψ(x), x >= 10.
double digamma_asymptotic(double x) noexcept {
  const double r = 1 / x, r2 = r * r;
  const double series =
      r2 * (1.0 / 12 -
            r2 * (1.0 / 120 -
                  r2 * (1.0 / 252 - r2 * (1.0 / 240 - r2 * (1.0 / 132 - r2 * (691.0 / 32760 - r2 * (1.0 / 12)))))));
  return std::log(x) - 0.5 * r - series;
}

// Γ(x1)...Γ(xk) / (Γ(y1)...Γ(yl)) as sign * exp(log): the building block of the
// transformation formulas, safe where the parts alone would overflow. A pole in
// the denominator makes the product 0 (1/Γ is entire).
struct gamma_product {
  double log = 0, sign = 1;
  bool zero = false;
  gamma_product& times(double x) noexcept {
    log += log_gamma(x);
    sign *= is_pole(x) ? nan : gamma_sign(x);
    return *this;
  }
  gamma_product& over(double x) noexcept {
    if (is_pole(x)) {
      zero = true;
      return *this;
    }
    log -= log_gamma(x);
    sign *= gamma_sign(x);
    return *this;
  }
  double value() const noexcept { return zero ? 0.0 : sign * std::exp(log); }
};

// A value with the sum of the magnitudes of the parts it was added up from:
// eps * magnitude / |value| estimates its relative rounding error.
struct summed {
  double value = 0, magnitude = 0;
  double error() const noexcept {
    if (std::isnan(value)) return inf;
    return value == 0 ? (magnitude == 0 ? 0 : inf) : eps * magnitude / std::abs(value);
  }
};

// Σ (a)_n (b)_n / ((c)_n n!) z^n, summed with Neumaier's compensation. Ends when
// a term is 0 (a polynomial) or the tail bound |t| ρ/(1-ρ) drops below the
// working precision, where ρ bounds the ratio of the terms still to come
// (it tends to z). NaN when max_terms are not enough.
summed power_series_summed(double a, double b, double c, double z, long max_terms) noexcept {
  double sum = 1, compensation = 0, term = 1, magnitude = 1;
  const double az = std::abs(z);
  for (long n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    const double ratio = (a + dn) * (b + dn) / ((c + dn) * (dn + 1)) * z;
    term *= ratio;
    if (term == 0) return {sum + compensation, magnitude};
    const double t = sum + term;
    compensation += std::abs(sum) >= std::abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    magnitude += std::abs(term);
    if (!std::isfinite(sum)) return {nan, inf};
    // Past the largest parameter the ratios move monotonically towards z.
    if (dn > std::abs(a) + std::abs(b) + std::abs(c)) {
      const double rho = std::max(std::abs(ratio), az);
      if (rho < 1 && std::abs(term) * rho <= 0.25 * eps * std::abs(sum + compensation) * (1 - rho))
        return {sum + compensation, magnitude};
    }
  }
  return {nan, inf};
}

double power_series(double a, double b, double c, double z, long max_terms) noexcept {
  return power_series_summed(a, b, c, z, max_terms).value;
}

constexpr long small_z_terms = 1'000'000;
constexpr long large_z_terms = 2'000'000;

// A&S 15.3.6: the 1-z transformation, for c - a - b not an integer.
summed one_minus_z(double a, double b, double c, double z) noexcept {
  const double m = c - a - b, w = 1 - z;
  const double first = gamma_product{}.times(c).times(m).over(c - a).over(c - b).value();
  const double second = gamma_product{}.times(c).times(-m).over(a).over(b).value() * std::pow(w, m);
  summed out;
  if (first != 0) {
    const summed f = power_series_summed(a, b, 1 - m, w, small_z_terms);
    out.value += first * f.value;
    out.magnitude += std::abs(first) * f.magnitude;
  }
  if (second != 0) {
    const summed f = power_series_summed(c - a, c - b, m + 1, w, small_z_terms);
    out.value += second * f.value;
    out.magnitude += std::abs(second) * f.magnitude;
  }
  return out;
}

// A&S 15.3.10 (m = 0) and 15.3.11 (m = 1, 2, ...): c = a + b + m exactly, the
// limit of the 1-z transformation, with logarithms. a and b are not poles
// (polynomials are summed before we get here).
summed integer_m(double a, double b, double c, double z, int m) noexcept {
  const double w = 1 - z, log_w = std::log(w);
  // The finite part (m >= 1): Γ(m)Γ(c)/(Γ(a+m)Γ(b+m)) Σ_{n<m} (a)_n (b)_n / (n! (1-m)_n) w^n.
  summed finite;
  if (m >= 1) {
    double term = 1, sum = 1, magnitude = 1;
    for (int n = 0; n + 1 < m; ++n) {
      const double dn = n;
      term *= (a + dn) * (b + dn) / ((dn + 1) * (1 - m + dn)) * w;
      sum += term;
      magnitude += std::abs(term);
    }
    const double factor = gamma_product{}.times(m).times(c).over(a + m).over(b + m).value();
    finite = {factor * sum, std::abs(factor) * magnitude};
  }
  // The logarithmic part: -(z-1)^m Γ(c)/(Γ(a)Γ(b)) Σ_n (a+m)_n (b+m)_n / (n! (n+m)!) w^n
  //   * [ln w - ψ(n+1) - ψ(n+m+1) + ψ(a+n+m) + ψ(b+n+m)].
  double psi1 = digamma(1.0), psim = digamma(m + 1.0), psia = digamma(a + m), psib = digamma(b + m);
  double coefficient = 1;  // (a+m)_n (b+m)_n / (n! (n+m)!) w^n, times m! (divided out below)
  double sum = 0, magnitude = 0;
  for (long n = 0; n < small_z_terms; ++n) {
    const double dn = static_cast<double>(n);
    const double term = coefficient * (log_w - psi1 - psim + psia + psib);
    sum += term;
    magnitude += std::abs(coefficient) * (std::abs(log_w) + std::abs(psi1) + std::abs(psim) + std::abs(psia) +
                                          std::abs(psib));
    if (dn > std::abs(a) + std::abs(b) + m + 2 && std::abs(term) <= 0.25 * eps * std::abs(sum)) break;
    coefficient *= (a + m + dn) * (b + m + dn) / ((dn + 1) * (dn + m + 1)) * w;
    psi1 += 1 / (dn + 1);
    psim += 1 / (dn + m + 1);
    psia += 1 / (a + m + dn);
    psib += 1 / (b + m + dn);
    if (coefficient == 0) break;
  }
  double factorial_m = 1;
  for (int k = 2; k <= m; ++k) factorial_m *= k;
  const double sign_m = (m % 2 == 0) ? 1.0 : -1.0;  // (z-1)^m = (-1)^m w^m
  const double factor = gamma_product{}.times(c).over(a).over(b).value() * sign_m * std::pow(w, m) / factorial_m;
  return {finite.value - factor * sum, finite.magnitude + std::abs(factor) * magnitude};
}

// 0.5 < z < 1 by a transformation to 1-z: A&S 15.3.6, or for an integer
// c - a - b (within 1e-9: the limit's error is then below the rounding error of
// the general form) the logarithmic forms. magnitude inf when neither applies.
summed transformed(double a, double b, double c, double z) noexcept {
  const double m = c - a - b;
  const double nearest = std::nearbyint(m);
  const double distance = std::abs(m - nearest);
  if (distance <= 1e-9 && std::abs(nearest) < 1e6) {
    const int mi = static_cast<int>(nearest);
    if (mi >= 0) return integer_m(a, b, a + b + mi, z, mi);
    // Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z)
    // turns c - a - b = -k into +k.
    const double ca = c - a, cb = c - b, factor = std::pow(1 - z, m);
    if (is_pole(ca) || is_pole(cb)) {
      const summed p = power_series_summed(ca, cb, c, z, large_z_terms);
      return {factor * p.value, factor * p.magnitude};
    }
    const summed i = integer_m(ca, cb, ca + cb - mi, z, -mi);
    return {factor * i.value, factor * i.magnitude};
  }
  if (distance < 1e-3) {
    // The two terms would cancel to about 1e-16/distance: only a last resort.
    summed s = one_minus_z(a, b, c, z);
    s.magnitude = std::max(s.magnitude, std::abs(s.value) / distance);
    return s;
  }
  return one_minus_z(a, b, c, z);
}

// 0 <= z < 1, c not a pole, a and b not poles. The power series is exact in
// its terms but slow as z nears 1; the transformations are fast but can cancel
// (c - a - b near an integer, large parameters). Each result carries an error
// estimate, and the better one wins.
double f_unit(double a, double b, double c, double z) noexcept {
  if (z <= 0.5) return power_series(a, b, c, z, small_z_terms);
  constexpr double good = 1e-13;
  summed series{nan, inf};
  if (z <= 0.9) {
    series = power_series_summed(a, b, c, z, small_z_terms);
    if (series.error() <= good) return series.value;
  }
  const summed t = transformed(a, b, c, z);
  if (t.error() <= good) return t.value;
  if (z > 0.9 && 40.0 / (1 - z) < static_cast<double>(large_z_terms))
    series = power_series_summed(a, b, c, z, large_z_terms);
  if (series.error() <= t.error()) return series.value;
  return std::isnan(t.value) ? nan : t.value;
}

}  // namespace

double log_gamma(double x) noexcept {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return inf;
  if (x <= 0) {
    if (x == std::floor(x)) return inf;
    // Reflection: Γ(x) Γ(1-x) = π / sin(πx).
    return std::log(std::numbers::pi / std::abs(sin_pi(x))) - log_gamma(1 - x);
  }
  if (x >= 10) return log_gamma_stirling(x);
  // Γ(x) = Γ(x+k) / (x (x+1) ... (x+k-1)); one logarithm for the product.
  double product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
  }
  return log_gamma_stirling(x) - std::log(product);
}

double gamma_sign(double x) noexcept {
  if (std::isnan(x) || is_pole(x)) return nan;
  if (x > 0) return 1;
  // Between the poles -k-1 < x < -k the sign is (-1)^(k+1).
  const double k = std::floor(-x);
  return std::fmod(k, 2.0) == 0 ? -1.0 : 1.0;
}

double log_beta(double a, double b) noexcept { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }

double digamma(double x) noexcept {
  if (std::isnan(x) || is_pole(x)) return nan;
  if (std::isinf(x)) return x > 0 ? inf : nan;
  if (x < 0) {
    // Reflection: ψ(1-x) - ψ(x) = π cot(πx).
    return digamma(1 - x) - std::numbers::pi * cos_pi(x) / sin_pi(x);
  }
  double shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  return shift + digamma_asymptotic(x);
}

double hypergeometric_2f1(double a, double b, double c, double z) noexcept {
  if (std::isnan(a) || std::isnan(b) || std::isnan(c) || std::isnan(z)) return nan;
  const bool poly_a = is_pole(a), poly_b = is_pole(b);
  if (is_pole(c)) {
    // Defined only when the series ends before the zero denominator.
    if ((poly_a && a > c) || (poly_b && b > c)) return power_series(a, b, c, z, small_z_terms);
    return nan;
  }
  if (z == 0 || a == 0 || b == 0) return 1;
  if (poly_a || poly_b) {
    if (z >= -1) return power_series(a, b, c, z, small_z_terms);
    // Far out on the negative axis the polynomial alternates wildly; Pfaff
    // keeps it a polynomial in z/(z-1), in (0, 1).
    const double w = z / (z - 1);
    if (poly_a) return std::pow(1 - z, -a) * power_series(a, c - b, c, w, small_z_terms);
    return std::pow(1 - z, -b) * power_series(c - a, b, c, w, small_z_terms);
  }
  if (z > 1) return nan;
  if (z == 1) {
    if (c - a - b <= 0) return nan;
    return gamma_product{}.times(c).times(c - a - b).over(c - a).over(c - b).value();
  }
  if (z < 0) {
    // Pfaff: 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)), z/(z-1) in (0, 1).
    const double w = z / (z - 1);
    if (is_pole(c - a)) return std::pow(1 - z, -b) * power_series(c - a, b, c, w, small_z_terms);
    if (is_pole(c - b)) return std::pow(1 - z, -a) * power_series(a, c - b, c, w, small_z_terms);
    return std::pow(1 - z, -a) * f_unit(a, c - b, c, w);
  }
  return f_unit(a, b, c, z);
}

}  // namespace lifecycle
