// Signals: the moments to act, routed to the playbook of docs/signals.md.
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

int main() {
  policy rules;
  rules.set("contact_every_days_by_stage", "loyal:14");  // the best customers hear from us more often
  engine eng(rules);

  std::vector<std::string> outbox;  // stands for the host's queue to its mailer or CRM
  eng.subscribe([&](const transition& t) {
    if (t.what != change::signal) return;
    const std::string who(eng.name(t.person));
    switch (t.signal_raised) {
      case signal_kind::browse_no_buy: outbox.push_back("coupon for what " + who + " looked at"); break;
      case signal_kind::abandoned_cart: outbox.push_back("reminder and short checkout for " + who); break;
      case signal_kind::usage_decline: outbox.push_back("tutorial or a personal call for " + who); break;
      case signal_kind::contact_due: outbox.push_back("news worth reading for " + who); break;
      case signal_kind::over_contacted: outbox.push_back("pause messages to " + who); break;
      case signal_kind::birthday: outbox.push_back("birthday greeting for " + who); break;
      case signal_kind::tier_up: outbox.push_back("welcome to " + eng.rules().tiers[t.why.figures[3]].name + ", " + who); break;
      case signal_kind::tier_down: outbox.push_back("what " + who + " needs to keep the tier"); break;
    }
  });

  // Mina views a jacket on Monday morning and buys nothing.
  eng.ingest({.time = at("2024-03-04 09:30:00"), .person = "mina", .kind = event_kind::view});
  // Omid follows the shop (he confirms the relationship), then spends 520.00.
  eng.ingest({.time = at("2024-03-04 10:00:00"), .person = "omid", .kind = event_kind::follow});
  eng.ingest({.time = at("2024-03-04 10:05:00"), .person = "omid", .kind = event_kind::purchase,
              .amount = money{52000}, .id = "o-1"});
  eng.set_birthday(*eng.find("omid"), month_day{3, 20});

  eng.advance_to(at("2024-04-10 00:00:00"));
  for (const std::string& line : outbox) fmt::print("{}\n", line);

  EXPECT(outbox.size() == 4);
  EXPECT(outbox[0] == "welcome to silver, omid");            // 520 points: silver (>= 500)
  EXPECT(outbox[1] == "coupon for what mina looked at");     // 2024-03-05 09:30
  EXPECT(outbox[2] == "birthday greeting for omid");         // 2024-03-20
  EXPECT(outbox[3] == "news worth reading for omid");        // 30 days after the follow and the purchase
  const auto omid = eng.profile_of("omid");
  EXPECT(omid->points == 520 && eng.rules().tiers[omid->tier].name == "silver" && omid->reachable);
  EXPECT(eng.signal_counts()[static_cast<std::size_t>(signal_kind::contact_due)] == 1);
}
