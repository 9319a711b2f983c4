// Tests for lifecycle/scenario.hpp: the parser (structure, every class of
// malformed script with its file:line, hostile bytes), the runner (results,
// failures with history, rejections) and the report.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <variant>

#include <lifecycle/error.hpp>
#include <lifecycle/scenario.hpp>

using namespace lifecycle;
using namespace std::string_literals;

namespace {

/// The error parse_scenarios throws for \p text, or a failed test.
error parse_error_of(std::string_view text, std::string_view file = "t.scn") {
  try {
    parse_scenarios(text, file);
  } catch (const error& e) {
    return e;
  }
  FAIL("no error for:\n" << text);
  throw;  // unreachable: FAIL throws
}

scenario_result run_one(std::string_view text) {
  const scenario_script s = parse_scenarios(text, "t.scn");
  REQUIRE(s.scenarios.size() == 1);
  return run(s.scenarios.front());
}

const std::string deal_hunter_story =
    "scenario coupons make a deal hunter\n"
    "2024-01-01 nazi purchase amount=10 coupon id=o2\n"
    "2024-01-20 nazi purchase amount=12 coupon id=o3\n"
    "advance 2024-02-15\n"
    "expect nazi stage deal_hunter\n"
    "expect nazi path potential,new,deal_hunter\n";

}  // namespace

TEST_CASE("scenario parser: statements, lines and policy") {
  const scenario_script s = parse_scenarios(
      "# a comment\n"
      "\n"
      "scenario first   story  # comment\n"
      "policy lapse_days=60 loyal_requires_follow=false\n"
      "2024-01-01T10:30 mom purchase amount=9.90 coupon id=p1 target=kid\n"
      "2024-01-02 mom refund ref=p1\n"
      "2024-01-03 kid feedback score=7\n"
      "advance 2024-02-01\n"
      "expect mom stage potential\n"
      "expect kid stage unknown\n"
      "expect mom roles buyer,spectator\n"
      "expect mom primary none\n"
      "expect mom path potential,new,potential\n"
      "expect count buyer 1\n"
      "expect count loyal 0\n"
      "2024-01-04 mom visit\n"
      "expect duplicate\n"
      "scenario second\n",
      "story.scn");
  REQUIRE(s.file == "story.scn");
  REQUIRE(s.scenarios.size() == 2);
  const scenario& first = s.scenarios[0];
  CHECK(first.title == "first story");
  CHECK(first.file == "story.scn");
  CHECK(first.line == 3);
  CHECK(first.rules.lapse_days == 60);
  CHECK_FALSE(first.rules.loyal_requires_follow);
  REQUIRE(first.statements.size() == 13);

  const auto& buy = std::get<script_event>(first.statements[0].step);
  CHECK(first.statements[0].line == 5);
  CHECK(first.statements[0].text == "2024-01-01T10:30 mom purchase amount=9.90 coupon id=p1 target=kid");
  CHECK(buy.time == boost::posix_time::ptime(boost::gregorian::date(2024, 1, 1),
                                             boost::posix_time::hours(10) + boost::posix_time::minutes(30)));
  CHECK(buy.person == "mom");
  CHECK(buy.kind == event_kind::purchase);
  CHECK(buy.amount == money{990});
  CHECK(buy.coupon);
  CHECK(buy.id == "p1");
  CHECK(buy.target == "kid");
  const event e = buy.to_event();
  CHECK(e.person == "mom");
  CHECK(e.target == "kid");
  CHECK(e.amount == money{990});

  CHECK(std::get<script_event>(first.statements[1].step).ref == "p1");
  CHECK(std::get<script_event>(first.statements[2].step).score == 7);
  CHECK(std::get<script_advance>(first.statements[3].step).to ==
        boost::posix_time::ptime(boost::gregorian::date(2024, 2, 1)));
  CHECK(std::get<expect_stage>(first.statements[4].step).value == stage::potential);
  CHECK_FALSE(std::get<expect_stage>(first.statements[5].step).value.has_value());
  CHECK(std::get<expect_roles>(first.statements[6].step).value == role_set{role::buyer, role::spectator});
  CHECK_FALSE(std::get<expect_primary>(first.statements[7].step).value.has_value());
  CHECK(std::get<expect_path>(first.statements[8].step).value ==
        std::vector<stage>{stage::potential, stage::new_customer, stage::potential});
  const auto& count = std::get<expect_count>(first.statements[9].step);
  CHECK(std::get<role>(count.of) == role::buyer);
  CHECK(count.value == 1);
  CHECK(std::get<stage>(std::get<expect_count>(first.statements[10].step).of) == stage::loyal);
  CHECK(std::get<expect_outcome>(first.statements[12].step).value == ingest_status::duplicate);

  CHECK(s.scenarios[1].title == "second");
  CHECK(s.scenarios[1].statements.empty());
  CHECK(s.scenarios[1].rules == policy{});  // each scenario starts from the defaults
}

TEST_CASE("scenario parser: every malformed script names its file and line") {
  struct bad_case {
    const char* what;
    std::string text;
    int line;
    const char* message;  // part of the message
  };
  const std::string head = "scenario s\n2024-01-01 a purchase amount=1 id=p1\n";  // lines 1-2
  const bad_case cases[] = {
      {"unknown statement", head + "expcet a stage new\n", 3, "unknown statement 'expcet'"},
      {"statement before any scenario", "2024-01-01 a visit\n", 1, "before the first `scenario` line"},
      {"scenario without a title", "scenario\n", 1, "`scenario` needs a title"},
      {"bad date", head + "2024-02-30 a visit\n", 3, "bad time '2024-02-30'"},
      {"bad time of day", head + "2024-01-01T24:00 a visit\n", 3, "bad time"},
      {"sloppy time", head + "2024-1-1 a visit\n", 3, "bad time"},
      {"time with a space", head + "2024-01-01 10:00 a visit\n", 3, "e.g. 2024-01-01T10:00"},
      {"year before 1400", head + "1399-12-31 a visit\n", 3, "bad time"},
      {"bad advance", head + "advance soon\n", 3, "bad time 'soon'"},
      {"advance without time", head + "advance\n", 3, "`advance` needs one time"},
      {"unknown kind", head + "2024-01-01 a buy\n", 3, "unknown event kind 'buy'"},
      {"missing person", head + "2024-01-01 purchase amount=1\n", 3, "needs a person before its kind"},
      {"missing kind", head + "2024-01-01 a\n", 3, "needs a person and a kind"},
      {"unknown field", head + "2024-01-01 a purchase price=1\n", 3, "unknown field 'price=1'"},
      {"field given twice", head + "2024-01-01 a purchase id=x id=y\n", 3, "`id=` given twice"},
      {"empty field value", head + "2024-01-01 a purchase id=\n", 3, "`id=` needs a value"},
      {"bad amount", head + "2024-01-01 a purchase amount=1.234\n", 3, "bad amount '1.234'"},
      {"bad score", head + "2024-01-01 a feedback score=high\n", 3, "bad score 'high'"},
      {"unknown stage", head + "expect a stage vip\n", 3, "unknown stage 'vip'"},
      {"unknown stage in a path", head + "expect a path potential,,new\n", 3, "unknown stage ''"},
      {"unknown role", head + "expect a roles buyer,lurker\n", 3, "unknown role 'lurker'"},
      {"unknown primary role", head + "expect a primary boss\n", 3, "unknown role 'boss'"},
      {"unknown count name", head + "expect count vips 1\n", 3, "unknown stage or role 'vips'"},
      {"bad count", head + "expect count loyal many\n", 3, "bad count 'many'"},
      {"negative count", head + "expect count loyal -1\n", 3, "bad count '-1'"},
      {"expect without a form", head + "expect a\n", 3, "expect needs one of"},
      {"expect with an unknown aspect", head + "expect a mood happy\n", 3, "expect needs one of"},
      {"unknown policy key", "scenario s\npolicy lapse=60\n", 2, "unknown policy key 'lapse'"},
      {"policy without pairs", "scenario s\npolicy\n", 2, "`policy` needs key=value pairs"},
      {"policy not key=value", "scenario s\npolicy lapse_days\n", 2, "is not key=value"},
      {"bad policy value", "scenario s\npolicy lapse_days=-3\n", 2, "lapse_days must be between 1 and 36500"},
      {"policy value that does not parse", "scenario s\npolicy new_days=ten\n", 2, "new_days must be an integer"},
      {"bad clock mode", "scenario s\npolicy clock=wall\n", 2, "must be replay or host"},
      {"policy after an event", head + "policy lapse_days=60\n", 3, "`policy` must come before"},
      {"policy after an advance", "scenario s\nadvance 2024-01-01\npolicy new_days=5\n", 3,
       "`policy` must come before"},
      {"person never seen", head + "expect bob stage new\n", 3, "expectation about 'bob'"},
      {"person seen later only", "scenario s\nexpect a stage new\n2024-01-01 a visit\n", 2,
       "expectation about 'a'"},
      {"person of another scenario", head + "scenario t\nexpect a stage new\n", 4, "expectation about 'a'"},
      {"expect rejected after an expectation", head + "expect a stage new\nexpect rejected\n", 4,
       "`expect rejected` must come right after an event line"},
      {"expect rejected first", "scenario s\nexpect rejected\n", 2, "must come right after an event line"},
      {"empty file", "", 1, "no scenario in the file"},
      {"only comments", "# nothing\n\n   \n", 1, "no scenario in the file"},
      {"bad reach", head + "expect a reach many\n", 3, "bad count 'many'"},
      {"empty name among beneficiaries", head + "expect a beneficiaries kid,,teen\n", 3, "empty person name"},
      {"reach of a stranger", head + "expect bob reach 1\n", 3, "expectation about 'bob'"},
      {"unknown move in a policy", "scenario s\npolicy forbid_moves=loyal->vip\n", 2, "unknown stage 'vip'"},
      {"a policy graph that fails validation", "scenario s\npolicy forbid_moves=potential->new\n", 2,
       "new cannot be reached from potential by normal moves"},
      // Signals, tiers, points, reachability and NPS.
      {"unknown signal", head + "expect a signal browse_nobuy\n", 3, "unknown signal 'browse_nobuy' (one of"},
      {"unknown no-signal", head + "expect a no-signal churn\n", 3, "unknown signal 'churn'"},
      {"signal without a name", head + "expect a signal\n", 3, "expect needs one of"},
      {"unknown signal to count", head + "expect count birthdays 1\n", 3, "unknown stage or role 'birthdays'"},
      {"the signals that may be counted", head + "expect count birthdays 1\n", 3,
       "signals: browse_no_buy, abandoned_cart, usage_decline"},
      {"signal of a stranger", head + "expect bob signal birthday\n", 3, "expectation about 'bob'"},
      {"unknown tier", head + "expect a tier platinum\n", 3,
       "unknown tier 'platinum' (the policy's tiers: member, silver, gold)"},
      {"a default tier under custom tiers", "scenario s\npolicy tiers=basic:0,vip:100\n2024-01-01 a visit\n"
       "expect a tier gold\n", 4, "unknown tier 'gold' (the policy's tiers: basic, vip)"},
      {"a tier without tiers", "scenario s\npolicy tiers=none\n2024-01-01 a visit\nexpect a tier member\n", 4,
       "the policy has none (tiers=none)"},
      {"a tier called unknown", "scenario s\npolicy tiers=member:0,unknown:10\n2024-01-01 a visit\n"
       "expect a tier unknown\n", 4, "`tier unknown` is ambiguous"},
      {"bad points", head + "expect a points many\n", 3, "bad points 'many' (a whole number)"},
      {"fractional points", head + "expect a points 1.5\n", 3, "bad points '1.5'"},
      {"bad expected reachable", head + "expect a reachable maybe\n", 3, "bad reachable value 'maybe' (yes or no)"},
      {"a person's NPS above 10", head + "expect a nps 11\n", 3, "bad NPS score '11' (0 to 10, or none)"},
      {"a person's NPS below 0", head + "expect a nps -1\n", 3, "bad NPS score '-1'"},
      {"an NPS above 100", head + "expect nps 100.1\n", 3, "bad NPS '100.1' (a score from -100 to 100"},
      {"an NPS below -100", head + "expect nps -101\n", 3, "bad NPS '-101'"},
      {"an NPS with two decimals", head + "expect nps 33.33\n", 3, "bad NPS '33.33'"},
      {"an NPS that is a word", head + "expect nps high\n", 3, "bad NPS 'high'"},
      {"an NPS of an unknown group", head + "expect nps vips 10\n", 3, "unknown stage or role 'vips'"},
      {"set without a value", head + "set a birthday\n", 3, "`set` needs a person, a setting and a value"},
      {"set with too much", head + "set a reachable yes please\n", 3, "`set` needs a person"},
      {"unknown setting", head + "set a email x@y\n", 3, "unknown setting 'email' (birthday or reachable)"},
      {"set for a stranger", head + "set bob birthday 03-15\n", 3,
       "`set` about 'bob', whom no earlier event line of this scenario names"},
      {"set before any event", "scenario s\nset a reachable yes\n", 2, "`set` about 'a'"},
      {"30 February", head + "set a birthday 02-30\n", 3,
       "bad birthday '02-30' (MM-DD, a day of the year such as 03-15 or 02-29, or none)"},
      {"month 13", head + "set a birthday 13-01\n", 3, "bad birthday '13-01'"},
      {"month 0", head + "set a birthday 00-10\n", 3, "bad birthday '00-10'"},
      {"31 April", head + "set a birthday 04-31\n", 3, "bad birthday '04-31'"},
      {"a birthday with a year", head + "set a birthday 1990-03-15\n", 3, "bad birthday '1990-03-15'"},
      {"a birthday as a word", head + "set a birthday soon\n", 3, "bad birthday 'soon'"},
      {"reachable maybe", head + "set a reachable maybe\n", 3, "bad reachable value 'maybe' (yes or no)"},
      {"set under a policy that tracks nothing",
       "scenario s\npolicy signals=none tiers=none nps=false\n2024-01-01 a visit\nset a reachable yes\n", 4,
       "`set reachable` needs a policy that tracks signals, tiers or NPS"},
      {"policy after a set", head + "set a reachable yes\npolicy nps=false\n", 4, "`policy` must come before"},
      {"expect rejected after a set", head + "set a reachable yes\nexpect rejected\n", 4,
       "`expect rejected` must come right after an event line"},
  };
  for (const bad_case& c : cases) {
    INFO(c.what << ":\n" << c.text);
    const error e = parse_error_of(c.text);
    CHECK(e.code() == errc::parse_error);
    CHECK(e.file() == "t.scn");
    CHECK(e.line() == c.line);
    CHECK_THAT(e.what(), Catch::Contains(c.message));
    CHECK_THAT(e.what(), Catch::StartsWith("t.scn:" + std::to_string(c.line) + ": error: "));
  }
}

TEST_CASE("scenario parser: hostile bytes are malformed, never a crash") {
  SECTION("NUL") {
    const error e = parse_error_of("scenario s\n2024-01-01 a\0b visit\n"s);
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("control character 0x00 at column 13"));
  }
  SECTION("NUL in a comment") {
    CHECK(parse_error_of("scenario s # \0\n"s).line() == 1);
  }
  SECTION("a lone carriage return inside a line") {
    CHECK_THAT(parse_error_of("scenario s\r2024-01-01 a visit\n").what(),
               Catch::Contains("control character 0x0d"));
  }
  SECTION("invalid UTF-8") {
    for (const std::string bad : {"\xff"s, "\xc3"s, "\xc0\xaf"s, "\xed\xa0\x80"s, "\xf4\x90\x80\x80"s,
                                  "\xe2\x82"s, "\x80"s}) {
      const error e = parse_error_of("scenario s\n2024-01-01 a" + bad + " visit\n");
      CHECK(e.line() == 2);
      CHECK_THAT(e.what(), Catch::Contains("invalid UTF-8"));
    }
  }
  SECTION("valid UTF-8 names and titles are fine") {
    const scenario_script s = parse_scenarios(
        "scenario والدین برای کودک می‌خرند 家长买单\n2024-01-01 مادر purchase amount=5 id=p1\n"
        "expect مادر stage new\n",
        "t.scn");
    CHECK(s.scenarios[0].title == "والدین برای کودک می‌خرند 家长买单");
    CHECK(run(s).passed());
  }
  SECTION("a long line") {
    const std::string name(100'000, 'x');
    const error e = parse_error_of("scenario s\n2024-01-01 " + name + " visit\n");
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::Contains("the limit is 4096"));
    // A line at the limit is fine.
    const std::string at_limit = "scenario " + std::string(max_script_line - 9, 't');
    REQUIRE(at_limit.size() == max_script_line);
    CHECK(parse_scenarios(at_limit, "t.scn").scenarios.size() == 1);
  }
  SECTION("long tokens are cut short in messages") {
    const error e = parse_error_of("scenario s\n2024-01-01 a " + std::string(1000, 'k') + "\n");
    CHECK(std::string_view(e.what()).size() < 400);
  }
  SECTION("empty and blank") {
    CHECK(parse_error_of("").line() == 1);
    CHECK(parse_error_of("\n\n\n").line() == 1);
    CHECK(parse_error_of("\xEF\xBB\xBF").line() == 1);
  }
  SECTION("CRLF line ends and a byte order mark") {
    const scenario_script s = parse_scenarios(
        "\xEF\xBB\xBFscenario crlf\r\n2024-01-01 a visit\r\nexpect a stage potential\r\n\r\n", "t.scn");
    REQUIRE(s.scenarios.size() == 1);
    CHECK(s.scenarios[0].title == "crlf");
    CHECK(s.scenarios[0].statements[1].line == 3);
    CHECK(run(s).passed());
  }
  SECTION("no newline at the end") {
    CHECK(parse_scenarios("scenario s\n2024-01-01 a visit", "t.scn").scenarios[0].statements.size() == 1);
  }
}

TEST_CASE("scenario parser: random bytes and mutated scripts only ever throw lifecycle::error") {
  const std::uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  const std::string alphabet = "scenario policy advance expect count stage roles path primary rejected "
                               "2024-01-01T10:00 # = , . - purchase coupon id= ref= target= amount= \n\r\t";
  for (int i = 0; i < 300; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 400);
    for (int k = 0; k < n; ++k)
      text += (rng() % 3 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    try {
      run(parse_scenarios(text, "fuzz.scn"));
    } catch (const error& e) {
      CHECK(e.code() == errc::parse_error);
      CHECK(e.line() >= 1);
    }
  }
  // Mutations of a real script: drop, duplicate or garble one byte at a time.
  for (int i = 0; i < 300; ++i) {
    std::string text = deal_hunter_story;
    const std::size_t at = rng() % text.size();
    switch (rng() % 3) {
      case 0: text.erase(at, 1); break;
      case 1: text.insert(at, 1, text[at]); break;
      default: text[at] = static_cast<char>(rng() % 256); break;
    }
    try {
      run(parse_scenarios(text, "fuzz.scn"));
    } catch (const error& e) {
      CHECK(e.code() == errc::parse_error);
    }
  }
}

TEST_CASE("scenario parser: the people and stage-graph expectations") {
  const scenario_script s = parse_scenarios(
      "scenario people\n"
      "policy forbid_moves=loyal->deal_hunter allow_moves=new->potential\n"
      "2024-01-01 mom purchase amount=9 id=p1 target=teen\n"
      "expect mom beneficiaries teen,kid\n"
      "expect teen payers none\n"
      "expect mom referred none\n"
      "expect mom reach 3\n"
      "expect mom reach_customers 0\n"
      "expect count forbidden 2\n"
      "expect count corrections 0\n",
      "people.scn");
  const scenario& sc = s.scenarios.at(0);
  CHECK(sc.rules.forbid_moves == stage_moves{{stage::loyal, stage::deal_hunter}});
  CHECK(sc.rules.allow_moves == stage_moves{{stage::new_customer, stage::potential}});
  REQUIRE(sc.statements.size() == 8);
  const auto& b = std::get<expect_people>(sc.statements[1].step);
  CHECK(b.person == "mom");
  CHECK(b.relation == people_relation::beneficiaries);
  CHECK(b.value == std::vector<std::string>{"kid", "teen"});  // sorted
  CHECK(std::get<expect_people>(sc.statements[2].step).relation == people_relation::payers);
  CHECK(std::get<expect_people>(sc.statements[2].step).value.empty());
  CHECK(std::get<expect_people>(sc.statements[3].step).relation == people_relation::referred);
  CHECK(std::get<expect_reach>(sc.statements[4].step).value == 3);
  CHECK_FALSE(std::get<expect_reach>(sc.statements[4].step).customers);
  CHECK(std::get<expect_reach>(sc.statements[5].step).customers);
  CHECK(std::get<move_tally>(std::get<expect_count>(sc.statements[6].step).of) == move_tally::forbidden);
  CHECK(std::get<expect_count>(sc.statements[6].step).value == 2);
  CHECK(std::get<move_tally>(std::get<expect_count>(sc.statements[7].step).of) == move_tally::corrections);
}

TEST_CASE("scenario parser: signals, tiers, points, reachability and NPS") {
  const scenario_script s = parse_scenarios(
      "scenario signals\n"
      "policy tiers=basic:0,plus:100\n"
      "2024-01-01 ali view\n"
      "set ali birthday 02-29\n"
      "set ali birthday 3-5\n"
      "set ali birthday none\n"
      "set ali reachable yes\n"
      "set ali reachable no\n"
      "expect ali signal browse_no_buy\n"
      "expect ali no-signal tier_down\n"
      "expect count contact_due 2\n"
      "expect ali tier plus\n"
      "expect ali tier unknown\n"
      "expect ali points 120\n"
      "expect ali reachable no\n"
      "expect ali nps 0\n"
      "expect ali nps none\n"
      "expect nps -33.3\n"
      "expect nps none\n"
      "expect nps loyal 100\n"
      "expect nps critic +7.5\n"
      "expect nps 0.5\n",
      "signals.scn");
  const scenario& sc = s.scenarios.at(0);
  REQUIRE(sc.statements.size() == 20);
  const auto& b = std::get<script_birthday>(sc.statements[1].step);
  CHECK(b.person == "ali");
  CHECK(b.value == month_day{2, 29});
  CHECK(sc.statements[1].line == 4);
  CHECK(std::get<script_birthday>(sc.statements[2].step).value == month_day{3, 5});
  CHECK_FALSE(std::get<script_birthday>(sc.statements[3].step).value.has_value());
  CHECK(std::get<script_reachable>(sc.statements[4].step).value);
  CHECK_FALSE(std::get<script_reachable>(sc.statements[5].step).value);
  const auto& sig = std::get<expect_signal>(sc.statements[6].step);
  CHECK(sig.person == "ali");
  CHECK(sig.kind == signal_kind::browse_no_buy);
  CHECK(sig.emitted);
  CHECK(std::get<expect_signal>(sc.statements[7].step).kind == signal_kind::tier_down);
  CHECK_FALSE(std::get<expect_signal>(sc.statements[7].step).emitted);
  const auto& count = std::get<expect_count>(sc.statements[8].step);
  CHECK(std::get<signal_kind>(count.of) == signal_kind::contact_due);
  CHECK(count.value == 2);
  CHECK(std::get<expect_tier>(sc.statements[9].step).value == "plus");
  CHECK_FALSE(std::get<expect_tier>(sc.statements[10].step).value.has_value());
  CHECK(std::get<expect_points>(sc.statements[11].step).value == 120);
  CHECK_FALSE(std::get<expect_reachable>(sc.statements[12].step).value);
  CHECK(std::get<expect_person_nps>(sc.statements[13].step).value == 0);
  CHECK_FALSE(std::get<expect_person_nps>(sc.statements[14].step).value.has_value());
  const auto& overall = std::get<expect_nps>(sc.statements[15].step);
  CHECK_FALSE(overall.of.has_value());
  CHECK(overall.value == -333);
  CHECK_FALSE(std::get<expect_nps>(sc.statements[16].step).value.has_value());
  const auto& loyal = std::get<expect_nps>(sc.statements[17].step);
  REQUIRE(loyal.of.has_value());
  CHECK(std::get<stage>(*loyal.of) == stage::loyal);
  CHECK(loyal.value == 1000);
  const auto& critic = std::get<expect_nps>(sc.statements[18].step);
  CHECK(std::get<role>(*critic.of) == role::critic);
  CHECK(critic.value == 75);
  CHECK(std::get<expect_nps>(sc.statements[19].step).value == 5);
}

TEST_CASE("scenario parser: a person may be called nps or count") {
  const scenario_script s = parse_scenarios(
      "scenario names\n"
      "2024-01-01 nps feedback score=9\n"
      "2024-01-01 count visit\n"
      "expect nps nps 9\n"                 // the person nps's score
      "expect nps stage potential\n"
      "expect count no-signal birthday\n"  // about the person count
      "expect count tier member\n"
      "expect nps 100\n"                   // everyone's
      "expect nps potential 100\n",
      "names.scn");
  const scenario& sc = s.scenarios.at(0);
  REQUIRE(sc.statements.size() == 8);
  CHECK(std::get<expect_person_nps>(sc.statements[2].step).person == "nps");
  CHECK(std::get<expect_stage>(sc.statements[3].step).person == "nps");
  CHECK(std::get<expect_signal>(sc.statements[4].step).person == "count");
  CHECK(std::get<expect_tier>(sc.statements[5].step).person == "count");
  CHECK_FALSE(std::get<expect_nps>(sc.statements[6].step).of.has_value());
  CHECK(std::get<expect_nps>(sc.statements[7].step).of.has_value());
  CHECK(run(s).passed());
}

TEST_CASE("scenario runner: people expectations report the names they found") {
  const scenario_result r = run_one(
      "scenario a parent pays for two children\n"
      "2024-09-01 mom purchase amount=99 target=kid id=p1\n"
      "2024-09-02 mom purchase amount=49 target=teen id=p2\n"
      "2024-09-03 ann referral target=bob\n"
      "2024-09-04 bob referral target=cy\n"
      "2024-09-05 cy purchase amount=5 id=c1\n"
      "expect mom beneficiaries kid\n"      // fails: kid and teen
      "expect teen payers mom\n"
      "expect ann reach 2\n"
      "expect ann reach_customers 1\n"
      "expect bob reach 5\n"                 // fails: 1
      "expect count corrections 0\n"
      "expect count forbidden 0\n");
  REQUIRE(r.checks.size() == 7);
  CHECK_FALSE(r.checks[0].passed);
  CHECK(r.checks[0].expected == "kid");
  CHECK(r.checks[0].actual == "kid,teen");
  CHECK(r.checks[0].person == "mom");
  CHECK(r.checks[1].passed);
  CHECK(r.checks[2].passed);
  CHECK(r.checks[3].passed);
  CHECK_FALSE(r.checks[4].passed);
  CHECK(r.checks[4].actual == "1");
  CHECK(r.checks[5].passed);
  CHECK(r.checks[6].passed);
}

TEST_CASE("scenario runner: signal expectations read the person's signals so far") {
  const scenario_result r = run_one(
      "scenario browsing\n"
      "2024-03-01T10:00 ali view\n"
      "2024-03-01T10:00 bob view\n"
      "expect ali no-signal browse_no_buy\n"  // 4: the 24 hours are not over
      "advance 2024-03-02T10:00:01\n"
      "expect ali signal browse_no_buy\n"     // 6
      "expect ali no-signal browse_no_buy\n"  // 7: fails, once
      "expect ali signal abandoned_cart\n"    // 8: fails, none
      "expect count browse_no_buy 2\n"        // 9: ali's and bob's
      "expect count abandoned_cart 1\n"       // 10: fails
      "2024-03-09T10:00 ali view\n"
      "advance 2024-03-10T10:00:01\n"
      "expect ali no-signal browse_no_buy\n"  // 13: fails, twice
      "expect bob signal browse_no_buy\n");   // 14
  REQUIRE(r.checks.size() == 8);
  CHECK(r.checks[0].passed);
  CHECK(r.checks[0].expected == "no browse_no_buy");
  CHECK(r.checks[0].actual == "no browse_no_buy");
  CHECK(r.checks[1].passed);
  CHECK(r.checks[1].expected == "browse_no_buy at least once");
  CHECK(r.checks[1].actual == "browse_no_buy once");
  const check_result& once = r.checks[2];
  CHECK_FALSE(once.passed);
  CHECK(once.line == 7);
  CHECK(once.person == "ali");
  // The failure's history shows the signal with its time and reason.
  const auto signal_at = std::find_if(once.history.begin(), once.history.end(),
                                      [](const transition& t) { return t.what == change::signal; });
  REQUIRE(signal_at != once.history.end());
  CHECK(signal_at->signal_raised == signal_kind::browse_no_buy);
  CHECK(signal_at->when == boost::posix_time::ptime(boost::gregorian::date(2024, 3, 2), boost::posix_time::hours(10)));
  CHECK(signal_at->cause == cause::time);
  CHECK_THAT(format_check(once), Catch::Contains("signal browse_no_buy (time): browse_no_buy: a view and no purchase"));
  CHECK_FALSE(r.checks[3].passed);
  CHECK(r.checks[3].actual == "no abandoned_cart");
  CHECK(r.checks[4].passed);
  CHECK_FALSE(r.checks[5].passed);
  CHECK(r.checks[5].actual == "0");
  CHECK_FALSE(r.checks[6].passed);
  CHECK(r.checks[6].actual == "browse_no_buy 2 times");
  CHECK(r.checks[7].passed);
}

TEST_CASE("scenario runner: tier, points, reachability and a setting at the clock") {
  const scenario_result r = run_one(
      "scenario silver\n"
      "2024-01-01 ali purchase amount=600 id=a1 target=kid\n"
      "2024-01-01 ali follow\n"
      "expect ali tier silver\n"
      "expect ali tier gold\n"            // fails
      "expect ali points 600\n"
      "expect ali points 601\n"           // fails
      "expect ali reachable yes\n"
      "set ali reachable no\n"
      "expect ali reachable no\n"
      "expect kid tier unknown\n"         // named only as a target
      "expect kid tier member\n"          // fails: unknown
      "expect kid points 0\n"             // fails: unknown
      "expect kid reachable no\n"         // fails: unknown
      "expect kid no-signal birthday\n"
      "expect kid nps none\n"
      "set kid birthday 03-01\n"          // kid is interned: the engine takes it
      "2024-02-01 kid visit\n"
      "advance 2024-03-01\n"
      "expect kid signal birthday\n");
  REQUIRE(r.checks.size() == 13);
  CHECK(r.checks[0].passed);
  CHECK_FALSE(r.checks[1].passed);
  CHECK(r.checks[1].expected == "gold");
  CHECK(r.checks[1].actual == "silver");
  CHECK(r.checks[2].passed);
  CHECK_FALSE(r.checks[3].passed);
  CHECK(r.checks[3].actual == "600");
  CHECK(r.checks[4].passed);
  CHECK(r.checks[4].actual == "yes");
  CHECK(r.checks[5].passed);
  CHECK(r.checks[5].actual == "no");
  CHECK(r.checks[6].passed);
  for (int i : {7, 8, 9}) {
    CHECK_FALSE(r.checks[i].passed);
    CHECK(r.checks[i].actual == "unknown");
  }
  CHECK(r.checks[10].passed);
  CHECK(r.checks[11].passed);
  CHECK(r.checks[12].passed);
}

TEST_CASE("scenario runner: NPS expectations compare to one decimal") {
  const scenario_result r = run_one(
      "scenario scores\n"
      "2024-01-01 ali feedback score=10\n"
      "2024-01-01 bob feedback score=10\n"
      "2024-01-01 cyn feedback score=0\n"
      "expect nps 33.3\n"                  // 100 / 3
      "expect nps 33\n"                    // fails
      "expect ali nps 10\n"
      "expect cyn nps 1\n"                 // fails
      "expect nps potential 33.3\n"
      "expect nps loyal none\n"
      "expect nps new 0\n"                 // fails: none
      "2024-01-01 dan feedback score=8\n"
      "expect nps 25\n"                    // (2 - 1) / 4
      "2024-01-01 eve feedback score=9\n"
      "2024-01-01 fay feedback score=9\n"
      "expect nps 50\n"                    // (4 - 1) / 6
      "2024-01-01 gus feedback score=2\n"
      "2024-01-01 hal feedback score=3\n"
      "2024-01-01 ivy feedback score=1\n"
      "2024-01-01 jon feedback score=4\n"
      "2024-01-01 kim feedback score=5\n"
      "expect nps -9.1\n");                // fails: (4 - 6) / 11 = -18.18
  REQUIRE(r.checks.size() == 10);
  CHECK(r.checks[0].passed);
  CHECK_FALSE(r.checks[1].passed);
  CHECK(r.checks[1].expected == "33");
  CHECK(r.checks[1].actual == "33.3");
  CHECK(r.checks[1].person.empty());
  CHECK(r.checks[2].passed);
  CHECK_FALSE(r.checks[3].passed);
  CHECK(r.checks[3].actual == "0");
  CHECK(r.checks[4].passed);
  CHECK(r.checks[5].passed);
  CHECK_FALSE(r.checks[6].passed);
  CHECK(r.checks[6].actual == "none");
  CHECK(r.checks[7].passed);
  CHECK(r.checks[8].passed);
  CHECK_FALSE(r.checks[9].passed);  // (4 promoters - 6 detractors) / 11 = -18.2
  CHECK(r.checks[9].actual == "-18.2");

  const scenario_result up = run_one(
      "scenario rounding away from zero\n"
      "2024-01-01 a feedback score=0\n"
      "2024-01-01 b feedback score=5\n"
      "2024-01-01 c feedback score=7\n"
      "expect nps -66.7\n"                 // -66.67
      "expect nps -66.6\n");
  REQUIRE(up.checks.size() == 2);
  CHECK(up.checks[0].passed);
  CHECK_FALSE(up.checks[1].passed);
  CHECK(up.checks[1].actual == "-66.7");
}

TEST_CASE("scenario runner: a setting the engine refuses is a failed check, not an exception") {
  scenario s;
  s.title = "hand-built";
  s.rules.signals = signal_set::none();
  s.rules.tiers.clear();
  s.rules.nps = false;
  script_event visit;
  visit.time = boost::posix_time::ptime(boost::gregorian::date(2024, 1, 1));
  visit.person = "a";
  visit.kind = event_kind::visit;
  s.statements.push_back({1, "2024-01-01 a visit", visit});
  s.statements.push_back({2, "set a reachable yes", script_reachable{"a", true}});
  s.statements.push_back({3, "set a birthday 03-01", script_birthday{"a", month_day{3, 1}}});
  s.statements.push_back({4, "expect a tier silver", expect_tier{"a", "silver"}});
  const scenario_result r = run(s);
  REQUIRE(r.checks.size() == 3);
  CHECK_FALSE(r.checks[0].passed);
  CHECK(r.checks[0].line == 2);
  CHECK_THAT(r.checks[0].actual, Catch::StartsWith("refused: ") && Catch::Contains("tracks no signals"));
  CHECK_FALSE(r.checks[1].passed);
  CHECK_THAT(r.checks[1].actual, Catch::Contains("set_birthday"));
  CHECK_FALSE(r.checks[2].passed);  // no tiers: the engine's tier 0 has no name
  CHECK(r.checks[2].actual == "tier 0");
}

TEST_CASE("scenario runner: a passing story") {
  const scenario_result r = run_one(deal_hunter_story);
  CHECK(r.title == "coupons make a deal hunter");
  CHECK(r.file == "t.scn");
  CHECK(r.line == 1);
  CHECK(r.passed());
  REQUIRE(r.checks.size() == 2);
  CHECK(r.checks[0].line == 5);
  CHECK(r.checks[0].statement == "expect nazi stage deal_hunter");
  CHECK(r.checks[0].expected == "deal_hunter");
  CHECK(r.checks[0].actual == "deal_hunter");
  CHECK(r.checks[0].person == "nazi");
  CHECK(r.checks[0].history.empty());  // kept for failures only
  CHECK(r.checks[1].actual == "potential,new,deal_hunter");
}

TEST_CASE("scenario runner: a failed expectation carries expected, actual and the history") {
  const scenario_result r = run_one(deal_hunter_story + "expect nazi stage loyal\nexpect count loyal 1\n");
  CHECK_FALSE(r.passed());
  CHECK(r.failures() == 2);
  const check_result& c = r.checks[2];
  CHECK_FALSE(c.passed);
  CHECK(c.line == 7);
  CHECK(c.expected == "loyal");
  CHECK(c.actual == "deal_hunter");
  CHECK(c.person == "nazi");
  REQUIRE(c.history.size() == 3);  // stage to new, +buyer, stage to deal_hunter
  CHECK(c.history[0].what == change::stage);
  CHECK(c.history[0].to == stage::new_customer);
  CHECK(c.history[2].to == stage::deal_hunter);
  CHECK(c.history[2].cause == cause::time);
  const check_result& n = r.checks[3];
  CHECK(n.expected == "1");
  CHECK(n.actual == "0");
  CHECK(n.person.empty());
  CHECK(n.history.empty());

  const std::string text = format_check(c, 2);
  CHECK_THAT(text, Catch::StartsWith("  t.scn:7: expect nazi stage loyal\n"));
  CHECK_THAT(text, Catch::Contains("    expected: loyal\n    got:      deal_hunter\n    history of nazi:\n"));
  CHECK_THAT(text, Catch::Contains("stage new -> deal_hunter (time): deal hunter: 2 of 2 purchases"));

  script_result all;
  all.scenarios.push_back(r);
  all.scenarios.push_back(run_one(deal_hunter_story));
  CHECK(all.failed_scenarios() == 1);
  CHECK_FALSE(all.passed());
  const std::string report = format_report(all);
  CHECK_THAT(report, Catch::StartsWith("FAIL  t.scn:1  coupons make a deal hunter\n  t.scn:7: expect nazi stage loyal\n"));
  CHECK_THAT(report, Catch::Contains("pass  t.scn:1  coupons make a deal hunter\n"));
  CHECK_THAT(format_report(all, report_detail::quiet), !Catch::Contains("pass"));
}

TEST_CASE("scenario runner: rejected events") {
  SECTION("a rejection with `expect rejected` after it passes") {
    const scenario_result r = run_one("scenario s\n2024-01-01 a purchase amount=-1\nexpect rejected\n"
                                      "expect a stage unknown\n");
    CHECK(r.passed());
    REQUIRE(r.checks.size() == 2);
    CHECK(r.checks[0].actual == "rejected: a purchase amount is negative");
  }
  SECTION("a rejection with nothing after it fails at the event line") {
    const scenario_result r = run_one("scenario s\n2024-01-01 a visit\n2024-01-02 a refund\n"
                                      "expect a stage potential\n");
    CHECK(r.failures() == 1);
    const check_result& c = r.checks[0];
    CHECK(c.line == 3);
    CHECK(c.statement == "2024-01-02 a refund");
    CHECK_THAT(c.expected, Catch::StartsWith("accepted"));
    CHECK(c.actual == "rejected: a refund must name the purchase it cancels (ref)");
    CHECK(c.person == "a");
    CHECK(r.checks[1].passed);
  }
  SECTION("`expect rejected` after an accepted event is a failed expectation") {
    const scenario_result r = run_one("scenario s\n2024-01-01 a visit\nexpect rejected\n");
    REQUIRE(r.checks.size() == 1);
    CHECK_FALSE(r.checks[0].passed);
    CHECK(r.checks[0].expected == "rejected");
    CHECK(r.checks[0].actual == "accepted");
  }
  SECTION("`expect duplicate` and `expect accepted`") {
    const scenario_result r = run_one("scenario s\n2024-01-01 a visit id=v\nexpect accepted\n"
                                      "2024-01-01 a visit id=v\nexpect duplicate\n"
                                      "2024-01-01 a visit id=v\nexpect accepted\n");
    REQUIRE(r.checks.size() == 3);
    CHECK(r.checks[0].passed);
    CHECK(r.checks[1].passed);
    CHECK_FALSE(r.checks[2].passed);
    CHECK(r.checks[2].actual == "duplicate");
  }
  SECTION("host clock: a far-future event") {
    const scenario_result r = run_one("scenario s\npolicy clock=host\nadvance 2024-01-01\n"
                                      "2034-01-01 a visit\nexpect rejected\nexpect a stage unknown\n");
    CHECK(r.passed());
    CHECK(r.checks[0].actual == "rejected: the event is dated more than max_skew ahead of the clock");
  }
}

TEST_CASE("scenario runner: hand-built scenarios") {
  SECTION("an outcome expectation with no event before it fails instead of crashing") {
    scenario s;
    s.title = "hand-built";
    s.statements.push_back({1, "expect rejected", expect_outcome{ingest_status::rejected}});
    const scenario_result r = run(s);
    REQUIRE(r.checks.size() == 1);
    CHECK_FALSE(r.checks[0].passed);
    CHECK(r.checks[0].actual == "no event line before");
  }
  SECTION("expectations about persons the engine never saw") {
    scenario s;
    s.statements.push_back({1, "expect x stage potential", expect_stage{"x", stage::potential}});
    s.statements.push_back({2, "expect x roles none", expect_roles{"x", {}}});
    s.statements.push_back({3, "expect x path none", expect_path{"x", {}}});
    const scenario_result r = run(s);
    REQUIRE(r.checks.size() == 3);
    CHECK_FALSE(r.checks[0].passed);
    CHECK(r.checks[0].actual == "unknown");
    CHECK(r.checks[1].passed);
    CHECK(r.checks[2].passed);
  }
  SECTION("invalid rules throw") {
    scenario s;
    s.rules.new_days = 0;
    CHECK_THROWS_AS(run(s), error);
  }
}

TEST_CASE("scenario files: load_scenarios and run_file") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "lifecycle_scenario_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path good = dir / "good.scn", bad = dir / "bad.scn";
  std::ofstream(good, std::ios::binary) << deal_hunter_story;
  std::ofstream(bad, std::ios::binary) << "scenario s\n2024-01-01 a dance\n";

  const script_result r = run_file(good);
  REQUIRE(r.scenarios.size() == 1);
  CHECK(r.passed());
  CHECK(r.scenarios[0].file == good.string());

  try {
    load_scenarios(bad);
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.file() == bad.string());
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Catch::StartsWith(bad.string() + ":2: error: unknown event kind 'dance'"));
  }
  CHECK_THROWS_AS(load_scenarios(dir / "missing.scn"), error);
  CHECK_THROWS_WITH(load_scenarios(dir), Catch::Contains("is a directory"));
  std::filesystem::remove_all(dir);
}
