// Asking about one person: the profile and the history of changes.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdint>
#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
using boost::gregorian::date;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }
event buy(const char* time, std::int64_t cents, const char* id) {
  return {.time = at(time), .person = "sara", .kind = event_kind::purchase, .amount = money{cents}, .id = id};
}

int main() {
  engine eng;
  eng.ingest(buy("2024-03-02 09:00:00", 4500, "s-1"));
  eng.ingest({.time = at("2024-03-20 09:00:00"), .person = "sara", .kind = event_kind::follow});
  eng.ingest(buy("2024-04-11 18:30:00", 2900, "s-2"));
  eng.ingest(buy("2024-05-06 12:00:00", 3900, "s-3"));  // 3 purchases and a follow: loyal
  eng.ingest({.time = at("2024-05-07 08:00:00"), .person = "sara", .kind = event_kind::refund, .ref = "s-2"});

  const std::optional<profile> p = eng.profile_of("sara");  // nullopt for a person never seen
  EXPECT(p && p->current_stage == stage::passive);          // after the refund: 2 net purchases
  EXPECT(p->purchases == 2 && p->refunded_purchases == 1 && p->spend == money{8400});
  EXPECT(p->first_purchase == date(2024, 3, 2) && p->last_purchase == date(2024, 5, 6));
  EXPECT(p->roles == role_set{role::buyer} && p->primary_role == role::buyer);
  EXPECT(p->first_seen == date(2024, 3, 2) && p->stage_since == at("2024-05-07 08:00:00"));
  const auto days = [&](stage s) { return p->days_in_stage[static_cast<std::size_t>(s)]; };
  fmt::print("sara is {} since {}; {:.1f} days new, {:.1f} days loyal\n", p->current_stage,
             to_iso_extended_string(p->stage_since), days(stage::new_customer), days(stage::loyal));

  for (const transition& t : eng.history(p->id)) fmt::print("{}\n", t);
  const std::vector<transition> h = eng.history(p->id);
  EXPECT(h.size() == 10 && h.back().from == stage::loyal && h.back().to == stage::passive);
  EXPECT(h.back().why.which == reason::rule::occasional && to_string(h.back().why) ==
         "occasional: 2 purchases in 180 days, 0 with a coupon, 1 follow");
}
