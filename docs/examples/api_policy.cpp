// The policy: the model's numbers by name, with defaults, text forms and range checks.
#include <lifecycle/lifecycle.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <string>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main() {
  policy p;  // model.md's defaults
  EXPECT(p.new_days == 30 && p.lapse_days == 90 && p.window_days == 180 && p.role_window_days == 30);
  EXPECT(p.clock == clock_mode::replay && p.get("max_skew") == "300");  // seconds

  p.set("utc_offset", "+08:00");            // the text forms policy files and scripts use
  p.set("max_skew", "1h");
  p.set("loyal_requires_follow", "false");  // e.g. for a bare order log without follows
  EXPECT(p.utc_offset == boost::posix_time::hours(8) && p.get("max_skew") == "3600");

  for (std::string_view key : policy::keys) fmt::print("{} = {}\n", key, p.get(key));

  try {
    p.set("lapse_days", "ninety");          // text that does not parse: throws, field unchanged
    return 1;
  } catch (const error& e) {
    EXPECT(e.code() == errc::invalid_policy && p.lapse_days == 90);
    fmt::print("{}\n", e.what());           // policy: lapse_days must be an integer, got 'ninety'
  }

  p.window_days = -3;                       // set() parses; validate() checks ranges
  try {
    engine eng(p);                          // every engine validates its policy
    return 1;
  } catch (const error& e) {
    EXPECT(std::string(e.what()) == "policy: window_days must be between 1 and 36500 days, got -3");
  }
}
