// Host clock mode: the host moves the clock; events dated too far ahead of it are refused.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }

int main() {
  policy p;
  p.clock = clock_mode::host;
  p.max_skew = boost::posix_time::minutes(5);  // the default
  engine eng(p);

  event e{.time = at("2024-06-01 12:00:00"), .person = "cyrus", .kind = event_kind::visit};
  EXPECT(eng.ingest(e).why_rejected == reject_reason::clock_not_set);  // no advance_to yet

  eng.advance_to(at("2024-06-01 12:00:00"));  // e.g. from a timer, with the server's time
  EXPECT(eng.ingest(e).accepted());

  e.time = at("2024-06-01 12:04:00");         // a device clock a little ahead: within max_skew
  EXPECT(eng.ingest(e).accepted());
  e.time = at("2024-07-01 12:00:00");         // a broken device clock: refused
  const ingest_result r = eng.ingest(e);
  EXPECT(r.why_rejected == reject_reason::too_far_ahead);
  fmt::print("{}\n", r.why_rejected);         // the event is dated more than max_skew ahead of the clock
  e.time = at("2024-05-31 21:00:00");         // late events are fine
  EXPECT(eng.ingest(e).accepted());

  EXPECT(eng.clock() == at("2024-06-01 12:00:00"));  // events never move a host clock
  EXPECT(eng.advance_to(at("2024-07-01 12:00:00")).size() == 1);  // -spectator on 2024-07-01
}
