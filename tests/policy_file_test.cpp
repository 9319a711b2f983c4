// Policy files: `key = value` lines, comments, errors that name the line.

#include <catch2/catch.hpp>

#include <lifecycle/error.hpp>
#include <lifecycle/policy_file.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using namespace lifecycle;
using namespace std::string_literals;

namespace {

// The error a text gives, checked to be a parse error about `name`.
error error_of(std::string_view text, const std::string& name = "shop.policy") {
  try {
    parse_policy(text, name);
  } catch (const error& e) {
    return e;
  }
  FAIL("no error for: " << text);
  return error(errc::parse_error, "");
}

}  // namespace

TEST_CASE("a policy file sets the keys it names and leaves the rest at the defaults", "[policy_file]") {
  const policy p = parse_policy(
      "# a bare order log\r\n"
      "\n"
      "loyal_requires_follow = false\r\n"
      "  lapse_days=120   # a slower business\n"
      "deal_coupon_share = 0.6\n"
      "utc_offset = +03:30\n"
      "max_skew = 10m\n"
      "clock = replay");
  policy expected;
  expected.loyal_requires_follow = false;
  expected.lapse_days = 120;
  expected.deal_coupon_share = 0.6;
  expected.utc_offset = boost::posix_time::hours(3) + boost::posix_time::minutes(30);
  expected.max_skew = boost::posix_time::minutes(10);
  CHECK(p == expected);
  CHECK(parse_policy("") == policy{});
  CHECK(parse_policy("# nothing but a comment\n\n   \n") == policy{});
  CHECK(parse_policy("\xEF\xBB\xBFnew_days = 14\n").new_days == 14);
}

TEST_CASE("every key round-trips through to_policy_text", "[policy_file]") {
  policy p;
  p.new_days = 7;
  p.window_days = 365;
  p.role_window_days = 14;
  p.joiner_min_joins = 3;
  p.loyal_min_purchases = 4;
  p.deal_min_purchases = 3;
  p.utc_offset = -boost::posix_time::hours(5);
  p.clock = clock_mode::host;
  p.max_skew = boost::posix_time::hours(1);
  const std::string text = to_policy_text(p);
  for (std::string_view key : policy::keys) CHECK(text.find(std::string(key) + " = ") != std::string::npos);
  CHECK(parse_policy(text) == p);
}

TEST_CASE("errors name the file and the line", "[policy_file]") {
  struct bad_case {
    const char* text;
    int line;
    const char* says;
  };
  for (const bad_case& c : {
           bad_case{"new_days = 10\nlapse_days 90\n", 2, "expected 'key = value'"},
           bad_case{"# ok\nnew_dayz = 10\n", 2, "unknown policy key 'new_dayz'"},
           bad_case{"new_days = ten\n", 1, "new_days must be an integer, got 'ten'"},
           bad_case{"\n\nwindow_days = 0\n", 3, "window_days must be between 1 and 36500"},
           bad_case{"loyal_requires_follow = perhaps\n", 1, "loyal_requires_follow must be true or false"},
           bad_case{"utc_offset = 8\n", 1, "utc_offset"},
           bad_case{"deal_coupon_share = 1.5\n", 1, "deal_coupon_share must be in (0, 1]"},
           bad_case{"lapse_days = 10\nlapse_days = 20\n", 2, "already set on line 1"},
           bad_case{"lapse_days =\n", 1, "'lapse_days' has no value"},
           bad_case{"= 5\n", 1, "unknown policy key ''"},
       }) {
    INFO(c.text);
    const error e = error_of(c.text);
    CHECK(e.code() == errc::parse_error);
    CHECK(e.file() == "shop.policy");
    CHECK(e.line() == c.line);
    const std::string what = e.what();
    CHECK(what.find("shop.policy:" + std::to_string(c.line) + ": error: ") == 0);
    CHECK(what.find(c.says) != std::string::npos);
  }
}

TEST_CASE("a policy file on disk, and one that is missing", "[policy_file]") {
  const auto path = std::filesystem::temp_directory_path() / "lifecycle_policy_file_test.policy";
  {
    std::ofstream out(path);
    out << "loyal_requires_follow = false\nlapse_days = 60\n";
  }
  const policy p = read_policy_file(path.string());
  CHECK_FALSE(p.loyal_requires_follow);
  CHECK(p.lapse_days == 60);
  {
    std::ofstream out(path);
    out << "lapse_days = 60\nbogus = 1\n";
  }
  try {
    read_policy_file(path.string());
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.file() == path.string());
    CHECK(e.line() == 2);
  }
  std::filesystem::remove(path);
  try {
    read_policy_file(path.string());
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
  CHECK_THROWS_AS(read_policy_file(std::filesystem::temp_directory_path().string()), error);
}

TEST_CASE("a policy file of any bytes gives a policy or an error, never a crash", "[policy_file]") {
  const error nul = error_of("new_days = 1\0 0\n"s);
  CHECK(nul.line() == 1);
  const error utf = error_of("\xff\xfe = 3\n");
  CHECK(std::string(utf.what()).find("\\xff\\xfe") != std::string::npos);
  std::mt19937_64 gen(11);
  const std::string alphabet = "new_days lapse=0123456789#\n\r\t truefalse.:+-\0\xff"s;
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const std::size_t n = gen() % 200;
    for (std::size_t i = 0; i < n; ++i) text += alphabet[gen() % alphabet.size()];
    try {
      const policy p = parse_policy(text);
      CHECK_NOTHROW(p.validate());
    } catch (const error& e) {
      CHECK(e.code() == errc::parse_error);
      CHECK(e.line() >= 1);
    }
  }
}
