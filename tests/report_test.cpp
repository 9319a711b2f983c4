// The replay report on small logs whose figures are worked out by hand below.

#include <catch2/catch.hpp>

#include <lifecycle/engine.hpp>
#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/policy_file.hpp>
#include <lifecycle/report.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace lifecycle;
using boost::gregorian::date;

namespace {

// Five persons, default rules but a 60-day lapse. Worked out by hand:
//
//   ann  visit 01-05; buys 01-10, 01-20, 02-01; follows 01-25
//        potential -> new (01-10, event) -> loyal (02-09 = first + 30: Pw 3, Fw 1)
//        -> passive (04-01 = last + 60, lapse)
//   bob  buys with coupons 01-15, 01-25 (and the 01-15 row once more: a duplicate)
//        potential -> new (01-15) -> deal_hunter (02-14: Pw 2, Cw 2) -> passive (03-25)
//   eve  buys once 01-20: potential -> new (01-20) -> passive (02-19, occasional)
//   cy   views 02-03: stays potential
//   dee  buys 02-10, refunds it 02-12: potential -> new (02-10) -> potential (02-12, correction)
//
// Plus a row with an unknown kind (line 13) and a row after the --at day (line 15).
constexpr const char* log_csv =
    "time,person,event,amount,coupon,id,ref\n"    // 1
    "2024-01-05,ann,visit,,,v1,\n"                // 2
    "2024-01-10,ann,purchase,20.00,0,a1,\n"       // 3
    "2024-01-15,bob,purchase,10.00,1,b1,\n"       // 4
    "2024-01-20,ann,purchase,15.00,,a2,\n"        // 5
    "2024-01-20,eve,purchase,5.00,0,e1,\n"        // 6
    "2024-01-25,ann,follow,,,f1,\n"               // 7
    "2024-01-25,bob,purchase,12.50,true,b2,\n"    // 8
    "2024-01-25,bob,purchase,10.00,1,b1,\n"       // 9  duplicate of line 4
    "2024-02-01,ann,purchase,30.00,0,a3,\n"       // 10
    "2024-02-03,cy,view,,,c1,\n"                  // 11
    "2024-02-10,dee,purchase,9.99,0,d1,\n"        // 12
    "2024-02-11,dee,purchse,,,x1,\n"              // 13 bad kind
    "2024-02-12,dee,refund,,,r1,d1\n"             // 14
    "2024-07-05,ann,visit,,,v2,\n";               // 15 after --at

std::size_t at(stage s) { return static_cast<std::size_t>(s); }

struct replayed {
  engine eng;
  report_collector collector;
  replay_counts counts;
  replay_report report;
  std::vector<csv_row> bad;

  replayed(std::string_view csv, const policy& rules, std::optional<date> until, history_mode h = history_mode::full)
      : eng(rules, engine_options{h, 0}), collector(eng) {
    auto reader = event_csv_reader::from_string(csv, "log.csv");
    replay_options o;
    o.at = until;
    o.on_bad_row = [this](const csv_row& r) { bad.push_back(r); };
    counts = replay_csv(reader, eng, o);
    report = build_report(eng, collector, counts, "log.csv");
  }
};

policy sixty_day_lapse() { return parse_policy("lapse_days = 60\n"); }

}  // namespace

TEST_CASE("report: rows, persons, stages and roles", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const replay_report& rep = r.report;
  CHECK(rep.rows.rows == 14);
  CHECK(rep.rows.accepted == 11);
  CHECK(rep.rows.duplicate == 1);
  CHECK(rep.rows.rejected == 1);
  CHECK(rep.rows.after_at == 1);
  REQUIRE(rep.rows.problems.size() == 1);
  CHECK(rep.rows.problems[0].problem == row_problem::unknown_kind);
  CHECK(rep.rows.problems[0].first_line == 13);
  REQUIRE(r.bad.size() == 1);
  CHECK(r.bad[0].line == 13);

  CHECK(rep.as_of == date(2024, 6, 30));
  CHECK(rep.persons == 5);
  CHECK(rep.stages[at(stage::potential)] == 2);  // cy, dee
  CHECK(rep.stages[at(stage::passive)] == 3);    // ann, bob, eve
  CHECK(rep.stages[at(stage::new_customer)] == 0);
  CHECK(rep.stages[at(stage::loyal)] == 0);
  CHECK(rep.stages[at(stage::deal_hunter)] == 0);
  for (std::uint64_t n : rep.roles) CHECK(n == 0);  // nobody active in the last 30 days
  CHECK(rep.no_role == 5);
}

TEST_CASE("report: the transition matrix, by cause", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const replay_report& rep = r.report;
  transition_matrix expected{};
  expected[at(stage::potential)][at(stage::new_customer)] = 4;  // ann, bob, eve, dee
  expected[at(stage::new_customer)][at(stage::loyal)] = 1;        // ann
  expected[at(stage::new_customer)][at(stage::deal_hunter)] = 1;  // bob
  expected[at(stage::new_customer)][at(stage::passive)] = 1;      // eve
  expected[at(stage::new_customer)][at(stage::potential)] = 1;    // dee's refund
  expected[at(stage::loyal)][at(stage::passive)] = 1;             // ann
  expected[at(stage::deal_hunter)][at(stage::passive)] = 1;       // bob
  CHECK(rep.matrix == expected);
  CHECK(rep.by_cause[static_cast<std::size_t>(cause::event)] == 4);
  CHECK(rep.by_cause[static_cast<std::size_t>(cause::time)] == 5);
  CHECK(rep.by_cause[static_cast<std::size_t>(cause::correction)] == 1);
  CHECK(rep.matrix_by_cause[static_cast<std::size_t>(cause::correction)][at(stage::new_customer)][at(stage::potential)] == 1);
}

TEST_CASE("report: conversion overall, by cohort of first appearance, by role", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const replay_report& rep = r.report;
  CHECK(rep.customers == 4);  // all but cy; dee converted before her refund
  REQUIRE(rep.conversion_by_cohort.size() == 2);
  CHECK(rep.conversion_by_cohort[0].month == date(2024, 1, 1));
  CHECK(rep.conversion_by_cohort[0].persons == 3);  // ann, bob, eve
  CHECK(rep.conversion_by_cohort[0].customers == 3);
  CHECK(rep.conversion_by_cohort[1].month == date(2024, 2, 1));
  CHECK(rep.conversion_by_cohort[1].persons == 2);  // cy, dee
  CHECK(rep.conversion_by_cohort[1].customers == 1);
  std::array<std::uint64_t, role_count + 1> by_role{};
  by_role[static_cast<std::size_t>(role::buyer)] = 4;  // each converted on a purchase, buyer their only role
  CHECK(rep.conversion_by_role == by_role);
  for (std::uint32_t i = 0; i < 5; ++i) CHECK(r.collector.converted(person_id{i}) == (r.eng.name(person_id{i}) != "cy"));
}

TEST_CASE("report: retention of first-purchase cohorts", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const replay_report& rep = r.report;
  // One cohort, January: ann (first purchase 01-10), bob (01-15), eve (01-20);
  // dee has no net purchase. Passive from: ann 04-01, bob 03-25, eve 02-19.
  //   30 days: ann 02-09 yes, bob 02-14 yes, eve 02-19 no (passive that day)  -> 2
  //   61 days: ann 03-11 yes, bob 03-16 yes, eve no                           -> 2
  //   91 days: ann 04-10 no, bob 04-15 no, eve no                             -> 0
  //  183 days: 01-31 + 183 = 08-01 is after 06-30: not observable yet
  REQUIRE(rep.retention.size() == 1);
  const retention_cohort& c = rep.retention[0];
  CHECK(c.month == date(2024, 1, 1));
  CHECK(c.customers == 3);
  CHECK(c.not_passive[0] == std::optional<std::uint64_t>(2));
  CHECK(c.not_passive[1] == std::optional<std::uint64_t>(2));
  CHECK(c.not_passive[2] == std::optional<std::uint64_t>(0));
  CHECK_FALSE(c.not_passive[3]);
  CHECK_FALSE(c.not_passive[4]);
  const auto ann = r.eng.find("ann");
  REQUIRE(ann);
  REQUIRE(r.collector.passive_since(*ann));
  CHECK(r.collector.passive_since(*ann)->date() == date(2024, 4, 1));
}

TEST_CASE("report: median days in each stage", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const auto& t = r.report.stage_times;
  // Finished stays. potential: ann 5 days (01-05 to 01-10), bob, eve, dee 0 -> median 0.
  // new: ann, bob, eve 30, dee 2 -> 30. loyal: ann 02-09 to 04-01 = 52. deal_hunter: bob 02-14 to 03-25 = 40.
  CHECK(t[at(stage::potential)].finished == 4);
  CHECK(t[at(stage::potential)].median_finished == Approx(0.0));
  CHECK(t[at(stage::new_customer)].finished == 4);
  CHECK(t[at(stage::new_customer)].median_finished == Approx(30.0));
  CHECK(t[at(stage::loyal)].finished == 1);
  CHECK(t[at(stage::loyal)].median_finished == Approx(52.0));
  CHECK(t[at(stage::deal_hunter)].finished == 1);
  CHECK(t[at(stage::deal_hunter)].median_finished == Approx(40.0));
  CHECK(t[at(stage::passive)].finished == 0);
  // Days so far, to the end of 06-30 (07-01 less a microsecond).
  // passive: ann from 04-01 = 91, bob from 03-25 = 98, eve from 02-19 = 133 -> 98.
  CHECK(t[at(stage::passive)].persons == 3);
  CHECK(t[at(stage::passive)].median_days == Approx(98.0).epsilon(1e-6));
  // potential: ann 5 (past), cy from 02-03 = 149, dee 0 + from 02-12 = 140 -> 140
  // (bob and eve spent no time in it).
  CHECK(t[at(stage::potential)].persons == 3);
  CHECK(t[at(stage::potential)].median_days == Approx(140.0).epsilon(1e-6));
  CHECK(t[at(stage::new_customer)].persons == 4);
  CHECK(t[at(stage::new_customer)].median_days == Approx(30.0));
  CHECK(t[at(stage::loyal)].median_days == Approx(52.0));
}

TEST_CASE("report: flows, where the Markov chain and the direct count part ways", "[report][flows]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  const flow_summary& f = r.report.flows;
  // The chain, from the matrix above and the stages now (potential 2, passive 3):
  //   potential: new 4/6, stop 2/6.  new: loyal, deal_hunter, passive, potential 1/4 each.
  //   loyal -> passive 1/1, deal_hunter -> passive 1/1, passive stops.
  //   reach loyal: h_new = 1/4 + 1/4 h_pot, h_pot = 4/6 h_new  ->  h_new = 3/10, h_pot = 1/5
  //   end passive: x_new = 3/4 + 1/4 x_pot, x_pot = 4/6 x_new  ->  x_new = 9/10, x_pot = 3/5
  CHECK(f.stages[at(stage::potential)].markov.reach_loyal == Approx(0.2));
  CHECK(f.stages[at(stage::new_customer)].markov.reach_loyal == Approx(0.3));
  CHECK(f.stages[at(stage::potential)].markov.end_passive == Approx(0.6));
  CHECK(f.stages[at(stage::new_customer)].markov.end_passive == Approx(0.9));
  CHECK(f.stages[at(stage::deal_hunter)].markov.end_passive == Approx(1.0));
  // Counted: of the 4 who were new (ann, bob, eve, dee) only ann reached loyal
  // (1/4, not 3/10: the chain sends dee, back in potential, round again), and
  // 3 are passive now (3/4, not 9/10). Potential: 1 and 3 of 5, as the chain says.
  CHECK(f.stages[at(stage::new_customer)].persons == 4);
  CHECK(f.stages[at(stage::new_customer)].observed.reach_loyal == Approx(0.25));
  CHECK(f.stages[at(stage::new_customer)].observed.end_passive == Approx(0.75));
  CHECK(f.stages[at(stage::potential)].persons == 5);
  CHECK(f.stages[at(stage::potential)].observed.reach_loyal == Approx(0.2));
  CHECK(f.stages[at(stage::potential)].observed.end_passive == Approx(0.6));
  CHECK(f.stages[at(stage::passive)].observed.reach_loyal == Approx(0.0));  // ann was loyal before, not after
  // Five persons, five paths: ties go shorter first, then in stage order.
  //   potential (cy); potential > new > potential (dee, 2 days: 02-10 to 02-12);
  //   potential > new > passive (eve, 30 days); potential > new > deal_hunter > passive
  //   (bob, 70 days: 01-15 to 03-25); potential > new > loyal > passive (ann, 87 days: 01-05 to 04-01)
  REQUIRE(f.top_paths.size() == 5);
  CHECK(f.top_paths[0].stages == std::vector<stage>{stage::potential});
  CHECK(f.top_paths[1].stages == std::vector<stage>{stage::potential, stage::new_customer, stage::potential});
  CHECK(f.top_paths[1].median_days == Approx(2.0));
  CHECK(f.top_paths[2].median_days == Approx(30.0));
  CHECK(f.top_paths[3].stages.at(2) == stage::deal_hunter);
  CHECK(f.top_paths[3].median_days == Approx(70.0));
  CHECK(f.top_paths[4].stages.at(2) == stage::loyal);
  CHECK(f.top_paths[4].median_days == Approx(87.0));
  // To the first purchase: ann 5 days (visit 01-05, bought 01-10), bob, eve, dee 0.
  CHECK(f.to_first_purchase.persons == 4);
  CHECK(f.to_first_purchase.mean == Approx(1.25));
  CHECK(f.to_first_purchase.median == Approx(0.0));
  CHECK(f.new_to_loyal.persons == 1);  // ann: 01-10 to 02-09
  CHECK(f.new_to_loyal.median == Approx(30.0));

  const std::string text = render_text(r.report);
  CHECK(text.find("Flows (an absorbing Markov chain") != std::string::npos);
  CHECK(text.find("  new                4        30.0%      25.0%        90.0%      75.0%") != std::string::npos);
  CHECK(text.find("    potential > new > loyal > passive              1  20.0%         87.0\n") != std::string::npos);
  CHECK(text.find("    potential                                      1  20.0%            -\n") != std::string::npos);
  CHECK(text.find("days to the first purchase (from becoming known): mean 1.2, median 0.0 days (n = 4)") !=
        std::string::npos);
  const std::string json = render_json(r.report);
  CHECK(json.find("\"new\": {\"persons\": 4, \"markov\": {\"reach_loyal\": 0.3, \"end_passive\": 0.9}, "
                  "\"observed\": {\"reach_loyal\": 0.25, \"end_passive\": 0.75}}") != std::string::npos);
  CHECK(json.find("{\"path\": [\"potential\"], \"longer\": false, \"persons\": 1, \"median_days\": null}") !=
        std::string::npos);
}

TEST_CASE("report: who pays for whom, who brings whom, and the advocates", "[report][people]") {
  // mom pays twice for kid (once more as a duplicate), dad once; acme buys for
  // itself. ann refers bob (who buys) and cy (who visits); bob refers dee (who
  // buys); dee refers ann (a cycle); ann refers herself (no link).
  constexpr const char* csv =
      "time,person,event,amount,id,target\n"
      "2024-03-01,mom,purchase,10,p1,kid\n"
      "2024-03-02,mom,purchase,10,p2,kid\n"
      "2024-03-02,mom,purchase,10,p2,kid\n"
      "2024-03-03,dad,purchase,5,p3,kid\n"
      "2024-03-04,acme,purchase,100,p4,\n"
      "2024-03-05,ann,referral,,r1,bob\n"
      "2024-03-06,bob,purchase,20,p5,\n"
      "2024-03-07,ann,referral,,r2,cy\n"
      "2024-03-08,cy,visit,,v1,\n"
      "2024-03-09,bob,referral,,r3,dee\n"
      "2024-03-10,dee,purchase,5,p6,\n"
      "2024-03-11,dee,referral,,r4,ann\n"
      "2024-03-12,ann,referral,,r5,ann\n";
  replayed r(csv, policy{}, std::nullopt);
  const people_summary& p = r.report.people;
  CHECK(p.purchases == 6);             // p1-p6; the second p2 is a duplicate
  CHECK(p.purchases_for_others == 3);  // p1, p2, p3
  CHECK(p.payers == 2);                // mom, dad
  CHECK(p.beneficiaries == 1);         // kid
  CHECK(p.referrals == 4);             // r1-r4
  CHECK(p.referrers == 3);             // ann, bob, dee
  CHECK(p.referred == 4);              // bob, cy, dee, ann
  CHECK(p.graph_persons == 8);         // mom kid dad acme ann bob cy dee: every handle, kid never known
  // ann: referred bob (customer) and cy -> 1; bob: dee (customer) -> 1; dee: ann -> 0.
  // ann first (2 referred), then bob. ann reaches bob, cy, dee (2 customers);
  // bob reaches dee, ann, cy (1 customer).
  REQUIRE(r.report.advocates.size() == 2);
  CHECK(r.report.advocates[0].person == "ann");
  CHECK(r.report.advocates[0].figures.referred == 2);
  CHECK(r.report.advocates[0].figures.referred_customers == 1);
  CHECK(r.report.advocates[0].figures.reach.persons == 3);
  CHECK(r.report.advocates[0].figures.reach.customers == 2);
  CHECK(r.report.advocates[1].person == "bob");
  CHECK(r.report.advocates[1].figures.reach.customers == 1);

  const std::string text = render_text(r.report);
  CHECK(text.find("purchases made for someone else: 3 of 6 (50.0%); 2 payers, 1 beneficiaries") != std::string::npos);
  CHECK(text.find("referrals that name the person referred: 4; 3 referrers, 4 persons referred") != std::string::npos);
  CHECK(text.find("Advocates (who referred the most persons who became customers)") != std::string::npos);
  CHECK(text.find("  ann            2          1      3                2") != std::string::npos);
  const std::string json = render_json(r.report);
  CHECK(json.find("\"advocates\": [{\"person\": \"ann\", \"referred\": 2, \"referred_customers\": 1, \"reach\": 3, "
                  "\"reach_customers\": 2}, {\"person\": \"bob\"") != std::string::npos);
  CHECK(json.find("\"purchases_for_others\": 3, \"share_for_others\": 0.5,") != std::string::npos);
}

TEST_CASE("report: --at an earlier day replays only the events up to it", "[report]") {
  // As of 01-31: ann, bob, eve new; nothing after 01-31 replayed.
  replayed r(log_csv, sixty_day_lapse(), date(2024, 1, 31));
  const replay_report& rep = r.report;
  CHECK(rep.as_of == date(2024, 1, 31));
  CHECK(rep.rows.accepted == 7);  // lines 2-8
  CHECK(rep.rows.duplicate == 1);
  CHECK(rep.rows.after_at == 5);  // lines 10, 11, 12, 14, 15 (13 is bad whatever its date)
  CHECK(rep.persons == 3);
  CHECK(rep.stages[at(stage::new_customer)] == 3);
  CHECK(rep.roles[static_cast<std::size_t>(role::buyer)] == 3);
  CHECK(r.eng.clock() == boost::posix_time::ptime(date(2024, 2, 1)) - boost::posix_time::microseconds(1));
}

TEST_CASE("report: strict mode stops at the first bad row and keeps what came before", "[report]") {
  const bool parallel = GENERATE(true, false);
  engine eng(sixty_day_lapse());
  report_collector collector(eng);
  auto reader = event_csv_reader::from_string(log_csv, "log.csv");
  replay_options o;
  o.strict = true;
  o.parallel_read = parallel;
  o.batch_rows = parallel ? 3 : 4096;
  const replay_counts c = replay_csv(reader, eng, o);
  CHECK(c.stopped);
  CHECK(c.rows == 12);  // up to line 13
  CHECK(c.accepted == 10);
  CHECK(c.duplicate == 1);
  CHECK(c.rejected == 1);
  CHECK(eng.known_persons() == 5);
}

TEST_CASE("report: the default as-of day is the latest event's", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), std::nullopt);
  CHECK(r.report.as_of == date(2024, 7, 5));
  CHECK(r.report.rows.after_at == 0);
  CHECK(r.report.rows.accepted == 12);
  CHECK_FALSE(r.report.as_of_given);
}

TEST_CASE("report: profiles CSV, columns and roles", "[report]") {
  constexpr const char* csv =
      "time,person,event,amount,id,ref\n"
      "2024-03-01T10:00,zed,post,,z1,\n"
      "2024-03-01T10:05,zed,review,,z2,\n"
      "2024-03-01T10:10,zed,purchase,25.00,z3,\n"
      "2024-03-01T11:00,amy,view,,m1,\n"
      "2024-03-02,\"o,dd\",purchase,5.00,q1,\n"
      "2024-03-02,\"o,dd\",refund,,q2,q1\n";
  replayed r(csv, policy{}, std::nullopt);
  std::ostringstream out;
  write_profiles_csv(out, r.eng);
  const std::string text = out.str();
  std::vector<std::string> lines;
  for (std::size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
    lines.push_back(text.substr(at, nl - at));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind("person,stage,roles,primary_role,purchases,", 0) == 0);
  CHECK(lines[1].rfind("zed,new,creator;critic;buyer,creator,1,", 0) == 0);
  CHECK(lines[2].rfind("amy,potential,spectator,spectator,0,", 0) == 0);
  CHECK(lines[3].rfind("\"o,dd\",potential,buyer,buyer,0,0,1,0.00,", 0) == 0);

  // The file reads back as CSV with one field per header column.
  const auto columns = std::count(lines[0].begin(), lines[0].end(), ',');
  CHECK(std::count(lines[1].begin(), lines[1].end(), ',') == columns);
}

TEST_CASE("report: transitions CSV, JSON, DOT and text", "[report]") {
  replayed r(log_csv, sixty_day_lapse(), date(2024, 6, 30));
  std::ostringstream out;
  const auto all = r.eng.all_history();
  write_transitions_csv(out, r.eng, all);
  const std::string tcsv = out.str();
  CHECK(tcsv.rfind("time,person,change,from,to,role,cause,reason\n", 0) == 0);
  // Stage and role transitions only (cy's view raised a browse_no_buy, which stays out).
  const auto signals = std::count_if(all.begin(), all.end(), [](const transition& t) { return t.what == change::signal; });
  CHECK(signals > 0);
  CHECK(static_cast<std::size_t>(std::count(tcsv.begin(), tcsv.end(), '\n')) >= all.size() - signals + 1);
  CHECK(tcsv.find(",signal,") == std::string::npos);
  CHECK(tcsv.find("2024-02-12T00:00:00Z,dee,stage,new,potential,,correction,") != std::string::npos);
  CHECK(tcsv.find("2024-04-01T00:00:00Z,ann,stage,loyal,passive,,time,lapse: last purchase 60 days ago (>= 60)") !=
        std::string::npos);

  const std::string json = render_json(r.report);
  CHECK(json.find("\"persons\": 5,") != std::string::npos);
  CHECK(json.find("\"as_of\": \"2024-06-30\"") != std::string::npos);
  CHECK(json.find("\"stages\": {\"potential\": 2, \"new\": 0, \"passive\": 3, \"deal_hunter\": 0, \"loyal\": 0}") !=
        std::string::npos);
  CHECK(json.find("\"not_passive\": [2, 2, 0, null, null]") != std::string::npos);
  CHECK(json.find("\"lapse_days\": \"60\"") != std::string::npos);
  CHECK(std::count(json.begin(), json.end(), '{') == std::count(json.begin(), json.end(), '}'));
  CHECK(std::count(json.begin(), json.end(), '[') == std::count(json.begin(), json.end(), ']'));

  const std::string dot = render_dot(r.report);
  CHECK(dot.rfind("digraph lifecycle {", 0) == 0);
  CHECK(dot.find("\"potential\" -> \"new\" [label=\"4\"") != std::string::npos);
  CHECK(dot.find("\"new\" -> \"potential\" [label=\"1 (correction)\", style=dashed") != std::string::npos);
  CHECK(dot.find("\"passive\" [label=\"passive\\n3\"") != std::string::npos);
  CHECK(dot.find("\"loyal\" -> \"new\"") == std::string::npos);

  const std::string text = render_text(r.report);
  for (const char* section : {"Rows", "Persons: 5", "Stages (as of 2024-06-30)", "Roles (as of 2024-06-30",
                              "Transitions: 10 stage changes (4 on events, 5 on time, 1 by correction)",
                              "Conversion (user -> customer)", "overall: 4 of 5 persons became customers (80.0%)",
                              "Retention of first-purchase cohorts", "Days in each stage (medians)", "Time",
                              "policy: lapse_days = 60 (other keys at their defaults)"})
    CHECK(text.find(section) != std::string::npos);
  CHECK(text.find("    2024-02        2          1   50.0%") != std::string::npos);
  CHECK(text.find("  2024-01          3     66.7%     66.7%      0.0%          -           -") != std::string::npos);
  CHECK(text.find("unknown_kind     1          13  unknown event kind 'purchse'") != std::string::npos);
}

TEST_CASE("report: an empty log", "[report]") {
  replayed r("time,person,event\n", policy{}, std::nullopt);
  CHECK(r.report.persons == 0);
  CHECK(r.report.as_of.is_special());
  CHECK_NOTHROW(render_text(r.report));
  CHECK(render_json(r.report).find("\"as_of\": null") != std::string::npos);
  CHECK_NOTHROW(render_dot(r.report));
}

TEST_CASE("report: replay needs the replay clock", "[report]") {
  policy host;
  host.clock = clock_mode::host;
  engine eng(host);
  auto reader = event_csv_reader::from_string("time,person,event\n2024-01-01,a,visit\n", "x.csv");
  CHECK_THROWS_AS(replay_csv(reader, eng), error);
}

TEST_CASE("report: a replay of any bytes renders without crashing", "[report]") {
  std::mt19937_64 gen(99);
  const std::vector<std::string> pieces = {"2024-01-0", "1", "2", "T10:00", ",", ",", "\n", "\"", "purchase", "refund",
                                           "visit", "post", "a", "b", "o1", "1.5", "-2", "true", "\r\n", "\xff", "9"};
  for (int round = 0; round < 60; ++round) {
    std::string text = "time,person,event,amount,coupon,id,target,ref,score\n";
    const std::size_t n = gen() % 400;
    for (std::size_t i = 0; i < n; ++i) text += pieces[gen() % pieces.size()];
    engine eng;
    report_collector collector(eng);
    auto reader = event_csv_reader::from_string(text, "fuzz.csv");
    replay_options o;
    o.batch_rows = 1 + gen() % 8;
    const replay_counts c = replay_csv(reader, eng, o);
    CHECK(c.rows == c.accepted + c.duplicate + c.rejected + c.after_at);
    const replay_report rep = build_report(eng, collector, c, "fuzz.csv");
    CHECK_NOTHROW(render_text(rep));
    CHECK_NOTHROW(render_json(rep));
    CHECK_NOTHROW(render_dot(rep));
    std::ostringstream out;
    CHECK_NOTHROW(write_profiles_csv(out, eng));
    CHECK_NOTHROW(write_transitions_csv(out, eng, eng.all_history()));
  }
}

namespace {

// Signals, tiers and NPS, worked out by hand (tiers member 0, silver 50, gold
// 100; a purchase earns 1 point per whole unit, a review 20; browse_hours 24):
//
//   ann       views 03-01 10:00, never buys      -> browse_no_buy at 03-02 10:00 (time), when
//                                                   dee's row moves the clock past it; feedback 10
//   bob       carts 03-01 12:00, buys 60.00 at 20:00 (within 24 hours: no abandoned_cart)
//                                                -> 60 points: tier_up to silver (event); feedback 8
//   "Cy, Jr." carts 03-02 09:00, never buys      -> abandoned_cart at 03-03 09:00 (time), when
//                                                   eve's row moves the clock past it; feedback 2
//                                                   dated 03-05, then a late 9 dated 03-04: the
//                                                   latest by event time is the 2
//   dee       buys 120.00 03-02 11:00            -> 120 points: tier_up to gold (event); feedback 9;
//                                                   a review 03-06: 140 points, still gold
//   eve       follows 03-03 12:00                -> reachable (but potential: no contact_due)
//
// Signals in emission order: bob tier_up, ann browse_no_buy, dee tier_up, Cy abandoned_cart.
// As of 03-06: tiers member 3 (ann, Cy, eve), silver 1 (bob), gold 1 (dee).
// Stages: ann, Cy, eve potential; bob, dee new (first purchase < 30 days ago).
// Primary roles: ann spectator (a view, a feedback); bob and Cy buyer (a cart or
// purchase); dee critic (a review and a purchase tie: critic goes first).
// NPS (latest scores 10, 8, 2, 9): 2 promoters, 1 passive, 1 detractor -> (2 - 1) / 4 = 25.0;
// potential: ann P, Cy D -> 0.0; new: bob passive, dee P -> 50.0;
// spectator: ann -> 100.0; buyer: bob passive, Cy D -> -50.0; critic: dee -> 100.0.
constexpr const char* signals_csv =
    "time,person,event,amount,id,score\n"
    "2024-03-01T10:00,ann,view,,a1,\n"
    "2024-03-01T12:00,bob,cart,,b1,\n"
    "2024-03-01T20:00,bob,purchase,60.00,b2,\n"
    "2024-03-02T09:00,\"Cy, Jr.\",cart,,c1,\n"
    "2024-03-02T11:00,dee,purchase,120.00,d1,\n"
    "2024-03-03T12:00,eve,follow,,e1,\n"
    "2024-03-04,ann,feedback,,f1,10\n"
    "2024-03-04,bob,feedback,,f2,8\n"
    "2024-03-05,\"Cy, Jr.\",feedback,,f3,2\n"
    "2024-03-04,\"Cy, Jr.\",feedback,,f4,9\n"
    "2024-03-05,dee,feedback,,f5,9\n"
    "2024-03-06,dee,review,,r1,\n";

policy small_tiers(std::string extra = "") {
  return parse_policy("tiers = member:0, silver:50, gold:100\n" + extra);
}

std::size_t at(signal_kind k) { return static_cast<std::size_t>(k); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t from = 0, nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1)
    lines.push_back(text.substr(from, nl - from));
  return lines;
}

// The replayed engine with a collector that keeps the signals.
struct replayed_signals {
  engine eng;
  report_collector collector;
  replay_report report;
  replayed_signals(std::string_view csv, const policy& rules, history_mode h = history_mode::full)
      : eng(rules, engine_options{h, 0}), collector(eng, true) {
    auto reader = event_csv_reader::from_string(csv, "signals.csv");
    const replay_counts counts = replay_csv(reader, eng);
    report = build_report(eng, collector, counts, "signals.csv");
  }
};

}  // namespace

TEST_CASE("report: signal counts, tier distribution and the NPS table", "[report][signals]") {
  replayed_signals r(signals_csv, small_tiers());
  const replay_report& rep = r.report;
  REQUIRE(rep.rows.accepted == 12);
  std::array<std::uint64_t, signal_count> signals{};
  signals[at(signal_kind::browse_no_buy)] = 1;
  signals[at(signal_kind::abandoned_cart)] = 1;
  signals[at(signal_kind::tier_up)] = 2;
  CHECK(rep.signals == signals);
  CHECK(rep.tiers == std::vector<std::uint64_t>{3, 1, 1});

  const nps_table& n = rep.nps;
  CHECK(n.overall.promoters == 2);
  CHECK(n.overall.passives == 1);
  CHECK(n.overall.detractors == 1);
  REQUIRE(n.overall.score());
  CHECK(*n.overall.score() == Approx(25.0));
  CHECK(n.by_stage[at(stage::potential)].responses() == 2);
  CHECK(*n.by_stage[at(stage::potential)].score() == Approx(0.0));
  CHECK(*n.by_stage[at(stage::new_customer)].score() == Approx(50.0));
  CHECK_FALSE(n.by_stage[at(stage::passive)].score());
  CHECK(*n.by_primary_role[static_cast<std::size_t>(role::spectator)].score() == Approx(100.0));
  CHECK(n.by_primary_role[static_cast<std::size_t>(role::buyer)].responses() == 2);
  CHECK(*n.by_primary_role[static_cast<std::size_t>(role::buyer)].score() == Approx(-50.0));
  CHECK(*n.by_primary_role[static_cast<std::size_t>(role::critic)].score() == Approx(100.0));
  CHECK(n.by_primary_role[role_count].responses() == 0);

  // Signals never reach the stage figures: ann, Cy and eve never left potential; bob and dee are new.
  CHECK(rep.by_cause[static_cast<std::size_t>(cause::event)] == 2);
  CHECK(rep.by_cause[static_cast<std::size_t>(cause::time)] == 0);
  CHECK(rep.flows.distinct_paths == 2);  // potential; potential > new

  const std::string text = render_text(rep);
  CHECK(text.find("\nSignals (moments to act; --signals writes each one)\n"
                  "  signal          emitted  share\n"
                  "  browse_no_buy         1  25.0%\n"
                  "  abandoned_cart        1  25.0%\n"
                  "  usage_decline         0   0.0%\n") != std::string::npos);
  CHECK(text.find("  tier_up               2  50.0%\n  tier_down             0   0.0%\n"
                  "  total                 4   100%\n") != std::string::npos);
  CHECK(text.find("(off: not in the policy's signals)") == std::string::npos);
  CHECK(text.find("\nTiers (as of 2024-03-06; points of the last 365 days: purchase:1, post:30, review:20, "
                  "referral:100)\n"
                  "  tier    min points  persons  share\n"
                  "  member           0        3  60.0%\n"
                  "  silver          50        1  20.0%\n"
                  "  gold           100        1  20.0%\n") != std::string::npos);
  CHECK(text.find("  group              responses  promoters  passives  detractors    NPS\n"
                  "  overall                    4          2         1           1   25.0\n"
                  "  stage potential            2          1         0           1    0.0\n") != std::string::npos);
  CHECK(text.find("  stage passive              0          0         0           0      -\n") != std::string::npos);
  CHECK(text.find("  role buyer                 2          0         1           1  -50.0\n") != std::string::npos);
  CHECK(text.find("  role (none)                0          0         0           0      -\n") != std::string::npos);
  // The new sections come after the advocates, before the time.
  CHECK(text.find("\nAdvocates") < text.find("\nSignals"));
  CHECK(text.find("\nNPS (") < text.find("\nTime"));

  const std::string json = render_json(rep);
  CHECK(json.find("\"signals\": {\"total\": 4, \"by_kind\": {\"browse_no_buy\": 1, \"abandoned_cart\": 1, "
                  "\"usage_decline\": 0, \"contact_due\": 0, \"over_contacted\": 0, \"birthday\": 0, \"tier_up\": 2, "
                  "\"tier_down\": 0}, \"enabled\": [\"browse_no_buy\", \"abandoned_cart\", \"usage_decline\", "
                  "\"contact_due\", \"over_contacted\", \"birthday\", \"tier_up\", \"tier_down\"]},") !=
        std::string::npos);
  CHECK(json.find("\"tiers\": {\"points_window_days\": 365, \"tiers\": [{\"tier\": \"member\", \"min_points\": 0, "
                  "\"persons\": 3, \"share\": 0.6}, {\"tier\": \"silver\", \"min_points\": 50, \"persons\": 1, "
                  "\"share\": 0.2}, {\"tier\": \"gold\", \"min_points\": 100, \"persons\": 1, \"share\": 0.2}]},") !=
        std::string::npos);
  CHECK(json.find("\"nps\": {\"tracked\": true, \"overall\": {\"responses\": 4, \"promoters\": 2, \"passives\": 1, "
                  "\"detractors\": 1, \"score\": 25}, \"by_stage\": {\"potential\": {\"responses\": 2,") !=
        std::string::npos);
  CHECK(json.find("\"passive\": {\"responses\": 0, \"promoters\": 0, \"passives\": 0, \"detractors\": 0, "
                  "\"score\": null}") != std::string::npos);
  CHECK(json.find("\"buyer\": {\"responses\": 2, \"promoters\": 0, \"passives\": 1, \"detractors\": 1, "
                  "\"score\": -50}, \"none\": {\"responses\": 0,") != std::string::npos);
  CHECK(std::count(json.begin(), json.end(), '{') == std::count(json.begin(), json.end(), '}'));
  CHECK(std::count(json.begin(), json.end(), '[') == std::count(json.begin(), json.end(), ']'));
}

TEST_CASE("report: signals CSV, one row per signal, and a transitions CSV without them", "[report][signals]") {
  replayed_signals r(signals_csv, small_tiers());
  std::ostringstream out;
  write_signals_csv(out, r.eng, r.collector.signals());
  const auto rows = lines_of(out.str());
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == "person,signal,time,cause,reason");
  CHECK(rows[1] == "bob,tier_up,2024-03-01T20:00:00Z,event,tier_up: 60 points in 365 days reach tier 1 (>= 50)");
  CHECK(rows[2] == "ann,browse_no_buy,2024-03-02T10:00:00Z,time,"
                   "browse_no_buy: a view and no purchase within 24 hours (at most once per 7 days)");
  CHECK(rows[3] == "dee,tier_up,2024-03-02T11:00:00Z,event,tier_up: 120 points in 365 days reach tier 2 (>= 100)");
  CHECK(rows[4] == "\"Cy, Jr.\",abandoned_cart,2024-03-03T09:00:00Z,time,"
                   "abandoned_cart: a cart and no purchase within 24 hours (at most once per 7 days)");

  // The engine's full history holds the same signals among its transitions;
  // written from it, the file is the same.
  const auto all = r.eng.all_history();
  std::ostringstream from_history;
  write_signals_csv(from_history, r.eng, all);
  CHECK(from_history.str() == out.str());

  // --transitions keeps the stage and role transitions only.
  std::ostringstream t;
  write_transitions_csv(t, r.eng, all);
  const auto trows = lines_of(t.str());
  const auto signals = static_cast<std::size_t>(
      std::count_if(all.begin(), all.end(), [](const transition& x) { return x.what == change::signal; }));
  CHECK(signals == 4);
  CHECK(trows.size() == 1 + all.size() - signals);
  for (const std::string& row : trows) CHECK(row.find(",signal,") == std::string::npos);
  CHECK(t.str().find("tier_up") == std::string::npos);

  // Without keep_signals the collector keeps none.
  engine eng(small_tiers());
  report_collector plain(eng);
  auto reader = event_csv_reader::from_string(signals_csv, "signals.csv");
  replay_csv(reader, eng);
  CHECK(plain.signals().empty());
  CHECK(eng.signal_counts()[at(signal_kind::tier_up)] == 2);
}

TEST_CASE("report: profiles CSV ends with points, tier, reachable and nps_score", "[report][signals]") {
  replayed_signals r(signals_csv, small_tiers());
  std::ostringstream out;
  write_profiles_csv(out, r.eng);
  const auto rows = lines_of(out.str());
  REQUIRE(rows.size() == 6);
  const std::string tail = ",points,tier,reachable,nps_score";
  CHECK(rows[0].size() > tail.size());
  CHECK(rows[0].compare(rows[0].size() - tail.size(), tail.size(), tail) == 0);
  auto ends_with = [](const std::string& row, const std::string& end) {
    return row.size() >= end.size() && row.compare(row.size() - end.size(), end.size(), end) == 0;
  };
  CHECK(ends_with(rows[1], ",0,member,false,10"));   // ann
  CHECK(ends_with(rows[2], ",60,silver,false,8"));   // bob
  CHECK(ends_with(rows[3], ",0,member,false,2"));    // Cy: the latest by event time
  CHECK(rows[3].rfind("\"Cy, Jr.\",potential,", 0) == 0);
  CHECK(ends_with(rows[4], ",140,gold,false,9"));    // dee: 120 + 20 for the review
  CHECK(ends_with(rows[5], ",0,member,true,"));      // eve followed; no score

  // Tracking nothing: the columns are left out.
  replayed_signals off(signals_csv, parse_policy("signals = none\ntiers = none\nnps = false\n"));
  std::ostringstream plain;
  write_profiles_csv(plain, off.eng);
  CHECK(plain.str().find("points") == std::string::npos);
  // No tiers, but signals: an empty tier.
  replayed_signals no_tiers(signals_csv, parse_policy("tiers = none\n"));
  std::ostringstream some;
  write_profiles_csv(some, no_tiers.eng);
  CHECK(ends_with(lines_of(some.str()).at(4), ",,false,9"));  // dee: no tier name
}

TEST_CASE("report: signals switched off, no tiers, no feedback", "[report][signals]") {
  // Only the tier signals; no feedback rows: the NPS section says so.
  std::string csv = signals_csv;
  csv = csv.substr(0, csv.find("2024-03-04,ann,feedback"));
  replayed_signals r(csv, small_tiers("signals = tier_up, tier_down\n"));
  CHECK(r.report.signals[at(signal_kind::browse_no_buy)] == 0);  // ann's view: switched off
  CHECK(r.report.signals[at(signal_kind::tier_up)] == 2);
  const std::string text = render_text(r.report);
  CHECK(text.find("  browse_no_buy       off\n") != std::string::npos);
  CHECK(text.find("  tier_up               2   100%\n") == std::string::npos);  // a share, not the total's mark
  CHECK(text.find("  tier_up               2  100.0%\n") != std::string::npos);
  CHECK(text.find("  (off: not in the policy's signals)\n") != std::string::npos);
  CHECK(text.find("; each person's latest feedback score: promoters 9-10, passives 7-8, detractors 0-6)\n"
                  "  no feedback scores\n") != std::string::npos);
  const std::string json = render_json(r.report);
  CHECK(json.find("\"enabled\": [\"tier_up\", \"tier_down\"]") != std::string::npos);
  CHECK(json.find("\"overall\": {\"responses\": 0, \"promoters\": 0, \"passives\": 0, \"detractors\": 0, "
                  "\"score\": null}") != std::string::npos);

  replayed_signals none(signals_csv, parse_policy("signals = none\ntiers = none\nnps = false\n"));
  const std::string t2 = render_text(none.report);
  CHECK(t2.find("  none: the policy emits no signals (signals = none)\n") != std::string::npos);
  CHECK(t2.find("  none: the policy defines no tiers (tiers = none)\n") != std::string::npos);
  CHECK(t2.find("  not tracked: the policy sets nps = false\n") != std::string::npos);
  CHECK(none.report.tiers.empty());
  CHECK(render_json(none.report).find("\"tiers\": {\"points_window_days\": 365, \"tiers\": []}") != std::string::npos);

  // One tier: everybody in it.
  replayed_signals one(signals_csv, parse_policy("tiers = member:0\n"));
  CHECK(one.report.tiers == std::vector<std::uint64_t>{5});
  CHECK(render_text(one.report).find("  member           0        5  100.0%\n") != std::string::npos);
}
