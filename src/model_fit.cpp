// The optimizer behind every model fit. It minimizes the mean negative
// log-likelihood per customer, so that tolerances mean the same for 100
// customers as for a million.

#include "lifecycle/model_fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

using vec = std::vector<double>;
constexpr double inf = std::numeric_limits<double>::infinity();

double dot(const vec& a, const vec& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const vec& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

struct point {
  vec phi;
  double f = inf;  // mean negative log-likelihood
  vec g;           // its gradient
};

class objective {
 public:
  objective(const log_likelihood_function& f, std::size_t n, std::size_t customers)
      : f_(f), n_(n), scale_(1.0 / static_cast<double>(std::max<std::size_t>(customers, 1))) {}

  // False when the point is infeasible (a non-finite value or gradient).
  bool evaluate(point& p) {
    ++evaluations;
    p.g.assign(n_, 0.0);
    const double ll = f_(p.phi, p.g);
    if (!std::isfinite(ll)) return false;
    p.f = -ll * scale_;
    for (double& v : p.g) {
      v *= -scale_;
      if (!std::isfinite(v)) return false;
    }
    return true;
  }

  double scale() const { return scale_; }
  int evaluations = 0;

 private:
  const log_likelihood_function& f_;
  std::size_t n_;
  double scale_;
};

// The minimizer of the cubic through (a0, f0, d0) and (a1, f1, d1), kept well
// inside the interval; the midpoint when the cubic has no usable minimum.
double cubic_step(double a0, double f0, double d0, double a1, double f1, double d1) {
  const double lo = std::min(a0, a1), hi = std::max(a0, a1), width = hi - lo;
  const double mid = 0.5 * (a0 + a1);
  if (!std::isfinite(f1) || !std::isfinite(f0)) return mid;
  const double e = d0 + d1 - 3 * (f0 - f1) / (a0 - a1);
  const double disc = e * e - d0 * d1;
  if (!(disc >= 0)) return mid;
  const double root = std::copysign(std::sqrt(disc), a1 - a0);
  const double a = a1 - (a1 - a0) * (d1 + root - e) / (d1 - d0 + 2 * root);
  if (!std::isfinite(a) || a < lo + 0.1 * width || a > hi - 0.1 * width) return mid;
  return a;
}

// A step along p from x meeting the strong Wolfe conditions (N&W algorithms
// 3.5 and 3.6); infeasible trial points count as too far. False when no step
// gives a sufficient decrease.
bool line_search(objective& obj, const point& x, const vec& p, double first_step, double max_step, point& out) {
  constexpr double c1 = 1e-4, c2 = 0.9;
  const double f0 = x.f, d0 = dot(x.g, p);
  if (!(d0 < 0)) return false;
  auto at = [&](double alpha, point& pt) {
    pt.phi = x.phi;
    for (std::size_t i = 0; i < p.size(); ++i) pt.phi[i] += alpha * p[i];
    const bool ok = obj.evaluate(pt);
    if (!ok) pt.f = inf;
    return ok;
  };
  auto slope = [&](const point& pt) { return dot(pt.g, p); };

  // Zoom in on [lo, hi]; lo is the best point so far with sufficient decrease.
  auto zoom = [&](double lo, point lo_pt, double d_lo, double hi, double f_hi, double d_hi) {
    for (int k = 0; k < 50; ++k) {
      const double a = cubic_step(lo, lo_pt.f, d_lo, hi, f_hi, d_hi);
      point pt;
      const bool ok = at(a, pt);
      const double d = ok ? slope(pt) : 0.0;
      if (!ok || pt.f > f0 + c1 * a * d0 || pt.f >= lo_pt.f) {
        hi = a;
        f_hi = pt.f;
        d_hi = d;
      } else {
        if (std::abs(d) <= -c2 * d0) {
          out = std::move(pt);
          return true;
        }
        if (d * (hi - lo) >= 0) {
          hi = lo;
          f_hi = lo_pt.f;
          d_hi = d_lo;
        }
        lo = a;
        lo_pt = std::move(pt);
        d_lo = d;
      }
      if (std::abs(hi - lo) <= 1e-14 * std::max(1.0, std::abs(lo))) break;
    }
    // The interval collapsed: settle for sufficient decrease alone.
    if (lo > 0) {
      out = std::move(lo_pt);
      return true;
    }
    return false;
  };

  point prev = x;
  double a_prev = 0, d_prev = d0;
  double a = std::min(first_step, max_step);
  for (int i = 0; i < 60; ++i) {
    point pt;
    const bool ok = at(a, pt);
    if (!ok) return zoom(a_prev, prev, d_prev, a, inf, 0.0);
    const double d = slope(pt);
    if (pt.f > f0 + c1 * a * d0 || (i > 0 && pt.f >= prev.f)) return zoom(a_prev, prev, d_prev, a, pt.f, d);
    if (std::abs(d) <= -c2 * d0) {
      out = std::move(pt);
      return true;
    }
    if (d >= 0) return zoom(a, pt, d, a_prev, prev.f, d_prev);
    if (a >= max_step) {
      out = std::move(pt);  // as far as we let a step go; the next iteration continues
      return true;
    }
    a_prev = a;
    d_prev = d;
    prev = std::move(pt);
    a = std::min(2 * a, max_step);
  }
  return false;
}

// Hessian of the mean negative log-likelihood by central differences of the
// gradient, symmetrized. False when a point was infeasible.
bool hessian(objective& obj, const point& x, vec& h) {
  const std::size_t n = x.phi.size();
  constexpr double step = 1e-4;
  h.assign(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    point up{x.phi, inf, {}}, down{x.phi, inf, {}};
    up.phi[j] += step;
    down.phi[j] -= step;
    if (!obj.evaluate(up) || !obj.evaluate(down)) return false;
    for (std::size_t i = 0; i < n; ++i) h[i * n + j] = (up.g[i] - down.g[i]) / (2 * step);
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
  return true;
}

// Cholesky factor of a symmetric matrix (lower, in place); false unless positive definite.
bool cholesky(vec& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  return true;
}

// Solves L L' x = b with the factor from cholesky().
vec cholesky_solve(const vec& l, std::size_t n, vec b) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < i; ++k) b[i] -= l[i * n + k] * b[k];
    b[i] /= l[i * n + i];
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t k = i + 1; k < n; ++k) b[i] -= l[k * n + i] * b[k];
    b[i] /= l[i * n + i];
  }
  return b;
}

}  // namespace

log_likelihood_maximum maximize_log_likelihood(const log_likelihood_function& f, std::vector<double> start,
                                               std::size_t customers, const fit_options& options) {
  const auto began = std::chrono::steady_clock::now();
  const std::size_t n = start.size();
  objective obj(f, n, customers);
  log_likelihood_maximum result;
  fit_report& report = result.report;
  report.customers = customers;

  point x{std::move(start), inf, {}};
  if (!obj.evaluate(x))
    throw error(errc::invalid_argument, "the log-likelihood is not finite at the starting values");

  // BFGS on the inverse Hessian, scaled after the first step (N&W 6.20).
  vec inverse(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) inverse[i * n + i] = 1;
  bool scaled = false;
  const double tolerance = options.gradient_tolerance;
  // No step may change a parameter by more than a factor e^max_move.
  constexpr double max_move = 4.0;
  const double newton_switch = std::max(1e-5, tolerance);
  report.message = "iteration limit reached";
  int stalls = 0;
  while (report.iterations < options.max_iterations) {
    if (max_abs(x.g) <= tolerance) {
      report.message = "gradient below tolerance";
      break;
    }
    // Close to the maximum the decrease a step can bring is below the rounding
    // of the likelihood; the Newton steps below finish from the gradient alone.
    if (max_abs(x.g) <= newton_switch) {
      report.message = "handed to Newton";
      break;
    }
    vec p(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) p[i] -= inverse[i * n + j] * x.g[j];
    if (!(dot(p, x.g) < 0)) {
      // Not a descent direction (the approximation went bad): restart from steepest descent.
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) inverse[i * n + j] = i == j ? 1.0 : 0.0;
        p[i] = -x.g[i];
      }
      scaled = false;
    }
    const double longest = max_abs(p);
    const double max_step = max_move / longest;
    const double first_step = scaled ? 1.0 : std::min(1.0, 1.0 / max_abs(x.g));
    point next;
    ++report.iterations;
    if (!line_search(obj, x, p, first_step, max_step, next)) {
      if (scaled) {  // retry once from steepest descent before giving up
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < n; ++j) inverse[i * n + j] = i == j ? 1.0 : 0.0;
        scaled = false;
        continue;
      }
      report.message = "the line search found no better point";
      break;
    }
    vec s(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = next.phi[i] - x.phi[i];
      y[i] = next.g[i] - x.g[i];
    }
    const double improvement = x.f - next.f;
    x = std::move(next);
    stalls = improvement <= 1e-16 * std::abs(x.f) ? stalls + 1 : 0;
    if (stalls >= 3) {
      report.message = "no further progress";
      break;
    }
    const double sy = dot(s, y);
    if (!(sy > 1e-12 * std::sqrt(dot(s, s) * dot(y, y)))) continue;  // keep the old approximation
    if (!scaled) {
      const double gamma = sy / dot(y, y);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) inverse[i * n + j] = i == j ? gamma : 0.0;
      scaled = true;
    }
    // H <- (I - ρ s y') H (I - ρ y s') + ρ s s'
    const double rho = 1 / sy;
    vec hy(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) hy[i] += inverse[i * n + j] * y[j];
    const double yhy = dot(y, hy);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        inverse[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
  }

  // Newton polish, and the Hessian for the standard errors.
  vec h;
  bool have_hessian = false;
  const bool polish = max_abs(x.g) <= 100 * newton_switch;  // near enough for Newton's method
  if (options.standard_errors || (polish && max_abs(x.g) > tolerance)) {
    for (int k = 0; k < 8 && polish; ++k) {
      if (max_abs(x.g) <= 1e-3 * tolerance) break;
      if (!hessian(obj, x, h)) break;
      vec l = h;
      if (!cholesky(l, n)) break;
      have_hessian = true;
      vec step = cholesky_solve(l, n, x.g);
      if (max_abs(step) > 1.0) break;  // too far for a local correction
      point trial{x.phi, inf, {}};
      for (std::size_t i = 0; i < n; ++i) trial.phi[i] -= step[i];
      if (!obj.evaluate(trial)) break;
      // Accept when the gradient shrinks and the value does not get worse
      // beyond its rounding.
      if (trial.f > x.f + 1e-13 * std::abs(x.f) || max_abs(trial.g) >= max_abs(x.g)) break;
      x = std::move(trial);
      have_hessian = false;
      ++report.iterations;
    }
    if (!have_hessian && hessian(obj, x, h)) {
      vec l = h;
      have_hessian = cholesky(l, n);
    }
  }
  if (have_hessian && options.standard_errors) {
    // The covariance of φ: the inverse of n * H (H is per customer).
    vec l = h;
    cholesky(l, n);
    result.covariance.assign(n * n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      vec e(n, 0.0);
      e[j] = obj.scale();
      const vec column = cholesky_solve(l, n, e);
      for (std::size_t i = 0; i < n; ++i) result.covariance[i * n + j] = column[i];
    }
    report.hessian_ok = true;
  }

  report.converged = max_abs(x.g) <= tolerance;
  if (report.converged)
    report.message = "gradient below tolerance";
  else if (report.message == "handed to Newton")
    report.message = "Newton steps did not reach the tolerance";
  report.log_likelihood = -x.f / obj.scale();
  report.gradient_norm = max_abs(x.g) / obj.scale();
  report.evaluations = obj.evaluations;
  result.gradient = x.g;
  for (double& v : result.gradient) v *= -1 / obj.scale();
  result.phi = std::move(x.phi);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return result;
}

void numeric_gradient(const std::function<double(std::span<const double>)>& f, std::span<const double> phi,
                      std::span<double> gradient, double step) {
  std::vector<double> at(phi.begin(), phi.end());
  for (std::size_t i = 0; i < phi.size(); ++i) {
    auto value = [&](double offset) {
      at[i] = phi[i] + offset;
      return f(at);
    };
    const double f2 = value(2 * step), f1 = value(step), b1 = value(-step), b2 = value(-2 * step);
    at[i] = phi[i];
    gradient[i] = (8 * (f1 - b1) - (f2 - b2)) / (12 * step);
  }
}

std::vector<double> standard_errors_of_exp(std::span<const double> phi, std::span<const double> covariance) {
  std::vector<double> se;
  const std::size_t n = phi.size();
  if (covariance.size() != n * n) return se;
  for (std::size_t i = 0; i < n; ++i) se.push_back(std::exp(phi[i]) * std::sqrt(std::max(0.0, covariance[i * n + i])));
  return se;
}

std::vector<double> log_start(const fit_options& options, std::size_t count, std::string_view model,
                              std::string_view names) {
  std::vector<double> start;
  if (options.start.empty()) return start;
  if (options.start.size() != count)
    throw error(errc::invalid_argument, fmt::format("{}: the start needs {} values ({})", model, count, names));
  for (double v : options.start) {
    if (!(v > 0) || !std::isfinite(v))
      throw error(errc::invalid_argument, fmt::format("{}: starting values must be positive and finite", model));
    start.push_back(std::log(v));
  }
  return start;
}

}  // namespace lifecycle
