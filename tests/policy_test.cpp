// The policy: defaults of model.md, validation, and the text interface set/get.

#include "test_support.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <map>

using namespace lctest;
using Catch::Matchers::Contains;

namespace {

/// Runs \p f, requires a lifecycle::error with code invalid_policy whose message names \p field.
template <class F>
void require_policy_error(F&& f, std::string_view field) {
  try {
    f();
    FAIL("no lifecycle::error thrown; expected one naming " << field);
  } catch (const lifecycle::error& e) {
    CHECK(e.code() == errc::invalid_policy);
    CHECK_THAT(std::string(e.what()), Contains(std::string(field)));
  }
}

}  // namespace

TEST_CASE("policy: defaults are the numbers of model.md", "[policy]") {
  const policy p;
  CHECK(p.new_days == 30);
  CHECK(p.lapse_days == 90);
  CHECK(p.window_days == 180);
  CHECK(p.role_window_days == 30);
  CHECK(p.joiner_min_joins == 2);
  CHECK(p.loyal_min_purchases == 3);
  CHECK(p.loyal_requires_follow);
  CHECK(p.deal_min_purchases == 2);
  CHECK(p.deal_coupon_share == 0.5);
  CHECK(p.utc_offset == pt::hours(0));
  CHECK(p.clock == clock_mode::replay);
  CHECK(p.max_skew == pt::minutes(5));
  CHECK_NOTHROW(p.validate());
}

TEST_CASE("policy: validate rejects zero and negative windows, naming the field", "[policy][validate]") {
  using field = int policy::*;
  const std::vector<std::pair<field, std::string_view>> day_fields = {
      {&policy::new_days, "new_days"},
      {&policy::lapse_days, "lapse_days"},
      {&policy::window_days, "window_days"},
      {&policy::role_window_days, "role_window_days"},
      {&policy::joiner_min_joins, "joiner_min_joins"},
      {&policy::loyal_min_purchases, "loyal_min_purchases"},
      {&policy::deal_min_purchases, "deal_min_purchases"}};
  for (const auto& [f, name] : day_fields) {
    for (int bad : {0, -1, -3, std::numeric_limits<int>::min()}) {
      INFO(std::string(name) << " = " << bad);
      policy p;
      p.*f = bad;
      require_policy_error([&] { p.validate(); }, name);
    }
    policy ok;
    ok.*f = 1;
    INFO(std::string(name) << " = 1");
    CHECK_NOTHROW(ok.validate());
  }
}

TEST_CASE("policy: validate names the first bad field", "[policy][validate]") {
  policy p;
  p.window_days = -3;
  require_policy_error([&] { p.validate(); }, "window_days");
  try {
    p.validate();
  } catch (const lifecycle::error& e) {
    CHECK_THAT(std::string(e.what()), Contains("-3"));
  }
}

TEST_CASE("policy: validate keeps deal_coupon_share above 0 and at most 1", "[policy][validate]") {
  for (double bad : {0.0, 1.5, -0.1, 1.0000001, std::nan(""), std::numeric_limits<double>::infinity()}) {
    INFO("share " << bad);
    policy p;
    p.deal_coupon_share = bad;
    require_policy_error([&] { p.validate(); }, "deal_coupon_share");
  }
  for (double ok : {1.0, 0.5, 0.3, 0.01}) {
    INFO("share " << ok);
    policy p;
    p.deal_coupon_share = ok;
    CHECK_NOTHROW(p.validate());
  }
}

TEST_CASE("policy: validate keeps utc_offset within +-14:00 in whole minutes", "[policy][validate]") {
  for (pt::time_duration bad : std::vector<pt::time_duration>{pt::hours(15), -pt::hours(15), pt::hours(14) + pt::minutes(1), pt::hours(8) + pt::seconds(30)}) {
    INFO("offset " << pt::to_simple_string(bad));
    policy p;
    p.utc_offset = bad;
    require_policy_error([&] { p.validate(); }, "utc_offset");
  }
  for (pt::time_duration ok : std::vector<pt::time_duration>{pt::hours(14), -pt::hours(14), pt::hours(8), pt::hours(3) + pt::minutes(30),
                  -(pt::hours(3) + pt::minutes(30))}) {
    INFO("offset " << pt::to_simple_string(ok));
    policy p;
    p.utc_offset = ok;
    CHECK_NOTHROW(p.validate());
  }
}

TEST_CASE("policy: validate keeps max_skew within 0 .. 7 days", "[policy][validate]") {
  for (pt::time_duration bad : std::vector<pt::time_duration>{-pt::seconds(1), pt::hours(24 * 7) + pt::seconds(1), pt::hours(24 * 30)}) {
    INFO("skew " << pt::to_simple_string(bad));
    policy p;
    p.max_skew = bad;
    require_policy_error([&] { p.validate(); }, "max_skew");
  }
  for (pt::time_duration ok : std::vector<pt::time_duration>{pt::seconds(0), pt::hours(24 * 7), pt::minutes(5)}) {
    policy p;
    p.max_skew = ok;
    CHECK_NOTHROW(p.validate());
  }
}

TEST_CASE("policy: the model keys default to the fixed lapse and validate", "[policy][validate][model]") {
  const policy p;
  CHECK(p.lapse_model == lapse_kind::days);
  CHECK(p.lapse_alive_threshold == 0.5);
  CHECK(p.model_unit == time_unit::week);
  CHECK(p.forecast_days == 364);
  CHECK(p.clv_discount_rate == 0.01);
  CHECK_NOTHROW(cdnow_bgnbd().validate());
  for (double bad : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    INFO("threshold " << bad);
    policy q = cdnow_bgnbd();
    q.lapse_alive_threshold = bad;
    require_policy_error([&] { q.validate(); }, "lapse_alive_threshold");
  }
}

TEST_CASE("policy: a model's parameters must be positive when it decides the lapse", "[policy][validate][model]") {
  using field = double policy::*;
  const std::vector<std::tuple<field, std::string_view, lapse_kind>> params = {
      {&policy::bgnbd_r, "bgnbd_r", lapse_kind::bgnbd},         {&policy::bgnbd_alpha, "bgnbd_alpha", lapse_kind::bgnbd},
      {&policy::bgnbd_a, "bgnbd_a", lapse_kind::bgnbd},         {&policy::bgnbd_b, "bgnbd_b", lapse_kind::bgnbd},
      {&policy::pareto_r, "pareto_r", lapse_kind::pareto},      {&policy::pareto_alpha, "pareto_alpha", lapse_kind::pareto},
      {&policy::pareto_s, "pareto_s", lapse_kind::pareto},      {&policy::pareto_beta, "pareto_beta", lapse_kind::pareto}};
  for (const auto& [f, name, model] : params) {
    INFO(std::string(name));
    policy p;
    p.bgnbd_r = p.bgnbd_alpha = p.bgnbd_a = p.bgnbd_b = 1;
    p.pareto_r = p.pareto_alpha = p.pareto_s = p.pareto_beta = 1;
    p.lapse_model = model;
    CHECK_NOTHROW(p.validate());
    p.*f = 0;  // unset while its model is in use
    require_policy_error([&] { p.validate(); }, name);
    try {
      p.validate();
    } catch (const lifecycle::error& e) {
      CHECK_THAT(std::string(e.what()), Contains(std::string("when lapse_model is ") + std::string(to_string(model))));
    }
    p.lapse_model = lapse_kind::days;  // unused: unset is fine, negative never
    CHECK_NOTHROW(p.validate());
    for (double bad : {-1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
      p.*f = bad;
      require_policy_error([&] { p.validate(); }, name);
    }
  }
}

TEST_CASE("policy: spend parameters go together, the rest stays in range", "[policy][validate][model]") {
  policy p = cdnow_bgnbd();
  p.spend_p = 6.25;
  require_policy_error([&] { p.validate(); }, "spend_q");
  p.spend_q = 3.74;
  require_policy_error([&] { p.validate(); }, "spend_gamma");
  p.spend_gamma = 15.44;
  CHECK_NOTHROW(p.validate());
  p.spend_q = 0.9;  // an infinite mean spend
  require_policy_error([&] { p.validate(); }, "spend_q");
  p = cdnow_bgnbd();
  p.clv_discount_rate = -1;
  require_policy_error([&] { p.validate(); }, "clv_discount_rate");
  p = cdnow_bgnbd();
  p.forecast_days = 0;
  require_policy_error([&] { p.validate(); }, "forecast_days");
  p = policy{};
  require_policy_error([&] { p.set("lapse_model", "weibull"); }, "lapse_model");
  require_policy_error([&] { p.set("model_unit", "month"); }, "model_unit");
  require_policy_error([&] { p.set("bgnbd_alpha", "4.4x"); }, "bgnbd_alpha");
  CHECK(p == policy{});  // a failed set leaves the field unchanged
}

TEST_CASE("policy: an engine refuses a policy that does not validate", "[policy][engine]") {
  policy p;
  p.window_days = 0;
  require_policy_error([&] { engine eng(p); }, "window_days");
  p = policy{};
  p.deal_coupon_share = 1.5;
  require_policy_error([&] { engine eng(p); }, "deal_coupon_share");
}

TEST_CASE("policy: set then get round-trips every key", "[policy][text]") {
  struct row {
    std::string_view value;     // what a script writes
    std::string_view canonical; // what get gives back, worked out by hand
    std::function<bool(const policy&)> holds;
  };
  const std::map<std::string_view, row> rows = {
      {"new_days", {"7", "7", [](const policy& p) { return p.new_days == 7; }}},
      {"lapse_days", {"45", "45", [](const policy& p) { return p.lapse_days == 45; }}},
      {"window_days", {"120", "120", [](const policy& p) { return p.window_days == 120; }}},
      {"role_window_days", {"14", "14", [](const policy& p) { return p.role_window_days == 14; }}},
      {"joiner_min_joins", {"3", "3", [](const policy& p) { return p.joiner_min_joins == 3; }}},
      {"loyal_min_purchases", {"4", "4", [](const policy& p) { return p.loyal_min_purchases == 4; }}},
      {"loyal_requires_follow", {"false", "false", [](const policy& p) { return !p.loyal_requires_follow; }}},
      {"deal_min_purchases", {"5", "5", [](const policy& p) { return p.deal_min_purchases == 5; }}},
      {"deal_coupon_share", {"0.3", "0.3", [](const policy& p) { return p.deal_coupon_share == 0.3; }}},
      {"utc_offset", {"+08:00", "+08:00", [](const policy& p) { return p.utc_offset == pt::hours(8); }}},
      {"clock", {"host", "host", [](const policy& p) { return p.clock == clock_mode::host; }}},
      {"max_skew", {"90s", "90", [](const policy& p) { return p.max_skew == pt::seconds(90); }}},
      {"allow_moves", {"new -> potential", "new->potential",
                       [](const policy& p) { return p.allow_moves == stage_moves{{stage::new_customer, stage::potential}}; }}},
      {"forbid_moves", {"loyal->deal_hunter", "loyal->deal_hunter",
                        [](const policy& p) { return p.forbid_moves == stage_moves{{stage::loyal, stage::deal_hunter}}; }}},
      {"lapse_model", {"bgnbd", "bgnbd", [](const policy& p) { return p.lapse_model == lapse_kind::bgnbd; }}},
      {"lapse_alive_threshold", {"0.25", "0.25", [](const policy& p) { return p.lapse_alive_threshold == 0.25; }}},
      {"model_unit", {"day", "day", [](const policy& p) { return p.model_unit == time_unit::day; }}},
      {"bgnbd_r", {"0.243", "0.243", [](const policy& p) { return p.bgnbd_r == 0.243; }}},
      {"bgnbd_alpha", {"4.414", "4.414", [](const policy& p) { return p.bgnbd_alpha == 4.414; }}},
      {"bgnbd_a", {"0.793", "0.793", [](const policy& p) { return p.bgnbd_a == 0.793; }}},
      {"bgnbd_b", {"2.426", "2.426", [](const policy& p) { return p.bgnbd_b == 2.426; }}},
      {"pareto_r", {"0.553", "0.553", [](const policy& p) { return p.pareto_r == 0.553; }}},
      {"pareto_alpha", {"10.578", "10.578", [](const policy& p) { return p.pareto_alpha == 10.578; }}},
      {"pareto_s", {"0.606", "0.606", [](const policy& p) { return p.pareto_s == 0.606; }}},
      {"pareto_beta", {"11.669", "11.669", [](const policy& p) { return p.pareto_beta == 11.669; }}},
      {"forecast_days", {"273", "273", [](const policy& p) { return p.forecast_days == 273; }}},
      {"spend_p", {"6.25", "6.25", [](const policy& p) { return p.spend_p == 6.25; }}},
      {"spend_q", {"3.74", "3.74", [](const policy& p) { return p.spend_q == 3.74; }}},
      {"spend_gamma", {"15.44", "15.44", [](const policy& p) { return p.spend_gamma == 15.44; }}},
      {"clv_discount_rate", {"0.02", "0.02", [](const policy& p) { return p.clv_discount_rate == 0.02; }}},
      {"signals", {"tier_up,birthday , browse_no_buy", "browse_no_buy, birthday, tier_up", [](const policy& p) {
         signal_set s;
         for (signal_kind k : {signal_kind::browse_no_buy, signal_kind::birthday, signal_kind::tier_up}) s.insert(k);
         return p.signals == s;
       }}},
      {"browse_hours", {"48", "48", [](const policy& p) { return p.browse_hours == 48; }}},
      {"browse_repeat_days", {"3", "3", [](const policy& p) { return p.browse_repeat_days == 3; }}},
      {"decline_days", {"21", "21", [](const policy& p) { return p.decline_days == 21; }}},
      {"decline_min_events", {"6", "6", [](const policy& p) { return p.decline_min_events == 6; }}},
      {"contact_every_days", {"365", "365", [](const policy& p) { return p.contact_every_days == 365; }}},
      {"contact_every_days_by_stage", {"passive: 60,loyal:14", "passive:60, loyal:14", [](const policy& p) {
         return p.contact_every_days_by_stage == std::array<int, stage_count>{0, 0, 60, 0, 14} &&
                p.contact_every(stage::loyal) == 14 && p.contact_every(stage::new_customer) == 30;
       }}},
      {"over_contact_count", {"4", "4", [](const policy& p) { return p.over_contact_count == 4; }}},
      {"over_contact_days", {"10", "10", [](const policy& p) { return p.over_contact_days == 10; }}},
      {"points", {"review:5, visit:1", "visit:1, review:5", [](const policy& p) {
         points_table t{};
         t[static_cast<std::size_t>(event_kind::visit)] = 1;
         t[static_cast<std::size_t>(event_kind::review)] = 5;
         return p.points == t;
       }}},
      {"points_window_days", {"90", "90", [](const policy& p) { return p.points_window_days == 90; }}},
      {"tiers", {"basic:0, vip: 100", "basic:0, vip:100",
                 [](const policy& p) { return p.tiers == tier_list{{"basic", 0}, {"vip", 100}}; }}},
      {"nps", {"no", "false", [](const policy& p) { return !p.nps; }}},
  };
  REQUIRE(policy::keys.size() == rows.size());
  for (std::string_view key : policy::keys) {
    INFO("key " << std::string(key));
    const auto it = rows.find(key);
    REQUIRE(it != rows.end());
    const row& r = it->second;

    policy p;
    p.set(key, r.value);
    CHECK(r.holds(p));
    CHECK(p.get(key) == r.canonical);
    // Only that field moved.
    policy expected;
    expected.set(key, r.canonical);
    CHECK(p == expected);
    CHECK_FALSE(p == policy{});
    // get's text feeds back into set unchanged.
    policy again;
    again.set(key, p.get(key));
    CHECK(again == p);
    // The default's text round-trips too.
    policy d;
    d.set(key, policy{}.get(key));
    CHECK(d == policy{});
  }
}

TEST_CASE("policy: get gives the defaults' text", "[policy][text]") {
  const policy p;
  CHECK(p.get("new_days") == "30");
  CHECK(p.get("lapse_days") == "90");
  CHECK(p.get("window_days") == "180");
  CHECK(p.get("role_window_days") == "30");
  CHECK(p.get("joiner_min_joins") == "2");
  CHECK(p.get("loyal_min_purchases") == "3");
  CHECK(p.get("loyal_requires_follow") == "true");
  CHECK(p.get("deal_min_purchases") == "2");
  CHECK(p.get("deal_coupon_share") == "0.5");
  CHECK(p.get("utc_offset") == "+00:00");
  CHECK(p.get("clock") == "replay");
  CHECK(p.get("max_skew") == "300");
}

TEST_CASE("policy: set reads offsets, booleans and skews in every documented form", "[policy][text]") {
  policy p;
  p.set("utc_offset", "-03:30");
  CHECK(p.utc_offset == -(pt::hours(3) + pt::minutes(30)));
  CHECK(p.get("utc_offset") == "-03:30");
  p.set("utc_offset", "+03:30");
  CHECK(p.utc_offset == pt::hours(3) + pt::minutes(30));
  CHECK(p.get("utc_offset") == "+03:30");
  p.set("utc_offset", "+14:00");
  CHECK(p.utc_offset == pt::hours(14));
  p.set("utc_offset", "+0530");
  CHECK(p.utc_offset == pt::hours(5) + pt::minutes(30));
  CHECK(p.get("utc_offset") == "+05:30");
  p.set("utc_offset", "+08");
  CHECK(p.utc_offset == pt::hours(8));
  p.set("utc_offset", "Z");
  CHECK(p.utc_offset == pt::hours(0));
  p.set("utc_offset", "-08:00");
  p.set("utc_offset", "0");
  CHECK(p.utc_offset == pt::hours(0));
  CHECK(p.get("utc_offset") == "+00:00");

  for (auto [text, value] : std::vector<std::pair<std::string_view, bool>>{
           {"true", true}, {"false", false}, {"yes", true}, {"no", false}, {"1", true}, {"0", false}}) {
    INFO("bool text " << std::string(text));
    p.loyal_requires_follow = !value;
    p.set("loyal_requires_follow", text);
    CHECK(p.loyal_requires_follow == value);
  }

  for (auto [text, seconds] : std::vector<std::pair<std::string_view, long>>{
           {"300", 300}, {"90s", 90}, {"5m", 300}, {"1h", 3600}, {"1d", 86400}, {"0", 0}}) {
    INFO("skew text " << std::string(text));
    p.set("max_skew", text);
    CHECK(p.max_skew == pt::seconds(seconds));
    CHECK(p.get("max_skew") == std::to_string(seconds));
  }

  p.set("clock", "replay");
  CHECK(p.clock == clock_mode::replay);
  p.set("deal_coupon_share", "1");
  CHECK(p.deal_coupon_share == 1.0);
}

TEST_CASE("policy: set and get of an unknown key throw naming the key", "[policy][text]") {
  policy p;
  require_policy_error([&] { p.set("lapse", "90"); }, "lapse");
  require_policy_error([&] { p.set("no_such_key", "1"); }, "no_such_key");
  require_policy_error([&] { (void)p.get("no_such_key"); }, "no_such_key");
  require_policy_error([&] { p.set("", "1"); }, "policy");
  CHECK(p == policy{});
}

TEST_CASE("policy: set of a bad value throws naming the key and leaves the field", "[policy][text]") {
  const std::vector<std::pair<std::string_view, std::string_view>> bad = {
      {"new_days", "abc"},
      {"new_days", ""},
      {"new_days", "3.5"},
      {"new_days", "30 "},
      {"lapse_days", "ninety"},
      {"window_days", "99999999999999999999"},
      {"role_window_days", "-"},
      {"joiner_min_joins", "two"},
      {"loyal_min_purchases", "3x"},
      {"loyal_requires_follow", "maybe"},
      {"loyal_requires_follow", ""},
      {"deal_min_purchases", "0x2"},
      {"deal_coupon_share", "half"},
      {"deal_coupon_share", ""},
      {"deal_coupon_share", "0.5.1"},
      {"utc_offset", "8"},
      {"utc_offset", "+08:00:00"},
      {"utc_offset", "+08:60"},
      {"utc_offset", "08:00"},
      {"utc_offset", "+0a:00"},
      {"clock", "wall"},
      {"clock", "Host"},
      {"max_skew", "5x"},
      {"max_skew", ""},
      {"max_skew", "m"},
  };
  for (const auto& [key, value] : bad) {
    INFO("set(" << std::string(key) << ", '" << std::string(value) << "')");
    policy p;
    require_policy_error([&] { p.set(key, value); }, key);
    CHECK(p == policy{});
  }
}

TEST_CASE("policy: set leaves range checks to validate", "[policy][text][validate]") {
  policy p;
  CHECK_NOTHROW(p.set("window_days", "-3"));
  CHECK(p.window_days == -3);
  require_policy_error([&] { p.validate(); }, "window_days");
  p = policy{};
  CHECK_NOTHROW(p.set("utc_offset", "+15:00"));
  require_policy_error([&] { p.validate(); }, "utc_offset");
  p = policy{};
  CHECK_NOTHROW(p.set("deal_coupon_share", "1.5"));
  require_policy_error([&] { p.validate(); }, "deal_coupon_share");
  p = policy{};
  CHECK_NOTHROW(p.set("deal_coupon_share", "0"));
  require_policy_error([&] { p.validate(); }, "deal_coupon_share");
}
