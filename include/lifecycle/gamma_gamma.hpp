#pragma once
/// \file gamma_gamma.hpp
/// The Gamma-Gamma model of spend per transaction (Colombo & Jiang 1999, "A
/// stochastic RFM model", *Journal of Interactive Marketing* 13(3); in the
/// form of Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
///
/// A customer's transactions are worth z_i ~ Gamma(p, ν) around their own mean
/// p/ν; across customers ν ~ Gamma(q, gamma). Spend is assumed independent of
/// how often a customer buys: check that the correlation between x and the
/// mean spend is weak before using the two models together. Fitted on the
/// customers with repeat purchases (x > 0), from x and their mean repeat spend.

#include <cstddef>
#include <span>

#include "lifecycle/customer_summary.hpp"
#include "lifecycle/model_fit.hpp"

namespace lifecycle {

/// The three parameters; all positive. gamma is in money units (dollars).
struct gamma_gamma_params {
  double p = 0, q = 0, gamma = 0;
};

/// A fitted Gamma-Gamma model.
struct gamma_gamma_fit {
  gamma_gamma_params params;
  gamma_gamma_params std_errors;  ///< from the Hessian; zeros unless `report.hessian_ok`
  fit_report report;              ///< report.customers counts the customers used
  /// Customers with x > 0 left out because their mean repeat spend is not
  /// positive (a transaction worth 0 has no place in a gamma model).
  std::size_t left_out = 0;
};

/// Maximum-likelihood fit with the analytic gradient over the customers with
/// x > 0 and mean_spend > 0 (x = 0 carries no spend information). Throws
/// `lifecycle::error` (errc::invalid_argument) when there are none, or a mean
/// spend is not finite.
gamma_gamma_fit fit_gamma_gamma(std::span<const customer_summary> customers, const fit_options& options = {});

/// The log-likelihood of one customer's mean spend \p mean_spend over \p x transactions.
double gamma_gamma_log_likelihood(const gamma_gamma_params& p, double x, double mean_spend) noexcept;
/// Summed over the customers the fit uses.
double gamma_gamma_log_likelihood(const gamma_gamma_params& p, std::span<const customer_summary> customers) noexcept;

/// The expected value of a customer's future transactions given x transactions
/// with mean \p mean_spend: a weighted mean of the population mean and their
/// own, p (gamma + x mean_spend) / (p x + q - 1). With x = 0 it is the
/// population mean p gamma / (q - 1). NaN when p x + q <= 1 (infinite mean).
double gamma_gamma_expected_spend(const gamma_gamma_params& p, double x, double mean_spend) noexcept;
inline double gamma_gamma_expected_spend(const gamma_gamma_params& p, const customer_summary& c) noexcept {
  return gamma_gamma_expected_spend(p, c.x, c.mean_spend);
}

}  // namespace lifecycle
