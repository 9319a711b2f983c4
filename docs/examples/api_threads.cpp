// Threads: an engine is not thread-safe; give each thread its own engine and its own persons.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <array>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main() {
  constexpr std::size_t shards = 4;
  const auto start = boost::posix_time::time_from_string("2024-01-01 00:00:00");
  std::vector<std::string> names;  // events borrow their strings: keep them alive
  for (int i = 0; i < 1000; ++i) names.push_back(fmt::format("user-{}", i));

  // Route every person to one shard, always the same one, so each person lives in one engine.
  std::vector<std::vector<event>> parts(shards);
  for (int i = 0; i < 1000; ++i) {
    const std::string& who = names[static_cast<std::size_t>(i)];
    const event e{.time = start + boost::posix_time::hours(i), .person = who,
                  .kind = i % 3 == 0 ? event_kind::purchase : event_kind::visit};
    parts[std::hash<std::string_view>{}(e.person) % shards].push_back(e);
  }

  std::vector<engine> engines(shards);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < shards; ++i)
    threads.emplace_back([&, i] {
      engines[i].ingest(parts[i]);
      engines[i].advance_to(start + boost::posix_time::hours(24 * 365));  // one report date for all
    });
  for (std::thread& t : threads) t.join();

  // Merge the figures by adding them up.
  std::array<std::uint64_t, stage_count> stages{};
  for (const engine& eng : engines)
    for (std::size_t s = 0; s < stage_count; ++s) stages[s] += eng.stage_counts()[s];
  fmt::print("potential {}, passive {}\n", stages[0], stages[2]);
  EXPECT(stages[static_cast<std::size_t>(stage::potential)] == 666);
  EXPECT(stages[static_cast<std::size_t>(stage::passive)] == 334);
}
