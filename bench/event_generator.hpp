#pragma once
// The synthetic event stream lifecycle-bench feeds the engine: a year of an app's
// events, generated whole into memory before anything is timed.
//
// What makes it realistic enough to time against:
// - persons have skewed activity (a Pareto-distributed weight: a few heavy users,
//   many light ones) and an active span (a third exist on day 0, the rest sign
//   up during the year; light users drift away after weeks);
// - events come in sessions (a visit, then views, searches, carts, ...) at
//   hours weighted like an app's day; kinds follow per-person tastes
//   (creators post, critics review, deal seekers use coupons, ...);
// - every event carries a 36-character UUID, as mobile SDKs send;
// - a few purchases are refunded later (the refund names the purchase's id),
//   a few are gifts (a beneficiary), referrals name another person;
// - events are ordered by arrival: most arrive within a second or two, a few
//   sessions are uploaded minutes to days late, and a few events are sent twice.
//
// Strings live in one arena in arrival order (the person id, then the event id,
// then the refund's purchase id or the target person id), as a host's receive
// buffer would hold them, so reading an event touches memory sequentially.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <lifecycle/event_kind.hpp>

#include "detail/random.hpp"  // the library's seeded generator (src/detail)

namespace lifecycle_bench {

using lifecycle::event_kind;

using lifecycle::detail::mix;
using lifecycle::detail::rng;
using lifecycle::detail::splitmix;

struct stream_options {
  std::size_t persons = 1'000'000;
  std::size_t events = 20'000'000;
  int days = 365;
  std::uint64_t seed = 1;
  boost::gregorian::date first_day{2024, 1, 1};
};

inline constexpr std::size_t person_name_length = 10;  // "u" and nine digits
inline constexpr std::size_t event_id_length = 36;     // a UUID in text form

/// One pre-generated event, 32 bytes. The bench builds a lifecycle::event from
/// it in the timed loop, as a host builds one from its own message.
struct bench_event {
  boost::posix_time::ptime time;  ///< when it happened (UTC)
  std::uint64_t text = 0;         ///< offset in stream::text of person id, event id, extra
  std::uint32_t person = 0;       ///< the generator's person number (= handle order in the handle run)
  std::uint32_t amount = 0;       ///< purchase: minor units
  event_kind kind = event_kind::visit;
  std::uint8_t flags = 0;
  std::int8_t score = -1;         ///< feedback score or -1

  static constexpr std::uint8_t coupon = 1;
  static constexpr std::uint8_t resend = 2;      ///< a second copy of an earlier event (same id)
  static constexpr std::uint8_t has_target = 4;  ///< referral / gift: a target person id follows the event id
  bool has(std::uint8_t f) const { return (flags & f) != 0; }
};
static_assert(sizeof(bench_event) == 32);

struct stream_stats {
  std::array<std::uint64_t, lifecycle::event_kind_count> by_kind{};
  std::uint64_t coupons = 0, gifts = 0, resends = 0;
  std::uint64_t late = 0, late_minute = 0, late_hour = 0, late_day = 0;  ///< dated before the latest event already sent
  std::uint64_t refunds_before_purchase = 0;
  std::uint32_t events_max = 0, events_median = 0, events_p99 = 0;
  double top1_share = 0, top10_share = 0;  ///< share of events from the most active 1% / 10% of persons
  double seconds = 0;
};

struct stream {
  stream_options options;
  std::vector<bench_event> events;  ///< in arrival order
  std::vector<char> text;           ///< the strings of every event, in arrival order
  std::vector<char> names;          ///< person i's id at i * person_name_length
  stream_stats stats;

  std::string_view person_name(std::uint32_t i) const {
    return {names.data() + std::size_t{i} * person_name_length, person_name_length};
  }
  std::string_view person_of(const bench_event& e) const {
    return {text.data() + e.text, person_name_length};
  }
  std::string_view id_of(const bench_event& e) const {
    return {text.data() + e.text + person_name_length, event_id_length};
  }
  /// A refund's purchase id.
  std::string_view ref_of(const bench_event& e) const {
    return {text.data() + e.text + person_name_length + event_id_length, event_id_length};
  }
  /// A referral's or gift's target person id.
  std::string_view target_of(const bench_event& e) const {
    return {text.data() + e.text + person_name_length + event_id_length, person_name_length};
  }
};

namespace gen_detail {

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_day = 86'400 * us_per_second;

/// An event while the stream is built, before it is sorted by arrival.
struct raw_event {
  std::int64_t time_us;     // event time
  std::int64_t extra;       // refund: the purchase's time_us; referral / gift: target person
  std::uint32_t person;
  std::uint32_t amount;
  std::uint32_t delay_ms;   // arrival = time + delay
  event_kind kind;
  std::uint8_t flags;
  std::int8_t score;
  std::int64_t arrival() const { return time_us + std::int64_t{delay_ms} * 1000; }
};
static_assert(sizeof(raw_event) == 32);

inline void write_person_name(char* out, std::uint32_t i) {
  // A bijection of 0 .. 10^9-1 (3^18 is coprime with 10^9): unique, scattered ids.
  std::uint64_t v = (std::uint64_t{i} * 387420489ULL + 123456789ULL) % 1'000'000'000ULL;
  out[0] = 'u';
  for (int k = 9; k >= 1; --k) {
    out[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

/// The event id: a version-4 UUID derived from what identifies the event, so a
/// resent copy and a refund's reference spell the same id.
inline void write_event_id(char* out, std::uint64_t seed, std::uint32_t person, std::int64_t time_us,
                           event_kind kind) {
  const std::uint64_t k = mix(seed ^ mix(person + (std::uint64_t{static_cast<std::uint8_t>(kind)} << 32)) ^
                              static_cast<std::uint64_t>(time_us));
  std::uint64_t hi = mix(k), lo = mix(k ^ 0x5bd1e995ULL);
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                               // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;        // variant 10
  static constexpr char hex[] = "0123456789abcdef";
  int pos = 0;
  auto put = [&](std::uint64_t v, int nibbles) {
    for (int n = nibbles - 1; n >= 0; --n) out[pos++] = hex[(v >> (4 * n)) & 0xf];
  };
  put(hi >> 32, 8);
  out[pos++] = '-';
  put((hi >> 16) & 0xffff, 4);
  out[pos++] = '-';
  put(hi & 0xffff, 4);
  out[pos++] = '-';
  put(lo >> 48, 4);
  out[pos++] = '-';
  put(lo & 0xffffffffffffULL, 12);
}

/// Kinds a person draws after a session's opening visit, with their tastes.
struct person_taste {
  std::array<double, lifecycle::event_kind_count> cumulative{};
  double coupon_share;
};

inline person_taste make_taste(rng& r) {
  std::array<double, lifecycle::event_kind_count> w{};
  auto at = [&](event_kind k) -> double& { return w[static_cast<std::size_t>(k)]; };
  const double buy = r.chance(0.6) ? 0.3 : (r.chance(0.75) ? 1.5 : 4.0);
  at(event_kind::visit) = 3.0;  // opening another page or screen
  at(event_kind::view) = 60.0;
  at(event_kind::search) = 10.0 * (0.5 + 0.5 * buy);
  at(event_kind::cart) = 4.0 * buy;
  at(event_kind::purchase) = 1.25 * buy;
  at(event_kind::post) = r.chance(0.05) ? 8.0 : 0.15;
  at(event_kind::review) = r.chance(0.08) ? 7.0 : 0.4;
  at(event_kind::join) = r.chance(0.05) ? 5.0 : 0.35;
  at(event_kind::follow) = r.chance(0.25) ? 4.0 : 0.5;
  at(event_kind::referral) = 0.3;
  at(event_kind::feedback) = 0.5;
  person_taste t;
  double sum = 0;
  for (std::size_t k = 0; k < w.size(); ++k) t.cumulative[k] = (sum += w[k]);
  for (double& c : t.cumulative) c /= sum;
  t.coupon_share = r.chance(0.25) ? 0.75 : 0.12;
  return t;
}

inline event_kind draw_kind(rng& r, const person_taste& t) {
  const double u = r.uniform();
  std::size_t k = 0;
  while (k + 1 < t.cumulative.size() && u >= t.cumulative[k]) ++k;
  return static_cast<event_kind>(k);
}

// Sessions per hour of the day (UTC taken as local): quiet nights, an evening peak.
constexpr std::array<double, 24> hour_weight = {2, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7,
                                                8, 7, 7, 7, 7, 8, 9, 10, 11, 10, 7, 4};

}  // namespace gen_detail

/// Generates the stream. Throws std::invalid_argument for impossible options.
inline stream generate(const stream_options& o) {
  using namespace gen_detail;
  if (o.persons == 0 || o.persons > 0xffffff00u) throw std::invalid_argument("--persons must be 1 .. 4e9");
  if (o.events < o.persons) throw std::invalid_argument("--events must be at least --persons (every person acts)");
  if (o.days < 1 || o.days > 3650) throw std::invalid_argument("--days must be 1 .. 3650");

  stream s;
  s.options = o;
  rng r(o.seed);
  const std::size_t n = o.persons;
  const std::int64_t start_us =
      (boost::posix_time::ptime(o.first_day) - boost::posix_time::ptime(boost::gregorian::date(1970, 1, 1)))
          .total_microseconds();
  const std::int64_t end_us = start_us + std::int64_t{o.days} * us_per_day;

  // Activity weights: Pareto with alpha 1.2, capped, so a few persons are heavy.
  std::vector<double> weight(n);
  double weight_sum = 0;
  for (double& w : weight) {
    w = std::min(std::pow(1.0 - r.uniform(), -1.0 / 1.2), 3000.0);
    weight_sum += w;
  }
  // Events per person: at least one each, the rest by weight, summing to o.events.
  std::vector<std::uint32_t> budget(n);
  {
    const double extra = static_cast<double>(o.events - n);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      budget[i] = 1 + static_cast<std::uint32_t>(extra * weight[i] / weight_sum + r.uniform());
      total += budget[i];
    }
    while (total < o.events) {
      ++budget[r.below(n)];
      ++total;
    }
    while (total > o.events) {
      std::uint32_t& b = budget[r.below(n)];
      if (b > 1) {
        --b;
        --total;
      }
    }
  }
  {
    std::vector<std::uint32_t> sorted = budget;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    s.stats.events_max = sorted.front();
    s.stats.events_p99 = sorted[n / 100];
    s.stats.events_median = sorted[n / 2];
    std::uint64_t top1 = 0, top10 = 0;
    for (std::size_t i = 0; i < n / 10; ++i) (i < n / 100 ? top1 : top10) += sorted[i];
    top10 += top1;
    s.stats.top1_share = static_cast<double>(top1) / static_cast<double>(o.events);
    s.stats.top10_share = static_cast<double>(top10) / static_cast<double>(o.events);
  }

  std::array<double, 24> hour_cumulative{};
  {
    double sum = 0;
    for (std::size_t h = 0; h < 24; ++h) hour_cumulative[h] = (sum += hour_weight[h]);
    for (double& c : hour_cumulative) c /= sum;
  }

  std::vector<raw_event> raw;
  raw.reserve(o.events);
  for (std::uint32_t p = 0; p < n; ++p) {
    std::uint32_t left = budget[p];
    const double w = weight[p];
    const bool veteran = r.chance(w > 20 ? 0.8 : 0.33);
    const int first = veteran ? 0 : static_cast<int>(r.below(static_cast<std::uint64_t>(o.days)));
    const int span = static_cast<int>(std::min<double>(o.days - first, 1.0 + r.exponential(20.0 + 6.0 * w)));
    const person_taste taste = make_taste(r);

    auto emit = [&](const raw_event& e) {
      if (left == 0) return false;
      raw.push_back(e);
      --left;
      return true;
    };
    auto random_time = [&] {
      const std::int64_t day = first + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(span)));
      const double u = r.uniform();
      std::int64_t hour = 0;
      while (hour < 23 && u >= hour_cumulative[static_cast<std::size_t>(hour)]) ++hour;
      return start_us + day * us_per_day + hour * 3600 * us_per_second +
             static_cast<std::int64_t>(r.below(3600 * us_per_second));
    };

    while (left > 0) {
      if (r.chance(0.02)) {  // the business reaches the person (push, SMS, e-mail)
        emit({random_time(), 0, p, 0, static_cast<std::uint32_t>(r.below(500)), event_kind::contact, 0, -1});
        continue;
      }
      // A session: how late it reaches the host, then its events.
      std::uint32_t delay_ms;
      const double late = r.uniform();
      if (late < 0.975)
        delay_ms = static_cast<std::uint32_t>(r.below(1500));
      else if (late < 0.993)
        delay_ms = static_cast<std::uint32_t>(r.between(60'000, 2 * 3'600'000));  // batched upload
      else if (late < 0.999)
        delay_ms = static_cast<std::uint32_t>(r.between(2 * 3'600'000, 3 * 86'400'000));  // offline
      else
        delay_ms = static_cast<std::uint32_t>(r.between(3 * 86'400'000LL, 14 * 86'400'000LL));
      std::int64_t t = random_time();
      const int length = 1 + static_cast<int>(r.exponential(3.2));
      for (int k = 0; k < length && left > 0 && t < end_us; ++k) {
        raw_event e{t, 0, p, 0, delay_ms, k == 0 ? event_kind::visit : draw_kind(r, taste), 0, -1};
        switch (e.kind) {
          case event_kind::purchase:
            e.amount = static_cast<std::uint32_t>(std::clamp(std::exp(7.6 + 0.9 * r.normal()), 99.0, 500000.0));
            if (r.chance(taste.coupon_share)) e.flags |= bench_event::coupon;
            if (r.chance(0.03)) {
              e.flags |= bench_event::has_target;
              e.extra = static_cast<std::int64_t>(r.below(n));
            }
            break;
          case event_kind::referral:
            e.flags |= bench_event::has_target;
            e.extra = static_cast<std::int64_t>(r.below(n));
            break;
          case event_kind::feedback:
            if (r.chance(0.6)) e.score = static_cast<std::int8_t>(r.below(11));
            break;
          default: break;
        }
        if (!emit(e)) break;
        if (r.chance(0.004)) {  // the SDK did not see the ack and sends it again
          raw_event copy = e;
          copy.flags |= bench_event::resend;
          copy.delay_ms += static_cast<std::uint32_t>(r.between(1000, 1'800'000));
          emit(copy);
        }
        if (e.kind == event_kind::purchase && r.chance(0.04)) {  // refunded later
          const std::int64_t when = t + r.between(2 * 3600 * us_per_second, 21 * us_per_day);
          if (when < end_us)
            emit({when, t, p, 0, static_cast<std::uint32_t>(r.below(1500)), event_kind::refund, 0, -1});
        }
        t += 1 + static_cast<std::int64_t>(r.exponential(45.0 * us_per_second));
      }
    }
    // A session cut by the year's end can leave budget unspent: spend it on views.
    while (left > 0) emit({random_time(), 0, p, 0, static_cast<std::uint32_t>(r.below(1500)), event_kind::view, 0, -1});
  }

  std::sort(raw.begin(), raw.end(), [](const raw_event& a, const raw_event& b) {
    if (a.arrival() != b.arrival()) return a.arrival() < b.arrival();
    if (a.time_us != b.time_us) return a.time_us < b.time_us;
    if (a.person != b.person) return a.person < b.person;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.flags < b.flags;
  });

  s.names.resize(n * person_name_length);
  for (std::uint32_t p = 0; p < n; ++p) write_person_name(s.names.data() + std::size_t{p} * person_name_length, p);

  std::size_t text_bytes = 0;
  for (const raw_event& e : raw) {
    text_bytes += person_name_length + event_id_length;
    if (e.kind == event_kind::refund) text_bytes += event_id_length;
    if (e.flags & bench_event::has_target) text_bytes += person_name_length;
  }
  s.text.resize(text_bytes);
  s.events.resize(raw.size());
  const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  std::int64_t latest = std::numeric_limits<std::int64_t>::min();
  std::size_t pos = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const raw_event& e = raw[i];
    bench_event& b = s.events[i];
    b.time = epoch + boost::posix_time::microseconds(e.time_us);
    b.text = pos;
    b.person = e.person;
    b.amount = e.amount;
    b.kind = e.kind;
    b.flags = e.flags;
    b.score = e.score;
    char* out = s.text.data() + pos;
    std::memcpy(out, s.person_name(e.person).data(), person_name_length);
    write_event_id(out + person_name_length, o.seed, e.person, e.time_us, e.kind);
    pos += person_name_length + event_id_length;
    if (e.kind == event_kind::refund) {
      write_event_id(s.text.data() + pos, o.seed, e.person, e.extra, event_kind::purchase);
      pos += event_id_length;
    }
    if (e.flags & bench_event::has_target) {
      std::memcpy(s.text.data() + pos, s.person_name(static_cast<std::uint32_t>(e.extra)).data(),
                  person_name_length);
      pos += person_name_length;
    }

    stream_stats& st = s.stats;
    ++st.by_kind[static_cast<std::size_t>(e.kind)];
    if (e.kind == event_kind::purchase && (e.flags & bench_event::coupon)) ++st.coupons;
    if (e.kind == event_kind::purchase && (e.flags & bench_event::has_target)) ++st.gifts;
    if (e.flags & bench_event::resend) ++st.resends;
    if (e.time_us < latest) {
      ++st.late;
      if (latest - e.time_us > 60 * us_per_second) ++st.late_minute;
      if (latest - e.time_us > 3600 * us_per_second) ++st.late_hour;
      if (latest - e.time_us > us_per_day) ++st.late_day;
    }
    latest = std::max(latest, e.time_us);
  }
  // Refunds sent before their purchase (the purchase's session came in late).
  {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;  // (key, arrival index) of purchases
    seen.reserve(s.stats.by_kind[static_cast<std::size_t>(event_kind::purchase)]);
    for (std::size_t i = 0; i < raw.size(); ++i)
      if (raw[i].kind == event_kind::purchase && !(raw[i].flags & bench_event::resend))
        seen.emplace_back(mix(raw[i].person) ^ static_cast<std::uint64_t>(raw[i].time_us), i);
    std::sort(seen.begin(), seen.end());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i].kind != event_kind::refund) continue;
      const std::uint64_t key = mix(raw[i].person) ^ static_cast<std::uint64_t>(raw[i].extra);
      const auto it = std::lower_bound(seen.begin(), seen.end(), std::pair<std::uint64_t, std::uint64_t>{key, 0});
      if (it != seen.end() && it->first == key && it->second > i) ++s.stats.refunds_before_purchase;
    }
  }
  return s;
}

}  // namespace lifecycle_bench
