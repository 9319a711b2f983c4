// Feeding events: accepted, duplicate and rejected results, and the transitions they carry.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main() {
  engine eng;
  const auto t = boost::posix_time::time_from_string("2024-05-06 09:15:00");

  // A first purchase: the person becomes a new customer and gains the buyer role.
  ingest_result r = eng.ingest({.time = t, .person = "mina", .kind = event_kind::purchase,
                                .amount = money{1999}, .id = "order-1"});
  EXPECT(r.accepted() && r.transitions.size() == 2);
  // The span points into the engine and is valid until the next non-const call: copy what you keep.
  const std::vector<transition> kept(r.transitions.begin(), r.transitions.end());
  EXPECT(kept[0].what == change::stage && kept[0].to == stage::new_customer);
  EXPECT(kept[1].what == change::role_gained && kept[1].role_changed == role::buyer);

  // The same id again (a device retried): a duplicate, nothing changes.
  r = eng.ingest({.time = t, .person = "mina", .kind = event_kind::purchase,
                  .amount = money{1999}, .id = "order-1"});
  EXPECT(r.status == ingest_status::duplicate && r.transitions.empty());

  // A bad event is a result, not an exception, and leaves no person behind.
  r = eng.ingest({.time = t, .person = "ali", .kind = event_kind::refund});  // names no purchase
  EXPECT(r.status == ingest_status::rejected && r.why_rejected == reject_reason::missing_ref);
  fmt::print("rejected: {}\n", r.why_rejected);
  EXPECT(!eng.find("ali"));

  // Resolve a person once, then ingest by handle (event.person is ignored).
  const person_id omid = eng.intern("omid");
  EXPECT(!eng.profile_of(omid));  // interned but not known until an event arrives
  eng.ingest(omid, {.time = t, .kind = event_kind::join});
  EXPECT(eng.profile_of(omid)->current_stage == stage::potential);

  // A batch gives totals; its transitions go to history and subscribers.
  const std::vector<event> batch = {
      {.time = t, .person = "reza", .kind = event_kind::post},
      {.time = t, .person = "reza", .kind = event_kind::feedback, .score = 11},  // scores are 0..10
  };
  const batch_result b = eng.ingest(batch);
  EXPECT(b.accepted == 1 && b.rejected == 1 && b.transitions == 1);  // +creator
  EXPECT(eng.counts().accepted == 3 && eng.counts().duplicate == 1 && eng.counts().rejected == 2);
}
