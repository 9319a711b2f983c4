#pragma once
/// \file generator.hpp
/// A realistic, messy app event log for demos, tests and benchmarks.
///
/// Persons of seven kinds (browsers, shoppers, deal hunters, creators, critics,
/// joiners, fans) come and go over the days; each session writes a visit, views
/// and whatever the person's kind tends to do: searches, carts, purchases (some
/// with coupons, some paid for someone else), refunds, posts, reviews, joins,
/// follows, referrals, feedback; the business contacts some of them. Like a real
/// mobile log, some rows arrive late, some twice, and some refunds arrive before
/// the purchase they cancel. Every row has an event id. The output is the event
/// CSV `event_csv_reader` reads, with the columns
/// `time,person,event,amount,coupon,id,target,ref,score`, in order of arrival.

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string_view>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "lifecycle/event_kind.hpp"

namespace lifecycle {

/// What to generate. The same options give the same bytes.
struct generator_options {
  std::uint64_t persons = 1000;  ///< persons who appear over the period
  int days = 90;                 ///< length of the period, from `start`
  std::uint64_t seed = 1;        ///< the random seed
  bool shuffle = false;          ///< write rows in random order instead of order of arrival
  double dupes = 0.01;           ///< share of rows sent a second time (same id), in [0, 1]
  double late = 0.02;            ///< share of rows that arrive 1 to 3 days late, in [0, 1]
  boost::gregorian::date start{2024, 1, 1};  ///< the first day
};

/// What was written.
struct generator_stats {
  std::uint64_t rows = 0;        ///< data rows written (duplicates included)
  std::uint64_t duplicates = 0;  ///< second copies
  std::uint64_t late = 0;        ///< rows that arrived late
  std::uint64_t refunds_before_purchase = 0;  ///< refunds written before their purchase
  std::array<std::uint64_t, event_kind_count> by_kind{};  ///< distinct events by kind
};

/// Writes the log through \p write in chunks (header first). Memory stays
/// proportional to the persons and a few days of rows, unless `shuffle` is
/// set (then the whole log is held). Throws `lifecycle::error`
/// (errc::invalid_argument) for options out of range (persons 1..100,000,000,
/// days 1..36,500, shares outside [0, 1]).
generator_stats generate_events(const generator_options& options,
                                const std::function<void(std::string_view chunk)>& write);

/// The same, writing to \p out.
generator_stats generate_events(const generator_options& options, std::ostream& out);

}  // namespace lifecycle
