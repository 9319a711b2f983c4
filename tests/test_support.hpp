#pragma once
// Shared helpers for the core tests: building events, reading transitions,
// printing library values in Catch2 failure messages.
//
// Expected values in the tests are written by hand from docs/model.md; these
// helpers only build inputs and describe *actual* values for comparison.

#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lctest {

namespace pt = boost::posix_time;
namespace gd = boost::gregorian;
using namespace lifecycle;

// ---------------------------------------------------------------------------
// Time.

/// "2024-01-01 10:00:00" -> ptime (UTC).
inline pt::ptime at(const char* text) { return pt::time_from_string(text); }
/// "2024-01-01" -> date.
inline gd::date on(const char* text) { return gd::from_string(text); }
/// Midnight UTC of \p d.
inline pt::ptime midnight(gd::date d) { return pt::ptime(d); }
/// \p t moved by \p n whole days.
inline pt::ptime days_after(pt::ptime t, long n) { return t + pt::hours(24 * n); }
inline gd::date days_after(gd::date d, long n) { return d + gd::days(n); }
inline pt::ptime nat() { return pt::ptime(pt::not_a_date_time); }

// ---------------------------------------------------------------------------
// Events. The string views must outlive the call that takes the event; the
// tests pass string literals or strings they keep.

inline event ev(pt::ptime t, std::string_view person, event_kind kind, std::string_view id = {}) {
  event e;
  e.time = t;
  e.person = person;
  e.kind = kind;
  e.id = id;
  return e;
}

inline event buy(pt::ptime t, std::string_view person, std::string_view id = {},
                 std::int64_t cents = 1000, bool coupon = false) {
  event e = ev(t, person, event_kind::purchase, id);
  e.amount = money{cents};
  e.coupon = coupon;
  return e;
}

inline event coupon_buy(pt::ptime t, std::string_view person, std::string_view id = {},
                        std::int64_t cents = 1000) {
  return buy(t, person, id, cents, true);
}

inline event refund(pt::ptime t, std::string_view person, std::string_view ref,
                    std::string_view id = {}) {
  event e = ev(t, person, event_kind::refund, id);
  e.ref = ref;
  return e;
}

// ---------------------------------------------------------------------------
// Transitions.

inline std::string when_text(pt::ptime t) {
  return t.is_special() ? std::string("nat") : pt::to_iso_extended_string(t);
}

/// A compact description of the fields the tests compare: when, what, cause.
/// "2024-01-31T00:00:00 new->passive time", "2024-01-31T00:00:00 -buyer time".
inline std::string brief(const transition& t) {
  static constexpr const char* stage_txt[] = {"potential", "new", "passive", "deal_hunter", "loyal"};
  static constexpr const char* role_txt[] = {"creator", "critic", "joiner", "spectator", "buyer"};
  static constexpr const char* cause_txt[] = {"event", "time", "correction"};
  const std::string when = when_text(t.when);
  const char* why = cause_txt[static_cast<int>(t.cause)];
  switch (t.what) {
    case change::stage:
      return fmt::format("{} {}->{} {}", when, stage_txt[static_cast<int>(t.from)],
                         stage_txt[static_cast<int>(t.to)], why);
    case change::role_gained:
      return fmt::format("{} +{} {}", when, role_txt[static_cast<int>(t.role_changed)], why);
    case change::role_lost:
      return fmt::format("{} -{} {}", when, role_txt[static_cast<int>(t.role_changed)], why);
    case change::signal:
      return fmt::format("{} !{} {}", when, to_string(t.signal_raised), why);
  }
  return "?";
}

inline std::vector<std::string> briefs(std::span<const transition> ts) {
  std::vector<std::string> out;
  for (const transition& t : ts) out.push_back(brief(t));
  return out;
}

/// Only the transitions of \p p.
inline std::vector<transition> of_person(std::span<const transition> ts, person_id p) {
  std::vector<transition> out;
  for (const transition& t : ts)
    if (t.person == p) out.push_back(t);
  return out;
}

/// Everything but the signals: the stage and role transitions.
inline std::vector<transition> without_signals(std::span<const transition> ts) {
  std::vector<transition> out;
  for (const transition& t : ts)
    if (t.what != change::signal) out.push_back(t);
  return out;
}

/// Only the signals.
inline std::vector<transition> signals_in(std::span<const transition> ts) {
  std::vector<transition> out;
  for (const transition& t : ts)
    if (t.what == change::signal) out.push_back(t);
  return out;
}

/// Only the stage transitions.
inline std::vector<transition> stage_changes(std::span<const transition> ts) {
  std::vector<transition> out;
  for (const transition& t : ts)
    if (t.what == change::stage) out.push_back(t);
  return out;
}

inline std::vector<std::string> briefs_of(std::span<const transition> ts, person_id p) {
  return briefs(of_person(ts, p));
}

// ---------------------------------------------------------------------------
// Profiles.

inline std::string date_text(const std::optional<gd::date>& d) {
  return d ? gd::to_iso_extended_string(*d) : std::string("none");
}

/// The fields of a profile that depend only on the set of events (model.md,
/// "Order, duplicates, the clock"), as one comparable line.
inline std::string facts(const profile& p) {
  return fmt::format(
      "stage={} roles={} primary={} purchases={} coupon={} refunded={} spend={} first={} last={} seen={}",
      static_cast<int>(p.current_stage), static_cast<int>(p.roles.bits()),
      p.primary_role ? static_cast<int>(*p.primary_role) : -1, p.purchases, p.coupon_purchases,
      p.refunded_purchases, p.spend.minor, date_text(p.first_purchase), date_text(p.last_purchase),
      gd::to_iso_extended_string(p.first_seen));
}

/// Every field of a profile but the id, as one comparable line.
inline std::string all_fields(const profile& p) {
  std::string days;
  for (double d : p.days_in_stage) days += fmt::format("{:.6f},", d);
  auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{:.12g}", *v) : std::string("-"); };
  return fmt::format("{} since={} days=[{}] alive={} expected={} clv={}", facts(p), when_text(p.stage_since), days,
                     opt(p.p_alive), opt(p.expected_purchases), opt(p.clv));
}

// ---------------------------------------------------------------------------
// Policies with a customer-base model behind the lapse.

/// The published CDNOW BG/NBD fit (Fader, Hardie & Lee 2005), in weeks.
inline policy cdnow_bgnbd() {
  policy p;
  p.set("lapse_model", "bgnbd");
  p.set("bgnbd_r", "0.243");
  p.set("bgnbd_alpha", "4.414");
  p.set("bgnbd_a", "0.793");
  p.set("bgnbd_b", "2.426");
  return p;
}

/// The published CDNOW Pareto/NBD fit, in weeks.
inline policy cdnow_pareto() {
  policy p;
  p.set("lapse_model", "pareto");
  p.set("pareto_r", "0.553");
  p.set("pareto_alpha", "10.578");
  p.set("pareto_s", "0.606");
  p.set("pareto_beta", "11.669");
  return p;
}

}  // namespace lctest

// ---------------------------------------------------------------------------
// Readable failure messages.

namespace Catch {
template <>
struct StringMaker<lifecycle::stage> {
  static std::string convert(lifecycle::stage v) { return std::string(lifecycle::to_string(v)); }
};
template <>
struct StringMaker<lifecycle::role> {
  static std::string convert(lifecycle::role v) { return std::string(lifecycle::to_string(v)); }
};
template <>
struct StringMaker<lifecycle::event_kind> {
  static std::string convert(lifecycle::event_kind v) { return std::string(lifecycle::to_string(v)); }
};
template <>
struct StringMaker<lifecycle::cause> {
  static std::string convert(lifecycle::cause v) { return std::string(lifecycle::to_string(v)); }
};
template <>
struct StringMaker<lifecycle::reject_reason> {
  static std::string convert(lifecycle::reject_reason v) {
    static constexpr const char* names[] = {"none",        "bad_time",      "empty_person",
                                            "negative_amount", "missing_ref", "bad_score",
                                            "clock_not_set", "too_far_ahead", "unknown_person",
                                            "person_too_long"};
    const auto i = static_cast<std::size_t>(v);
    return i < 10 ? names[i] : "reject_reason(" + std::to_string(i) + ")";
  }
};
template <>
struct StringMaker<lifecycle::ingest_status> {
  static std::string convert(lifecycle::ingest_status v) { return std::string(lifecycle::to_string(v)); }
};
template <>
struct StringMaker<lifecycle::apply_status> {
  static std::string convert(lifecycle::apply_status v) {
    static constexpr const char* names[] = {"accepted", "duplicate", "rejected"};
    return names[static_cast<int>(v)];
  }
};
template <>
struct StringMaker<lifecycle::role_set> {
  static std::string convert(lifecycle::role_set v) {
    return "role_set(bits=" + std::to_string(static_cast<int>(v.bits())) + ")";
  }
};
template <>
struct StringMaker<std::optional<lifecycle::role>> {
  static std::string convert(const std::optional<lifecycle::role>& v) {
    return v ? std::string(lifecycle::to_string(*v)) : std::string("nullopt");
  }
};
template <>
struct StringMaker<std::optional<lifecycle::stage>> {
  static std::string convert(const std::optional<lifecycle::stage>& v) {
    return v ? std::string(lifecycle::to_string(*v)) : std::string("nullopt");
  }
};
template <>
struct StringMaker<lifecycle::money> {
  static std::string convert(lifecycle::money v) { return "money{" + std::to_string(v.minor) + "}"; }
};
template <>
struct StringMaker<std::optional<lifecycle::money>> {
  static std::string convert(const std::optional<lifecycle::money>& v) {
    return v ? "money{" + std::to_string(v->minor) + "}" : std::string("nullopt");
  }
};
template <>
struct StringMaker<boost::posix_time::ptime> {
  static std::string convert(boost::posix_time::ptime v) { return lctest::when_text(v); }
};
template <>
struct StringMaker<boost::gregorian::date> {
  static std::string convert(boost::gregorian::date v) {
    return v.is_special() ? std::string("special date") : boost::gregorian::to_iso_extended_string(v);
  }
};
template <>
struct StringMaker<std::optional<boost::gregorian::date>> {
  static std::string convert(const std::optional<boost::gregorian::date>& v) {
    return lctest::date_text(v);
  }
};
template <>
struct StringMaker<lifecycle::transition> {
  static std::string convert(const lifecycle::transition& t) { return lctest::brief(t); }
};
}  // namespace Catch
