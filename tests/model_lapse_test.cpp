// Stage rule 3 under a customer-base model (policy lapse_model = bgnbd | pareto):
// the lapse day, its reason, the x = 0 fallback, the profiles' model figures,
// and the policy surviving policy files and snapshots. models.md, "In the lifecycle".

#include "test_support.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "lifecycle/bgnbd.hpp"
#include "lifecycle/pareto_nbd.hpp"

using namespace lctest;

namespace {

/// Purchases on 2024-01-01, 2024-01-29 (week 4) and 2024-02-26 (week 8), and a
/// follow with the last: x = 2 repeat purchases, t_x = 8 weeks, loyal from 2024-02-26.
std::vector<event> loyal_customer() {
  return {buy(at("2024-01-01 10:00:00"), "p", "o1"), buy(at("2024-01-29 10:00:00"), "p", "o2"),
          buy(at("2024-02-26 10:00:00"), "p", "o3"), ev(at("2024-02-26 11:00:00"), "p", event_kind::follow)};
}

engine fed(const std::vector<event>& events, const policy& p) {
  engine eng(p);
  for (const event& e : events) REQUIRE(eng.ingest(e).accepted());
  return eng;
}

std::vector<transition> stage_moves_of(std::span<const transition> ts) { return stage_changes(ts); }

}  // namespace

TEST_CASE("model lapse: BG/NBD with the CDNOW parameters lapses on the day worked out by hand", "[model_lapse]") {
  // x = 2, t_x = 8 weeks, r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, threshold 0.5:
  //   P(alive) = 1 / (1 + A ((alpha + T) / (alpha + t_x))^(r + x)),  A = a / (b + x - 1) = 0.793 / 3.426 = 0.231465
  //   P < 0.5  <=>  A ((alpha + T) / 12.414)^2.243 > 1
  //            <=>  T > 12.414 * (1 / 0.231465)^(1 / 2.243) - 4.414 = 12.414 * 1.920135 - 4.414 = 19.42258 weeks
  //   = 135.958 days after the first purchase (2024-01-01): day 136 is 2024-05-16.
  //   Day 135 (T = 19.2857): P = 0.503229 (alive); day 136 (T = 19.4286): P = 0.499859 (lapsed).
  // The fixed lapse would come on 2024-02-26 + 90 = 2024-05-26.
  const policy p = cdnow_bgnbd();
  engine eng = fed(loyal_customer(), p);
  REQUIRE(eng.profile_of("p")->current_stage == stage::loyal);

  CHECK(stage_moves_of(eng.advance_to(at("2024-05-15 23:59:59"))).empty());
  CHECK(eng.profile_of("p")->current_stage == stage::loyal);
  CHECK(eng.profile_of("p")->p_alive.value() == Catch::Detail::Approx(0.503229).margin(1e-6));

  const auto moved = stage_moves_of(eng.advance_to(at("2024-05-16 00:00:00")));
  REQUIRE(moved.size() == 1);
  const transition& t = moved[0];
  CHECK(t.from == stage::loyal);
  CHECK(t.to == stage::passive);
  CHECK(t.when == at("2024-05-16 00:00:00"));
  CHECK(t.cause == cause::time);
  CHECK(t.why.which == reason::rule::lapse_model);
  CHECK(t.why.figures == std::array<std::int32_t, 4>{499859, 500000, 1, 2});
  CHECK(to_string(t.why) == "lapse: probability alive 0.499 (< 0.50) under BG/NBD, 2 repeat purchases");
  CHECK(eng.profile_of("p")->p_alive.value() == Catch::Detail::Approx(0.499859).margin(1e-6));

  // A person_state fed the same events moves on the same day with the same record.
  person_state s;
  for (const event& e : loyal_customer()) REQUIRE(s.apply(e, p, e.time).status == apply_status::accepted);
  const auto state_moves = stage_moves_of(s.advance_to(at("2024-06-30 00:00:00"), p));
  REQUIRE(state_moves.size() == 1);
  transition unnamed = t;
  unnamed.person = person_id{};  // a bare person_state names nobody
  CHECK(state_moves[0] == unnamed);

  // The default policy: the fixed lapse, ten days later.
  engine days = fed(loyal_customer(), policy{});
  CHECK(stage_moves_of(days.advance_to(at("2024-05-25 12:00:00"))).empty());
  const auto fixed = stage_moves_of(days.advance_to(at("2024-05-26 00:00:00")));
  REQUIRE(fixed.size() == 1);
  CHECK(to_string(fixed[0].why) == "lapse: last purchase 90 days ago (>= 90)");
}

TEST_CASE("model lapse: same-day purchases merge and refunded ones do not count", "[model_lapse]") {
  // A second order on the first day and a refunded one on 2024-04-01 leave x = 2 and t_x = 8 weeks.
  auto events = loyal_customer();
  events.push_back(buy(at("2024-01-01 18:00:00"), "p", "o1b"));
  events.push_back(buy(at("2024-04-01 10:00:00"), "p", "o4"));
  events.push_back(refund(at("2024-04-02 10:00:00"), "p", "o4"));
  engine eng = fed(events, cdnow_bgnbd());
  CHECK(stage_moves_of(eng.advance_to(at("2024-05-15 12:00:00"))).empty());
  const auto moved = stage_moves_of(eng.advance_to(at("2024-05-16 12:00:00")));
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].when == at("2024-05-16 00:00:00"));
  CHECK(moved[0].why.figures[3] == 2);
}

TEST_CASE("model lapse: a threshold and a unit of days move the lapse as the formula says", "[model_lapse]") {
  // The same fit in days (alpha * 7) with threshold 0.7: A ((alpha + T)/(alpha + t_x))^(r+x) > 3/7,
  // T > (30.898 + 56) * (0.428571 / 0.231465)^(1/2.243) - 30.898 = 86.898 * 1.316063 - 30.898 = 83.465 days:
  // day 84 after 2024-01-01 is 2024-03-25.
  policy p = cdnow_bgnbd();
  p.set("model_unit", "day");
  p.set("bgnbd_alpha", "30.898");
  p.set("lapse_alive_threshold", "0.7");
  engine eng = fed(loyal_customer(), p);
  CHECK(stage_moves_of(eng.advance_to(at("2024-03-24 12:00:00"))).empty());
  const auto moved = stage_moves_of(eng.advance_to(at("2024-03-25 00:00:00")));
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].why.which == reason::rule::lapse_model);
  CHECK(moved[0].why.figures[1] == 700000);
}

TEST_CASE("model lapse: Pareto/NBD lapses on the first day its probability alive is below the threshold",
          "[model_lapse]") {
  const policy p = cdnow_pareto();
  engine eng = fed(loyal_customer(), p);
  const auto moved = stage_moves_of(eng.advance_to(at("2024-12-31 00:00:00")));
  REQUIRE(moved.size() == 1);
  const transition& t = moved[0];
  CHECK(t.to == stage::passive);
  CHECK(t.why.which == reason::rule::lapse_model);
  CHECK(t.why.figures[2] == 2);
  const gd::date day = t.when.date();
  const long n = (day - on("2024-01-01")).days();
  const pareto_nbd_params m{0.553, 10.578, 0.606, 11.669};
  const double before = pareto_nbd_p_alive(m, 2, 8, (n - 1) / 7.0), on_day = pareto_nbd_p_alive(m, 2, 8, n / 7.0);
  INFO("lapse on " << gd::to_iso_extended_string(day) << ", day " << n << ": " << before << " then " << on_day);
  CHECK(before >= 0.5);
  CHECK(on_day < 0.5);
  CHECK(t.why.figures[0] == static_cast<std::int32_t>(std::floor(on_day * 1e6)));
  CHECK(to_string(t.why).find("under Pareto/NBD, 2 repeat purchases") != std::string::npos);
}

TEST_CASE("model lapse: under BG/NBD a customer without a repeat purchase lapses after lapse_days", "[model_lapse]") {
  // BG/NBD holds x = 0 alive for ever; the rule falls back to last + lapse_days.
  const policy p = cdnow_bgnbd();
  person_state s;
  REQUIRE(s.apply(buy(at("2024-01-01 10:00:00"), "p", "o1"), p, at("2024-01-01 10:00:00")).status ==
          apply_status::accepted);
  CHECK(s.evaluate(on("2024-03-30"), p).stage_reason.which == reason::rule::occasional);
  const evaluation lapsed = s.evaluate(on("2024-03-31"), p);
  CHECK(lapsed.stage_reason.which == reason::rule::lapse);
  CHECK(lapsed.stage_reason.figures[0] == 90);
  CHECK(s.to_profile(p).p_alive == 1.0);  // the model's own answer is shown
  // Pareto/NBD decides for x = 0 too: on the first day its P(alive) is below 0.5.
  const pareto_nbd_params m{0.553, 10.578, 0.606, 11.669};
  int n = 31;  // after the new period
  while (pareto_nbd_p_alive(m, 0, 0, n / 7.0) >= 0.5) ++n;
  INFO("Pareto/NBD, x = 0: P(alive) < 0.5 from day " << n);
  CHECK(n > 31);
  CHECK(s.evaluate(on("2024-01-01") + gd::days(n - 1), cdnow_pareto()).stage_reason.which == reason::rule::occasional);
  CHECK(s.evaluate(on("2024-01-01") + gd::days(n), cdnow_pareto()).stage_reason.which == reason::rule::lapse_model);
}

TEST_CASE("model lapse: profiles carry probability alive, expected purchases and CLV", "[model_lapse][profile]") {
  policy p = cdnow_bgnbd();
  engine none = fed(loyal_customer(), policy{});
  const profile plain = *none.profile_of("p");
  CHECK_FALSE(plain.p_alive);
  CHECK_FALSE(plain.expected_purchases);
  CHECK_FALSE(plain.clv);

  engine eng = fed(loyal_customer(), p);
  eng.advance_to(at("2024-03-11 00:00:00"));  // T = 10 weeks
  const profile pr = *eng.profile_of("p");
  const bgnbd_params m{0.243, 4.414, 0.793, 2.426};
  CHECK(pr.p_alive.value() == Catch::Detail::Approx(bgnbd_p_alive(m, 2, 8, 10)).epsilon(1e-12));
  CHECK(pr.expected_purchases.value() == Catch::Detail::Approx(bgnbd_expected_purchases(m, 52, 2, 8, 10)).epsilon(1e-12));
  CHECK_FALSE(pr.clv);  // no spend model set

  p.set("spend_p", "6.25");
  p.set("spend_q", "3.74");
  p.set("spend_gamma", "15.44");
  engine valued = fed(loyal_customer(), p);
  valued.advance_to(at("2024-03-11 00:00:00"));
  const profile pv = *valued.profile_of("p");
  REQUIRE(pv.clv.has_value());
  // Repeat purchases worth 10.00 each: E[spend] = p (gamma + x m) / (p x + q - 1) = 6.25 * 35.44 / 15.24 = 14.534;
  // the CLV is at most E[spend] times the undiscounted expected purchases, and positive.
  CHECK(*pv.clv > 0);
  CHECK(*pv.clv < 14.535 * *pv.expected_purchases);
  CHECK(*pv.clv > 0.85 * 14.534 * *pv.expected_purchases);  // a year at 1% a month discounts by under 15%
}

TEST_CASE("model lapse: the policy survives a policy file and a snapshot", "[model_lapse][snapshot]") {
  policy p = cdnow_pareto();
  p.set("lapse_alive_threshold", "0.35");
  p.set("spend_p", "6.25");
  p.set("spend_q", "3.74");
  p.set("spend_gamma", "15.44");
  CHECK(parse_policy(to_policy_text(p)) == p);

  engine eng = fed(loyal_customer(), p);
  eng.advance_to(at("2024-03-01 00:00:00"));
  engine restored = engine::restore(eng.snapshot());
  CHECK(restored.rules() == p);
  CHECK(all_fields(*restored.profile_of("p")) == all_fields(*eng.profile_of("p")));
  const auto a = eng.advance_to(at("2024-12-31 00:00:00"));
  const auto b = restored.advance_to(at("2024-12-31 00:00:00"));
  CHECK(briefs(a) == briefs(b));
  CHECK(stage_moves_of(a).size() == 1);
}

TEST_CASE("model lapse: profiles CSV gains the model columns only with a model", "[model_lapse][report]") {
  std::ostringstream plain, model;
  write_profiles_csv(plain, fed(loyal_customer(), policy{}));
  write_profiles_csv(model, fed(loyal_customer(), cdnow_bgnbd()));
  const std::string plain_header = plain.str().substr(0, plain.str().find('\n'));
  const std::string model_header = model.str().substr(0, model.str().find('\n'));
  CHECK(plain_header.rfind("person,stage,roles,primary_role,purchases,", 0) == 0);
  CHECK(plain_header.find("p_alive") == std::string::npos);
  // The model's columns follow the days per stage; the signal columns (the
  // default policy tracks signals) stay last in both.
  const std::string signal_columns = ",points,tier,reachable,nps_score";
  REQUIRE(plain_header.size() > signal_columns.size());
  const std::string base = plain_header.substr(0, plain_header.size() - signal_columns.size());
  CHECK(plain_header == base + signal_columns);
  CHECK(model_header == base + ",p_alive,expected_purchases,clv" + signal_columns);
  const std::string row = model.str().substr(model_header.size() + 1);
  CHECK(row.rfind("p,loyal,", 0) == 0);
  CHECK(row.find(",1.000000,") == std::string::npos);  // x = 2: not the x = 0 certainty
  CHECK(row.back() == '\n');
  // No CLV without a spend model: the clv field (the fourth from the end before the signal columns) is empty.
  std::vector<std::string> fields;
  for (std::size_t from = 0, comma;; from = comma + 1) {
    comma = row.find_first_of(",\n", from);
    fields.push_back(row.substr(from, comma - from));
    if (row[comma] == '\n') break;
  }
  REQUIRE(fields.size() == static_cast<std::size_t>(std::count(model_header.begin(), model_header.end(), ',')) + 1);
  CHECK(fields[fields.size() - 5].empty());    // clv
  CHECK_FALSE(fields[fields.size() - 6].empty());  // expected_purchases
}
