#pragma once
/// \file model_fit.hpp
/// Maximum likelihood for the customer-base models: a quasi-Newton optimizer
/// over log-parameters, and what a fit reports about itself.
///
/// Every parameter of the models is positive, so the optimizer works on their
/// logarithms: no bounds to enforce, and a step changes a parameter by a
/// factor, which suits scales that differ by orders of magnitude. It runs BFGS
/// with a line search that meets the strong Wolfe conditions (Nocedal & Wright,
/// *Numerical Optimization*, 2nd ed., algorithms 3.5, 3.6 and 6.1), then
/// polishes with Newton steps on a Hessian from differences of the gradient,
/// whose inverse also gives the standard errors.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lifecycle {

/// Options of a fit.
struct fit_options {
  /// Iterations of the quasi-Newton method before giving up.
  int max_iterations = 500;
  /// The fit has converged when no component of the gradient of the mean
  /// log-likelihood per customer, with respect to the log-parameters, exceeds
  /// this.
  double gradient_tolerance = 1e-8;
  /// Compute the Hessian at the estimate, for standard errors (and the Newton
  /// polish). A few more gradient evaluations.
  bool standard_errors = true;
  /// Starting values, in the model's parameter order and natural scale (e.g.
  /// r, alpha, a, b for BG/NBD); empty for the model's own data-driven start.
  /// All must be positive and finite.
  std::vector<double> start;
};

/// How a fit went.
struct fit_report {
  double log_likelihood = 0;  ///< at the estimate, summed over the customers
  std::size_t customers = 0;  ///< customers the likelihood sums over
  int iterations = 0;         ///< quasi-Newton and Newton iterations
  int evaluations = 0;        ///< log-likelihood evaluations, each with its gradient
  /// Largest |∂LL/∂ln θ| at the estimate, for the total log-likelihood (the
  /// convergence test divides it by the number of customers).
  double gradient_norm = 0;
  bool converged = false;
  /// Standard errors are available: the Hessian is negative definite there.
  bool hessian_ok = false;
  std::string message;        ///< why it stopped, e.g. "gradient below tolerance"
  double seconds = 0;         ///< wall-clock time of the whole fit
};

/// A log-likelihood over log-parameters φ: returns LL(φ) (summed over the
/// customers) and, when \p gradient is not empty, writes ∂LL/∂φ into it. A
/// non-finite value marks φ as infeasible; the line search then steps back.
using log_likelihood_function = std::function<double(std::span<const double> phi, std::span<double> gradient)>;

/// The result of `maximize_log_likelihood`.
struct log_likelihood_maximum {
  std::vector<double> phi;         ///< the log-parameters at the maximum
  std::vector<double> gradient;    ///< ∂LL/∂φ there
  /// Covariance of φ: the inverse of the negative Hessian of LL, n*n row-major;
  /// empty unless `report.hessian_ok`.
  std::vector<double> covariance;
  fit_report report;
};

/// Maximizes \p f from \p start. \p customers scales the convergence test
/// (the gradient of the mean log-likelihood is tested). Throws
/// `lifecycle::error` (errc::invalid_argument) when \p f is not finite at the
/// start. A run that stops without converging returns its best point with
/// `report.converged == false` and the reason in `report.message`.
log_likelihood_maximum maximize_log_likelihood(const log_likelihood_function& f, std::vector<double> start,
                                               std::size_t customers, const fit_options& options = {});

/// Writes into \p gradient a fourth-order central-difference gradient of \p f
/// at \p phi (steps of \p step in each coordinate; 4 evaluations each), for
/// likelihoods without an analytic gradient. Errors are about
/// step^4 f''''' + 1e-16 |f| / step.
void numeric_gradient(const std::function<double(std::span<const double>)>& f, std::span<const double> phi,
                      std::span<double> gradient, double step = 1e-3);

/// Standard errors of θ = exp(φ) from a covariance of φ (the delta method:
/// se(θ_i) = θ_i sqrt(cov_ii)). Empty when \p covariance is.
std::vector<double> standard_errors_of_exp(std::span<const double> phi, std::span<const double> covariance);

/// The host's starting values (`options.start`) in log-parameter space, or an
/// empty vector when none were given. Throws `lifecycle::error`
/// (invalid_argument), naming \p model and \p names such as "r, alpha, a, b",
/// when there are not `count` of them or one is not positive and finite.
std::vector<double> log_start(const fit_options& options, std::size_t count, std::string_view model,
                              std::string_view names);

}  // namespace lifecycle
