// The vocabulary: stages, roles, event kinds, causes, role sets, money, reasons.
// Names are those of model.md; every expectation is written out by hand.

#include "test_support.hpp"

#include <limits>
#include <set>
#include <utility>

using namespace lctest;

TEST_CASE("stage: to_string, parse_stage and fmt agree with the model's names", "[vocabulary][stage]") {
  const std::vector<std::pair<stage, std::string_view>> names = {{stage::potential, "potential"},
                                                                 {stage::new_customer, "new"},
                                                                 {stage::passive, "passive"},
                                                                 {stage::deal_hunter, "deal_hunter"},
                                                                 {stage::loyal, "loyal"}};
  REQUIRE(stage_count == 5);
  REQUIRE(all_stages.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto [s, name] = names[i];
    INFO("stage " << name);
    CHECK(all_stages[i] == s);
    CHECK(to_string(s) == name);
    CHECK(parse_stage(name) == s);
    CHECK(fmt::format("{}", s) == name);
  }
  CHECK(fmt::format("{}", stage::deal_hunter) == "deal_hunter");
  CHECK(fmt::format("[{:>6}]", stage::new_customer) == "[   new]");
  CHECK(fmt::format("[{:<9}]", stage::loyal) == "[loyal    ]");
}

TEST_CASE("stage: parse_stage of unknown or differently spelled text is nullopt", "[vocabulary][stage]") {
  for (std::string_view bad : {"", "new_customer", "Loyal", "POTENTIAL", " loyal", "loyal ", "deal-hunter",
                               "dealhunter", "customer"}) {
    INFO("text '" << std::string(bad) << "'");
    CHECK_FALSE(parse_stage(bad).has_value());
  }
}

TEST_CASE("stage: is_customer is false only for potential", "[vocabulary][stage]") {
  CHECK_FALSE(is_customer(stage::potential));
  CHECK(is_customer(stage::new_customer));
  CHECK(is_customer(stage::passive));
  CHECK(is_customer(stage::deal_hunter));
  CHECK(is_customer(stage::loyal));
}

TEST_CASE("role: to_string, parse_role and fmt agree, in report order", "[vocabulary][role]") {
  const std::vector<std::pair<role, std::string_view>> names = {{role::creator, "creator"},
                                                                {role::critic, "critic"},
                                                                {role::joiner, "joiner"},
                                                                {role::spectator, "spectator"},
                                                                {role::buyer, "buyer"}};
  REQUIRE(role_count == 5);
  REQUIRE(all_roles.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto [r, name] = names[i];
    INFO("role " << name);
    CHECK(all_roles[i] == r);
    CHECK(to_string(r) == name);
    CHECK(parse_role(name) == r);
    CHECK(fmt::format("{}", r) == name);
  }
  for (std::string_view bad : {"", "Creator", "buyers", "none", "spectators", "critic,"}) {
    INFO("text '" << std::string(bad) << "'");
    CHECK_FALSE(parse_role(bad).has_value());
  }
}

TEST_CASE("event_kind: the thirteen kinds of model.md round-trip", "[vocabulary][event_kind]") {
  const std::vector<std::pair<event_kind, std::string_view>> names = {
      {event_kind::visit, "visit"},       {event_kind::view, "view"},       {event_kind::search, "search"},
      {event_kind::cart, "cart"},         {event_kind::purchase, "purchase"}, {event_kind::refund, "refund"},
      {event_kind::post, "post"},         {event_kind::review, "review"},   {event_kind::join, "join"},
      {event_kind::follow, "follow"},     {event_kind::referral, "referral"}, {event_kind::feedback, "feedback"},
      {event_kind::contact, "contact"}};
  REQUIRE(event_kind_count == 13);
  REQUIRE(all_event_kinds.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto [k, name] = names[i];
    INFO("kind " << name);
    CHECK(all_event_kinds[i] == k);
    CHECK(to_string(k) == name);
    CHECK(parse_event_kind(name) == k);
    CHECK(fmt::format("{}", k) == name);
  }
  for (std::string_view bad : {"", "Visit", "purchases", "click", "refunds", "contact "}) {
    INFO("text '" << std::string(bad) << "'");
    CHECK_FALSE(parse_event_kind(bad).has_value());
  }
}

TEST_CASE("event_kind: contact is the only kind that is not activity", "[vocabulary][event_kind]") {
  for (event_kind k : all_event_kinds) {
    INFO("kind " << to_string(k));
    CHECK(is_activity(k) == (k != event_kind::contact));
  }
}

TEST_CASE("cause, change, clock_mode and ingest_status names round-trip", "[vocabulary]") {
  CHECK(to_string(cause::event) == "event");
  CHECK(to_string(cause::time) == "time");
  CHECK(to_string(cause::correction) == "correction");
  for (cause c : {cause::event, cause::time, cause::correction}) CHECK(parse_cause(to_string(c)) == c);
  CHECK_FALSE(parse_cause("Event").has_value());
  CHECK_FALSE(parse_cause("").has_value());
  CHECK(fmt::format("{}", cause::correction) == "correction");

  CHECK(to_string(change::stage) == "stage");
  CHECK(to_string(change::role_gained) == "role_gained");
  CHECK(to_string(change::role_lost) == "role_lost");

  CHECK(to_string(clock_mode::replay) == "replay");
  CHECK(to_string(clock_mode::host) == "host");
  CHECK(parse_clock_mode("host") == clock_mode::host);
  CHECK(parse_clock_mode("replay") == clock_mode::replay);
  CHECK_FALSE(parse_clock_mode("wall").has_value());

  CHECK(to_string(ingest_status::accepted) == "accepted");
  CHECK(to_string(ingest_status::duplicate) == "duplicate");
  CHECK(to_string(ingest_status::rejected) == "rejected");
  for (auto st : {ingest_status::accepted, ingest_status::duplicate, ingest_status::rejected})
    CHECK(parse_ingest_status(to_string(st)) == st);
  CHECK_FALSE(parse_ingest_status("ok").has_value());

  CHECK(to_string(history_mode::full) == "full");
  CHECK(to_string(history_mode::stages) == "stages");
  CHECK(to_string(history_mode::none) == "none");
  for (auto m : {history_mode::full, history_mode::stages, history_mode::none})
    CHECK(parse_history_mode(to_string(m)) == m);
  CHECK_FALSE(parse_history_mode("all").has_value());
}

TEST_CASE("role_set: text lists roles in report order, 'none' when empty", "[vocabulary][role_set]") {
  CHECK(to_string(role_set{role::buyer, role::creator}) == "creator,buyer");
  CHECK(to_string(role_set{}) == "none");
  CHECK(to_string(role_set{role::buyer, role::spectator, role::joiner, role::critic, role::creator}) ==
        "creator,critic,joiner,spectator,buyer");
  CHECK(to_string(role_set{role::buyer, role::critic}, " + ") == "critic + buyer");
  CHECK(to_string(role_set{}, ",", "-") == "-");
  CHECK(fmt::format("{}", role_set{role::joiner, role::critic}) == "critic,joiner");
  CHECK(fmt::format("{}", role_set{}) == "none");
}

TEST_CASE("role_set: parse_role_set accepts any order and 'none', rejects junk", "[vocabulary][role_set]") {
  CHECK(parse_role_set("buyer,creator") == role_set{role::creator, role::buyer});
  CHECK(parse_role_set("creator,buyer") == role_set{role::creator, role::buyer});
  CHECK(parse_role_set("none") == role_set{});
  CHECK(parse_role_set("spectator") == role_set{role::spectator});
  for (std::string_view bad : {"", "creator,", ",creator", "creator,,buyer", "creator,unknown", "None",
                               "creator buyer"}) {
    INFO("text '" << std::string(bad) << "'");
    CHECK_FALSE(parse_role_set(bad).has_value());
  }
}

TEST_CASE("role_set: every subset round-trips through its text", "[vocabulary][role_set]") {
  for (unsigned bits = 0; bits < 32; ++bits) {
    const role_set s = role_set::from_bits(static_cast<std::uint8_t>(bits));
    INFO("bits " << bits);
    CHECK(s.bits() == bits);
    int n = 0;
    for (role r : all_roles) {
      const bool in = (bits >> static_cast<unsigned>(r)) & 1u;
      CHECK(s.contains(r) == in);
      n += in ? 1 : 0;
    }
    CHECK(s.size() == n);
    CHECK(s.empty() == (bits == 0));
    CHECK(parse_role_set(to_string(s)) == s);
  }
}

TEST_CASE("role_set: insert, erase and from_bits dropping high bits", "[vocabulary][role_set]") {
  role_set s;
  CHECK(s.empty());
  s.insert(role::critic);
  s.insert(role::critic);
  CHECK(s.size() == 1);
  CHECK(s.contains(role::critic));
  CHECK_FALSE(s.contains(role::creator));
  s.insert(role::buyer);
  s.erase(role::critic);
  CHECK(s == role_set{role::buyer});
  s.erase(role::joiner);  // not held: no effect
  CHECK(s == role_set{role::buyer});
  CHECK(role_set::from_bits(0xff).bits() == 0x1f);
  CHECK(role_set::from_bits(0xe0).empty());
  CHECK(role_set{role::creator}.bits() == 1);
  CHECK(role_set{role::buyer}.bits() == 16);
}

TEST_CASE("money: parse_money reads major units into exact minor units", "[vocabulary][money]") {
  const std::vector<std::pair<std::string_view, std::int64_t>> good = {
      {"12.34", 1234}, {"12", 1200},  {"12.5", 1250},  {"0.05", 5},       {"-0.05", -5},
      {"-3.10", -310}, {"0", 0},      {"0.00", 0},     {"100.01", 10001}, {"-12", -1200},
      {"007.50", 750}, {"90000000000.00", 9'000'000'000'000}};
  for (const auto& [text, minor] : good) {
    INFO("text '" << std::string(text) << "'");
    CHECK(parse_money(text) == money{minor});
  }
}

TEST_CASE("money: parse_money refuses rounding, junk and empty text", "[vocabulary][money]") {
  for (std::string_view bad : {"12.345", "0.001", "", "-", ".", "abc", "12a", "1.2.3", "1,00", " 1", "1 ",
                               "--1", "1e3", "0x10", "12.3a", "99999999999999999999"}) {
    INFO("text '" << std::string(bad) << "'");
    CHECK_FALSE(parse_money(bad).has_value());
  }
}

TEST_CASE("money: values beyond +-9e15 are refused as money.hpp documents", "[vocabulary][money]") {
  // money.hpp: "a value beyond +-9e15 give nullopt". 9999999999999999 (16 nines) is beyond
  // 9e15 whether the bound is read in major or in minor units.
  CHECK_FALSE(parse_money("9999999999999999").has_value());
  CHECK_FALSE(parse_money("-9999999999999999").has_value());
  CHECK_FALSE(parse_money("9999999999999999.99").has_value());
}

TEST_CASE("money: to_string prints two decimals and a leading minus", "[vocabulary][money]") {
  CHECK(to_string(money{1234}) == "12.34");
  CHECK(to_string(money{-5}) == "-0.05");
  CHECK(to_string(money{0}) == "0.00");
  CHECK(to_string(money{100}) == "1.00");
  CHECK(to_string(money{7}) == "0.07");
  CHECK(to_string(money{-310}) == "-3.10");
  CHECK(to_string(money{-100}) == "-1.00");
  CHECK(to_string(money{std::numeric_limits<std::int64_t>::min()}) == "-92233720368547758.08");
  CHECK(to_string(money{std::numeric_limits<std::int64_t>::max()}) == "92233720368547758.07");
  CHECK(fmt::format("{}", money{1999}) == "19.99");
  CHECK(fmt::format("[{:>7}]", money{-5}) == "[  -0.05]");
}

TEST_CASE("money: printed amounts parse back to the same value", "[vocabulary][money]") {
  for (std::int64_t v : {0LL, 1LL, -1LL, 9LL, 10LL, 99LL, 100LL, 101LL, -101LL, 123456789LL, -987654321LL,
                         100'000'000'000'000LL}) {
    INFO("minor " << v);
    CHECK(parse_money(to_string(money{v})) == money{v});
  }
}

TEST_CASE("money: arithmetic and ordering are exact on minor units", "[vocabulary][money]") {
  money m{1005};
  m += money{995};
  CHECK(m == money{2000});
  m -= money{2001};
  CHECK(m == money{-1});
  CHECK(money{3} + money{4} == money{7});
  CHECK(money{3} - money{4} == money{-1});
  CHECK(money{3} < money{4});
  CHECK(money{-4} < money{3});
  CHECK(money{} == money{0});
}

TEST_CASE("reason: the lapse sentence names the days and the threshold", "[vocabulary][reason]") {
  reason r;
  r.which = reason::rule::lapse;
  r.figures = {90, 90, 0, 0};
  CHECK(to_string(r) == "lapse: last purchase 90 days ago (>= 90)");
  r.figures = {91, 90, 0, 0};
  CHECK(to_string(r) == "lapse: last purchase 91 days ago (>= 90)");
  CHECK(fmt::format("{}", r) == "lapse: last purchase 91 days ago (>= 90)");
}

TEST_CASE("reason: the sentences docs/model.md quotes", "[vocabulary][reason]") {
  auto text = [](reason::rule w, std::array<std::int32_t, 4> f, role about = role::spectator) {
    reason r;
    r.which = w;
    r.about = about;
    r.figures = f;
    return to_string(r);
  };
  using rule = reason::rule;
  CHECK(text(rule::deal_hunter, {2, 2, 180, 500}) ==
        "deal hunter: 2 of 2 purchases in 180 days with a coupon (>= 50%)");
  CHECK(text(rule::occasional, {2, 0, 180, 0}) == "occasional: 2 purchases in 180 days, 0 with a coupon, 0 follows");
  CHECK(text(rule::role_held, {2, 2, 30, 0}, role::joiner) == "joiner: 2 joins in 30 days (>= 2)");
  CHECK(text(rule::no_purchase, {1, 0, 0, 0}) == "potential: no net purchase (1 refunded)");
  CHECK(text(rule::lapse, {151, 90, 0, 0}) == "lapse: last purchase 151 days ago (>= 90)");
}

TEST_CASE("reason: every rule's sentence starts with its rule and shows its figures",
          "[vocabulary][reason]") {
  auto text = [](reason::rule w, std::array<std::int32_t, 4> f, role about = role::spectator) {
    reason r;
    r.which = w;
    r.about = about;
    r.figures = f;
    return to_string(r);
  };
  using rule = reason::rule;
  using Catch::Matchers::Contains;
  using Catch::Matchers::StartsWith;
  CHECK_THAT(text(rule::no_purchase, {0, 0, 0, 0}), StartsWith("potential"));
  CHECK_THAT(text(rule::no_purchase, {2, 0, 0, 0}), StartsWith("potential") && Contains("2"));
  CHECK_THAT(text(rule::new_customer, {12, 30, 0, 0}), StartsWith("new") && Contains("12") && Contains("30"));
  CHECK_THAT(text(rule::deal_hunter, {3, 5, 180, 500}),
             StartsWith("deal") && Contains("3") && Contains("5") && Contains("180") && Contains("50"));
  CHECK_THAT(text(rule::loyal, {4, 2, 180, 3}), StartsWith("loyal") && Contains("4") && Contains("180"));
  CHECK_THAT(text(rule::occasional, {1, 0, 180, 0}), Contains("1") && Contains("180"));
  CHECK_THAT(text(rule::role_held, {2, 2, 30, 0}, role::joiner), StartsWith("joiner") && Contains("30"));
  CHECK_THAT(text(rule::role_dropped, {0, 1, 30, 0}, role::creator), StartsWith("creator") && Contains("30"));
  CHECK_THAT(text(rule::other_role, {4, 0, 30, 0}, role::spectator), StartsWith("spectator"));
  // Distinct rules give distinct sentences for the same figures.
  std::set<std::string> seen;
  for (rule w : {rule::no_purchase, rule::new_customer, rule::lapse, rule::deal_hunter, rule::loyal,
                 rule::occasional, rule::role_held, rule::role_dropped, rule::other_role})
    seen.insert(text(w, {1, 2, 3, 4}, role::critic));
  CHECK(seen.size() == 9);
}

TEST_CASE("transition: to_string shows the move, the cause and the reason", "[vocabulary][transition]") {
  transition t;
  t.what = change::stage;
  t.from = stage::new_customer;
  t.to = stage::passive;
  t.when = at("2024-01-31 00:00:00");
  t.cause = cause::time;
  t.why.which = reason::rule::lapse;
  t.why.figures = {90, 90, 0, 0};
  using Catch::Matchers::Contains;
  CHECK_THAT(to_string(t), Contains("stage new -> passive (time): lapse: last purchase 90 days ago (>= 90)"));
  CHECK_THAT(to_string(t), Contains("2024-01-31"));

  transition g;
  g.what = change::role_gained;
  g.role_changed = role::creator;
  g.when = at("2024-01-31 10:00:00");
  g.cause = cause::event;
  g.why.which = reason::rule::role_held;
  g.why.about = role::creator;
  g.why.figures = {1, 1, 30, 0};
  CHECK_THAT(to_string(g), Contains("role +creator (event): creator"));
  g.what = change::role_lost;
  g.why.which = reason::rule::role_dropped;
  CHECK_THAT(to_string(g), Contains("role -creator (event): creator"));
}

TEST_CASE("reject_reason: each reason has its own sentence", "[vocabulary][event]") {
  std::set<std::string_view> seen;
  for (auto r : {reject_reason::none, reject_reason::bad_time, reject_reason::empty_person,
                 reject_reason::negative_amount, reject_reason::missing_ref, reject_reason::bad_score,
                 reject_reason::clock_not_set, reject_reason::too_far_ahead, reject_reason::unknown_person,
                 reject_reason::person_too_long}) {
    CHECK_FALSE(to_string(r).empty());
    seen.insert(to_string(r));
  }
  CHECK(seen.size() == 10);
  CHECK_THAT(std::string(to_string(reject_reason::too_far_ahead)), Catch::Matchers::Contains("max_skew"));
}

TEST_CASE("check_fields: rejects what the event's kind forbids and ignores other fields",
          "[vocabulary][event]") {
  const pt::ptime t = at("2024-01-01 10:00:00");
  CHECK(check_fields(buy(t, "p", "id", 0)) == reject_reason::none);
  CHECK(check_fields(buy(t, "p", "id", -1)) == reject_reason::negative_amount);
  event r = ev(t, "p", event_kind::refund);
  CHECK(check_fields(r) == reject_reason::missing_ref);
  r.ref = "id";
  CHECK(check_fields(r) == reject_reason::none);
  event f = ev(t, "p", event_kind::feedback);
  for (int score : {-1, 0, 5, 10}) {
    f.score = score;
    INFO("score " << score);
    CHECK(check_fields(f) == reject_reason::none);
  }
  for (int score : {11, -2, 100, std::numeric_limits<int>::min()}) {
    f.score = score;
    INFO("score " << score);
    CHECK(check_fields(f) == reject_reason::bad_score);
  }
  CHECK(check_fields(ev(nat(), "p", event_kind::visit)) == reject_reason::bad_time);
  CHECK(check_fields(ev(pt::ptime(pt::pos_infin), "p", event_kind::visit)) == reject_reason::bad_time);
  // Fields that do not apply to the kind are ignored.
  event v = ev(t, "p", event_kind::visit);
  v.amount = money{-500};
  v.score = 99;
  CHECK(check_fields(v) == reject_reason::none);
  event rv = refund(t, "p", "x");
  rv.amount = money{-1};
  CHECK(check_fields(rv) == reject_reason::none);
}
