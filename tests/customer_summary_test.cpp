// The calibration summary: hand-worked small logs (same-day merging, units,
// periods, cohorts), order independence, the event CSV path (duplicates,
// refunds, bad rows), and the CDNOW sample against a count of the raw file.

#include <catch2/catch.hpp>

#include <lifecycle/customer_summary.hpp>
#include <lifecycle/error.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "model_test_data.hpp"

using namespace lifecycle;
using boost::gregorian::date;

namespace {

date on(const char* text) { return boost::gregorian::from_string(text); }

// ann: a trial of two purchases on 1 January, repeats on 15 January and (two
// purchases) on 12 February, one in the holdout, one after it.
// bob: one purchase on the calibration end. cy: first buys after it.
// dee: first bought in December.
std::vector<purchase_record> small_log() {
  return {
      {"ann", on("2024-01-01"), money{1000}}, {"ann", on("2024-01-01"), money{500}},
      {"ann", on("2024-01-15"), money{2000}}, {"ann", on("2024-02-12"), money{3000}},
      {"ann", on("2024-02-12"), money{1250}}, {"ann", on("2024-04-10"), money{800}},
      {"ann", on("2024-05-20"), money{900}},  {"bob", on("2024-03-31"), money{700}},
      {"cy", on("2024-04-02"), money{100}},   {"dee", on("2023-12-20"), money{100}},
      {"dee", on("2024-01-01"), money{300}},
  };
}

summary_options small_options(time_unit unit = time_unit::week) {
  summary_options o;
  o.calibration_end = on("2024-03-31");
  o.holdout_end = on("2024-04-30");
  o.unit = unit;
  return o;
}

const customer_summary& find(const calibration_summary& s, const std::string& id) {
  auto it = std::find_if(s.customers.begin(), s.customers.end(), [&](const customer_summary& c) { return c.id == id; });
  REQUIRE(it != s.customers.end());
  return *it;
}

}  // namespace

TEST_CASE("summary of a small log, worked by hand", "[models][summary]") {
  const calibration_summary s = summarize_purchases(small_log(), small_options());
  // cy's first purchase is after the calibration end: not in the cohort.
  REQUIRE(s.customers.size() == 3);
  CHECK(s.customers[0].id == "ann");  // sorted by id
  CHECK(s.late_customers == 1);
  CHECK(s.early_customers == 0);

  const customer_summary& ann = find(s, "ann");
  CHECK(ann.first_purchase == on("2024-01-01"));
  CHECK(ann.x == 2);                          // 15 Jan, 12 Feb (two purchases that day, one transaction)
  CHECK(ann.t_x == Approx(42.0 / 7));         // 1 Jan -> 12 Feb: 42 days
  CHECK(ann.T == Approx(90.0 / 7));           // 1 Jan -> 31 Mar: 90 days
  CHECK(ann.mean_spend == Approx((20.00 + 42.50) / 2));  // the trial's 15.00 is not a repeat
  CHECK(ann.holdout_x == 1);                  // 10 Apr; 20 May is after the holdout

  const customer_summary& bob = find(s, "bob");
  CHECK(bob.x == 0);
  CHECK(bob.t_x == 0);
  CHECK(bob.T == 0);
  CHECK(bob.mean_spend == 0);

  const customer_summary& dee = find(s, "dee");
  CHECK(dee.x == 1);
  CHECK(dee.t_x == Approx(12.0 / 7));
  CHECK(dee.T == Approx(102.0 / 7));

  CHECK(s.same_day_merged == 2);
  CHECK(s.purchases == 10);      // ann 7, bob 1, dee 2
  CHECK(s.after_holdout == 1);
  CHECK(s.calibration_repeats() == 3);
  CHECK(s.holdout_repeats() == 1);
  CHECK(s.first_day == on("2023-12-20"));
  CHECK(s.holdout_end == on("2024-04-30"));
  CHECK(s.holdout_length() == Approx(30.0 / 7));
  // Repeat transactions by day from 20 Dec: 1 Jan (dee), 15 Jan, 12 Feb, 10 Apr (ann).
  REQUIRE(s.repeat_by_day.size() == static_cast<std::size_t>((on("2024-04-30") - on("2023-12-20")).days() + 1));
  std::vector<long> days;
  for (std::size_t d = 0; d < s.repeat_by_day.size(); ++d)
    for (std::uint32_t k = 0; k < s.repeat_by_day[d]; ++k) days.push_back(static_cast<long>(d));
  CHECK(days == std::vector<long>{12, 26, 54, 112});
}

TEST_CASE("summary in days is the summary in weeks times 7", "[models][summary]") {
  const calibration_summary weeks = summarize_purchases(small_log(), small_options(time_unit::week));
  const calibration_summary days = summarize_purchases(small_log(), small_options(time_unit::day));
  REQUIRE(weeks.customers.size() == days.customers.size());
  for (std::size_t i = 0; i < weeks.customers.size(); ++i) {
    CHECK(days.customers[i].x == weeks.customers[i].x);
    CHECK(days.customers[i].t_x == Approx(7 * weeks.customers[i].t_x));
    CHECK(days.customers[i].T == Approx(7 * weeks.customers[i].T));
  }
  CHECK(find(days, "ann").t_x == 42);
  CHECK(find(days, "ann").T == 90);
  CHECK(days.holdout_length() == 30);
  CHECK(to_string(time_unit::day) == "day");
  CHECK(parse_time_unit("week") == time_unit::week);
  CHECK_FALSE(parse_time_unit("month"));
}

TEST_CASE("summary periods and cohorts", "[models][summary]") {
  summary_options o = small_options();
  o.first_purchase_from = on("2024-01-01");
  const calibration_summary cohort = summarize_purchases(small_log(), o);
  CHECK(cohort.customers.size() == 2);  // dee bought first in December
  CHECK(cohort.early_customers == 1);
  CHECK(cohort.first_day == on("2024-01-01"));
  CHECK(cohort.repeat_by_day.size() == 121);

  // By default the holdout ends on the last purchase day.
  o = small_options();
  o.holdout_end.reset();
  const calibration_summary open = summarize_purchases(small_log(), o);
  CHECK(open.holdout_end == on("2024-05-20"));
  CHECK(find(open, "ann").holdout_x == 2);
  CHECK(open.after_holdout == 0);

  // A holdout ending on the calibration end: no holdout.
  o.holdout_end = o.calibration_end;
  const calibration_summary none = summarize_purchases(small_log(), o);
  CHECK(none.holdout_repeats() == 0);
  CHECK(none.holdout_length() == 0);
}

TEST_CASE("summary does not depend on the order of the purchases", "[models][summary]") {
  const calibration_summary reference = summarize_purchases(small_log(), small_options());
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<purchase_record> log = small_log();
    std::shuffle(log.begin(), log.end(), rng);
    const calibration_summary s = summarize_purchases(log, small_options());
    REQUIRE(s.customers.size() == reference.customers.size());
    for (std::size_t i = 0; i < s.customers.size(); ++i) {
      CHECK(s.customers[i].id == reference.customers[i].id);
      CHECK(s.customers[i].x == reference.customers[i].x);
      CHECK(s.customers[i].t_x == reference.customers[i].t_x);
      CHECK(s.customers[i].T == reference.customers[i].T);
      CHECK(s.customers[i].mean_spend == reference.customers[i].mean_spend);
      CHECK(s.customers[i].holdout_x == reference.customers[i].holdout_x);
    }
    CHECK(s.repeat_by_day == reference.repeat_by_day);
  }
}

TEST_CASE("summary rejects bad options and purchases", "[models][summary]") {
  summary_options o = small_options();
  o.holdout_end = on("2024-03-01");
  CHECK_THROWS_WITH(summarize_purchases(small_log(), o), Catch::Contains("before the calibration end"));
  o = small_options();
  o.calibration_end = date(boost::gregorian::not_a_date_time);
  CHECK_THROWS_AS(summarize_purchases(small_log(), o), lifecycle::error);
  std::vector<purchase_record> negative{{"ann", on("2024-01-01"), money{-5}}};
  CHECK_THROWS_WITH(summarize_purchases(negative, small_options()), Catch::Contains("negative amount"));
  // No purchases: an empty summary (fitting it is what fails).
  const calibration_summary empty = summarize_purchases({}, small_options());
  CHECK(empty.customers.empty());
  CHECK(empty.first_day.is_special());
}

TEST_CASE("summary of an event CSV: duplicates, refunds, other kinds", "[models][summary]") {
  const std::string csv =
      "time,person,event,amount,id,ref\n"
      "2024-01-01T10:00,ann,purchase,10.00,p1,\n"
      "2024-01-01T18:00,ann,purchase,5.00,p2,\n"
      "2024-01-15,ann,purchase,20.00,p3,\n"
      "2024-01-15,ann,purchase,20.00,p3,\n"  // sent twice
      "2024-01-20,ann,refund,,r1,p4\n"       // a refund before its purchase
      "2024-01-22,ann,purchase,99.00,p4,\n"
      "2024-02-01,bob,refund,,r2,p3\n"       // bob cannot refund ann's purchase
      "2024-02-12,ann,purchase,30.00,p5,\n"
      "2024-02-13,ann,visit,,,\n"
      "2024-03-01,bob,purchase,7.00,p6,\n"
      "2024-03-02,bob,refund,,r3,p6\n";     // bob refunds his only purchase: not a customer
  auto reader = event_csv_reader::from_string(csv, "events.csv");
  const calibration_summary s = summarize_event_csv(reader, small_options(time_unit::day));
  CHECK(s.rows == 11);
  CHECK(s.duplicates == 1);
  CHECK(s.refunded == 2);
  CHECK(s.other_events == 1);
  REQUIRE(s.customers.size() == 1);
  const customer_summary& ann = s.customers[0];
  CHECK(ann.id == "ann");
  CHECK(ann.x == 2);
  CHECK(ann.t_x == 42);
  CHECK(ann.T == 90);
  CHECK(ann.mean_spend == Approx(25.0));
  CHECK(s.same_day_merged == 1);
}

TEST_CASE("summary of an event CSV: a bad row is an error at its line, or skipped", "[models][summary]") {
  const std::string csv =
      "time,person,event,amount\n"
      "2024-01-01,ann,purchase,10.00\n"
      "2024-13-01,ann,purchase,10.00\n"
      "2024-02-01,ann,purchase,12.00\n";
  auto strict = event_csv_reader::from_string(csv, "events.csv");
  try {
    (void)summarize_event_csv(strict, small_options());
    FAIL("no error");
  } catch (const lifecycle::error& e) {
    CHECK(e.code() == errc::parse_error);
    CHECK(e.file() == "events.csv");
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::StartsWith("events.csv:3: error:"));
  }
  auto lenient = event_csv_reader::from_string(csv, "events.csv");
  csv_summary_options skip;
  skip.skip_bad_rows = true;
  std::vector<std::uint64_t> lines;
  skip.on_bad_row = [&](const csv_row& r) { lines.push_back(r.line); };
  const calibration_summary s = summarize_event_csv(lenient, small_options(), skip);
  CHECK(s.bad_rows == 1);
  CHECK(lines == std::vector<std::uint64_t>{3});
  REQUIRE(s.customers.size() == 1);
  CHECK(s.customers[0].x == 1);
}

TEST_CASE("summary of the CDNOW sample matches a count of the raw file", "[models][summary][cdnow]") {
  const calibration_summary s = lctest::cdnow_sample();
  const lctest::raw_sample raw = lctest::read_raw_sample();
  REQUIRE(s.customers.size() == raw.days.size());
  std::uint64_t x_total = 0, holdout_total = 0, with_repeats = 0, distinct_days = 0;
  for (const customer_summary& c : s.customers) {
    const std::set<int>& days = raw.days.at(c.id);
    distinct_days += days.size();
    // Days after the first, up to 1997-09-30 and up to 1998-06-30.
    std::uint32_t x = 0, later = 0;
    for (int d : days) {
      if (d == *days.begin()) continue;
      if (d <= 19970930) ++x;
      else if (d <= 19980630) ++later;
    }
    INFO("customer " << c.id);
    CHECK(c.x == x);
    CHECK(c.holdout_x == later);
    x_total += x;
    holdout_total += later;
    with_repeats += x > 0;
  }
  CHECK(s.same_day_merged == raw.rows - distinct_days);
  // The figures examples/data/README.md and the papers give.
  CHECK(s.customers.size() == 2357);
  CHECK(raw.rows == 6919);
  CHECK(s.same_day_merged == 223);
  CHECK(x_total == 2457);
  CHECK(with_repeats == 946);
  CHECK(holdout_total == 1882);
  CHECK(s.calibration_repeats() == x_total);
  CHECK(s.holdout_repeats() == holdout_total);
  CHECK(s.holdout_length() == Approx(39.0));
  // The first customer of Hardie's tables: x = 2, t_x = 30.43, T = 38.86.
  const customer_summary& first = find(s, "00004");
  CHECK(first.x == 2);
  CHECK(first.t_x == Approx(30.43).margin(0.005));
  CHECK(first.T == Approx(38.86).margin(0.005));
  CHECK(first.mean_spend == Approx(22.345));  // (29.73 + 14.96) / 2; the table rounds it to 22.35
}
