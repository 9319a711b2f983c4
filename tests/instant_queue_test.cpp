// White-box: the queue the browse signals wait in. Entries come mostly in
// order of their due time, some late; whatever the mix, the queue must give them
// back in the one total order (due, person, kind) a single heap would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "detail/instant_queue.hpp"

using lifecycle::detail::instant_queue;
using lifecycle::detail::pending_instant;

TEST_CASE("instant queue: pops in time order, late entries included, through growth", "[instant_queue]") {
  std::mt19937 rng(3);
  for (const int late_in : {1000000, 20, 3}) {  // none, a few, many entries out of order
    CAPTURE(late_in);
    instant_queue q;
    std::vector<pending_instant> model;  // a min-heap by earlier()
    auto later = [](const pending_instant& a, const pending_instant& b) { return earlier(b, a); };
    std::int64_t clock = 0;
    for (int step = 0; step < 50000; ++step) {
      if (rng() % 3 != 0 || model.empty()) {
        clock += rng() % 5;
        pending_instant x{clock + 1000, static_cast<std::uint32_t>(rng() % 50), static_cast<std::uint8_t>(rng() % 2)};
        if (rng() % static_cast<unsigned>(late_in) == 0) x.due -= 1 + rng() % 2000;  // sent late
        q.push(x);
        model.push_back(x);
        std::push_heap(model.begin(), model.end(), later);
      } else {
        REQUIRE_FALSE(q.empty());
        const pending_instant want = model.front();
        std::pop_heap(model.begin(), model.end(), later);
        model.pop_back();
        REQUIRE(q.front().due == want.due);
        const pending_instant got = q.pop();
        REQUIRE(got.due == want.due);
        REQUIRE(got.person == want.person);
        REQUIRE(got.cart == want.cart);
      }
      REQUIRE(q.size() == model.size());
    }
  }
}
