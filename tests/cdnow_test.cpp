// The replay of the shipped CDNOW data (examples/data/cdnow.csv) checked
// against an independent count of the raw file (examples/data/CDNOW_master.txt)
// by a parser of its own: customers, orders, dollars, first-purchase cohorts.

#include <catch2/catch.hpp>

#include <lifecycle/engine.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/policy_file.hpp>
#include <lifecycle/report.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace lifecycle;

namespace {

std::filesystem::path data_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "examples" / "data";
}

// The raw file, counted the simple way: whitespace-separated
// `customer_id date cds dollars`, CRLF, one header line.
struct raw_counts {
  std::map<std::string, std::vector<int>> days;  // by customer: purchase days since 1970-01-01
  std::uint64_t rows = 0;
  std::int64_t cents = 0;
  std::map<std::string, std::uint64_t> orders;  // by customer
  std::map<std::string, int> first_date;         // yyyymmdd, by customer
  std::map<int, std::uint64_t> cohorts;          // yyyymm -> customers whose first purchase fell in it
  int last_date = 0;
};

raw_counts count_raw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  raw_counts c;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) {
      header = false;
      if (line.find("customer_id") != std::string::npos) continue;
    }
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    std::istringstream fields(line);
    std::string customer, dollars;
    int date = 0, cds = 0;
    fields >> customer >> date >> cds >> dollars;
    REQUIRE(fields);
    const auto dot = dollars.find('.');
    REQUIRE(dot != std::string::npos);
    c.cents += std::stoll(dollars.substr(0, dot)) * 100 + std::stoll(dollars.substr(dot + 1));
    ++c.rows;
    ++c.orders[customer];
    const boost::gregorian::date d(date / 10000, date / 100 % 100, date % 100);
    c.days[customer].push_back(static_cast<int>((d - boost::gregorian::date(1970, 1, 1)).days()));
    auto [it, fresh] = c.first_date.emplace(customer, date);
    if (!fresh && date < it->second) it->second = date;
    c.last_date = std::max(c.last_date, date);
  }
  for (const auto& [customer, date] : c.first_date) ++c.cohorts[date / 100];
  return c;
}

int yyyymm(boost::gregorian::date d) { return static_cast<int>(d.year()) * 100 + d.month().as_number(); }

}  // namespace

TEST_CASE("CDNOW: the replay's figures match an independent count of the raw file", "[cdnow]") {
  const auto dir = data_dir();
  REQUIRE(std::filesystem::exists(dir / "CDNOW_master.txt"));
  const raw_counts raw = count_raw(dir / "CDNOW_master.txt");
  // What the data's README states.
  CHECK(raw.rows == 69'659);
  CHECK(raw.orders.size() == 23'570);
  CHECK(raw.cents == 250'031'563);

  engine eng(read_policy_file((dir / "cdnow.policy").string()), engine_options{history_mode::none, 0});
  CHECK_FALSE(eng.rules().loyal_requires_follow);
  report_collector collector(eng);
  auto reader = event_csv_reader::open((dir / "cdnow.csv").string());
  const replay_counts counts = replay_csv(reader, eng);
  const replay_report rep = build_report(eng, collector, counts, "cdnow.csv");

  // Orders: one purchase event per raw row, none lost, none merged.
  CHECK(rep.rows.rows == raw.rows);
  CHECK(rep.rows.accepted == raw.rows);
  CHECK(rep.rows.duplicate == 0);
  CHECK(rep.rows.rejected == 0);

  // Customers: every one known, every one converted.
  CHECK(rep.persons == raw.orders.size());
  CHECK(rep.customers == raw.orders.size());
  std::uint64_t staged = 0;
  for (std::uint64_t n : rep.stages) staged += n;
  CHECK(staged == raw.orders.size());
  CHECK(rep.as_of == boost::gregorian::date(raw.last_date / 10000, raw.last_date / 100 % 100, raw.last_date % 100));

  // Per customer: orders, dollars and the first purchase day.
  std::uint64_t purchases = 0;
  std::int64_t cents = 0;
  std::uint64_t mismatches = 0;
  for (const auto& [customer, orders] : raw.orders) {
    const auto p = eng.profile_of(customer);
    REQUIRE(p);
    purchases += p->purchases;
    cents += p->spend.minor;
    const int first = raw.first_date.at(customer);
    if (p->purchases != orders || !p->first_purchase ||
        *p->first_purchase != boost::gregorian::date(first / 10000, first / 100 % 100, first % 100))
      ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(purchases == raw.rows);
  CHECK(cents == raw.cents);

  // First-purchase cohorts by month: the retention table's cohorts and, since
  // a customer first appears with a purchase, the conversion cohorts.
  std::map<int, std::uint64_t> retention, appearance;
  for (const auto& c : rep.retention) retention[yyyymm(c.month)] = c.customers;
  for (const auto& c : rep.conversion_by_cohort) {
    appearance[yyyymm(c.month)] = c.persons;
    CHECK(c.customers == c.persons);
  }
  CHECK(retention == raw.cohorts);
  CHECK(appearance == raw.cohorts);
  // The cohort of the CDNOW papers: first purchases in the first quarter of 1997.
  CHECK(raw.cohorts == std::map<int, std::uint64_t>{{199701, 7'846}, {199702, 8'476}, {199703, 7'248}});

  // Every retention horizon is observable on 1998-06-30, and shares only fall.
  for (const auto& c : rep.retention) {
    for (std::size_t k = 0; k < retention_days.size(); ++k) {
      REQUIRE(c.not_passive[k]);
      if (k > 0) CHECK(*c.not_passive[k] <= *c.not_passive[k - 1]);
    }
  }
  // The stage and buyer role of each customer on the last day, by the model's
  // rules applied to the raw rows (new 30 days, lapse 90, window 180, loyal at
  // 3 purchases with no follow needed, no coupons so no deal hunter).
  const int today = static_cast<int>((rep.as_of - boost::gregorian::date(1970, 1, 1)).days());
  std::array<std::uint64_t, stage_count> expected_stages{};
  std::uint64_t buyers = 0;
  for (const auto& [customer, days] : raw.days) {
    const int first = *std::min_element(days.begin(), days.end());
    const int last = *std::max_element(days.begin(), days.end());
    const auto in_window = [&](int window) {
      return std::count_if(days.begin(), days.end(), [&](int d) { return today - window < d && d <= today; });
    };
    stage s = stage::passive;
    if (today < first + 30)
      s = stage::new_customer;
    else if (today >= last + 90)
      s = stage::passive;
    else if (in_window(180) >= 3)
      s = stage::loyal;
    ++expected_stages[static_cast<std::size_t>(s)];
    if (in_window(30) > 0) ++buyers;
  }
  CHECK(rep.stages == expected_stages);
  CHECK(rep.stages[static_cast<std::size_t>(stage::loyal)] == 1'302);
  CHECK(rep.roles[static_cast<std::size_t>(role::buyer)] == buyers);
  CHECK(rep.no_role == raw.orders.size() - buyers);

  // A purchase-only log: nobody is a deal hunter (no coupons), everyone's first
  // stay in `new` ends on day 30 or earlier.
  CHECK(rep.stages[static_cast<std::size_t>(stage::deal_hunter)] == 0);
  CHECK(rep.stage_times[static_cast<std::size_t>(stage::new_customer)].median_finished == Approx(30.0));
}

TEST_CASE("CDNOW: the converted CSV holds the raw rows one for one", "[cdnow]") {
  const auto dir = data_dir();
  const raw_counts raw = count_raw(dir / "CDNOW_master.txt");
  auto reader = event_csv_reader::open((dir / "cdnow.csv").string());
  std::map<std::string, std::uint64_t> orders;
  std::int64_t cents = 0;
  std::int64_t last_time = 0;
  bool in_order = true;
  std::uint64_t odd_rows = 0;
  for (const csv_row* r = reader.next(); r != nullptr; r = reader.next()) {
    REQUIRE(r->ok());
    ++orders[std::string(r->ev.person)];
    cents += r->ev.amount.minor;
    if (r->time_us < last_time) in_order = false;
    last_time = r->time_us;
    const std::string id(r->ev.id);
    if (r->ev.kind != event_kind::purchase || id.rfind("c" + std::string(r->ev.person) + "-", 0) != 0) ++odd_rows;
  }
  CHECK(odd_rows == 0);
  CHECK(in_order);
  CHECK(orders == raw.orders);
  CHECK(cents == raw.cents);
}
