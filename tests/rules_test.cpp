// Every rule and boundary of model.md ("User roles", "Customer stages", "The
// state machine"), checked three ways for one person: person_state::evaluate on
// day D, a person_state advanced to D, and an engine advanced to D. The three
// must agree with the expectation worked out by hand from model.md.

#include "test_support.hpp"

#include "detail/person_rules.hpp"  // white-box: the stage graph

#include <set>

using namespace lctest;

namespace {

/// The day the rules are asked about.
const gd::date D = on("2024-07-01");

/// 10:00 UTC on the day \p k days before D.
pt::ptime ago(int k) { return midnight(D) - pt::hours(24 * k) + pt::hours(10); }

struct verdict {
  evaluation ev;                     // person_state::evaluate(D)
  stage state_stage = stage::potential;  // person_state advanced to D
  role_set state_roles;
  std::optional<role> state_primary;
  std::optional<profile> eng;        // engine advanced to D
  std::vector<transition> state_transitions;
};

/// Feeds \p events (all of person "p", in the given order, replay clock) to a
/// person_state and to an engine, and asks both about day D.
verdict judge(const std::vector<event>& events, const policy& p = {}) {
  verdict v;
  person_state s;
  pt::ptime now;
  for (const event& e : events) {
    now = now.is_special() ? e.time : std::max(now, e.time);
    apply_result r = s.apply(e, p, now);
    REQUIRE(r.status == apply_status::accepted);
    v.state_transitions.insert(v.state_transitions.end(), r.transitions.begin(), r.transitions.end());
  }
  v.ev = s.evaluate(D, p);
  const pt::ptime noon = day_start(D, p.utc_offset) + pt::hours(12);
  const auto moved = s.advance_to(noon, p);
  v.state_transitions.insert(v.state_transitions.end(), moved.begin(), moved.end());
  v.state_stage = s.current_stage();
  v.state_roles = s.roles();
  v.state_primary = s.to_profile(p).primary_role;

  engine eng(p);
  for (const event& e : events) REQUIRE(eng.ingest(e).accepted());
  eng.advance_to(noon);
  v.eng = eng.profile_of("p");
  return v;
}

void check_stage(const verdict& v, stage expected) {
  CHECK(v.ev.current_stage == expected);
  CHECK(v.state_stage == expected);
  REQUIRE(v.eng.has_value());
  CHECK(v.eng->current_stage == expected);
}

void check_reason(const verdict& v, reason::rule rule, std::array<std::int32_t, 4> figures) {
  CHECK(v.ev.stage_reason.which == rule);
  CHECK(v.ev.stage_reason.figures == figures);
}

void check_roles(const verdict& v, role_set expected, std::optional<role> primary) {
  CHECK(v.ev.roles == expected);
  CHECK(v.state_roles == expected);
  CHECK(v.ev.primary_role == primary);
  CHECK(v.state_primary == primary);
  REQUIRE(v.eng.has_value());
  CHECK(v.eng->roles == expected);
  CHECK(v.eng->primary_role == primary);
}

event visit(int k) { return ev(ago(k), "p", event_kind::visit); }
event of_kind(int k, event_kind kind) { return ev(ago(k), "p", kind); }
event follow(int k) { return ev(ago(k), "p", event_kind::follow); }
event purchase(int k) { return buy(ago(k), "p"); }
event with_coupon(int k) { return coupon_buy(ago(k), "p"); }

}  // namespace

// ---------------------------------------------------------------------------
// Rule 1: P = 0 -> potential.

TEST_CASE("rules: a person with no purchase is potential", "[rules][stage]") {
  const verdict v = judge({visit(5), of_kind(3, event_kind::search), of_kind(2, event_kind::cart)});
  check_stage(v, stage::potential);
  check_reason(v, reason::rule::no_purchase, {0, 0, 0, 0});
}

TEST_CASE("rules: contact is not activity - a contact-only person is known, potential, with no role",
          "[rules][roles][contact]") {
  const verdict v = judge({of_kind(2, event_kind::contact), of_kind(1, event_kind::contact)});
  check_stage(v, stage::potential);
  check_roles(v, role_set{}, std::nullopt);
  CHECK(v.ev.role_events == std::array<std::uint32_t, role_count>{0, 0, 0, 0, 0});
  CHECK(v.eng->first_seen == days_after(D, -2));
  CHECK(v.state_transitions.empty());
}

TEST_CASE("rules: contact does not keep a role or make a spectator", "[rules][roles][contact]") {
  // The post left the role window; the contact inside it counts for nothing.
  const verdict v = judge({of_kind(40, event_kind::post), of_kind(1, event_kind::contact)});
  check_roles(v, role_set{}, std::nullopt);
  // A visit next to contacts: spectator with one event.
  const verdict w = judge({of_kind(3, event_kind::contact), visit(2), of_kind(1, event_kind::contact)});
  check_roles(w, role_set{role::spectator}, role::spectator);
  CHECK(w.ev.role_events[static_cast<std::size_t>(role::spectator)] == 1);
}

TEST_CASE("rules: refunding every purchase leaves P = 0, potential", "[rules][stage][refund]") {
  const verdict v = judge({buy(ago(10), "p", "p1"), refund(ago(9), "p", "p1", "r1")});
  check_stage(v, stage::potential);
  check_reason(v, reason::rule::no_purchase, {1, 0, 0, 0});
  // Roles count events as they happened: the refunded purchase still made a buyer.
  check_roles(v, role_set{role::buyer}, role::buyer);
  CHECK(v.eng->purchases == 0);
  CHECK(v.eng->refunded_purchases == 1);
}

// ---------------------------------------------------------------------------
// Rule 2: D < first + new_days -> new.

TEST_CASE("rules: new on day first + 29, not on first + 30", "[rules][stage][boundary]") {
  const verdict v29 = judge({purchase(29)});
  check_stage(v29, stage::new_customer);
  check_reason(v29, reason::rule::new_customer, {29, 30, 0, 0});

  const verdict v30 = judge({purchase(30)});
  check_stage(v30, stage::passive);
  check_reason(v30, reason::rule::occasional, {1, 0, 180, 0});
}

TEST_CASE("rules: new wins over the deal-hunter pattern while the first purchase is recent",
          "[rules][stage][precedence]") {
  const verdict v = judge({with_coupon(5), with_coupon(4), with_coupon(3)});
  check_stage(v, stage::new_customer);
  check_reason(v, reason::rule::new_customer, {5, 30, 0, 0});
}

// ---------------------------------------------------------------------------
// Rule 3: D >= last + lapse_days -> passive.

TEST_CASE("rules: lapse on last + 90 exactly, not on last + 89", "[rules][stage][boundary]") {
  const verdict v89 = judge({purchase(91), purchase(90), purchase(89), follow(89)});
  check_stage(v89, stage::loyal);
  check_reason(v89, reason::rule::loyal, {3, 1, 180, 3});

  const verdict v90 = judge({purchase(92), purchase(91), purchase(90), follow(90)});
  check_stage(v90, stage::passive);
  check_reason(v90, reason::rule::lapse, {90, 90, 0, 0});
  CHECK(to_string(v90.ev.stage_reason) == "lapse: last purchase 90 days ago (>= 90)");
}

TEST_CASE("rules: lapse wins over the deal-hunter pattern", "[rules][stage][precedence]") {
  const verdict v = judge({with_coupon(100), with_coupon(95)});
  check_stage(v, stage::passive);
  check_reason(v, reason::rule::lapse, {95, 90, 0, 0});
}

// ---------------------------------------------------------------------------
// Rule 4: Pw >= 2 and Cw >= 0.5 * Pw -> deal hunter.

TEST_CASE("rules: deal hunter at exactly half the purchases with a coupon", "[rules][stage][deal]") {
  const verdict v = judge({with_coupon(60), purchase(50)});
  check_stage(v, stage::deal_hunter);
  check_reason(v, reason::rule::deal_hunter, {1, 2, 180, 500});
}

TEST_CASE("rules: not a deal hunter below half", "[rules][stage][deal]") {
  const verdict v = judge({with_coupon(60), purchase(50), purchase(40)});  // 1 of 3
  check_stage(v, stage::passive);
  check_reason(v, reason::rule::occasional, {3, 1, 180, 0});

  const verdict loyal = judge({with_coupon(60), purchase(50), purchase(40), follow(30)});
  check_stage(loyal, stage::loyal);
}

TEST_CASE("rules: a deal hunter needs two purchases in the window", "[rules][stage][deal]") {
  const verdict v = judge({with_coupon(60)});
  check_stage(v, stage::passive);
  check_reason(v, reason::rule::occasional, {1, 1, 180, 0});
}

TEST_CASE("rules: deal hunter wins over loyal", "[rules][stage][precedence]") {
  const verdict v = judge({with_coupon(70), with_coupon(60), purchase(50), purchase(40), follow(30)});
  check_stage(v, stage::deal_hunter);
  check_reason(v, reason::rule::deal_hunter, {2, 4, 180, 500});
}

TEST_CASE("rules: a policy share of 0.3 with Pw = 10 and Cw = 3 is a deal hunter (decimal shares are exact)",
          "[rules][stage][deal][policy]") {
  policy p;
  p.deal_coupon_share = 0.3;
  std::vector<event> three, two;
  for (int i = 0; i < 10; ++i) {
    three.push_back(i < 3 ? with_coupon(80 - i) : purchase(80 - i));
    two.push_back(i < 2 ? with_coupon(80 - i) : purchase(80 - i));
  }
  const verdict v = judge(three, p);
  check_stage(v, stage::deal_hunter);
  check_reason(v, reason::rule::deal_hunter, {3, 10, 180, 300});

  const verdict w = judge(two, p);
  check_stage(w, stage::passive);
  check_reason(w, reason::rule::occasional, {10, 2, 180, 0});
}

TEST_CASE("rules: the deal-hunter share is exact for every decimal share and count", "[rules][stage][deal][policy]") {
  // Cw >= share * Pw with share = pct / 100, decided in integers: 100 * Cw >= pct * Pw.
  const std::vector<int> percents = {5,  10, 15, 20, 25, 30, 33, 35, 40, 45, 50, 55,
                                     60, 65, 66, 67, 70, 75, 80, 85, 90, 95, 100};
  for (int pw = 1; pw <= 30; ++pw) {
    for (int cw = 0; cw <= pw; ++cw) {
      person_state s;
      const policy base;
      for (int i = 0; i < pw; ++i) {
        const event e = i < cw ? with_coupon(80 - i) : purchase(80 - i);
        REQUIRE(s.apply(e, base, e.time).status == apply_status::accepted);
      }
      for (int pct : percents) {
        policy p;
        p.deal_coupon_share = pct / 100.0;
        const bool deal = pw >= 2 && 100 * cw >= pct * pw;
        INFO("Pw " << pw << " Cw " << cw << " share " << pct << "%");
        CHECK(s.evaluate(D, p).current_stage == (deal ? stage::deal_hunter : stage::passive));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Rule 5: Pw >= 3 and Fw >= 1 -> loyal.

TEST_CASE("rules: loyal needs three purchases and a follow in the window", "[rules][stage][loyal]") {
  const verdict v = judge({purchase(60), purchase(50), purchase(40), follow(30)});
  check_stage(v, stage::loyal);
  check_reason(v, reason::rule::loyal, {3, 1, 180, 3});

  const verdict no_follow = judge({purchase(60), purchase(50), purchase(40)});
  check_stage(no_follow, stage::passive);
  check_reason(no_follow, reason::rule::occasional, {3, 0, 180, 0});

  const verdict two = judge({purchase(60), purchase(50), follow(30)});
  check_stage(two, stage::passive);
  check_reason(two, reason::rule::occasional, {2, 0, 180, 1});
}

TEST_CASE("rules: with loyal_requires_follow off, three purchases are loyal", "[rules][stage][loyal][policy]") {
  policy p;
  p.loyal_requires_follow = false;
  const verdict v = judge({purchase(60), purchase(50), purchase(40)}, p);
  check_stage(v, stage::loyal);
  check_reason(v, reason::rule::loyal, {3, 0, 180, 3});
  const verdict two = judge({purchase(60), purchase(50)}, p);
  check_stage(two, stage::passive);
}

TEST_CASE("rules: a follow 179 days ago counts for loyal, 180 days ago does not", "[rules][stage][loyal][boundary]") {
  const verdict in = judge({follow(179), purchase(60), purchase(50), purchase(40)});
  check_stage(in, stage::loyal);
  const verdict out = judge({follow(180), purchase(60), purchase(50), purchase(40)});
  check_stage(out, stage::passive);
  check_reason(out, reason::rule::occasional, {3, 0, 180, 0});
}

// ---------------------------------------------------------------------------
// The stage window: D - 180 < d <= D.

TEST_CASE("rules: a purchase 179 days ago counts in Pw, 180 days ago does not", "[rules][stage][boundary]") {
  const verdict in = judge({with_coupon(179), with_coupon(20)});
  check_stage(in, stage::deal_hunter);
  check_reason(in, reason::rule::deal_hunter, {2, 2, 180, 500});

  const verdict out = judge({with_coupon(180), with_coupon(20)});
  check_stage(out, stage::passive);
  check_reason(out, reason::rule::occasional, {1, 1, 180, 0});
  // P still counts it: both purchases are in the profile.
  CHECK(out.eng->purchases == 2);
  CHECK(out.eng->first_purchase == days_after(D, -180));
}

TEST_CASE("rules: refunded purchases do not count in Pw", "[rules][stage][refund]") {
  const verdict v = judge({coupon_buy(ago(60), "p", "p1"), coupon_buy(ago(50), "p", "p2"),
                           refund(ago(45), "p", "p2", "r2")});
  check_stage(v, stage::passive);
  check_reason(v, reason::rule::occasional, {1, 1, 180, 0});
}

// ---------------------------------------------------------------------------
// User roles.

TEST_CASE("rules: each kind makes the role model.md names", "[rules][roles]") {
  struct row {
    std::vector<event_kind> kinds;
    role_set roles;
    std::optional<role> primary;
  };
  using k = event_kind;
  const std::vector<row> rows = {
      {{k::post}, {role::creator}, role::creator},
      {{k::review}, {role::critic}, role::critic},
      {{k::join}, {role::spectator}, role::spectator},  // one join is not yet a habit
      {{k::join, k::join}, {role::joiner}, role::joiner},
      {{k::search}, {role::buyer}, role::buyer},
      {{k::cart}, {role::buyer}, role::buyer},
      {{k::purchase}, {role::buyer}, role::buyer},
      {{k::visit}, {role::spectator}, role::spectator},
      {{k::view}, {role::spectator}, role::spectator},
      {{k::follow}, {role::spectator}, role::spectator},
      {{k::referral}, {role::spectator}, role::spectator},
      {{k::feedback}, {role::spectator}, role::spectator},
      {{k::contact}, {}, std::nullopt},
      {{k::visit, k::view, k::join, k::feedback}, {role::spectator}, role::spectator},
      {{k::post, k::search}, {role::creator, role::buyer}, role::creator},
  };
  for (const row& r : rows) {
    std::vector<event> events;
    int day = 10;
    std::string names;
    for (event_kind kind : r.kinds) {
      events.push_back(kind == k::purchase ? purchase(day) : of_kind(day, kind));
      --day;
      names += std::string(to_string(kind)) + " ";
    }
    INFO("events: " << names);
    check_roles(judge(events), r.roles, r.primary);
  }
}

TEST_CASE("rules: a refund is activity, and a refund alone makes a spectator", "[rules][roles][refund]") {
  const verdict v = judge({refund(ago(3), "p", "nowhere", "r1")});
  check_roles(v, role_set{role::spectator}, role::spectator);
  check_stage(v, stage::potential);
}

TEST_CASE("rules: joiner at the second join in the role window, not the first", "[rules][roles][boundary]") {
  const verdict v = judge({of_kind(20, event_kind::join), of_kind(10, event_kind::join)});
  // +spectator at the first join; at the second +joiner and -spectator (another role now).
  CHECK(briefs(v.state_transitions) ==
        std::vector<std::string>{fmt::format("{} +spectator event", when_text(ago(20))),
                                 fmt::format("{} +joiner event", when_text(ago(10))),
                                 fmt::format("{} -spectator event", when_text(ago(10)))});
  REQUIRE(v.state_transitions.size() == 3);
  CHECK(v.state_transitions[1].why.which == reason::rule::role_held);
  CHECK(v.state_transitions[1].why.figures[0] == 2);
  CHECK(v.state_transitions[2].why.which == reason::rule::other_role);
  check_roles(v, role_set{role::joiner}, role::joiner);

  // Joins 29 and 1 days ago are both inside the 30-day window; 30 days ago is not.
  check_roles(judge({of_kind(29, event_kind::join), of_kind(1, event_kind::join)}), role_set{role::joiner},
              role::joiner);
  check_roles(judge({of_kind(30, event_kind::join), of_kind(1, event_kind::join)}), role_set{role::spectator},
              role::spectator);
}

TEST_CASE("rules: the role window holds an event 29 days ago, not 30 days ago", "[rules][roles][boundary]") {
  for (event_kind kind : {event_kind::post, event_kind::review, event_kind::search, event_kind::visit}) {
    INFO("kind " << to_string(kind));
    const verdict in = judge({of_kind(29, kind)});
    CHECK_FALSE(in.ev.roles.empty());
    CHECK(in.eng->roles == in.ev.roles);
    const verdict out = judge({of_kind(30, kind)});
    check_roles(out, role_set{}, std::nullopt);
  }
}

TEST_CASE("rules: the primary role has the most qualifying events, ties go creator, critic, joiner, buyer",
          "[rules][roles][primary]") {
  using k = event_kind;
  struct row {
    std::vector<event_kind> kinds;
    role_set roles;
    role primary;
  };
  const std::vector<row> rows = {
      {{k::post, k::review}, {role::creator, role::critic}, role::creator},
      {{k::review, k::post}, {role::creator, role::critic}, role::creator},
      {{k::review, k::search}, {role::critic, role::buyer}, role::critic},
      {{k::search, k::review, k::search, k::review}, {role::critic, role::buyer}, role::critic},
      {{k::join, k::search, k::join, k::search}, {role::joiner, role::buyer}, role::joiner},
      {{k::join, k::join, k::review, k::review}, {role::critic, role::joiner}, role::critic},
      {{k::post, k::review, k::join, k::join, k::search}, {role::creator, role::critic, role::joiner, role::buyer},
       role::joiner},
      {{k::search, k::search, k::search, k::post, k::post}, {role::creator, role::buyer}, role::buyer},
      {{k::post, k::search, k::cart}, {role::creator, role::buyer}, role::buyer},
      {{k::post, k::review, k::review}, {role::creator, role::critic}, role::critic},
      {{k::join, k::join, k::join, k::post, k::post, k::post, k::review, k::review, k::review, k::search,
        k::cart, k::search},
       {role::creator, role::critic, role::joiner, role::buyer},
       role::creator},
      // Visits and views are no role's qualifying events; they do not help spectator win.
      {{k::visit, k::visit, k::visit, k::view, k::search}, {role::buyer}, role::buyer},
  };
  for (const row& r : rows) {
    std::vector<event> events;
    int day = 20;
    std::string names;
    for (event_kind kind : r.kinds) {
      events.push_back(of_kind(day--, kind));
      names += std::string(to_string(kind)) + " ";
    }
    INFO("events: " << names);
    check_roles(judge(events), r.roles, r.primary);
  }
}

TEST_CASE("rules: spectator is lost when another role is gained and comes back when it leaves",
          "[rules][roles][time]") {
  // Post on D-50, visit on D-40. The post leaves the role window on D-20 while the
  // visit is still in it (until D-10).
  const verdict v = judge({of_kind(50, event_kind::post), visit(40)});
  const std::string post_out = when_text(midnight(days_after(D, -20)));
  const std::string visit_out = when_text(midnight(days_after(D, -10)));
  CHECK(briefs(v.state_transitions) ==
        std::vector<std::string>{fmt::format("{} +creator event", when_text(ago(50))),
                                 fmt::format("{} -creator time", post_out),
                                 fmt::format("{} +spectator time", post_out),
                                 fmt::format("{} -spectator time", visit_out)});
  check_roles(v, role_set{}, std::nullopt);

  const verdict w = judge({visit(50), of_kind(45, event_kind::post)});
  CHECK(briefs(w.state_transitions) ==
        std::vector<std::string>{fmt::format("{} +spectator event", when_text(ago(50))),
                                 fmt::format("{} +creator event", when_text(ago(45))),
                                 fmt::format("{} -spectator event", when_text(ago(45))),
                                 fmt::format("{} -creator time", when_text(midnight(days_after(D, -15))))});
}

// ---------------------------------------------------------------------------
// Every number is the policy's.

TEST_CASE("rules: a policy with other numbers moves every boundary", "[rules][policy]") {
  policy p;
  p.new_days = 7;
  p.lapse_days = 14;
  p.window_days = 20;
  p.role_window_days = 5;
  p.joiner_min_joins = 3;
  p.loyal_min_purchases = 2;
  p.deal_min_purchases = 3;
  p.deal_coupon_share = 1.0;
  REQUIRE_NOTHROW(p.validate());

  SECTION("new for 7 days") {
    const verdict v6 = judge({purchase(6)}, p);
    check_stage(v6, stage::new_customer);
    check_reason(v6, reason::rule::new_customer, {6, 7, 0, 0});
    check_stage(judge({purchase(7)}, p), stage::passive);
  }
  SECTION("lapse after 14 days") {
    check_stage(judge({purchase(15), purchase(13), follow(13)}, p), stage::loyal);
    const verdict v = judge({purchase(15), purchase(14), follow(14)}, p);
    check_stage(v, stage::passive);
    check_reason(v, reason::rule::lapse, {14, 14, 0, 0});
  }
  SECTION("loyal from two purchases, a follow within 20 days") {
    check_stage(judge({follow(19), purchase(13), purchase(12)}, p), stage::loyal);
    check_stage(judge({follow(20), purchase(13), purchase(12)}, p), stage::passive);
    check_stage(judge({purchase(20), purchase(12), follow(12)}, p), stage::passive);  // Pw = 1
  }
  SECTION("deal hunter needs three purchases, all with a coupon") {
    const verdict v = judge({with_coupon(13), with_coupon(12), with_coupon(11)}, p);
    check_stage(v, stage::deal_hunter);
    check_reason(v, reason::rule::deal_hunter, {3, 3, 20, 1000});
    check_stage(judge({with_coupon(13), with_coupon(12), purchase(11)}, p), stage::passive);
    check_stage(judge({with_coupon(13), with_coupon(12)}, p), stage::passive);
  }
  SECTION("joiner from three joins within 5 days") {
    const auto j = [](int k) { return of_kind(k, event_kind::join); };
    check_roles(judge({j(4), j(3), j(2)}, p), role_set{role::joiner}, role::joiner);
    check_roles(judge({j(5), j(3), j(2)}, p), role_set{role::spectator}, role::spectator);
    check_roles(judge({j(3), j(2)}, p), role_set{role::spectator}, role::spectator);
  }
}

// ---------------------------------------------------------------------------
// The state machine.

TEST_CASE("rules: the stage graph joins exactly the moves model.md draws", "[rules][graph]") {
  const std::set<std::pair<stage, stage>> edges = {
      {stage::potential, stage::new_customer}, {stage::new_customer, stage::deal_hunter},
      {stage::new_customer, stage::loyal},     {stage::new_customer, stage::passive},
      {stage::passive, stage::deal_hunter},    {stage::passive, stage::loyal},
      {stage::deal_hunter, stage::loyal},      {stage::loyal, stage::deal_hunter},
      {stage::deal_hunter, stage::passive},    {stage::loyal, stage::passive}};
  for (stage from : all_stages)
    for (stage to : all_stages) {
      if (from == to) continue;
      INFO(to_string(from) << " -> " << to_string(to));
      const bool normal = edges.count({from, to}) == 1;
      CHECK(lifecycle::stage_graph().is_normal(from, to) == normal);
      // The table the rules classify with says the same, for the engine and person_state alike.
      const auto params = lifecycle::detail::rule_params::from(policy{});
      CHECK((lifecycle::detail::classify_move(params, from, to) == move_kind::normal) == normal);
      CHECK((lifecycle::detail::classify_move(params, from, to) == move_kind::correction || normal));
    }
}

TEST_CASE("time units: the constant epoch is Boost's own count, and times go both ways exactly",
          "[rules][time]") {
  using namespace boost::posix_time;
  using boost::gregorian::date;
  CHECK(detail::epoch_ticks() == detail::ptime_ticks::of(ptime(date(1970, 1, 1))));
  CHECK(detail::to_us(ptime(date(1970, 1, 1))) == 0);
  CHECK(detail::to_us(ptime(date(1970, 1, 2), microseconds(1))) == detail::us_per_day + 1);
  CHECK(detail::to_us(ptime(date(1969, 12, 31), hours(23))) == -3600 * detail::us_per_second);
  for (const ptime t : {ptime(date(1400, 1, 1)), ptime(date(2024, 2, 29), hours(13) + microseconds(7)),
                        ptime(date(9999, 12, 31), hours(23) + minutes(59) + seconds(59) + microseconds(999999))})
    CHECK(detail::from_us(detail::to_us(t)) == t);
}
