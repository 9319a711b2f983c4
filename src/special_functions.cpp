// Log-gamma, digamma and 2F1 for real arguments. Each function shifts its
// argument into the region where an asymptotic series or a power series is
// accurate, then undoes the shift exactly; see the header for the regions.

#include "lifecycle/special_functions.hpp"

#include <cmath>
#include <cstddef>
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

// (ζ(k)-1)/k, k = 2..31, from mpmath at 40 digits.
constexpr double zeta_minus_one_over_k[] = {
      0.32246703342411321824,   0.067352301053198095133,  0.020580808427784547879,  0.0073855510286739852663,
      0.0028905103307415232858, 0.0011927539117032609771, 0.00050966952474304242234, 0.00022315475845357937976,
      9.9457512781808533715e-5, 4.49262367381331417e-5,   2.0507212775670691553e-5, 9.439488275268395904e-6,
      4.3748667899074878042e-6, 2.0392157538013662368e-6, 9.5514121304074198329e-7, 4.4924691987645660433e-7,
      2.1207184805554665869e-7, 1.0043224823968099609e-7, 4.7698101693639805658e-8, 2.271109460894316491e-8,
      1.0838659214896954091e-8, 5.1834750419700466551e-9, 2.4836745438024783172e-9, 1.1921401405860912074e-9,
      5.7313672416788620133e-10, 2.7595228851242331452e-10, 1.3304764374244489481e-10,
      6.4229645638381000221e-11, 3.1044247747322272762e-11, 1.5021384080754142171e-11};
constexpr std::size_t zeta_terms = sizeof(zeta_minus_one_over_k) / sizeof(zeta_minus_one_over_k[0]);
constexpr double one_minus_euler = 0.42278433509846713939;

// ln Γ(2 + f) for |f| <= 0.5: (1-γ) f + Σ_{k>=2} (-1)^k (ζ(k)-1)/k f^k
// (Abramowitz & Stegun 6.1.33 shifted by one). The terms shrink like 4^-k;
// the error is absolute and about 1e-17, also where ln Γ vanishes (x = 1, 2).
double log_gamma_near_two(double f) noexcept {
  // Horner from the highest power; the sign (-1)^k folds into -f.
  double sum = 0;
  for (std::size_t k = zeta_terms; k-- > 0;) sum = sum * -f + zeta_minus_one_over_k[k];
  return f * (one_minus_euler + f * sum);
}

// ψ(2 + f) for |f| <= 0.5, the derivative of the above:
// (1-γ) + Σ_{k>=2} (-1)^k (ζ(k)-1) f^(k-1).
double digamma_near_two(double f) noexcept {
  double sum = 0;
  for (std::size_t k = zeta_terms; k-- > 0;) sum = sum * -f + zeta_minus_one_over_k[k] * static_cast<double>(k + 2);
  return one_minus_euler + f * sum;
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
  double log_error = 0;  // absolute error of `log`: a few ulps of each part
  bool zero = false;
  gamma_product& times(double x) noexcept {
    const double part = log_gamma(x);
    log += part;
    log_error += 2 * eps * std::max(1.0, std::abs(part));
    sign *= is_pole(x) ? nan : gamma_sign(x);
    return *this;
  }
  gamma_product& over(double x) noexcept {
    if (is_pole(x)) {
      zero = true;
      return *this;
    }
    const double part = log_gamma(x);
    log -= part;
    log_error += 2 * eps * std::max(1.0, std::abs(part));
    sign *= gamma_sign(x);
    return *this;
  }
  double value() const noexcept { return zero ? 0.0 : sign * std::exp(log); }
  /// Relative error of value().
  double error() const noexcept { return log_error + 2 * eps * std::max(1.0, std::abs(log)); }
};

// A value with an estimate of its absolute rounding error: error() is the
// relative one, inf for a value that failed.
struct summed {
  double value = 0, abs_error = 0;
  double error() const noexcept {
    if (std::isnan(value)) return inf;
    return value == 0 ? (abs_error == 0 ? 0 : inf) : abs_error / std::abs(value);
  }
};

// Σ (a)_n (b)_n / ((c)_n n!) z^n, summed with Neumaier's compensation. Ends when
// a term is 0 (a polynomial) or the tail bound |t| ρ/(1-ρ) drops below the
// working precision, where ρ bounds the ratio of the terms still to come
// (it tends to z). NaN when max_terms are not enough.
// The error estimate: eps per term magnitude (cancellation), and the relative
// error the term recurrence accumulates, about sqrt(n) eps.
summed power_series_summed(double a, double b, double c, double z, long max_terms) noexcept {
  double sum = 1, compensation = 0, term = 1, magnitude = 1;
  auto done = [&](long n) {
    const double value = sum + compensation;
    return summed{value, eps * (magnitude + std::sqrt(static_cast<double>(n) + 1) * std::abs(value))};
  };
  const double az = std::abs(z);
  for (long n = 0; n < max_terms; ++n) {
    const double dn = static_cast<double>(n);
    const double ratio = (a + dn) * (b + dn) / ((c + dn) * (dn + 1)) * z;
    term *= ratio;
    if (term == 0) return done(n);
    const double t = sum + term;
    compensation += std::abs(sum) >= std::abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    magnitude += std::abs(term);
    if (!std::isfinite(sum)) return {nan, inf};
    // Past the largest parameter the ratios move monotonically towards z.
    if (dn > std::abs(a) + std::abs(b) + std::abs(c)) {
      const double rho = std::max(std::abs(ratio), az);
      if (rho < 1 && std::abs(term) * rho <= 0.25 * eps * std::abs(sum + compensation) * (1 - rho)) return done(n);
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
summed one_minus_z(double a, double b, double c, double w) noexcept {
  const double m = c - a - b;
  const gamma_product g1 = gamma_product{}.times(c).times(m).over(c - a).over(c - b);
  const gamma_product g2 = gamma_product{}.times(c).times(-m).over(a).over(b);
  summed out;
  auto add = [&](const gamma_product& g, double factor, const summed& f) {
    const double coefficient = g.value() * factor;
    if (coefficient == 0) return;
    out.value += coefficient * f.value;
    out.abs_error += std::abs(coefficient) * (f.abs_error + std::abs(f.value) * g.error());
  };
  add(g1, 1.0, power_series_summed(a, b, 1 - m, w, small_z_terms));
  add(g2, std::pow(w, m), power_series_summed(c - a, c - b, m + 1, w, small_z_terms));
  out.abs_error += eps * std::abs(out.value);
  return out;
}

// A&S 15.3.10 (m = 0) and 15.3.11 (m = 1, 2, ...): c = a + b + m exactly, the
// limit of the 1-z transformation, with logarithms. a and b are not poles
// (polynomials are summed before we get here).
summed integer_m(double a, double b, double c, double w, int m) noexcept {
  const double log_w = std::log(w);
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
    const gamma_product g = gamma_product{}.times(m).times(c).over(a + m).over(b + m);
    finite = {g.value() * sum, std::abs(g.value()) * (eps * magnitude * m + std::abs(sum) * g.error())};
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
  const gamma_product g = gamma_product{}.times(c).over(a).over(b);
  const double factor = g.value() * sign_m * std::pow(w, m) / factorial_m;
  return {finite.value - factor * sum,
          finite.abs_error + std::abs(factor) * (4 * eps * magnitude + std::abs(sum) * g.error())};
}

// A&S 15.3.10-12 for c - a - b = m, an integer: 15.3.12 (m < 0) by Euler's
// transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z), which turns
// c - a - b = -k into +k.
summed integer_form(double a, double b, double c, double z, double w, int m) noexcept {
  if (m >= 0) return integer_m(a, b, a + b + m, w, m);
  const double ca = c - a, cb = c - b, factor = std::pow(w, c - a - b);
  const summed inner = (is_pole(ca) || is_pole(cb)) ? power_series_summed(ca, cb, c, z, large_z_terms)
                                                    : integer_m(ca, cb, ca + cb - m, w, -m);
  return {factor * inner.value, factor * inner.abs_error};
}

// 0 <= z < 1, c not a pole, a and b not poles. The power series is exact in
// its terms but slow as z nears 1; the transformations to 1-z are fast but
// can cancel (large parameters, or c - a - b near an integer, where the
// general form's two terms grow like 1/distance). Each result carries an
// error estimate, and the better one wins.
// w = 1 - z, passed separately so that a caller who knows it exactly (Pfaff's
// transformation of a large negative z) does not lose it to rounding.
double f_unit(double a, double b, double c, double z, double w) noexcept {
  if (z <= 0.5) return power_series(a, b, c, z, small_z_terms);
  constexpr double good = 1e-13;
  summed series{nan, inf};
  if (z <= 0.9) {
    series = power_series_summed(a, b, c, z, small_z_terms);
    if (series.error() <= good) return series.value;
  }
  const double m = c - a - b;
  const double nearest = std::nearbyint(m);
  const double distance = std::abs(m - nearest);
  // An integer up to the rounding of c - a - b itself.
  const bool integer = distance <= 8 * eps * (std::abs(a) + std::abs(b) + std::abs(c)) && std::abs(nearest) < 1e6;
  summed transformed{nan, inf};
  if (integer) {
    transformed = integer_form(a, b, c, z, w, static_cast<int>(nearest));
  } else if (distance >= 1e-3) {
    transformed = one_minus_z(a, b, c, w);
  }
  if (transformed.error() <= good) return transformed.value;
  if (z > 0.9 && 40.0 / w < static_cast<double>(large_z_terms))
    series = power_series_summed(a, b, c, z, large_z_terms);
  if (!std::isnan(series.value) && series.error() <= transformed.error()) return series.value;
  if (!std::isnan(transformed.value)) return transformed.value;
  // Near an integer, and too close to z = 1 for the series: the general form
  // loses about 1e-16/distance, the integer form errs by about distance times
  // the derivative in c; take the smaller loss.
  if (distance < 1e-3 && std::abs(nearest) < 1e6) {
    if (distance < 1e-8) return integer_form(a, b, a + b + nearest, z, w, static_cast<int>(nearest)).value;
    return one_minus_z(a, b, c, w).value;
  }
  return series.value;
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
  // Into [1.5, 2.5) by Γ(x+1) = x Γ(x), one logarithm for the product.
  double product = 1;
  if (x < 1.5) {
    while (x < 1.5) {
      product *= x;
      x += 1;
    }
    return log_gamma_near_two(x - 2) - std::log(product);
  }
  while (x >= 2.5) {
    x -= 1;
    product *= x;
  }
  return log_gamma_near_two(x - 2) + std::log(product);
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
  if (x >= 10) return digamma_asymptotic(x);
  // Into [1.5, 2.5) by ψ(x+1) = ψ(x) + 1/x.
  double shift = 0;
  while (x < 1.5) {
    shift -= 1 / x;
    x += 1;
  }
  while (x >= 2.5) {
    x -= 1;
    shift += 1 / x;
  }
  return digamma_near_two(x - 2) + shift;
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
    // 1 - z/(z-1) = 1/(1-z), exact where 1 - w would not be.
    return std::pow(1 - z, -a) * f_unit(a, c - b, c, w, 1 / (1 - z));
  }
  return f_unit(a, b, c, z, 1 - z);
}

}  // namespace lifecycle
