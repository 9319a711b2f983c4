// Memory: engine_options, history_mode and memory_usage.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <string>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

std::size_t total(const memory_usage& m) {
  return m.state + m.index + m.dedupe + m.schedule + m.history + m.links;
}

int main() {
  const auto t = boost::posix_time::time_from_string("2024-05-06 10:00:00");
  engine full;  // history_mode::full: every stage and role transition is kept
  engine lean({}, {.history = history_mode::none, .expected_persons = 10'000});
  for (int i = 0; i < 10'000; ++i) {
    const std::string who = fmt::format("user-{}", i), order = fmt::format("order-{}", i);
    for (engine* eng : {&full, &lean})
      eng->ingest({.time = t, .person = who, .kind = event_kind::purchase, .id = order});
  }

  const person_id first = *full.find("user-0");
  EXPECT(full.history(first).size() == 2);              // potential -> new, +buyer
  EXPECT(lean.history(*lean.find("user-0")).empty());   // nothing kept: read results or subscribe
  EXPECT(lean.memory().history == 0 && full.memory().history > 0);

  const memory_usage m = full.memory();
  fmt::print("state {} B, index {} B, dedupe {} B, schedule {} B, history {} B: {:.0f} B per person\n",
             m.state, m.index, m.dedupe, m.schedule, m.history,
             static_cast<double>(total(m)) / static_cast<double>(full.known_persons()));
  EXPECT(total(lean.memory()) < total(m));
}
