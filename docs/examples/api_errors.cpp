// Errors: lifecycle::error with an errc for misuse and bad configuration; bad events are results.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main() {
  engine eng;
  try {
    eng.name(person_id{42});  // a handle this engine never issued
    return 1;
  } catch (const error& e) {  // lifecycle::error derives from std::runtime_error
    EXPECT(e.code() == errc::invalid_argument && e.line() == 0 && e.file().empty());
    fmt::print("{}\n", e.what());
  }

  try {
    eng.advance_to(boost::posix_time::ptime(boost::posix_time::not_a_date_time));
    return 1;
  } catch (const error& e) {
    EXPECT(e.code() == errc::invalid_argument);
  }

  try {
    policy p;
    p.set("colour", "blue");  // an unknown key
    return 1;
  } catch (const std::runtime_error& e) {  // catching the base class works too
    EXPECT(std::string_view(e.what()) == "policy: unknown key 'colour'");
  }

  // An error about text names its file and line, as compilers do.
  const error parse_failure(errc::parse_error, "unknown event kind 'purchse'", "day.csv", 7);
  EXPECT(std::string_view(parse_failure.what()) == "day.csv:7: error: unknown event kind 'purchse'");
  EXPECT(parse_failure.line() == 7);
}
