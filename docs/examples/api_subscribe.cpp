// Subscriptions: react to each change as it is made, e.g. with the growth playbook per stage.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <string>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }
event coupon_purchase(const char* time, const char* id) {
  return {.time = at(time), .person = "dana", .kind = event_kind::purchase, .coupon = true, .id = id};
}

int main() {
  engine eng;
  std::vector<std::string> outbox;  // stands for the host's queue to its CRM or mailer
  const subscription s = eng.subscribe([&](const transition& t) {
    if (t.what != change::stage) return;
    const std::string who(eng.name(t.person));  // const calls are fine; no ingest or advance_to here
    switch (t.to) {
      case stage::new_customer: outbox.push_back("onboarding for " + who); break;
      case stage::deal_hunter: outbox.push_back("coupon for " + who); break;
      case stage::passive: outbox.push_back("tempting offer and one-click checkout for " + who); break;
      case stage::loyal: outbox.push_back("early access and a feedback channel for " + who); break;
      case stage::potential: break;
    }
  });

  eng.ingest(coupon_purchase("2024-01-10 10:00:00", "d-1"));
  eng.ingest(coupon_purchase("2024-01-20 10:00:00", "d-2"));
  eng.advance_to(at("2024-03-01 00:00:00"));  // time-driven changes reach subscribers too
  for (const std::string& line : outbox) fmt::print("{}\n", line);
  EXPECT(outbox.size() == 2 && outbox[0] == "onboarding for dana" && outbox[1] == "coupon for dana");

  eng.unsubscribe(s);
  eng.advance_to(at("2024-06-01 00:00:00"));  // dana lapses to passive, but no one is listening
  EXPECT(outbox.size() == 2 && eng.profile_of("dana")->current_stage == stage::passive);
}
