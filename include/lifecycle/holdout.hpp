#pragma once
/// \file holdout.hpp
/// Checking a fitted transaction model against the holdout period: predicted
/// and actual cumulative repeat purchases, week by week, as a table and as an
/// SVG plot.
///
/// Two predictions, as in Fader, Hardie & Lee (2005):
/// - *conditional*: the sum over customers of their expected purchases in the
///   holdout given their calibration history (x, t_x, T), the forecast a
///   business acts on;
/// - *unconditional*: the sum over customers of the expected repeat purchases
///   of a new customer, from each one's first purchase, the tracking curve of
///   the papers' figures; it covers the calibration period too.
/// Weeks are 7 days whatever the summary's unit, counted from the calibration
/// end; partial weeks at either end are left out.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "lifecycle/bgnbd.hpp"
#include "lifecycle/customer_summary.hpp"
#include "lifecycle/pareto_nbd.hpp"

namespace lifecycle {

/// One week of the whole period (calibration and holdout).
struct tracking_week {
  int week = 0;                       ///< weeks after the calibration end: <= 0 in the calibration period
  boost::gregorian::date last_day;    ///< the week's last day
  double actual = 0;     ///< cumulative repeat transactions from the earliest first purchase to the week's end
  double predicted = 0;  ///< the unconditional expectation of the same
};

/// One week of the holdout period; all figures cumulative from the calibration end.
struct holdout_week {
  int week = 0;                     ///< 1, 2, ...
  boost::gregorian::date last_day;  ///< the week's last day
  double actual = 0;         ///< repeat transactions
  double conditional = 0;    ///< the conditional forecast
  double unconditional = 0;  ///< the unconditional forecast's increase since the calibration end
};

/// A model's forecasts beside the actual purchases.
struct holdout_comparison {
  std::string model;                    ///< "BG/NBD" or "Pareto/NBD"
  std::vector<tracking_week> tracking;  ///< every whole week, calibration and holdout
  std::vector<holdout_week> holdout;    ///< the whole weeks of the holdout
  /// Mean over the holdout weeks of |forecast - actual| / actual, in percent
  /// (weeks with no actual purchase yet are skipped); 0 without a holdout.
  double conditional_mape = 0, unconditional_mape = 0;
  /// (forecast - actual) / actual at the last holdout week, in percent.
  double conditional_end_error = 0, unconditional_end_error = 0;
};

/// Compares a BG/NBD model (fitted in `summary.unit`) with the summary's holdout.
holdout_comparison compare_holdout(const calibration_summary& summary, const bgnbd_params& params);
/// Compares a Pareto/NBD model (fitted in `summary.unit`) with the summary's holdout.
holdout_comparison compare_holdout(const calibration_summary& summary, const pareto_nbd_params& params);

/// An SVG plot (a standalone document) of the cumulative repeat purchases:
/// actual, each model's unconditional curve, and each model's conditional
/// forecast from the calibration end; a line marks the calibration end.
std::string render_tracking_svg(std::span<const holdout_comparison> models, std::string_view title);

}  // namespace lifecycle
