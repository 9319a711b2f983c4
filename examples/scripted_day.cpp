// A scripted day at a small online shop: a handful of people do what people
// do, the engine tells what changed and why, then the clock moves on a month
// and three months so time-driven changes show too.

#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <string>
#include <vector>

using namespace lifecycle;
using boost::posix_time::time_from_string;

namespace {

struct scripted {
  const char* time;
  const char* person;
  event_kind kind;
  std::int64_t cents = 0;
  bool coupon = false;
  const char* id = "";
  const char* ref = "";
};

void print_transitions(const engine& eng, std::span<const transition> ts) {
  for (const transition& t : ts) fmt::print("    {:<6} {}\n", eng.name(t.person), t);
}

void print_profiles(const engine& eng, const std::vector<std::string>& people) {
  fmt::print("  {:<6} {:<12} {:<22} {:<10} {:>9} {:>9}\n", "person", "stage", "roles", "primary",
             "purchases", "spend");
  for (const std::string& name : people) {
    const auto p = eng.profile_of(name);
    if (!p) continue;
    fmt::print("  {:<6} {:<12} {:<22} {:<10} {:>9} {:>9}\n", name, p->current_stage, p->roles,
               p->primary_role ? to_string(*p->primary_role) : "none", p->purchases, p->spend);
  }
}

}  // namespace

int main() {
  policy rules;  // model.md's defaults: new for 30 days, lapse after 90, ...
  engine eng(rules);

  // Sara has bought before (in March, with a follow): she is a repeat customer.
  const std::vector<scripted> history = {
      {"2024-03-02 09:00:00", "sara", event_kind::purchase, 4500, false, "s-1"},
      {"2024-03-20 09:00:00", "sara", event_kind::follow},
      {"2024-04-11 18:30:00", "sara", event_kind::purchase, 2900, false, "s-2"},
  };
  // Then one day in May.
  const std::vector<scripted> day = {
      {"2024-05-06 08:02:00", "ali", event_kind::visit},
      {"2024-05-06 08:05:00", "ali", event_kind::view},
      {"2024-05-06 09:10:00", "mina", event_kind::search},
      {"2024-05-06 09:14:00", "mina", event_kind::cart},
      {"2024-05-06 09:15:00", "mina", event_kind::purchase, 1999, false, "m-1"},
      {"2024-05-06 10:00:00", "reza", event_kind::post},
      {"2024-05-06 10:20:00", "reza", event_kind::review},
      {"2024-05-06 11:00:00", "nazi", event_kind::purchase, 1200, true, "n-1"},
      {"2024-05-06 11:00:00", "nazi", event_kind::purchase, 1200, true, "n-1"},  // sent twice
      {"2024-05-06 12:00:00", "sara", event_kind::purchase, 3900, false, "s-3"},
      {"2024-05-06 12:30:00", "omid", event_kind::join},
      {"2024-05-06 15:45:00", "omid", event_kind::join},
      {"2024-05-06 16:00:00", "nazi", event_kind::contact},
      {"2024-05-06 17:00:00", "mina", event_kind::refund, 0, false, "r-1", "m-1"},
  };

  auto feed = [&](const scripted& s) {
    event e;
    e.time = time_from_string(s.time);
    e.person = s.person;
    e.kind = s.kind;
    e.amount = money{s.cents};
    e.coupon = s.coupon;
    e.id = s.id;
    e.ref = s.ref;
    const ingest_result r = eng.ingest(e);
    fmt::print("  {} {:<5} {:<8} {}\n", s.time, s.person, s.kind, to_string(r.status));
    print_transitions(eng, r.transitions);
  };

  fmt::print("== earlier this spring\n");
  for (const scripted& s : history) feed(s);
  fmt::print("\n== 6 May 2024\n");
  for (const scripted& s : day) feed(s);

  const std::vector<std::string> people = {"ali", "mina", "reza", "nazi", "sara", "omid"};
  fmt::print("\n== profiles at the end of the day\n");
  print_profiles(eng, people);

  for (const char* later : {"2024-06-10 00:00:00", "2024-08-10 00:00:00"}) {
    fmt::print("\n== the clock moves to {} (no events)\n", later);
    print_transitions(eng, eng.advance_to(time_from_string(later)));
    print_profiles(eng, people);
  }

  const auto stages = eng.stage_counts();
  fmt::print("\n== persons per stage:");
  for (stage s : all_stages) fmt::print(" {}={}", s, stages[static_cast<std::size_t>(s)]);
  fmt::print("\n   conversions (user -> customer): {} of {} persons\n", eng.conversions(), eng.known_persons());
  return 0;
}
