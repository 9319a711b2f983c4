#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

int main() {
  using namespace lifecycle;
  using boost::posix_time::time_from_string;
  engine eng;  // the model's default policy: new for 30 days, lapsed after 90, ...
  const ingest_result r = eng.ingest({.time = time_from_string("2024-05-06 09:15:00"), .person = "mina",
                                      .kind = event_kind::purchase, .amount = money{1999}, .id = "order-1"});
  for (const transition& t : r.transitions) fmt::print("{}\n", t);  // potential -> new, +buyer
  for (const transition& t : eng.advance_to(time_from_string("2024-07-01 00:00:00")))
    fmt::print("{}\n", t);  // on 2024-06-05: new -> passive, -buyer
  const auto p = eng.profile_of("mina");
  fmt::print("mina: {}, {} purchase(s), {} spent\n", p->current_stage, p->purchases, p->spend);
  return p->current_stage == stage::passive ? 0 : 1;
}
