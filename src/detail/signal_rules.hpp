#pragma once
// The signal rules (docs/signals.md), written over a person's lists: when each
// signal's condition holds, when it next may change, the points and the tier.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "lifecycle/detail/person_records.hpp"
#include "lifecycle/event_kind.hpp"
#include "lifecycle/loyalty.hpp"
#include "lifecycle/month_day.hpp"
#include "lifecycle/nps.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/transition.hpp"
#include "detail/huge_page_allocator.hpp"
#include "detail/pooled_lists.hpp"
#include "detail/time_units.hpp"

namespace lifecycle::detail {

inline constexpr std::int64_t no_time = std::numeric_limits<std::int64_t>::min();

/// The signal policy in the units the book computes in, converted once.
struct signal_params {
  signal_set on;
  std::int64_t browse_us = 0, repeat_us = 0;
  std::int32_t browse_hours = 24, repeat_days = 7;
  day_number decline_span = 14;
  std::int64_t decline_min = 4;
  std::array<day_number, stage_count> contact_every{};
  std::uint32_t over_count = 3;
  day_number over_days = 7;
  points_table points{};
  day_number points_window = 365;
  std::vector<std::int64_t> tier_min;  // thresholds, lowest first
  bool tiers = false, nps = false, any = false;
  std::int64_t offset_us = 0;
  bool replay_clock = true;  // events never come dated ahead of the clock

  static signal_params from(const policy& p) {
    signal_params s;
    s.replay_clock = p.clock == clock_mode::replay;
    s.on = p.signals;
    s.browse_hours = p.browse_hours;
    s.repeat_days = p.browse_repeat_days;
    s.browse_us = std::int64_t{p.browse_hours} * 3'600'000'000LL;
    s.repeat_us = std::int64_t{p.browse_repeat_days} * us_per_day;
    s.decline_span = p.decline_days;
    s.decline_min = p.decline_min_events;
    for (stage st : all_stages) s.contact_every[static_cast<std::size_t>(st)] = p.contact_every(st);
    s.over_count = static_cast<std::uint32_t>(p.over_contact_count);
    s.over_days = p.over_contact_days;
    s.points = p.points;
    s.points_window = p.points_window_days;
    for (const tier& t : p.tiers) s.tier_min.push_back(t.min_points);
    s.tiers = p.tiers.size() > 1;
    s.nps = p.nps;
    s.any = p.tracks_signals();
    s.offset_us = p.utc_offset.total_microseconds();
    return s;
  }

  bool has(signal_kind k) const noexcept { return on.contains(k); }
  int points_of(event_kind k) const noexcept { return points[static_cast<std::size_t>(k)]; }
  /// Days after its day an event of kind `k` can still change the book, so
  /// the engine remembers its id that long: a resend after that changes nothing.
  day_number event_reach(event_kind k) const noexcept {
    day_number r = 0;
    if (points_of(k) != 0 && k != event_kind::purchase && k != event_kind::refund &&
        k != event_kind::referral)
      r = points_window;
    if (k == event_kind::contact && has(signal_kind::over_contacted)) r = std::max(r, over_days + 1);
    if (k == event_kind::view || k == event_kind::cart) r = std::max(r, browse_hours / 24 + 2);
    return r;
  }
  /// Days of activity the book reads behind the clock day (usage_decline).
  day_number activity_reach() const noexcept { return has(signal_kind::usage_decline) ? 2 * decline_span : 0; }
  /// The tier (index) that `points_now` points hold.
  std::uint8_t tier_at(std::int64_t points_now) const noexcept {
    std::uint8_t t = 0;
    while (t + 1u < tier_min.size() && points_now >= tier_min[t + 1u]) ++t;
    return t;
  }
};

/// Points earned on one day by events other than purchases (whose points come
/// from the purchase list, so refunds take them back).
struct points_day {
  day_number day = 0;
  std::int32_t points = 0;
  friend bool operator==(const points_day&, const points_day&) = default;
};

/// The signal state of one person.
struct signal_slot {
  std::int64_t view_since = no_time;  // the earliest view not followed by a purchase (pending)
  std::int64_t cart_since = no_time;  // the same for carts
  std::int64_t view_last = no_time;   // when browse_no_buy was last emitted
  std::int64_t cart_last = no_time;   // when abandoned_cart was last emitted
  std::int64_t score_us = no_time;    // the time of the latest feedback score
  list_ref points;                    // points_day records inside the window
  std::int8_t score = -1;
  std::uint8_t tier = 0;
  std::uint8_t flags = 0;
  month_day birthday{0, 0};  // month 0: not set
  // While person_core::declining is set: the day usage_decline stops holding if
  // no activity comes. No wake is filed for that day (it would only clear the
  // flag); whoever reads the flag on or after it takes it as clear.
  day_number decline_until = no_day;
  // While person_core::reachable is set: the day contact_due counts from (the
  // latest of the last contact, the confirmation, becoming a customer, the
  // last contact_due), or no_day before there is one. Kept here so that a wake
  // needs no look at the contact table.
  day_number contact_from = no_day;
  static constexpr std::uint8_t over_contacted = 2;  // held until the person is active again
  bool has(std::uint8_t f) const noexcept { return (flags & f) != 0; }
  friend bool operator==(const signal_slot&, const signal_slot&) = default;
};
static_assert(sizeof(signal_slot) == 64, "a signal record is one cache line");

/// What the book keeps for persons the business contacts or who confirmed the
/// relationship: few persons, so a table on the side.
struct contact_info {
  std::int64_t reachable_since = no_time;  // the first confirmation after the last opt-out
  std::int64_t opted_out = no_time;
  std::int64_t last_contact = no_time;
  std::int64_t over_at = no_time;          // the contact that raised over_contacted
  day_number last_due = std::numeric_limits<day_number>::min();  // the last contact_due
  std::uint8_t streak_n = 0;               // contacts since the person's last activity (latest kept)
  std::array<std::int64_t, 4> streak{};    // their times, ascending
  friend bool operator==(const contact_info&, const contact_info&) = default;
};

/// In a window of `w` days on day `d`: d - w < x <= d.
inline bool in_days(day_number x, day_number d, day_number w) { return d - w < x && x <= d; }

/// usage_decline on day d: (recent, earlier) activity counts of the two spans.
inline std::pair<std::int64_t, std::int64_t> decline_counts(std::span<const activity_day> activity, day_number d,
                                                            day_number span) {
  std::int64_t recent = 0, earlier = 0;
  for (const activity_day& a : activity) {
    if (in_days(a.day, d, span)) recent += a.any;
    else if (in_days(a.day, d - span, span)) earlier += a.any;
  }
  return {recent, earlier};
}

inline bool declining_on(std::span<const activity_day> activity, day_number d, const signal_params& sp) {
  const auto [recent, earlier] = decline_counts(activity, d, sp.decline_span);
  return earlier >= sp.decline_min && 2 * recent < earlier;
}

/// One pass over the activity list for usage_decline on day d: the two
/// spans' counts, the events that can still be in some later span, and whether
/// the list is in day order.
struct decline_scan {
  std::int64_t recent = 0, earlier = 0, reach = 0;
  std::size_t before_base = 0;  // records too old for any later span (come first when ordered)
  bool ordered = true;
  bool holds(const signal_params& sp) const { return earlier >= sp.decline_min && 2 * recent < earlier; }
};

inline decline_scan scan_decline(std::span<const activity_day> activity, day_number d, const signal_params& sp) {
  const day_number s = sp.decline_span;
  const day_number base = d - 2 * s + 1;  // records before it lie outside both spans of every later day
  decline_scan r;
  day_number previous = std::numeric_limits<day_number>::min();
  for (const activity_day& a : activity) {
    r.ordered = r.ordered && previous <= a.day;
    previous = a.day;
    if (a.day < base) {
      ++r.before_base;
      continue;
    }
    r.reach += a.any;
    if (a.day > d) continue;  // enters the recent span later
    (a.day > d - s ? r.recent : r.earlier) += a.any;
  }
  return r;
}

/// The days after d on which usage_decline's condition turns (no new events
/// assumed): `change`, the first on which it differs from `now`, and, when
/// asked for, `back`, the first after that on which it is `now` again; no_day
/// for none. The two counts change only on the days a record enters the recent
/// span (its own day, for one dated ahead), moves to the earlier span (day +
/// span) or leaves both (day + 2 span): the records in day order give those
/// days as three ascending streams, merged here until the condition turns.
/// Lists are in day order unless a late event added a record: then `scratch`
/// holds a sorted copy.
struct decline_turns {
  day_number change = no_day;
  day_number back = no_day;
};

inline decline_turns decline_turns_after(const decline_scan& scan, std::span<const activity_day> activity,
                                         day_number d, bool now, bool want_back, const signal_params& sp,
                                         std::vector<activity_day>& scratch) {
  const day_number s = sp.decline_span;
  decline_turns out;
  // Quick answer for most persons: too few events for any future earlier span.
  if (!now && scan.reach < sp.decline_min) return out;
  std::int64_t recent = scan.recent, earlier = scan.earlier;
  std::span<const activity_day> r = activity.subspan(scan.before_base);  // in order: the older records come first
  if (!scan.ordered) {
    const day_number base = d - 2 * s + 1;
    scratch.clear();
    for (const activity_day& a : activity)
      if (a.day >= base) scratch.push_back(a);
    std::sort(scratch.begin(), scratch.end(),
              [](const activity_day& x, const activity_day& y) { return x.day < y.day; });
    r = scratch;
  }
  const std::size_t n = r.size();
  // Each stream's next record: entering (dated after d), moving (day + s after d), leaving.
  std::size_t enter = 0, move = 0, leave = 0;
  while (enter < n && r[enter].day <= d) ++enter;
  while (move < n && r[move].day + s <= d) ++move;
  constexpr day_number never = std::numeric_limits<day_number>::max();
  auto next_change = [&] {
    return std::min({enter < n ? r[enter].day : never, move < n ? r[move].day + s : never,
                     leave < n ? r[leave].day + 2 * s : never});
  };
  auto holds = [&] { return earlier >= sp.decline_min && 2 * recent < earlier; };
  bool state = now;
  // Records the condition `c` of day D; true when the caller has its answer.
  auto turned = [&](bool c, day_number D) {
    if (c == state) return false;
    state = c;
    if (out.change == no_day) {
      out.change = D;
      return !want_back;
    }
    out.back = D;
    return true;
  };
  // `now` need not be day d's own condition: then it differs on d + 1 unless the counts change that day.
  if (next_change() > d + 1 && turned(holds(), d + 1)) return out;
  while (leave < n) {
    const day_number D = next_change();
    for (; enter < n && r[enter].day == D; ++enter) recent += r[enter].any;
    for (; move < n && r[move].day + s == D; ++move) {
      recent -= r[move].any;
      earlier += r[move].any;
    }
    for (; leave < n && r[leave].day + 2 * s == D; ++leave) earlier -= r[leave].any;
    if (turned(holds(), D)) return out;
  }
  return out;
}

/// The first day after d on which usage_decline's condition differs from `now`.
inline day_number decline_change(const decline_scan& scan, std::span<const activity_day> activity, day_number d,
                                 bool now, const signal_params& sp, std::vector<activity_day>& scratch) {
  return decline_turns_after(scan, activity, d, now, false, sp, scratch).change;
}

inline day_number decline_change(std::span<const activity_day> activity, day_number d, bool now,
                                 const signal_params& sp, std::vector<activity_day>& scratch) {
  return decline_change(scan_decline(activity, d, sp), activity, d, now, sp, scratch);
}

// Civil dates from day numbers and back without boost's checked types (each
// day of the clock asks for its birthdays): the proleptic Gregorian algorithms
// of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
inline int year_of(day_number d) {
  const std::int64_t z = std::int64_t{d} + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  return static_cast<int>(yoe + era * 400 + (mp >= 10 ? 1 : 0));
}

inline day_number day_number_of(int year, unsigned month, unsigned day) {
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<day_number>(era * 146097 + doe - 719468);
}

inline bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }


/// The purchase points of one purchase record.
inline std::int64_t purchase_points(const purchase_record& r, const signal_params& sp) {
  if (!r.net() || r.amount <= 0) return 0;
  return r.amount / 100 * sp.points_of(event_kind::purchase);
}

/// Points in the window on day d.
inline std::int64_t points_on(std::span<const purchase_record> purchases, std::span<const points_day> earned,
                              day_number d, const signal_params& sp) {
  std::int64_t total = 0;
  if (sp.points_of(event_kind::purchase) != 0)
    for (const purchase_record& r : purchases)
      if (in_days(r.day, d, sp.points_window)) total += purchase_points(r, sp);
  for (const points_day& e : earned)
    if (in_days(e.day, d, sp.points_window)) total += e.points;
  return total;
}

/// The first day after d on which the tier differs from `tier`, or no_day:
/// points enter on their day (dated ahead) and leave points_window days later.
inline day_number tier_change(std::span<const purchase_record> purchases, std::span<const points_day> earned,
                              day_number d, std::uint8_t tier, const signal_params& sp,
                              std::vector<std::pair<day_number, std::int64_t>>& steps) {
  // Points only leave with time, unless some are dated ahead: then the first tier stays.
  if (tier == 0) {
    bool ahead = false;
    if (sp.points_of(event_kind::purchase) != 0)
      for (const purchase_record& r : purchases) ahead = ahead || (r.day > d && purchase_points(r, sp) > 0);
    for (const points_day& e : earned) ahead = ahead || (e.day > d && e.points > 0);
    if (!ahead) return no_day;
  }
  // Nothing dated ahead (always so in replay), both lists in day order (the
  // usual case): points only leave, in the lists' order, so merge the two
  // lists as they are instead of sorting their steps.
  {
    bool ahead = false, ordered = true;
    day_number previous = std::numeric_limits<day_number>::min();
    for (const purchase_record& r : purchases) {
      ahead = ahead || r.day > d;
      ordered = ordered && previous <= r.day;
      previous = r.day;
    }
    previous = std::numeric_limits<day_number>::min();
    for (const points_day& e : earned) {
      ahead = ahead || e.day > d;
      ordered = ordered && previous <= e.day;
      previous = e.day;
    }
    if (!ahead && ordered) {
      std::int64_t total = points_on(purchases, earned, d, sp);
      const bool purchase_points_count = sp.points_of(event_kind::purchase) != 0;
      std::size_t i = 0, j = 0;
      auto next_purchase = [&] {  // the next purchase with points still in the window
        while (i < purchases.size() && (!purchase_points_count || purchase_points(purchases[i], sp) == 0 ||
                                        purchases[i].day + sp.points_window <= d))
          ++i;
      };
      auto next_earned = [&] {
        while (j < earned.size() && (earned[j].points == 0 || earned[j].day + sp.points_window <= d)) ++j;
      };
      next_purchase();
      next_earned();
      while (i < purchases.size() || j < earned.size()) {
        const day_number day = std::min(i < purchases.size() ? purchases[i].day : no_day,
                                        j < earned.size() ? earned[j].day : no_day);
        while (i < purchases.size() && purchases[i].day == day) {
          total -= purchase_points(purchases[i++], sp);
          next_purchase();
        }
        while (j < earned.size() && earned[j].day == day) {
          total -= earned[j++].points;
          next_earned();
        }
        if (sp.tier_at(total) != tier) return day + sp.points_window;
      }
      return no_day;
    }
  }
  steps.clear();
  auto add = [&](day_number day, std::int64_t pts) {
    if (pts == 0) return;
    if (day > d) steps.emplace_back(day, pts);
    if (day + sp.points_window > d) steps.emplace_back(day + sp.points_window, -pts);
  };
  if (sp.points_of(event_kind::purchase) != 0)
    for (const purchase_record& r : purchases) add(r.day, purchase_points(r, sp));
  for (const points_day& e : earned) add(e.day, e.points);
  if (steps.empty()) return no_day;
  if (steps.size() > 1) std::sort(steps.begin(), steps.end());
  std::int64_t total = points_on(purchases, earned, d, sp);
  for (std::size_t i = 0; i < steps.size();) {
    const day_number day = steps[i].first;
    for (; i < steps.size() && steps[i].first == day; ++i) total += steps[i].second;
    if (sp.tier_at(total) != tier) return day;
  }
  return no_day;
}

/// A signal record with its reason.
inline transition signal_record(signal_kind k, std::int64_t when_us, cause c, std::array<std::int32_t, 4> figures) {
  transition t;
  t.what = change::signal;
  t.signal_raised = k;
  t.when = from_us(when_us);
  t.cause = c;
  t.why.which = static_cast<reason::rule>(static_cast<int>(reason::rule::browse_no_buy) + static_cast<int>(k));
  t.why.figures = figures;
  return t;
}

inline std::int32_t clamp32(std::int64_t v) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, std::numeric_limits<std::int32_t>::min(),
                                                            std::numeric_limits<std::int32_t>::max()));
}

}  // namespace lifecycle::detail
