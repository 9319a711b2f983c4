// The replay clock and advance_to: time-driven changes, dated at the start of their business day.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }

int main() {
  engine eng;  // replay clock (the default): the clock is the latest event time seen
  eng.ingest({.time = at("2024-01-10 10:00:00"), .person = "dana", .kind = event_kind::purchase,
              .coupon = true, .id = "d-1"});
  eng.ingest({.time = at("2024-01-20 10:00:00"), .person = "dana", .kind = event_kind::purchase,
              .coupon = true, .id = "d-2"});
  EXPECT(eng.clock() == at("2024-01-20 10:00:00"));

  // No more events: move the clock and receive what time alone changed, in time order.
  std::vector<transition> moves;
  for (const transition& t : eng.advance_to(at("2024-06-01 00:00:00"))) {
    fmt::print("{}\n", t);
    if (t.what == change::stage) moves.push_back(t);
  }
  EXPECT(moves.size() == 2 && moves[0].cause == cause::time);
  EXPECT(moves[0].to == stage::deal_hunter && moves[0].when == at("2024-02-09 00:00:00"));  // first + 30
  EXPECT(moves[1].to == stage::passive && moves[1].when == at("2024-04-19 00:00:00"));      // last + 90

  EXPECT(eng.advance_to(at("2024-03-01 00:00:00")).empty());  // earlier times are ignored

  // A late event still counts; its changes are dated at the clock, not at the event.
  const ingest_result r = eng.ingest({.time = at("2024-05-30 10:00:00"), .person = "dana",
                                      .kind = event_kind::purchase, .coupon = true, .id = "d-3"});
  EXPECT(r.transitions.size() >= 1 && r.transitions[0].to == stage::deal_hunter);
  EXPECT(r.transitions[0].cause == cause::event && r.transitions[0].when == at("2024-06-01 00:00:00"));
}
