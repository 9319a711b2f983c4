#pragma once
/// \file customer_summary.hpp
/// From a purchase log to the figures the customer-base models are fitted on:
/// for each customer, the repeat purchases x, the recency t_x and the age T in a
/// calibration period, the mean value of the repeat purchases, and what they
/// bought in the holdout period after it.
///
/// The conventions are those of the customer-base papers (Fader, Hardie & Lee
/// 2005): a customer's first purchase is the trial and is not counted; purchases
/// on the same day are one transaction (their amounts add up); x counts the
/// later days with a purchase up to the calibration end; t_x is the time from
/// the first purchase to the last of those; T from the first purchase to the
/// calibration end. Days are UTC days. See docs/models.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/event_csv.hpp"
#include "lifecycle/money.hpp"
#include "lifecycle/time_unit.hpp"

namespace lifecycle {

/// One purchase, as the summary needs it.
struct purchase_record {
  std::string_view customer;     ///< the customer's id (borrowed for the call)
  boost::gregorian::date day;    ///< the UTC day of the purchase
  money amount{};                ///< what it was worth, >= 0
};

/// The periods and the unit of a summary.
struct summary_options {
  /// The last day of the calibration period (inclusive). Required.
  boost::gregorian::date calibration_end;
  /// The last day of the holdout period (inclusive); by default the day of the
  /// latest purchase, or the calibration end when no purchase is later.
  std::optional<boost::gregorian::date> holdout_end;
  /// Customers whose first purchase is before this day are left out (their
  /// trial is not in the data); by default nobody is.
  std::optional<boost::gregorian::date> first_purchase_from;
  time_unit unit = time_unit::week;
};

/// One customer's calibration figures.
struct customer_summary {
  std::string id;                        ///< the customer's id
  boost::gregorian::date first_purchase; ///< the trial day
  std::uint32_t x = 0;   ///< repeat transactions in the calibration period (days with a purchase after the first)
  double t_x = 0;        ///< first purchase to the last repeat transaction, in units; 0 when x = 0
  double T = 0;          ///< first purchase to the calibration end, in units
  double mean_spend = 0; ///< mean value of the x repeat transactions, in major units (dollars); 0 when x = 0
  std::uint32_t holdout_x = 0;  ///< repeat transactions in the holdout period
};

/// The summary of a purchase log for a calibration period.
struct calibration_summary {
  time_unit unit = time_unit::week;
  boost::gregorian::date calibration_end;
  boost::gregorian::date holdout_end;  ///< equals calibration_end when there is no holdout
  boost::gregorian::date first_day;    ///< the earliest first purchase; not_a_date_time when no customer
  /// The customers whose first purchase falls in the calibration period (and
  /// not before `first_purchase_from`), sorted by id.
  std::vector<customer_summary> customers;
  /// Repeat transactions of those customers on each day from `first_day` to
  /// `holdout_end`: the actual curve a model's forecast is compared with.
  std::vector<std::uint32_t> repeat_by_day;

  // What became of the input.
  std::uint64_t purchases = 0;          ///< purchases used (after duplicates and refunds)
  std::uint64_t same_day_merged = 0;    ///< purchases of these customers merged into another on the same day
  std::uint64_t after_holdout = 0;      ///< purchases of these customers after `holdout_end`, not used
  std::uint64_t late_customers = 0;     ///< customers whose first purchase is after the calibration end
  std::uint64_t early_customers = 0;    ///< customers left out by `first_purchase_from`
  // Filled by summarize_event_csv only.
  std::uint64_t rows = 0;               ///< data rows read
  std::uint64_t duplicates = 0;         ///< purchase or refund rows whose id was seen before
  std::uint64_t refunded = 0;           ///< purchases taken out by a refund naming them
  std::uint64_t other_events = 0;       ///< rows of kinds other than purchase and refund
  std::uint64_t bad_rows = 0;           ///< rows skipped as bad (only with `skip_bad_rows`)

  /// Sum of x over the customers.
  std::uint64_t calibration_repeats() const noexcept;
  /// Sum of holdout_x over the customers.
  std::uint64_t holdout_repeats() const noexcept;
  /// Length of the holdout period in units.
  double holdout_length() const noexcept;
};

/// Summarizes purchases given in any order. Throws `lifecycle::error`
/// (errc::invalid_argument) when `calibration_end` is not a date, when the
/// holdout ends before the calibration, or when an amount is negative.
/// O(n log n) for n purchases.
calibration_summary summarize_purchases(std::span<const purchase_record> purchases, const summary_options& options);

/// How `summarize_event_csv` treats bad rows.
struct csv_summary_options {
  /// false (the default): the first bad row throws `lifecycle::error`
  /// (errc::parse_error) naming the file and line. true: bad rows are counted
  /// in `bad_rows`, passed to `on_bad_row`, and skipped.
  bool skip_bad_rows = false;
  std::function<void(const csv_row&)> on_bad_row;
};

/// Summarizes the purchases in an event CSV (event_csv.hpp). A `purchase` row
/// is a purchase of `amount` on the UTC day of `time`; a `refund` row takes
/// out the purchase of the same person whose `id` its `ref` names (in either
/// order, as the engine does); a purchase or refund whose `id` was seen before
/// is a duplicate and ignored; other kinds are counted and ignored.
calibration_summary summarize_event_csv(event_csv_reader& reader, const summary_options& options,
                                        const csv_summary_options& csv = {});

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::time_unit> : lifecycle::detail::enum_formatter<lifecycle::time_unit> {};
