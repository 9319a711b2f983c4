// Whole-population figures: persons per stage and role, the transition matrix, conversions.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }
template <class Enum> std::size_t i(Enum e) { return static_cast<std::size_t>(e); }  // enums index the arrays

int main() {
  engine eng;
  const auto t = at("2024-05-06 10:00:00");
  eng.ingest({.time = t, .person = "ali", .kind = event_kind::visit});
  eng.ingest({.time = t, .person = "reza", .kind = event_kind::post});
  eng.ingest({.time = t, .person = "reza", .kind = event_kind::purchase, .id = "r-1"});
  eng.ingest({.time = t, .person = "mina", .kind = event_kind::search});
  eng.ingest({.time = t, .person = "mina", .kind = event_kind::purchase, .id = "m-1"});
  eng.ingest({.time = t, .person = "mina", .kind = event_kind::refund, .ref = "m-1"});

  const auto stages = eng.stage_counts();  // indexed by stage
  const auto roles = eng.role_counts();    // indexed by role
  for (stage s : all_stages) fmt::print("{:<12} {}\n", s, stages[i(s)]);
  EXPECT(eng.known_persons() == 3);
  EXPECT(stages[i(stage::potential)] == 2);     // ali, and mina after her refund
  EXPECT(stages[i(stage::new_customer)] == 1);  // reza
  EXPECT(roles[i(role::buyer)] == 2 && roles[i(role::creator)] == 1 && roles[i(role::spectator)] == 1);

  const transition_matrix m = eng.matrix();  // m[from][to]: how often each stage move happened
  EXPECT(m[i(stage::potential)][i(stage::new_customer)] == 2);
  EXPECT(m[i(stage::new_customer)][i(stage::potential)] == 1);

  // Conversions count persons whose first purchase made them customers, refunded or not,
  // split by the primary role they held at that moment (the last entry: no role).
  EXPECT(eng.conversions() == 2);
  const auto by_role = eng.conversions_by_primary_role();
  EXPECT(by_role[i(role::creator)] == 1 && by_role[i(role::buyer)] == 1);  // reza: 1 post, 1 purchase: a tie
  fmt::print("user -> customer: {} of {} ({:.0f}%)\n", eng.conversions(), eng.known_persons(),
             100.0 * static_cast<double>(eng.conversions()) / static_cast<double>(eng.known_persons()));
}
