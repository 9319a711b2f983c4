// person_state: one person's state as a plain value, without an engine.
// Same rules as the engine (model.md); plus next_deadline, evaluate and the
// byte encoding.

#include "test_support.hpp"

#include "detail/hash.hpp"  // white-box: re-sealing edited bytes with a valid checksum

#include <cstring>

using namespace lctest;
using Catch::Matchers::Contains;

namespace {

const policy defaults{};

/// Applies \p e with `now` = the event's time (replay), requiring acceptance.
apply_result accept(person_state& s, const event& e, const policy& p = defaults) {
  const pt::ptime now = std::max(s.known() ? s.clock() : e.time, e.time);
  apply_result r = s.apply(e, p, now);
  INFO("event at " << when_text(e.time));
  REQUIRE(r.status == apply_status::accepted);
  return r;
}

/// A state with a bit of everything: purchases with and without coupons, a
/// refund after its purchase, a refund still waiting for its purchase, every
/// activity kind, a follow; then some time passes.
person_state rich_state() {
  person_state s;
  const pt::ptime t0 = at("2024-02-01 09:00:00");
  accept(s, ev(t0, "r", event_kind::visit));
  accept(s, ev(days_after(t0, 1), "r", event_kind::view));
  accept(s, ev(days_after(t0, 2), "r", event_kind::search));
  accept(s, ev(days_after(t0, 2), "r", event_kind::cart));
  accept(s, buy(days_after(t0, 3), "r", "r-p1", 2500));
  accept(s, ev(days_after(t0, 4), "r", event_kind::follow));
  accept(s, coupon_buy(days_after(t0, 10), "r", "r-p2", 1200));
  accept(s, ev(days_after(t0, 11), "r", event_kind::post));
  accept(s, ev(days_after(t0, 12), "r", event_kind::review));
  accept(s, ev(days_after(t0, 13), "r", event_kind::join));
  accept(s, ev(days_after(t0, 14), "r", event_kind::join));
  accept(s, refund(days_after(t0, 15), "r", "r-p2", "r-r1"));
  accept(s, refund(days_after(t0, 16), "r", "r-p9", "r-r2"));  // its purchase never came (yet)
  accept(s, buy(days_after(t0, 40), "r", "r-p3", 990, true));
  event fb = ev(days_after(t0, 41), "r", event_kind::feedback);
  fb.score = 7;
  accept(s, fb);
  event ref = ev(days_after(t0, 42), "r", event_kind::referral);
  ref.target = "friend";
  accept(s, ref);
  accept(s, ev(days_after(t0, 43), "r", event_kind::contact));
  accept(s, buy(days_after(t0, 44), "r"));  // no id
  s.advance_to(days_after(t0, 50), defaults);
  return s;
}

std::vector<std::byte> reseal(std::vector<std::byte> bytes) {
  // Layout per person_state.cpp: ... checksum u64 (hash of everything before it, seeded with the magic).
  constexpr std::uint64_t magic = 0x5350434c;
  const std::size_t body = bytes.size() - 8;
  const std::uint64_t sum =
      lifecycle::detail::hash_bytes(reinterpret_cast<const char*>(bytes.data()), body, magic);
  for (std::size_t i = 0; i < 8; ++i) bytes[body + i] = static_cast<std::byte>((sum >> (8 * i)) & 0xff);
  return bytes;
}

}  // namespace

TEST_CASE("person_state: a fresh state is unknown and has no deadline", "[person_state]") {
  person_state s;
  CHECK_FALSE(s.known());
  CHECK(s.next_deadline(defaults).is_not_a_date_time());
  CHECK(s.advance_to(at("2024-01-01 00:00:00"), defaults).empty());
  CHECK_FALSE(s.known());
  CHECK(s.next_deadline(defaults).is_not_a_date_time());
}

TEST_CASE("person_state: a first purchase records potential -> new by event, then +buyer",
          "[person_state][rules]") {
  person_state s;
  const pt::ptime t = at("2024-03-01 10:00:00");
  const apply_result r = s.apply(buy(t, "x", "x-p1", 1500), defaults, t);
  REQUIRE(r.status == apply_status::accepted);
  CHECK(r.why_rejected == reject_reason::none);
  CHECK(briefs(r.transitions) ==
        std::vector<std::string>{"2024-03-01T10:00:00 potential->new event", "2024-03-01T10:00:00 +buyer event"});
  REQUIRE(r.transitions.size() == 2);
  CHECK_FALSE(r.transitions[0].person.valid());
  CHECK(r.transitions[0].why.which == reason::rule::new_customer);
  CHECK(r.transitions[0].why.figures[0] == 0);
  CHECK(r.transitions[0].why.figures[1] == 30);
  CHECK(r.transitions[1].why.which == reason::rule::role_held);
  CHECK(s.known());
  CHECK(s.current_stage() == stage::new_customer);
  CHECK(s.roles() == role_set{role::buyer});
  CHECK(s.clock() == t);

  const profile p = s.to_profile(defaults);
  CHECK_FALSE(p.id.valid());
  CHECK(p.current_stage == stage::new_customer);
  CHECK(p.stage_since == t);
  CHECK(p.roles == role_set{role::buyer});
  CHECK(p.primary_role == role::buyer);
  CHECK(p.purchases == 1);
  CHECK(p.coupon_purchases == 0);
  CHECK(p.refunded_purchases == 0);
  CHECK(p.spend == money{1500});
  CHECK(p.first_purchase == on("2024-03-01"));
  CHECK(p.last_purchase == on("2024-03-01"));
  CHECK(p.first_seen == on("2024-03-01"));
}

TEST_CASE("person_state: next_deadline and advance_to end the new period on first + 30",
          "[person_state][time]") {
  person_state s;
  const pt::ptime t = at("2024-03-01 10:00:00");
  accept(s, buy(t, "x", "x-p1"));
  // Nothing can change before 2024-03-31, when both the new period and the role window end.
  CHECK(s.next_deadline(defaults) == at("2024-03-31 00:00:00"));

  CHECK(s.advance_to(at("2024-03-30 23:59:59"), defaults).empty());
  CHECK(s.current_stage() == stage::new_customer);
  CHECK(s.clock() == at("2024-03-30 23:59:59"));

  const auto moved = s.advance_to(at("2024-03-31 00:00:00"), defaults);
  CHECK(briefs(moved) ==
        std::vector<std::string>{"2024-03-31T00:00:00 new->passive time", "2024-03-31T00:00:00 -buyer time"});
  REQUIRE_FALSE(moved.empty());
  CHECK(moved[0].why.which == reason::rule::occasional);
  CHECK(moved[0].why.figures == std::array<std::int32_t, 4>{1, 0, 180, 0});
  CHECK(s.current_stage() == stage::passive);
  CHECK(s.roles().empty());
  CHECK(s.to_profile(defaults).stage_since == at("2024-03-31 00:00:00"));

  // An earlier time is ignored.
  CHECK(s.advance_to(at("2024-03-02 00:00:00"), defaults).empty());
  CHECK(s.clock() == at("2024-03-31 00:00:00"));

  // The lapse (2024-05-30) and the window's end (2024-08-28) change nothing for a passive
  // one-time buyer; afterwards nothing is pending at all.
  CHECK(s.advance_to(at("2025-01-01 00:00:00"), defaults).empty());
  CHECK(s.current_stage() == stage::passive);
  CHECK(s.next_deadline(defaults).is_not_a_date_time());
}

TEST_CASE("person_state: advance_to gives every deadline inside one jump, in order", "[person_state][time]") {
  person_state s;
  accept(s, coupon_buy(at("2024-01-10 08:00:00"), "d", "d-p1"));
  accept(s, coupon_buy(at("2024-01-11 08:00:00"), "d", "d-p2"));
  const auto moved = s.advance_to(at("2024-12-31 00:00:00"), defaults);
  // 2024-02-09 (first + 30): Pw = 2, Cw = 2 -> deal hunter; the first purchase leaves the
  // role window but the second still makes a buyer. 2024-02-10: no buyer event left.
  // 2024-04-10 (last + 90): lapse.
  CHECK(briefs(moved) == std::vector<std::string>{"2024-02-09T00:00:00 new->deal_hunter time",
                                                  "2024-02-10T00:00:00 -buyer time",
                                                  "2024-04-10T00:00:00 deal_hunter->passive time"});
  REQUIRE(moved.size() == 3);
  CHECK(moved[0].why.which == reason::rule::deal_hunter);
  CHECK(moved[0].why.figures == std::array<std::int32_t, 4>{2, 2, 180, 500});
  CHECK(moved[2].why.which == reason::rule::lapse);
  CHECK(moved[2].why.figures == std::array<std::int32_t, 4>{90, 90, 0, 0});
}

TEST_CASE("person_state: a joiner made by a second join loses the role when the first join leaves",
          "[person_state][time][roles]") {
  person_state s;
  accept(s, ev(at("2024-03-01 10:00:00"), "j", event_kind::post));
  accept(s, ev(at("2024-03-20 10:00:00"), "j", event_kind::join));
  accept(s, ev(at("2024-03-25 10:00:00"), "j", event_kind::visit));
  s.advance_to(at("2024-04-01 00:00:00"), defaults);
  accept(s, ev(at("2024-04-05 10:00:00"), "j", event_kind::join));
  CHECK(s.roles() == role_set{role::joiner});
  CHECK(s.next_deadline(defaults) == at("2024-04-19 00:00:00"));
  CHECK(briefs(s.advance_to(at("2024-04-19 00:00:00"), defaults)) ==
        std::vector<std::string>{"2024-04-19T00:00:00 -joiner time", "2024-04-19T00:00:00 +spectator time"});
}

TEST_CASE("person_state: apply first moves the clock to now and reports those time changes first",
          "[person_state][time]") {
  person_state s;
  accept(s, buy(at("2024-03-01 10:00:00"), "x", "x-p1"));
  // A visit dated 2024-04-02 with now = 2024-04-02: the new period ended 2024-03-31.
  const apply_result r = s.apply(ev(at("2024-04-02 09:00:00"), "x", event_kind::visit), defaults,
                                 at("2024-04-02 09:00:00"));
  REQUIRE(r.status == apply_status::accepted);
  CHECK(briefs(r.transitions) == std::vector<std::string>{"2024-03-31T00:00:00 new->passive time",
                                                          "2024-03-31T00:00:00 -buyer time",
                                                          "2024-04-02T09:00:00 +spectator event"});
}

TEST_CASE("person_state: in replay an event later than now moves the clock to it", "[person_state][clock]") {
  person_state s;
  const apply_result r = s.apply(ev(at("2024-03-05 12:00:00"), "x", event_kind::visit), defaults,
                                 at("2024-03-01 00:00:00"));
  REQUIRE(r.status == apply_status::accepted);
  CHECK(s.clock() == at("2024-03-05 12:00:00"));
  CHECK(s.to_profile(defaults).first_seen == on("2024-03-05"));
  CHECK(s.roles() == role_set{role::spectator});
}

TEST_CASE("person_state: in host clock mode an event beyond max_skew is rejected and changes nothing",
          "[person_state][clock]") {
  policy host;
  host.clock = clock_mode::host;
  const pt::ptime now = at("2024-03-01 12:00:00");
  person_state s;
  const apply_result ahead = s.apply(buy(now + pt::minutes(5) + pt::seconds(1), "x", "x-p1"), host, now);
  CHECK(ahead.status == apply_status::rejected);
  CHECK(ahead.why_rejected == reject_reason::too_far_ahead);
  CHECK(ahead.transitions.empty());
  CHECK_FALSE(s.known());
  CHECK(s == person_state{});

  const apply_result within = s.apply(buy(now + pt::minutes(5), "x", "x-p1"), host, now);
  CHECK(within.status == apply_status::accepted);
  CHECK(s.known());
  CHECK(s.to_profile(host).purchases == 1);
  CHECK(s.clock() == now);  // host mode: the event does not move the clock

  const person_state before = s;
  const apply_result later = s.apply(ev(now + pt::hours(1), "x", event_kind::visit), host, now);
  CHECK(later.why_rejected == reject_reason::too_far_ahead);
  CHECK(s == before);
}

TEST_CASE("person_state: rejected events leave the state as it was", "[person_state][reject]") {
  person_state s = rich_state();
  const person_state before = s;
  const pt::ptime t = s.clock();

  event negative = buy(t, "r", "neg", -1);
  event no_ref = ev(t, "r", event_kind::refund);
  event bad_score = ev(t, "r", event_kind::feedback);
  bad_score.score = 11;
  event no_time = ev(nat(), "r", event_kind::visit);
  const std::vector<std::pair<event, reject_reason>> cases = {{negative, reject_reason::negative_amount},
                                                              {no_ref, reject_reason::missing_ref},
                                                              {bad_score, reject_reason::bad_score},
                                                              {no_time, reject_reason::bad_time}};
  for (const auto& [e, why] : cases) {
    INFO("expected reason " << static_cast<int>(why));
    const apply_result r = s.apply(e, defaults, t);
    CHECK(r.status == apply_status::rejected);
    CHECK(r.why_rejected == why);
    CHECK(r.transitions.empty());
    CHECK(s == before);
  }
  person_state fresh;
  CHECK(fresh.apply(negative, defaults, t).status == apply_status::rejected);
  CHECK_FALSE(fresh.known());
}

TEST_CASE("person_state: a repeated purchase id is a duplicate and changes nothing", "[person_state][duplicate]") {
  person_state s;
  const pt::ptime t = at("2024-03-01 10:00:00");
  accept(s, buy(t, "x", "x-p1", 1000));
  const person_state before = s;
  // Same id, even with other fields, arriving at the same clock.
  const apply_result r = s.apply(buy(t + pt::hours(1), "x", "x-p1", 5000, true), defaults, t + pt::hours(1));
  CHECK(r.status == apply_status::duplicate);
  CHECK(r.transitions.empty());
  const profile p = s.to_profile(defaults);
  CHECK(p.purchases == 1);
  CHECK(p.spend == money{1000});
  CHECK(p.coupon_purchases == 0);
  // A duplicate changes nothing at all.
  CHECK(s == before);
}

TEST_CASE("person_state: purchases without an id are never duplicates", "[person_state][duplicate]") {
  person_state s;
  const pt::ptime t = at("2024-03-01 10:00:00");
  accept(s, buy(t, "x", {}, 1000));
  accept(s, buy(t, "x", {}, 1000));
  const profile p = s.to_profile(defaults);
  CHECK(p.purchases == 2);
  CHECK(p.spend == money{2000});
}

TEST_CASE("person_state: refunds by id, before or after their purchase", "[person_state][refund]") {
  const pt::ptime t = at("2024-03-01 10:00:00");

  SECTION("refunding the only purchase returns the person to potential as a correction") {
    person_state s;
    accept(s, buy(t, "x", "x-p1", 1000));
    const apply_result r = accept(s, refund(t + pt::hours(2), "x", "x-p1", "x-r1"));
    CHECK(briefs(r.transitions) == std::vector<std::string>{"2024-03-01T12:00:00 new->potential correction"});
    REQUIRE_FALSE(r.transitions.empty());
    CHECK(r.transitions[0].why.which == reason::rule::no_purchase);
    CHECK(r.transitions[0].why.figures[0] == 1);
    const profile p = s.to_profile(defaults);
    CHECK(p.current_stage == stage::potential);
    CHECK(p.purchases == 0);
    CHECK(p.refunded_purchases == 1);
    CHECK(p.spend == money{0});
    CHECK_FALSE(p.first_purchase.has_value());
    CHECK_FALSE(p.last_purchase.has_value());
    CHECK(p.roles == role_set{role::buyer});  // the refunded purchase still showed intent
  }

  SECTION("a refund that arrives first cancels its purchase when it comes") {
    person_state s;
    const apply_result r1 = accept(s, refund(t, "x", "x-p1", "x-r1"));
    CHECK(briefs(r1.transitions) == std::vector<std::string>{"2024-03-01T10:00:00 +spectator event"});
    CHECK(s.current_stage() == stage::potential);
    const apply_result r2 = accept(s, buy(t + pt::hours(1), "x", "x-p1", 1000, true));
    CHECK(stage_changes(r2.transitions).empty());
    const profile p = s.to_profile(defaults);
    CHECK(p.current_stage == stage::potential);
    CHECK(p.purchases == 0);
    CHECK(p.coupon_purchases == 0);
    CHECK(p.refunded_purchases == 1);
    CHECK(p.spend == money{0});
    CHECK(p.roles == role_set{role::buyer});
  }

  SECTION("a second refund of the same purchase moves no money") {
    person_state s;
    accept(s, buy(t, "x", "x-p1", 1000));
    accept(s, refund(t + pt::hours(1), "x", "x-p1", "x-r1"));
    const profile before = s.to_profile(defaults);
    const apply_result r = s.apply(refund(t + pt::hours(1), "x", "x-p1", "x-r2"), defaults, t + pt::hours(1));
    CHECK(r.status == apply_status::accepted);
    const profile after = s.to_profile(defaults);
    CHECK(after.refunded_purchases == 1);
    CHECK(after.purchases == before.purchases);
    CHECK(after.spend == before.spend);
  }

  SECTION("two refunds before the purchase: the purchase is refunded once") {
    person_state s;
    accept(s, refund(t, "x", "x-p1", "x-r1"));
    const apply_result r = s.apply(refund(t, "x", "x-p1", "x-r2"), defaults, t);
    CHECK(r.status == apply_status::accepted);
    accept(s, buy(t, "x", "x-p1"));
    CHECK(s.to_profile(defaults).refunded_purchases == 1);
    CHECK(s.current_stage() == stage::potential);
  }

  SECTION("a refund of an unknown id changes no stage") {
    person_state s;
    accept(s, buy(t, "x", "x-p1", 1000));
    const apply_result r = accept(s, refund(t + pt::hours(1), "x", "x-p7", "x-r1"));
    CHECK(stage_changes(r.transitions).empty());
    const profile p = s.to_profile(defaults);
    CHECK(p.current_stage == stage::new_customer);
    CHECK(p.purchases == 1);
    CHECK(p.refunded_purchases == 0);
  }
}

TEST_CASE("person_state: a late purchase 200 days old as the first event is potential -> passive, a correction",
          "[person_state][correction]") {
  person_state s;
  const pt::ptime now = at("2024-08-01 12:00:00");
  const pt::ptime old = days_after(now, -200);
  const apply_result r = s.apply(buy(old, "x", "x-p1", 700), defaults, now);
  REQUIRE(r.status == apply_status::accepted);
  CHECK(briefs(r.transitions) == std::vector<std::string>{"2024-08-01T12:00:00 potential->passive correction"});
  REQUIRE(r.transitions.size() == 1);
  CHECK(r.transitions[0].why.which == reason::rule::lapse);
  CHECK(r.transitions[0].why.figures[0] == 200);
  CHECK(r.transitions[0].why.figures[1] == 90);
  const profile p = s.to_profile(defaults);
  CHECK(p.first_seen == old.date());
  CHECK(p.first_purchase == old.date());
  CHECK(p.roles.empty());
}

TEST_CASE("person_state: evaluate tells the rules on a later day without changing the state",
          "[person_state][rules]") {
  person_state s;
  accept(s, coupon_buy(at("2024-01-01 10:00:00"), "x", "x-p1"));
  accept(s, coupon_buy(at("2024-04-10 10:00:00"), "x", "x-p2"));
  const person_state before = s;
  // 2024-01-01 + 179 = 2024-06-28 still has both purchases in the 180-day window.
  CHECK(s.evaluate(on("2024-06-28"), defaults).current_stage == stage::deal_hunter);
  const evaluation out = s.evaluate(on("2024-06-29"), defaults);
  CHECK(out.current_stage == stage::passive);
  CHECK(out.stage_reason.which == reason::rule::occasional);
  CHECK(out.stage_reason.figures == std::array<std::int32_t, 4>{1, 1, 180, 0});
  CHECK(out.roles.empty());
  CHECK_FALSE(out.primary_role.has_value());
  // On the clock day itself.
  const evaluation today = s.evaluate(on("2024-04-10"), defaults);
  CHECK(today.current_stage == stage::deal_hunter);
  CHECK(today.roles == role_set{role::buyer});
  CHECK(today.primary_role == role::buyer);
  CHECK(today.role_events[static_cast<std::size_t>(role::buyer)] == 1);
  CHECK(s == before);
}

TEST_CASE("person_state: evaluate refuses a day before the state's clock", "[person_state][rules]") {
  person_state s;
  accept(s, buy(at("2024-03-10 10:00:00"), "x", "x-p1"));
  try {
    (void)s.evaluate(on("2024-03-09"), defaults);
    FAIL("no error for a day before the clock");
  } catch (const lifecycle::error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
  CHECK_NOTHROW(s.evaluate(on("2024-03-10"), defaults));
  CHECK_THROWS_AS(s.evaluate(gd::date(gd::not_a_date_time), defaults), lifecycle::error);
}

TEST_CASE("person_state: a contact-only person is known, potential, without roles",
          "[person_state][rules]") {
  person_state s;
  const apply_result r = accept(s, ev(at("2024-03-01 10:00:00"), "x", event_kind::contact));
  CHECK(r.transitions.empty());
  CHECK(s.known());
  CHECK(s.current_stage() == stage::potential);
  CHECK(s.roles().empty());
  const profile p = s.to_profile(defaults);
  CHECK_FALSE(p.primary_role.has_value());
  CHECK(p.first_seen == on("2024-03-01"));
}

TEST_CASE("person_state: copies are independent values", "[person_state]") {
  person_state a;
  accept(a, buy(at("2024-03-01 10:00:00"), "x", "x-p1"));
  person_state b = a;
  CHECK(a == b);
  accept(b, ev(at("2024-03-02 10:00:00"), "x", event_kind::post));
  CHECK_FALSE(a == b);
  CHECK(a.roles() == role_set{role::buyer});
  CHECK(b.roles() == role_set{role::creator, role::buyer});
}

TEST_CASE("person_state: to_bytes and from_bytes round-trip to an equal state and profile",
          "[person_state][bytes]") {
  for (const person_state& s : {person_state{}, rich_state()}) {
    const std::vector<std::byte> bytes = s.to_bytes();
    const person_state back = person_state::from_bytes(bytes);
    CHECK(back == s);
    CHECK(back.to_bytes() == bytes);
    CHECK(back.known() == s.known());
    if (s.known()) CHECK(all_fields(back.to_profile(defaults)) == all_fields(s.to_profile(defaults)));
  }
}

TEST_CASE("person_state: a restored state behaves like the original", "[person_state][bytes]") {
  person_state a = rich_state();
  person_state b = person_state::from_bytes(a.to_bytes());
  const event next = buy(days_after(a.clock(), 3), "r", "r-p4", 100, true);
  const apply_result ra = a.apply(next, defaults, next.time);
  const apply_result rb = b.apply(next, defaults, next.time);
  CHECK(ra.status == rb.status);
  CHECK(ra.transitions == rb.transitions);
  const pt::ptime later = at("2025-06-01 00:00:00");
  CHECK(a.advance_to(later, defaults) == b.advance_to(later, defaults));
  CHECK(a == b);
  // The refund waiting for r-p9 survived the round trip: the purchase comes in refunded.
  const event p9 = buy(later, "r", "r-p9", 100);
  CHECK(a.apply(p9, defaults, later).status == apply_status::accepted);
  CHECK(b.apply(p9, defaults, later).status == apply_status::accepted);
  CHECK(a.to_profile(defaults).refunded_purchases == 2);
  CHECK(a == b);
}

TEST_CASE("person_state: from_bytes of empty or truncated bytes throws invalid_state", "[person_state][bytes]") {
  const std::vector<std::byte> bytes = rich_state().to_bytes();
  REQUIRE(bytes.size() > 40);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("first " << n << " of " << bytes.size() << " bytes");
    try {
      (void)person_state::from_bytes(std::span<const std::byte>(bytes.data(), n));
      FAIL("truncated bytes were accepted");
    } catch (const lifecycle::error& e) {
      CHECK(e.code() == errc::invalid_state);
    }
  }
  CHECK_THROWS_AS(person_state::from_bytes({}), lifecycle::error);
  // Extra bytes at the end are not a valid state either.
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(person_state::from_bytes(longer), lifecycle::error);
}

TEST_CASE("person_state: from_bytes detects every single-bit flip", "[person_state][bytes]") {
  const std::vector<std::byte> bytes = rich_state().to_bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::byte> bad = bytes;
      bad[i] ^= static_cast<std::byte>(1u << bit);
      INFO("byte " << i << " bit " << bit);
      try {
        (void)person_state::from_bytes(bad);
        FAIL("a flipped bit went unnoticed");
      } catch (const lifecycle::error& e) {
        CHECK(e.code() == errc::invalid_state);
      }
    }
  }
}

TEST_CASE("person_state: from_bytes detects every single-byte change", "[person_state][bytes]") {
  const std::vector<std::byte> bytes = rich_state().to_bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned x : {0xffu, 0x80u, 0x55u}) {
      std::vector<std::byte> bad = bytes;
      bad[i] ^= static_cast<std::byte>(x);
      INFO("byte " << i << " xor " << x);
      CHECK_THROWS_AS(person_state::from_bytes(bad), lifecycle::error);
    }
  }
}

TEST_CASE("person_state: from_bytes refuses another format version", "[person_state][bytes]") {
  const std::vector<std::byte> bytes = rich_state().to_bytes();
  // The version (u16 little-endian) follows the 4-byte magic.
  for (std::uint8_t version : {0, 2, 255}) {
    std::vector<std::byte> other = bytes;
    other[4] = static_cast<std::byte>(version);
    INFO("version byte " << int(version));
    CHECK_THROWS_AS(person_state::from_bytes(other), lifecycle::error);
    // Even with a checksum that matches, a foreign version is refused by name.
    try {
      (void)person_state::from_bytes(reseal(other));
      FAIL("a foreign version was accepted");
    } catch (const lifecycle::error& e) {
      CHECK(e.code() == errc::invalid_state);
      CHECK_THAT(std::string(e.what()), Contains("version"));
    }
  }
}

TEST_CASE("person_state: from_bytes never misreads edited bytes with a valid checksum", "[person_state][bytes]") {
  // White-box fuzz: change one byte, re-seal the checksum, decode. Either the decoder
  // refuses (lifecycle::error) or what it accepts encodes back to exactly those bytes.
  // Under ASan this also proves no out-of-bounds read or huge allocation.
  const std::vector<std::byte> bytes = rich_state().to_bytes();
  std::size_t accepted = 0, refused = 0;
  for (std::size_t i = 0; i + 8 < bytes.size(); ++i) {
    for (unsigned v : {0x00u, 0x01u, 0x7fu, 0x80u, 0xffu}) {
      std::vector<std::byte> edited = bytes;
      if (edited[i] == static_cast<std::byte>(v)) continue;
      edited[i] = static_cast<std::byte>(v);
      edited = reseal(std::move(edited));
      INFO("byte " << i << " := " << v);
      try {
        const person_state s = person_state::from_bytes(edited);
        ++accepted;
        CHECK(s.to_bytes() == edited);
      } catch (const lifecycle::error& e) {
        ++refused;
        CHECK(e.code() == errc::invalid_state);
      }
    }
  }
  CHECK(refused > 0);
  CHECK(accepted > 0);  // e.g. an amount or a counter edited to another plausible value
}

TEST_CASE("person_state: from_bytes of random garbage throws and never crashes", "[person_state][bytes]") {
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::byte> junk(next() % 300);
    for (std::byte& b : junk) b = static_cast<std::byte>(next() & 0xff);
    if (round % 3 == 0 && junk.size() >= 6) {  // make some look like the real header
      const std::byte head[] = {std::byte{0x4c}, std::byte{0x43}, std::byte{0x50},
                                std::byte{0x53}, std::byte{0x01}, std::byte{0x00}};
      std::memcpy(junk.data(), head, sizeof head);
      if (junk.size() >= 14) junk = reseal(std::move(junk));
    }
    INFO("round " << round << " size " << junk.size());
    try {
      const person_state s = person_state::from_bytes(junk);
      CHECK(s.to_bytes() == junk);
    } catch (const lifecycle::error& e) {
      CHECK(e.code() == errc::invalid_state);
    }
  }
}
