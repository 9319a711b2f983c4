// The calibration summary: purchases are reduced to (customer, day, cents)
// triples, sorted, and walked once per customer. Same-day purchases merge in
// that walk, so the input order never matters.

#include "lifecycle/customer_summary.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <fmt/format.h>

#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

using day_number = std::int32_t;  // days since 1970-01-01

const boost::gregorian::date epoch(1970, 1, 1);

day_number day_of(boost::gregorian::date d) { return static_cast<day_number>((d - epoch).days()); }
boost::gregorian::date date_of(day_number n) { return epoch + boost::gregorian::days(n); }

day_number day_of_us(std::int64_t us) {
  constexpr std::int64_t us_per_day = 86'400LL * 1'000'000LL;
  std::int64_t d = us / us_per_day;
  if (us % us_per_day < 0) --d;  // floor, for times before 1970
  return static_cast<day_number>(d);
}

struct item {
  std::uint32_t customer;
  day_number day;
  std::int64_t cents;
};

// Interns customer ids in order of first appearance.
class customer_index {
 public:
  std::uint32_t intern(std::string_view id) {
    auto it = index_.find(id);
    if (it != index_.end()) return it->second;
    const auto n = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(id);
    index_.emplace(std::string(id), n);  // the map owns its key: names_ may reallocate
    return n;
  }
  std::vector<std::string>& names() { return names_; }

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, hash, std::equal_to<>> index_;
  std::vector<std::string> names_;
};

void check_options(const summary_options& o) {
  if (o.calibration_end.is_special())
    throw error(errc::invalid_argument, "the calibration end is not a date");
  if (o.holdout_end && (o.holdout_end->is_special() || *o.holdout_end < o.calibration_end))
    throw error(errc::invalid_argument,
                fmt::format("the holdout end {} is before the calibration end {}",
                            boost::gregorian::to_iso_extended_string(*o.holdout_end),
                            boost::gregorian::to_iso_extended_string(o.calibration_end)));
  if (o.first_purchase_from && o.first_purchase_from->is_special())
    throw error(errc::invalid_argument, "first_purchase_from is not a date");
}

calibration_summary build(std::vector<item>& items, std::vector<std::string>& names, const summary_options& o,
                          calibration_summary out) {
  out.unit = o.unit;
  out.calibration_end = o.calibration_end;
  const day_number cal_end = day_of(o.calibration_end);
  day_number hold_end = cal_end;
  if (o.holdout_end) {
    hold_end = day_of(*o.holdout_end);
  } else {
    for (const item& i : items) hold_end = std::max(hold_end, i.day);
  }
  out.holdout_end = date_of(hold_end);
  const day_number cohort_from =
      o.first_purchase_from ? day_of(*o.first_purchase_from) : std::numeric_limits<day_number>::min();
  const double unit_days = days_per(o.unit);

  std::sort(items.begin(), items.end(), [](const item& a, const item& b) {
    return a.customer != b.customer ? a.customer < b.customer : a.day < b.day;
  });

  // Repeat transactions by day, indexed from the earliest day in the data; cut
  // to the earliest first purchase of the customers kept at the end.
  day_number lowest = std::numeric_limits<day_number>::max();
  for (const item& i : items) lowest = std::min(lowest, i.day);
  std::vector<std::uint32_t> by_day;
  if (!items.empty() && hold_end >= lowest) by_day.assign(static_cast<std::size_t>(hold_end - lowest) + 1, 0);
  day_number earliest_first = std::numeric_limits<day_number>::max();

  for (std::size_t begin = 0; begin < items.size();) {
    std::size_t end = begin;
    while (end < items.size() && items[end].customer == items[begin].customer) ++end;
    const day_number first = items[begin].day;
    if (first > cal_end) {
      ++out.late_customers;
    } else if (first < cohort_from) {
      ++out.early_customers;
    } else {
      customer_summary c;
      c.id = std::move(names[items[begin].customer]);
      c.first_purchase = date_of(first);
      c.T = (cal_end - first) / unit_days;
      earliest_first = std::min(earliest_first, first);
      std::int64_t repeat_cents = 0;
      day_number last_repeat = first;
      for (std::size_t k = begin; k < end;) {
        // One transaction: every purchase of this day.
        const day_number day = items[k].day;
        std::int64_t cents = 0;
        std::size_t j = k;
        for (; j < end && items[j].day == day; ++j) cents += items[j].cents;
        out.purchases += j - k;
        out.same_day_merged += j - k - 1;
        if (day > hold_end) {
          out.after_holdout += j - k;
        } else if (day != first) {
          ++by_day[static_cast<std::size_t>(day - lowest)];
          if (day <= cal_end) {
            ++c.x;
            repeat_cents += cents;
            last_repeat = day;
          } else {
            ++c.holdout_x;
          }
        }
        k = j;
      }
      c.t_x = (last_repeat - first) / unit_days;
      c.mean_spend = c.x > 0 ? static_cast<double>(repeat_cents) / 100.0 / c.x : 0.0;
      out.customers.push_back(std::move(c));
    }
    begin = end;
  }
  std::sort(out.customers.begin(), out.customers.end(),
            [](const customer_summary& a, const customer_summary& b) { return a.id < b.id; });
  if (out.customers.empty()) {
    out.first_day = boost::gregorian::date(boost::gregorian::not_a_date_time);
  } else {
    out.first_day = date_of(earliest_first);
    by_day.erase(by_day.begin(), by_day.begin() + (earliest_first - lowest));
    out.repeat_by_day = std::move(by_day);
  }
  return out;
}

}  // namespace

std::uint64_t calibration_summary::calibration_repeats() const noexcept {
  std::uint64_t n = 0;
  for (const customer_summary& c : customers) n += c.x;
  return n;
}

std::uint64_t calibration_summary::holdout_repeats() const noexcept {
  std::uint64_t n = 0;
  for (const customer_summary& c : customers) n += c.holdout_x;
  return n;
}

double calibration_summary::holdout_length() const noexcept {
  if (holdout_end.is_special() || calibration_end.is_special()) return 0;
  return static_cast<double>((holdout_end - calibration_end).days()) / days_per(unit);
}

calibration_summary summarize_purchases(std::span<const purchase_record> purchases, const summary_options& options) {
  check_options(options);
  customer_index index;
  std::vector<item> items;
  items.reserve(purchases.size());
  for (const purchase_record& p : purchases) {
    if (p.day.is_special())
      throw error(errc::invalid_argument, fmt::format("a purchase of customer '{}' has no date", p.customer));
    if (p.amount.minor < 0)
      throw error(errc::invalid_argument,
                  fmt::format("a purchase of customer '{}' has a negative amount ({})", p.customer, p.amount));
    items.push_back({index.intern(p.customer), day_of(p.day), p.amount.minor});
  }
  return build(items, index.names(), options, {});
}

calibration_summary summarize_event_csv(event_csv_reader& reader, const summary_options& options,
                                        const csv_summary_options& csv) {
  check_options(options);
  calibration_summary out;
  customer_index index;
  std::vector<item> items;
  std::vector<bool> removed;
  // Purchase ids -> item, to apply refunds; refunds seen before their purchase wait here.
  std::unordered_map<std::string, std::size_t> purchase_by_id;
  std::unordered_map<std::string, std::vector<std::uint32_t>> early_refunds;  // ref -> refunding customers
  std::unordered_set<std::string> seen_ids;

  auto refund = [&](std::uint32_t customer, const std::string& ref) {
    auto it = purchase_by_id.find(ref);
    if (it == purchase_by_id.end()) {
      early_refunds[ref].push_back(customer);
      return;
    }
    // Only the purchase's own customer can refund it; a second refund moves nothing.
    if (items[it->second].customer == customer && !removed[it->second]) {
      removed[it->second] = true;
      ++out.refunded;
    }
  };

  for (;;) {
    const auto batch = reader.next_batch();
    if (batch.empty()) break;
    for (const csv_row& row : batch) {
      ++out.rows;
      if (!row.ok()) {
        if (!csv.skip_bad_rows) throw error(errc::parse_error, row.detail, reader.name(), static_cast<int>(row.line));
        ++out.bad_rows;
        if (csv.on_bad_row) csv.on_bad_row(row);
        continue;
      }
      const event& e = row.ev;
      if (e.kind != event_kind::purchase && e.kind != event_kind::refund) {
        ++out.other_events;
        continue;
      }
      if (!e.id.empty() && !seen_ids.emplace(e.id).second) {
        ++out.duplicates;
        continue;
      }
      const std::uint32_t customer = index.intern(e.person);
      if (e.kind == event_kind::refund) {
        if (!e.ref.empty()) refund(customer, std::string(e.ref));  // the engine rejects one without
        continue;
      }
      items.push_back({customer, day_of_us(row.time_us), e.amount.minor});
      removed.push_back(false);
      if (!e.id.empty()) {
        std::string id(e.id);
        if (auto waiting = early_refunds.find(id); waiting != early_refunds.end()) {
          const bool own = std::find(waiting->second.begin(), waiting->second.end(), customer) != waiting->second.end();
          early_refunds.erase(waiting);
          if (own) {
            removed.back() = true;
            ++out.refunded;
          }
        }
        purchase_by_id.emplace(std::move(id), items.size() - 1);
      }
    }
  }
  if (out.refunded > 0) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!removed[i]) items[kept++] = items[i];
    items.resize(kept);
  }
  return build(items, index.names(), options, std::move(out));
}

}  // namespace lifecycle
