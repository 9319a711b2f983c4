// Signals, points, tiers and NPS in the engine (docs/signals.md): each signal,
// its edges and its suppression, worked out by hand.
#include <catch2/catch.hpp>

#include "lifecycle/lifecycle.hpp"
#include "test_support.hpp"

#include "detail/signal_rules.hpp"  // white-box: decline_change and tier_change against day-by-day references

#include <map>
#include <random>

using namespace lifecycle;
using namespace lctest;

namespace {

/// Only one kind of signal on, so each test sees the signal it is about.
policy only(std::initializer_list<signal_kind> kinds) {
  policy p;
  p.signals = signal_set::none();
  for (signal_kind k : kinds) p.signals.insert(k);
  return p;
}

void accept(engine& eng, const event& e) {
  const ingest_result r = eng.ingest(e);
  INFO(to_string(e.kind) << " at " << when_text(e.time) << ": " << to_string(r.why_rejected));
  REQUIRE(r.status == ingest_status::accepted);
}

/// "2024-05-02T09:00:00 !browse_no_buy time" for each signal in the person's history.
std::vector<std::string> signals_of(const engine& eng, std::string_view name) {
  const auto p = eng.find(name);
  REQUIRE(p.has_value());
  return briefs(signals_in(eng.history(*p)));
}

std::vector<transition> signal_records(const engine& eng, std::string_view name) {
  return signals_in(eng.history(*eng.find(name)));
}

profile profile_of(const engine& eng, std::string_view name) {
  const auto p = eng.profile_of(name);
  REQUIRE(p.has_value());
  return *p;
}

event feedback(pt::ptime t, std::string_view person, int score) {
  event e = ev(t, person, event_kind::feedback);
  e.score = score;
  return e;
}

event referral(pt::ptime t, std::string_view person, std::string_view target) {
  event e = ev(t, person, event_kind::referral);
  e.target = target;
  return e;
}

using strings = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------------------
// browse_no_buy and abandoned_cart

TEST_CASE("signals: browse_no_buy comes 24 hours after an unanswered view, not at the 24th hour itself",
          "[signals][browse]") {
  engine eng(only({signal_kind::browse_no_buy}));
  const pt::ptime t = at("2024-05-01 09:15:30");
  accept(eng, ev(t, "v", event_kind::view));
  CHECK(signals_in(eng.advance_to(t + pt::hours(24))).empty());  // a purchase now would still answer it
  const auto fired = signals_in(eng.advance_to(t + pt::hours(24) + pt::microseconds(1)));
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].signal_raised == signal_kind::browse_no_buy);
  CHECK(fired[0].when == t + pt::hours(24));
  CHECK(fired[0].cause == cause::time);
  CHECK(fired[0].why.which == reason::rule::browse_no_buy);
  CHECK(fired[0].why.figures == std::array<std::int32_t, 4>{24, 0, 7, 0});
  CHECK(to_string(fired[0].why) == "browse_no_buy: a view and no purchase within 24 hours (at most once per 7 days)");
  CHECK(eng.signal_counts()[static_cast<std::size_t>(signal_kind::browse_no_buy)] == 1);
}

TEST_CASE("signals: a purchase up to and including the 24th hour answers the view", "[signals][browse][boundary]") {
  for (const pt::time_duration after : std::vector<pt::time_duration>{pt::hours(1), pt::hours(23) + pt::minutes(59), pt::hours(24)}) {
    engine eng(only({signal_kind::browse_no_buy}));
    const pt::ptime t = at("2024-05-01 09:00:00");
    accept(eng, ev(t, "v", event_kind::view));
    accept(eng, buy(t + after, "v", "p1"));
    eng.advance_to(t + pt::hours(72));
    CHECK(signals_of(eng, "v").empty());
  }
  engine eng(only({signal_kind::browse_no_buy}));
  const pt::ptime t = at("2024-05-01 09:00:00");
  accept(eng, ev(t, "v", event_kind::view));
  accept(eng, buy(t + pt::hours(24) + pt::seconds(1), "v", "p1"));  // too late: the signal came first
  CHECK(signals_of(eng, "v") == strings{"2024-05-02T09:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: views while one is pending fold into it; a purchase answers only the views before it",
          "[signals][browse]") {
  engine eng(only({signal_kind::browse_no_buy}));
  const pt::ptime t = at("2024-05-01 09:00:00");
  accept(eng, ev(t, "v", event_kind::view));
  accept(eng, ev(t + pt::hours(2), "v", event_kind::view));
  accept(eng, ev(t + pt::hours(5), "v", event_kind::view));
  eng.advance_to(t + pt::hours(30));
  const auto fired = signal_records(eng, "v");
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].when == t + pt::hours(24));
  CHECK(fired[0].why.figures == std::array<std::int32_t, 4>{24, 0, 7, 0});

  // Bought after the first view: the view after the purchase waits on its own.
  engine later(only({signal_kind::browse_no_buy}));
  accept(later, ev(t, "w", event_kind::view));
  accept(later, buy(t + pt::hours(1), "w", "p1"));
  accept(later, ev(t + pt::hours(2), "w", event_kind::view));
  later.advance_to(t + pt::hours(48));
  CHECK(signals_of(later, "w") == strings{"2024-05-02T11:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: browse_no_buy at most once per 7 days", "[signals][browse][boundary]") {
  const pt::ptime t = at("2024-05-01 09:00:00");
  {
    engine eng(only({signal_kind::browse_no_buy}));
    accept(eng, ev(t, "v", event_kind::view));                                  // fires 05-02 09:00
    accept(eng, ev(days_after(t, 3), "v", event_kind::view));                   // due 3 days after it: held back
    accept(eng, ev(days_after(t, 7) - pt::seconds(1), "v", event_kind::view));  // due 1 s short of 7 days: held back
    accept(eng, ev(days_after(t, 7), "v", event_kind::view));  // folds into the pending one above
    accept(eng, ev(days_after(t, 9), "v", event_kind::view));  // due 05-11: fires
    eng.advance_to(days_after(t, 20));
    CHECK(signals_of(eng, "v") ==
          strings{"2024-05-02T09:00:00 !browse_no_buy time", "2024-05-11T09:00:00 !browse_no_buy time"});
  }
  {
    engine eng(only({signal_kind::browse_no_buy}));
    accept(eng, ev(t, "v", event_kind::view));
    accept(eng, ev(days_after(t, 7), "v", event_kind::view));  // due exactly 7 days after the first: allowed
    eng.advance_to(days_after(t, 20));
    CHECK(signals_of(eng, "v") ==
          strings{"2024-05-02T09:00:00 !browse_no_buy time", "2024-05-09T09:00:00 !browse_no_buy time"});
  }
}

TEST_CASE("signals: abandoned_cart for a cart, with its own repeat limit", "[signals][browse]") {
  engine eng(only({signal_kind::browse_no_buy, signal_kind::abandoned_cart}));
  const pt::ptime t = at("2024-05-01 09:00:00");
  accept(eng, ev(t, "c", event_kind::view));
  accept(eng, ev(t + pt::hours(1), "c", event_kind::cart));
  accept(eng, ev(t + pt::hours(2), "c", event_kind::cart));
  eng.advance_to(days_after(t, 2));
  const auto fired = signal_records(eng, "c");
  REQUIRE(fired.size() == 2);
  CHECK(fired[1].signal_raised == signal_kind::abandoned_cart);
  CHECK(fired[1].when == t + pt::hours(25));
  CHECK(to_string(fired[1].why) == "abandoned_cart: a cart and no purchase within 24 hours (at most once per 7 days)");

  engine off(only({signal_kind::browse_no_buy}));  // abandoned_cart switched off
  accept(off, ev(t, "c", event_kind::cart));
  off.advance_to(days_after(t, 2));
  CHECK(signals_of(off, "c").empty());
}

TEST_CASE("signals: browse_hours and browse_repeat_days are the policy's", "[signals][browse][policy]") {
  policy p = only({signal_kind::browse_no_buy});
  p.set("browse_hours", "2");
  p.set("browse_repeat_days", "0");
  engine eng(p);
  const pt::ptime t = at("2024-05-01 09:00:00");
  accept(eng, ev(t, "v", event_kind::view));
  accept(eng, ev(t + pt::hours(3), "v", event_kind::view));
  eng.advance_to(days_after(t, 1));
  CHECK(signals_of(eng, "v") ==
        strings{"2024-05-01T11:00:00 !browse_no_buy time", "2024-05-01T14:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: a view whose hours passed before it arrived raises nothing", "[signals][browse][late]") {
  engine eng(only({signal_kind::browse_no_buy}));
  const pt::ptime t = at("2024-05-10 09:00:00");
  accept(eng, ev(t, "x", event_kind::visit));
  accept(eng, ev(t - pt::hours(25), "v", event_kind::view));  // 25 hours late
  accept(eng, ev(t - pt::hours(20), "w", event_kind::view));  // 20 hours late: 4 hours still to wait
  eng.advance_to(days_after(t, 2));
  CHECK(signals_of(eng, "v").empty());
  CHECK(signals_of(eng, "w") == strings{"2024-05-10T13:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: in host clock mode browse_no_buy waits for advance_to", "[signals][browse][host]") {
  policy p = only({signal_kind::browse_no_buy});
  p.clock = clock_mode::host;
  engine eng(p);
  const pt::ptime t = at("2024-05-01 09:00:00");
  eng.advance_to(t);
  accept(eng, ev(t, "v", event_kind::view));
  CHECK(eng.advance_to(t + pt::hours(23)).empty());
  const auto fired = eng.advance_to(t + pt::hours(25));
  REQUIRE(fired.size() == 1);
  CHECK(brief(fired[0]) == "2024-05-02T09:00:00 !browse_no_buy time");
}

// ---------------------------------------------------------------------------
// usage_decline

TEST_CASE("signals: usage_decline when the last 14 days fall below half of the 14 before", "[signals][decline]") {
  // Day 0: 4 events; day 10: 1 event. On day 14 (D-28, D-14] holds day 0's 4,
  // (D-14, D] day 10's 1: 2 * 1 < 4.
  engine eng(only({signal_kind::usage_decline}));
  const pt::ptime d0 = at("2024-03-01 10:00:00");
  for (int i = 0; i < 4; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
  accept(eng, ev(days_after(d0, 10), "u", event_kind::view));
  eng.advance_to(days_after(d0, 40));
  const auto fired = signal_records(eng, "u");
  REQUIRE(fired.size() == 1);
  CHECK(brief(fired[0]) == "2024-03-15T00:00:00 !usage_decline time");
  CHECK(fired[0].why.figures == std::array<std::int32_t, 4>{1, 4, 14, 4});
  CHECK(to_string(fired[0].why) ==
        "usage_decline: 1 event in the last 14 days, below half of the 4 in the 14 days before (>= 4)");
}

TEST_CASE("signals: no usage_decline with 3 events before, or with half as many since", "[signals][decline][boundary]") {
  const pt::ptime d0 = at("2024-03-01 10:00:00");
  {
    engine eng(only({signal_kind::usage_decline}));
    for (int i = 0; i < 3; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
    eng.advance_to(days_after(d0, 60));
    CHECK(signals_of(eng, "u").empty());
  }
  {
    // 4 on day 0, 2 on day 13. Days 14..26: 2 * 2 < 4 fails (exactly half is no decline).
    // Day 27: the earlier span (-1, 13] holds all 6, the last 14 days none.
    engine eng(only({signal_kind::usage_decline}));
    for (int i = 0; i < 4; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
    accept(eng, ev(days_after(d0, 13), "u", event_kind::view));
    accept(eng, ev(days_after(d0, 13) + pt::hours(1), "u", event_kind::view));
    eng.advance_to(days_after(d0, 60));
    CHECK(signals_of(eng, "u") == strings{"2024-03-28T00:00:00 !usage_decline time"});
    CHECK(signal_records(eng, "u")[0].why.figures == std::array<std::int32_t, 4>{0, 6, 14, 4});
  }
  {
    // Contacts are not activity: they neither count before nor save the person after.
    engine eng(only({signal_kind::usage_decline}));
    for (int i = 0; i < 4; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::post));
    for (int i = 0; i < 5; ++i) accept(eng, ev(days_after(d0, 3 + i), "u", event_kind::contact));
    eng.advance_to(days_after(d0, 60));
    CHECK(signals_of(eng, "u") == strings{"2024-03-15T00:00:00 !usage_decline time"});
  }
}

TEST_CASE("signals: usage_decline again only after a day without the decline", "[signals][decline]") {
  engine eng(only({signal_kind::usage_decline}));
  const pt::ptime d0 = at("2024-03-01 10:00:00");
  for (int i = 0; i < 4; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
  eng.advance_to(days_after(d0, 20));  // declining since 03-15
  // Active again: 4 events on day 20 end the decline at once; 14 days later
  // they are the earlier span and nothing follows them: a second decline.
  for (int i = 0; i < 4; ++i) accept(eng, ev(days_after(d0, 20) + pt::minutes(i), "u", event_kind::visit));
  eng.advance_to(days_after(d0, 60));
  CHECK(signals_of(eng, "u") ==
        strings{"2024-03-15T00:00:00 !usage_decline time", "2024-04-04T00:00:00 !usage_decline time"});
}

TEST_CASE("signals: usage_decline stops and starts again with no event in between", "[signals][decline]") {
  // 9 visits on day 0: declining from day 14. 4 views on day 15 keep it
  // (earlier 9, recent 4: 8 < 9). Day 28: day 0 leaves, the decline stops (no
  // event says so). Day 29: day 15's views are the earlier span, nothing since:
  // a second decline. Snapshots taken while it holds (day 25) and after it
  // stopped (day 28) carry on the same, and restore to the same bytes.
  const pt::ptime d0 = at("2024-03-01 10:00:00");
  const strings want{"2024-03-15T00:00:00 !usage_decline time", "2024-03-30T00:00:00 !usage_decline time"};
  for (const int restore_on : {0, 25, 28}) {
    CAPTURE(restore_on);
    engine eng(only({signal_kind::usage_decline}));
    for (int i = 0; i < 9; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
    for (int i = 0; i < 4; ++i) accept(eng, ev(days_after(d0, 15) + pt::minutes(i), "u", event_kind::view));
    if (restore_on != 0) {
      eng.advance_to(days_after(d0, restore_on));
      const std::vector<std::byte> bytes = eng.snapshot();
      eng = engine::restore(bytes);
      CHECK(eng.snapshot() == bytes);
    }
    eng.advance_to(days_after(d0, 60));
    CHECK(signals_of(eng, "u") == want);
  }
}

namespace {

/// usage_decline's signals of "u" by day 60 after `n` visits on day `day`,
/// then, with the clock moved to day `now` (advance_to with the host's clock,
/// another person's event in replay), one visit dated day `late`; a snapshot
/// restored after it when asked. Days count from 2024-03-01 10:00.
strings after_late_visit(int day, int n, int now, int late, bool host, bool restore) {
  const pt::ptime d0 = at("2024-03-01 10:00:00");
  policy p = only({signal_kind::usage_decline});
  if (host) p.clock = clock_mode::host;
  engine eng(p);
  if (host) eng.advance_to(days_after(d0, day));
  for (int i = 0; i < n; ++i) accept(eng, ev(days_after(d0, day) + pt::minutes(i), "u", event_kind::visit));
  if (host)
    eng.advance_to(days_after(d0, now));
  else
    accept(eng, ev(days_after(d0, now), "clock", event_kind::visit));
  accept(eng, ev(days_after(d0, late), "u", event_kind::visit));
  if (restore) eng = engine::restore(eng.snapshot());
  eng.advance_to(days_after(d0, 60));
  return signals_of(eng, "u");
}

/// after_late_visit in each clock mode, with and without the restore: all
/// four must give `want`.
void check_late_visit(int day, int n, int now, int late, const strings& want) {
  for (const bool host : {false, true})
    for (const bool restore : {false, true}) {
      CAPTURE(host, restore);
      CHECK(after_late_visit(day, n, now, late, host, restore) == want);
    }
}

}  // namespace

TEST_CASE("signals: a late event can make an earlier span hold enough for usage_decline",
          "[signals][decline][late]") {
  // Day 10: 3 visits, too few for a decline 14 days on. On day 12 a visit
  // dated day 8 arrives: the span ending on day 10 now holds 4, so day 24 has
  // 4 events in its earlier span and none since; from a snapshot taken on day
  // 12 as well.
  check_late_visit(10, 3, 12, 8, strings{"2024-03-25T00:00:00 !usage_decline time"});
}

TEST_CASE("signals: a late event whose spans already turned raises usage_decline the next day, also after a restore",
          "[signals][decline][late]") {
  // Day 0: 3 visits. On day 20 a visit dated day 1 arrives: had it come on
  // time, days 15 to 27 would have had 4 events in the earlier span and none
  // since. The engine's clock has passed day 15: the decline comes at the
  // start of day 21, from a snapshot taken on day 20 as well.
  check_late_visit(0, 3, 20, 1, strings{"2024-03-22T00:00:00 !usage_decline time"});
}

TEST_CASE("signals: usage_decline agrees with a day-by-day reference", "[signals][decline][property]") {
  // Random bursts of activity (and contacts, which are not activity) for a few
  // persons, a snapshot restored somewhere in the middle. The reference asks
  // the rule every day at the day's start, over the events delivered so far,
  // and, while a decline holds, again after each activity delivered. Some
  // settings deliver events up to 3 days late (in replay the clock is then the
  // latest event's time) and, with the host's clock, dated up to 2 days ahead;
  // one has days of more than 255 events (a day then takes two records).
  struct setting {
    int span, min_events;
    bool host, late;
    int burst;  // the most events one person has on one day
    int rounds;
  };
  const setting settings[] = {
      {14, 4, false, false, 12, 60}, {5, 1, false, false, 4, 40}, {14, 4, false, true, 12, 40},
      {14, 4, true, true, 12, 60},   {7, 3, true, true, 6, 40},   {3, 300, false, false, 600, 6},
  };
  std::mt19937 rng(2028);
  auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const gd::date first(2024, 1, 1);
  for (const setting& set : settings) {
    for (int round = 0; round < set.rounds; ++round) {
      struct planned {
        pt::ptime t;     // the event's time
        pt::ptime sent;  // when it reaches the engine
        std::string person;
        event_kind kind;
      };
      std::vector<planned> plan;
      for (int who = 0; who < 3; ++who)
        for (int day = 0; day < 120; ++day) {
          if (below(100) >= 12) continue;
          const int n = 1 + (below(3) == 0 ? below(set.burst) : below(3));
          for (int i = 0; i < n; ++i) {
            const event_kind k =
                below(6) == 0 ? event_kind::contact : (below(2) == 0 ? event_kind::visit : event_kind::view);
            const pt::ptime t = midnight(first + gd::days(day)) + pt::seconds(below(86400));
            pt::ptime sent = t;
            if (set.late && below(8) == 0) sent = t + pt::seconds(below(3 * 86400));
            else if (set.host && below(8) == 0) sent = t - pt::seconds(below(2 * 86400));  // dated ahead
            plan.push_back({t, sent, fmt::format("p{}", who), k});
          }
        }
      std::stable_sort(plan.begin(), plan.end(), [](const planned& a, const planned& b) { return a.sent < b.sent; });
      if (!set.host) {  // replay: the clock is the latest event's time
        pt::ptime clock = pt::min_date_time;
        for (planned& e : plan) e.sent = clock = std::max(clock, e.t);
      }
      const std::size_t cut = plan.empty() ? 0 : static_cast<std::size_t>(below(static_cast<int>(plan.size())));
      const pt::ptime end = midnight(first + gd::days(200));

      policy p = only({signal_kind::usage_decline});
      p.decline_days = set.span;
      p.decline_min_events = set.min_events;
      if (set.host) {
        p.clock = clock_mode::host;
        p.max_skew = pt::hours(72);
      }
      engine eng(p);
      for (std::size_t i = 0; i < plan.size(); ++i) {
        if (i == cut) eng = engine::restore(eng.snapshot());
        if (set.host) eng.advance_to(plan[i].sent);
        accept(eng, ev(plan[i].t, plan[i].person, plan[i].kind));
      }
      eng.advance_to(end);

      for (int who = 0; who < 3; ++who) {
        const std::string name = fmt::format("p{}", who);
        std::map<int, int> per_day;  // activity per day, as delivered so far
        auto holds = [&](int d) {
          int recent = 0, earlier = 0;
          for (const auto& [day, n] : per_day) {
            if (d - set.span < day && day <= d) recent += n;
            else if (d - 2 * set.span < day && day <= d - set.span) earlier += n;
          }
          return earlier >= set.min_events && 2 * recent < earlier;
        };
        strings want;
        bool declining = false;
        std::size_t next = 0;
        for (int d = 0; d < 200; ++d) {
          const bool now = holds(d);
          if (now && !declining)
            want.push_back(
                fmt::format("{}T00:00:00 !usage_decline time", gd::to_iso_extended_string(first + gd::days(d))));
          declining = now;
          for (; next < plan.size() && plan[next].sent < midnight(first + gd::days(d + 1)); ++next) {
            if (plan[next].person != name || plan[next].kind == event_kind::contact) continue;
            ++per_day[(plan[next].t.date() - first).days()];
            if (declining) declining = holds(d);
          }
        }
        CAPTURE(set.span, set.min_events, set.host, set.late, round, name, cut);
        if (eng.find(name)) CHECK(signals_of(eng, name) == want);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// contact_due and over_contacted

TEST_CASE("signals: contact_due for a reachable customer not contacted for 30 days", "[signals][contact]") {
  engine eng(only({signal_kind::contact_due}));
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, ev(t, "r", event_kind::follow));
  accept(eng, buy(t + pt::hours(1), "r", "p1"));
  accept(eng, buy(t + pt::hours(1), "n", "q1"));  // a customer who never confirmed: not reachable
  accept(eng, ev(t, "f", event_kind::follow));    // reachable but not a customer
  eng.advance_to(days_after(t, 31));
  const auto fired = signal_records(eng, "r");
  REQUIRE(fired.size() == 1);
  CHECK(brief(fired[0]) == "2024-02-09T00:00:00 !contact_due time");
  CHECK(to_string(fired[0].why) == "contact_due: reachable customer, never contacted, for 30 days (every 30 days)");
  CHECK(signals_of(eng, "n").empty());
  CHECK(signals_of(eng, "f").empty());
  CHECK(profile_of(eng, "r").reachable);
  CHECK_FALSE(profile_of(eng, "n").reachable);

  // A contact on 02-20 starts the cadence again: due 03-21; until then nothing.
  accept(eng, ev(at("2024-02-20 15:00:00"), "r", event_kind::contact));
  eng.advance_to(at("2024-03-20 23:00:00"));
  CHECK(signal_records(eng, "r").size() == 1);
  eng.advance_to(at("2024-03-21 00:00:00"));
  CHECK(signals_of(eng, "r").back() == "2024-03-21T00:00:00 !contact_due time");
  CHECK(to_string(signal_records(eng, "r").back().why) == "contact_due: not contacted for 30 days (every 30 days)");
  // No contact follows: the reminder repeats each cadence.
  eng.advance_to(at("2024-04-20 00:00:00"));
  CHECK(signals_of(eng, "r").back() == "2024-04-20T00:00:00 !contact_due time");
  CHECK(signal_records(eng, "r").back().why.figures[0] == 60);
}

TEST_CASE("signals: a refund of the first purchase moves contact_due to the next one", "[signals][contact][refund]") {
  // Reachable since 01-05; purchases on 01-10 and 01-20; the first refunded on
  // 01-22: a customer since 01-20, so due on 02-19, not 02-09.
  engine eng(only({signal_kind::contact_due}));
  accept(eng, ev(at("2024-01-05 10:00:00"), "r", event_kind::follow));
  accept(eng, buy(at("2024-01-10 10:00:00"), "r", "p1"));
  accept(eng, buy(at("2024-01-20 10:00:00"), "r", "p2"));
  accept(eng, refund(at("2024-01-22 10:00:00"), "r", "p1"));
  eng.advance_to(at("2024-02-25 00:00:00"));
  CHECK(signals_of(eng, "r") == strings{"2024-02-19T00:00:00 !contact_due time"});
}

TEST_CASE("signals: opt-in, opt-out and the cadence per stage", "[signals][contact]") {
  policy p = only({signal_kind::contact_due});
  p.set("contact_every_days_by_stage", "new:10");
  engine eng(p);
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, buy(t, "o", "p1"));
  eng.set_reachable(*eng.find("o"), true);  // opted in on 01-10 through the API
  CHECK(profile_of(eng, "o").reachable);
  eng.advance_to(days_after(t, 11));
  CHECK(signals_of(eng, "o") == strings{"2024-01-20T00:00:00 !contact_due time"});  // new: every 10 days
  eng.set_reachable(*eng.find("o"), false);  // opted out on 01-21
  CHECK_FALSE(profile_of(eng, "o").reachable);
  eng.advance_to(days_after(t, 100));
  CHECK(signal_records(eng, "o").size() == 1);
  // A follow dated before the opt-out does not undo it; one after it does.
  accept(eng, ev(days_after(t, 5), "o", event_kind::follow));
  CHECK_FALSE(profile_of(eng, "o").reachable);
  accept(eng, ev(days_after(t, 100), "o", event_kind::follow));
  CHECK(profile_of(eng, "o").reachable);
  eng.advance_to(days_after(t, 131));  // passive by now: every 30 days from the follow (04-19)
  CHECK(signals_of(eng, "o").back() == "2024-05-19T00:00:00 !contact_due time");

  CHECK_THROWS_AS(eng.set_reachable(person_id{}, true), lifecycle::error);
}

TEST_CASE("signals: over_contacted at the third contact within 7 days with no activity in between",
          "[signals][contact]") {
  engine eng(only({signal_kind::over_contacted, signal_kind::contact_due}));
  const pt::ptime t = at("2024-01-10 10:00:00");
  for (const char* who : {"a", "b", "c"}) {
    accept(eng, ev(t, who, event_kind::follow));
    accept(eng, buy(t, who, std::string(who) == "a" ? "pa" : std::string(who) == "b" ? "pb" : "pc"));
  }
  accept(eng, ev(days_after(t, 40), "a", event_kind::contact));
  accept(eng, ev(days_after(t, 42), "a", event_kind::contact));
  const ingest_result third = eng.ingest(ev(days_after(t, 47), "a", event_kind::contact));
  const auto raised = signals_in(third.transitions);
  REQUIRE(raised.size() == 1);
  CHECK(brief(raised[0]) == "2024-02-26T10:00:00 !over_contacted event");
  CHECK(to_string(raised[0].why) == "over_contacted: 3 contacts within 7 days and no activity in between (>= 3)");
  // Activity in between: no streak.
  accept(eng, ev(days_after(t, 40), "b", event_kind::contact));
  accept(eng, ev(days_after(t, 41), "b", event_kind::visit));
  accept(eng, ev(days_after(t, 42), "b", event_kind::contact));
  accept(eng, ev(days_after(t, 43), "b", event_kind::contact));
  // Spread over more than 7 days: no streak either.
  accept(eng, ev(days_after(t, 40), "c", event_kind::contact));
  accept(eng, ev(days_after(t, 44), "c", event_kind::contact));
  accept(eng, ev(days_after(t, 47) + pt::seconds(1), "c", event_kind::contact));
  eng.advance_to(days_after(t, 70));
  auto count = [&](std::string_view who, std::string_view what) {
    std::size_t n = 0;
    for (const std::string& s : signals_of(eng, who)) n += s.find(what) != std::string::npos;
    return n;
  };
  CHECK(count("b", "over_contacted") == 0);
  CHECK(count("c", "over_contacted") == 0);
  // b's and c's cadence runs from their last contact (02-22, 02-26 + 30 days: in March, after day 70);
  // a is held back while over-contacted.
  CHECK(count("a", "contact_due") == 1);  // 02-09, before the streak
  eng.advance_to(days_after(t, 120));
  CHECK(count("a", "contact_due") == 1);
  CHECK(count("b", "contact_due") >= 1);
  // a is active again: the hold ends and the overdue contact_due comes the next day.
  accept(eng, ev(days_after(t, 120) + pt::hours(1), "a", event_kind::visit));
  eng.advance_to(days_after(t, 122));
  CHECK(signals_of(eng, "a").back() == "2024-05-10T00:00:00 !contact_due time");
}

// ---------------------------------------------------------------------------
// birthday

TEST_CASE("signals: birthday at the start of the day each year; 29 February on 28 February otherwise",
          "[signals][birthday]") {
  engine eng(only({signal_kind::birthday}));
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, ev(t, "b", event_kind::visit));
  accept(eng, ev(t, "leap", event_kind::visit));
  eng.set_birthday(*eng.find("b"), month_day{3, 15});
  eng.set_birthday(*eng.find("leap"), parse_month_day("02-29"));
  CHECK(profile_of(eng, "b").birthday == month_day{3, 15});
  CHECK(signals_in(eng.advance_to(at("2024-02-28 23:59:59"))).empty());
  eng.advance_to(at("2026-03-01 00:00:00"));
  CHECK(signals_of(eng, "b") == strings{"2024-03-15T00:00:00 !birthday time", "2025-03-15T00:00:00 !birthday time"});
  CHECK(signals_of(eng, "leap") == strings{"2024-02-29T00:00:00 !birthday time", "2025-02-28T00:00:00 !birthday time",
                                           "2026-02-28T00:00:00 !birthday time"});
  const auto leap = signal_records(eng, "leap");
  CHECK(to_string(leap[0].why) == "birthday: 02-29");
  CHECK(to_string(leap[1].why) == "birthday: 02-29, marked on 02-28 (not a leap year)");

  eng.set_birthday(*eng.find("b"), std::nullopt);
  eng.advance_to(at("2027-01-01 00:00:00"));
  CHECK(signal_records(eng, "b").size() == 2);
  CHECK_FALSE(profile_of(eng, "b").birthday.has_value());
  CHECK_THROWS_AS(eng.set_birthday(*eng.find("b"), month_day{2, 30}), lifecycle::error);
}

TEST_CASE("signals: a birthday set before the first event, in the business calendar", "[signals][birthday]") {
  policy p = only({signal_kind::birthday});
  p.set("utc_offset", "+08:00");
  engine eng(p);
  const person_id b = eng.intern("b");
  eng.set_birthday(b, month_day{6, 1});
  accept(eng, ev(at("2024-05-01 10:00:00"), "b", event_kind::visit));
  eng.advance_to(at("2024-07-01 00:00:00"));
  CHECK(signals_of(eng, "b") == strings{"2024-05-31T16:00:00 !birthday time"});  // 06-01 00:00 at +08:00
}

// ---------------------------------------------------------------------------
// Points and tiers

TEST_CASE("signals: purchase points per whole unit; silver at 500; tier_down when they expire",
          "[signals][tiers]") {
  engine eng;  // the defaults: member, silver >= 500, gold >= 2000 over 365 days
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, buy(t, "m", "p1", 30099));  // 300.99 -> 300 points
  CHECK(profile_of(eng, "m").points == 300);
  CHECK(profile_of(eng, "m").tier == 0);
  const ingest_result r = eng.ingest(buy(days_after(t, 100), "m", "p2", 20000));  // + 200 = 500
  const auto up = signals_in(r.transitions);
  REQUIRE(up.size() == 1);
  CHECK(brief(up[0]) == "2024-04-19T10:00:00 !tier_up event");
  CHECK(to_string(up[0].why) == "tier_up: 500 points in 365 days reach tier 1 (>= 500)");
  CHECK(profile_of(eng, "m").tier == 1);
  CHECK(eng.tier_counts() == std::vector<std::uint64_t>{0, 1, 0});
  // 2025-01-09 is 365 days after 2024-01-10: the first purchase leaves the window.
  eng.advance_to(at("2025-01-08 12:00:00"));
  CHECK(profile_of(eng, "m").tier == 1);
  eng.advance_to(at("2025-01-09 00:00:00"));
  CHECK(profile_of(eng, "m").points == 200);
  CHECK(signals_of(eng, "m").back() == "2025-01-09T00:00:00 !tier_down time");
  CHECK(to_string(signal_records(eng, "m").back().why) == "tier_down: 200 points in 365 days, below 500 (now tier 0)");
  CHECK(eng.tier_counts() == std::vector<std::uint64_t>{1, 0, 0});
}

TEST_CASE("signals: a refund takes the points back; posts, reviews and converting referrals earn theirs",
          "[signals][tiers]") {
  engine eng;
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, buy(t, "m", "p1", 60000));
  CHECK(profile_of(eng, "m").tier == 1);
  const ingest_result back = eng.ingest(refund(t + pt::hours(1), "m", "p1", "r1"));
  REQUIRE(signals_in(back.transitions).size() == 1);
  CHECK(brief(signals_in(back.transitions)[0]) == "2024-01-10T11:00:00 !tier_down event");
  CHECK(profile_of(eng, "m").points == 0);

  for (int i = 0; i < 3; ++i) accept(eng, ev(t + pt::hours(2 + i), "w", event_kind::post));     // 3 x 30
  for (int i = 0; i < 2; ++i) accept(eng, ev(t + pt::hours(6 + i), "w", event_kind::review));   // 2 x 20
  accept(eng, referral(t + pt::hours(8), "w", "friend"));
  CHECK(profile_of(eng, "w").points == 130);
  accept(eng, ev(t + pt::hours(9), "friend", event_kind::visit));
  CHECK(profile_of(eng, "w").points == 130);       // not yet: the friend has not converted
  accept(eng, buy(t + pt::hours(10), "friend", "f1", 100));
  CHECK(profile_of(eng, "w").points == 230);       // the referral converted: + 100
  accept(eng, buy(t + pt::hours(11), "friend", "f2", 100));
  CHECK(profile_of(eng, "w").points == 230);       // only once
}

TEST_CASE("signals: custom tiers and points; tiers are not stages", "[signals][tiers][policy]") {
  policy p;
  p.set("tiers", "basic:0, vip:50");
  p.set("points", "visit:10");
  engine eng(p);
  const pt::ptime t = at("2024-01-10 10:00:00");
  for (int i = 0; i < 5; ++i) accept(eng, ev(t + pt::minutes(i), "v", event_kind::visit));
  const profile pr = profile_of(eng, "v");
  CHECK(pr.points == 50);
  CHECK(pr.tier == 1);
  CHECK(eng.rules().tiers[pr.tier].name == "vip");
  CHECK(pr.current_stage == stage::potential);  // a vip who never bought
}

TEST_CASE("signals: a resent post the id memory still holds earns nothing twice", "[signals][tiers][duplicate]") {
  engine eng;
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, ev(t, "w", event_kind::post, "post-1"));
  accept(eng, ev(days_after(t, 60), "w", event_kind::visit));  // past the 30-day activity reach
  CHECK(eng.ingest(ev(t, "w", event_kind::post, "post-1")).status == ingest_status::duplicate);
  CHECK(profile_of(eng, "w").points == 30);
}

// ---------------------------------------------------------------------------
// NPS

TEST_CASE("signals: NPS from the latest score of each person, by stage and primary role", "[signals][nps]") {
  engine eng;
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, feedback(t, "a", 10));
  accept(eng, feedback(t + pt::hours(1), "a", 3));   // a's latest: detractor
  accept(eng, feedback(t - pt::hours(1), "a", 9));   // late and older: does not replace it
  accept(eng, feedback(t, "b", 9));
  accept(eng, buy(t, "b", "pb"));
  accept(eng, feedback(t, "c", 7));
  accept(eng, ev(t, "d", event_kind::post));          // no score
  CHECK_FALSE(eng.ingest(feedback(t, "e", 11)).accepted());

  CHECK(profile_of(eng, "a").nps_score == 3);
  CHECK_FALSE(profile_of(eng, "d").nps_score.has_value());
  const nps_table n = eng.nps();
  CHECK(n.overall == nps_counts{1, 1, 1});
  CHECK(n.overall.score() == Approx(0.0));
  CHECK(n.by_stage[static_cast<std::size_t>(stage::potential)] == nps_counts{0, 1, 1});
  CHECK(n.by_stage[static_cast<std::size_t>(stage::new_customer)] == nps_counts{1, 0, 0});
  CHECK(n.by_stage[static_cast<std::size_t>(stage::new_customer)].score() == Approx(100.0));
  CHECK(n.by_primary_role[static_cast<std::size_t>(role::buyer)] == nps_counts{1, 0, 0});
  CHECK(n.by_primary_role[static_cast<std::size_t>(role::spectator)] == nps_counts{0, 1, 1});
  CHECK_FALSE(nps_counts{}.score().has_value());

  policy off;
  off.nps = false;
  engine quiet(off);
  accept(quiet, feedback(t, "a", 10));
  CHECK(quiet.nps().overall.responses() == 0);
}

// ---------------------------------------------------------------------------
// Switches, counts, snapshots

TEST_CASE("signals: signals = none emits none; all off refuses the attribute calls", "[signals][policy]") {
  policy p;
  p.signals = signal_set::none();
  engine eng(p);
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, ev(t, "v", event_kind::view));
  accept(eng, ev(t, "v", event_kind::follow));
  accept(eng, buy(t, "v", "p1", 100000));
  CHECK(profile_of(eng, "v").tier == 1);  // tiers are still kept (1000 points: silver), without signals
  eng.advance_to(days_after(t, 400));
  CHECK(profile_of(eng, "v").tier == 0);
  CHECK(signals_of(eng, "v").empty());
  CHECK(eng.signal_counts() == std::array<std::uint64_t, signal_count>{});

  p.tiers.clear();
  p.nps = false;
  engine bare(p);
  accept(bare, ev(t, "v", event_kind::view));
  CHECK(bare.memory().signals == 0);
  CHECK_THROWS_AS(bare.set_birthday(*bare.find("v"), month_day{1, 1}), lifecycle::error);
  CHECK_THROWS_AS(bare.set_reachable(*bare.find("v"), true), lifecycle::error);
}

TEST_CASE("signals: parts with nothing to do at a wake (birthday, NPS, points without tiers) match the full policy",
          "[signals][policy]") {
  // Such a book skips the engine's wakes (only decline, cadence, tiers and
  // expiring points act there): what those parts report must not depend on
  // the other parts being on.
  policy lean = only({signal_kind::birthday});
  lean.tiers.clear();  // points are still kept, and still leave their window
  engine full, part(lean);
  const pt::ptime t = at("2024-01-10 10:00:00");
  for (engine* e : {&full, &part}) {
    accept(*e, ev(t, "a", event_kind::follow));
    accept(*e, buy(t, "a", "pa", 70000));
    accept(*e, ev(t + pt::hours(1), "a", event_kind::review));
    accept(*e, feedback(t + pt::hours(2), "a", 9));
    accept(*e, ev(t, "b", event_kind::visit));
    accept(*e, feedback(t + pt::hours(3), "b", 3));
    e->set_birthday(*e->find("a"), month_day{3, 1});
    e->set_birthday(*e->find("b"), month_day{2, 29});
  }
  auto birthdays = [](const std::vector<std::string>& all) {
    std::vector<std::string> kept;
    for (const std::string& x : all)
      if (x.find("!birthday") != std::string::npos) kept.push_back(x);
    return kept;
  };
  for (int d : {30, 100, 200, 380}) {
    INFO("day " << d);
    for (engine* e : {&full, &part}) e->advance_to(days_after(t, d));
    for (const char* who : {"a", "b"}) {
      INFO(who);
      const profile pf = profile_of(full, who), pp = profile_of(part, who);
      CHECK(pp.points == pf.points);
      CHECK(pp.current_stage == pf.current_stage);
      CHECK(pp.roles == pf.roles);
      CHECK(pp.nps_score == pf.nps_score);
      CHECK(signals_of(part, who) == birthdays(signals_of(full, who)));
    }
    CHECK(part.nps() == full.nps());
  }
  CHECK(profile_of(part, "a").points == 0);  // 700 + 20 points, out of the 365-day window by day 380
  CHECK(signals_of(part, "a") == strings{"2024-03-01T00:00:00 !birthday time"});
  CHECK(signals_of(part, "b") == strings{"2024-02-29T00:00:00 !birthday time"});
}

TEST_CASE("signals: batch ingest counts signals apart from transitions; subscribers hear them",
          "[signals][batch]") {
  engine eng(only({signal_kind::browse_no_buy}));
  std::vector<std::string> heard;
  eng.subscribe([&](const transition& t) {
    if (t.what == change::signal) heard.push_back(brief(t));
  });
  const pt::ptime t = at("2024-05-01 09:00:00");
  const std::vector<event> events = {ev(t, "v", event_kind::view), ev(t + pt::hours(25), "w", event_kind::visit)};
  const batch_result b = eng.ingest(events);
  CHECK(b.signals == 1);
  CHECK(b.transitions == 2);  // +spectator for v and for w
  CHECK(heard == strings{"2024-05-02T09:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: a snapshot keeps pending signals, contacts, birthdays, points and scores",
          "[signals][snapshot]") {
  engine eng;
  const pt::ptime t = at("2024-01-10 10:00:00");
  accept(eng, ev(t, "a", event_kind::follow));
  accept(eng, buy(t, "a", "pa", 70000));
  accept(eng, ev(t + pt::hours(2), "a", event_kind::view));
  accept(eng, feedback(t + pt::hours(3), "a", 8));
  accept(eng, referral(t, "a", "z"));
  for (int i = 0; i < 2; ++i) accept(eng, ev(t + pt::hours(4 + i), "a", event_kind::contact));
  eng.set_birthday(*eng.find("a"), month_day{2, 1});

  engine copy = engine::restore(eng.snapshot());
  for (engine* e : {&eng, &copy}) {
    accept(*e, ev(t + pt::hours(6), "a", event_kind::contact));  // the third contact: over_contacted
    accept(*e, buy(t + pt::hours(7), "z", "pz", 100));             // z converts: + 100 for a
    e->advance_to(days_after(t, 400));
  }
  CHECK(briefs(copy.history(*copy.find("a"))) == briefs(eng.history(*eng.find("a"))));
  CHECK(signals_of(copy, "a") == signals_of(eng, "a"));
  CHECK(signals_of(eng, "a").size() >= 4);
  CHECK(copy.signal_counts() == eng.signal_counts());
  CHECK(copy.tier_counts() == eng.tier_counts());
  CHECK(copy.nps() == eng.nps());
  const profile pa = profile_of(eng, "a"), pc = profile_of(copy, "a");
  CHECK(pc.points == pa.points);
  CHECK(pc.nps_score == pa.nps_score);
  CHECK(pc.birthday == pa.birthday);
  CHECK(pc.reachable == pa.reachable);
}

TEST_CASE("signals: a late contact joins a streak only with no activity on or after its day",
          "[signals][contact][late]") {
  // The same four events in two orders: the 11:00 visit lies between the 10:00
  // contact and the next two, so neither order may raise over_contacted.
  const pt::ptime c1 = at("2024-01-10 10:00:00"), visit = at("2024-01-10 11:00:00");
  const pt::ptime c2 = at("2024-01-11 00:00:00"), c3 = at("2024-01-12 00:00:00");
  for (const bool contact_late : {false, true}) {
    CAPTURE(contact_late);
    engine eng(only({signal_kind::over_contacted}));
    if (!contact_late) accept(eng, ev(c1, "n", event_kind::contact));
    accept(eng, ev(visit, "n", event_kind::visit));
    accept(eng, ev(c2, "n", event_kind::contact));
    accept(eng, ev(c3, "n", event_kind::contact));
    if (contact_late) accept(eng, ev(c1, "n", event_kind::contact));
    CHECK(signals_of(eng, "n").empty());
  }
  // A late contact on a day without activity still counts.
  engine eng(only({signal_kind::over_contacted}));
  accept(eng, ev(at("2024-01-08 09:00:00"), "n", event_kind::visit));
  accept(eng, ev(c2, "n", event_kind::contact));
  accept(eng, ev(c3, "n", event_kind::contact));
  accept(eng, ev(c1, "n", event_kind::contact));
  CHECK(signals_of(eng, "n") == strings{"2024-01-12T00:00:00 !over_contacted event"});
}

TEST_CASE("signals: points count without tiers too", "[signals][tiers][policy]") {
  for (const char* tiers : {"none", "member:0"}) {
    CAPTURE(tiers);
    policy p;
    p.set("tiers", tiers);
    engine eng(p);
    const pt::ptime t = at("2024-03-02 11:00:00");
    accept(eng, buy(t, "d", "d1", 12000));                        // 120 points
    accept(eng, ev(t + pt::hours(96), "d", event_kind::review));  // + 20
    accept(eng, referral(t + pt::hours(97), "d", "f"));
    accept(eng, buy(t + pt::hours(98), "f", "f1", 100));          // f converts: + 100 for d
    CHECK(profile_of(eng, "d").points == 240);
    CHECK(profile_of(eng, "d").tier == 0);
    eng.advance_to(days_after(t, 400));
    CHECK(profile_of(eng, "d").points == 0);
    CHECK(eng.signal_counts()[static_cast<std::size_t>(signal_kind::tier_up)] == 0);
    CHECK(eng.signal_counts()[static_cast<std::size_t>(signal_kind::tier_down)] == 0);
  }
}

TEST_CASE("signals: every day of the year brings its birthdays, once a year", "[signals][birthday]") {
  engine eng(only({signal_kind::birthday}));
  const pt::ptime t = at("2023-12-31 12:00:00");
  std::vector<std::pair<std::string, month_day>> people;
  for (gd::date d(2024, 1, 1); d.year() == 2024; d += gd::days(1)) {
    const month_day b{static_cast<std::uint8_t>(d.month().as_number()), static_cast<std::uint8_t>(d.day().as_number())};
    people.emplace_back(fmt::format("p{}", people.size()), b);
  }
  for (const auto& [name, b] : people) {
    accept(eng, ev(t, name, event_kind::visit));
    eng.set_birthday(*eng.find(name), b);
  }
  eng.advance_to(at("2025-12-31 23:59:59"));  // (2026-01-01 00:00 would start p0's third)
  CHECK(eng.signal_counts()[static_cast<std::size_t>(signal_kind::birthday)] == 2 * 366);
  for (const auto& [name, b] : people) {
    const auto got = signal_records(eng, name);
    REQUIRE(got.size() == 2);
    CHECK(got[0].when.date() == gd::date(2024, b.month, b.day));
    const bool leap_day = b.month == 2 && b.day == 29;
    CHECK(got[1].when.date() == (leap_day ? gd::date(2025, 2, 28) : gd::date(2025, b.month, b.day)));
  }
}

TEST_CASE("signals: usage_decline with longer spans", "[signals][decline][policy]") {
  // 4 events on day 0, 1 on day (span - 5): on day `span` the earlier span holds 4, the recent 1.
  for (const int span : {20, 40}) {
    CAPTURE(span);
    policy p = only({signal_kind::usage_decline});
    p.decline_days = span;
    engine eng(p);
    const pt::ptime d0 = at("2024-03-01 10:00:00");
    for (int i = 0; i < 4; ++i) accept(eng, ev(d0 + pt::minutes(i), "u", event_kind::visit));
    accept(eng, ev(days_after(d0, span - 5), "u", event_kind::visit));
    eng.advance_to(days_after(d0, 4 * span));
    const auto fired = signal_records(eng, "u");
    REQUIRE(fired.size() == 1);
    CHECK(fired[0].when == midnight(days_after(gd::date(2024, 3, 1), span)));
    CHECK(fired[0].why.figures == std::array<std::int32_t, 4>{1, 4, span, 4});
  }
}

TEST_CASE("signals: a late view is answered by a purchase that came first", "[signals][browse][late]") {
  engine eng(only({signal_kind::browse_no_buy}));
  const pt::ptime t = at("2024-05-10 09:00:00");
  accept(eng, buy(t, "v", "p1"));                               // bought at 09:00 ...
  accept(eng, ev(t - pt::hours(2), "v", event_kind::view));     // ... after a view at 07:00 that arrives late
  accept(eng, ev(t - pt::hours(3), "w", event_kind::view));     // w bought nothing: its late view waits
  eng.advance_to(days_after(t, 3));
  CHECK(signals_of(eng, "v").empty());
  CHECK(signals_of(eng, "w") == strings{"2024-05-11T06:00:00 !browse_no_buy time"});
}

TEST_CASE("signals: usage_decline's next change day equals a day-by-day search", "[signals][decline][property]") {
  // decline_change jumps between the days a record enters, moves or leaves a
  // span; the reference asks every day in turn. Random lists (in day order or
  // not, as late events leave them; days after d from a host clock; counts up
  // to 255) must agree.
  std::mt19937 rng(2026);
  auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<detail::activity_day> scratch;
  for (int round = 0; round < 4000; ++round) {
    detail::signal_params sp;
    sp.decline_span = 1 + below(30);
    sp.decline_min = 1 + below(8);
    const detail::day_number d = 1000;
    std::vector<detail::activity_day> activity(static_cast<std::size_t>(below(12)));
    for (detail::activity_day& a : activity) {
      a.day = d - 3 * sp.decline_span + below(4 * sp.decline_span);
      a.any = static_cast<std::uint8_t>(1 + (below(4) == 0 ? below(255) : below(4)));
    }
    if (below(2) == 0)  // as most lists are: in day order
      std::sort(activity.begin(), activity.end(), [](const auto& x, const auto& y) { return x.day < y.day; });
    const bool now = below(2) == 0;
    // The reference: the first day whose condition differs from `now`.
    detail::day_number want = detail::no_day;
    for (detail::day_number D = d + 1; D <= d + 6 * sp.decline_span + 2; ++D)
      if (detail::declining_on(activity, D, sp) != now) {
        want = D;
        break;
      }
    CAPTURE(round, sp.decline_span, sp.decline_min, now);
    CHECK(detail::decline_change(activity, d, now, sp, scratch) == want);
  }
}

TEST_CASE("signals: the tier's next change day equals a day-by-day search", "[signals][tiers][property]") {
  // tier_change merges the days points enter and leave (or, with nothing dated
  // ahead and both lists in day order, walks the lists as they are); the
  // reference asks every day in turn. Random purchases and points days, in
  // order or not, some dated ahead (host clock), refunds, any current tier.
  std::mt19937 rng(2027);
  auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<std::pair<detail::day_number, std::int64_t>> steps;
  for (int round = 0; round < 4000; ++round) {
    detail::signal_params sp;
    sp.points_window = 5 + below(60);
    sp.points = {};
    sp.points[static_cast<std::size_t>(event_kind::purchase)] = below(3);
    sp.tier_min = {0, 100 + below(200), 400 + below(400)};
    const detail::day_number d = 1000;
    const bool ahead = below(3) == 0;
    auto some_day = [&] { return d - sp.points_window - 3 + below(sp.points_window + 6 + (ahead ? 10 : 0)); };
    std::vector<detail::purchase_record> purchases(static_cast<std::size_t>(below(8)));
    for (detail::purchase_record& r : purchases) {
      r.day = some_day();
      r.amount = 100 * below(300);
      if (below(6) == 0) r.flags = detail::purchase_record::refunded;
    }
    std::vector<detail::points_day> earned(static_cast<std::size_t>(below(10)));
    for (detail::points_day& e : earned) {
      e.day = some_day();
      e.points = 10 * below(40);
    }
    if (below(3) != 0) {  // as most lists are: in day order
      std::sort(purchases.begin(), purchases.end(), [](const auto& x, const auto& y) { return x.day < y.day; });
      std::sort(earned.begin(), earned.end(), [](const auto& x, const auto& y) { return x.day < y.day; });
    }
    const std::uint8_t tier = sp.tier_at(detail::points_on(purchases, earned, d, sp));
    detail::day_number want = detail::no_day;
    for (detail::day_number D = d + 1; D <= d + 2 * sp.points_window + 20; ++D)
      if (sp.tier_at(detail::points_on(purchases, earned, D, sp)) != tier) {
        want = D;
        break;
      }
    CAPTURE(round, sp.points_window, ahead, static_cast<int>(tier));
    CHECK(detail::tier_change(purchases, earned, d, tier, sp, steps) == want);
  }
}
