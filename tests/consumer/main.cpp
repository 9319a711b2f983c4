// Built against the installed tree; fails to build or exits non-zero if the
// package is incomplete.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

int main() {
  lifecycle::engine eng;
  const auto t = boost::posix_time::time_from_string("2024-01-01 10:00:00");
  const auto r = eng.ingest({t, "ada", lifecycle::event_kind::purchase, lifecycle::money{999}});
  const auto p = eng.profile_of("ada");
  if (!r.accepted() || !p || p->current_stage != lifecycle::stage::new_customer) return 1;
  fmt::print("consumer: lifecycle {} ok, ada is {}\n", lifecycle::version_string, p->current_stage);
  return 0;
}
