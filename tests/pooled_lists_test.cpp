// White-box: the pooled lists behind the engine's person records. A small list
// keeps its first records in the person's own record, moves to the pool when it
// outgrows them and comes home when short again; through all of it, it must hold
// what a plain vector holds, in the same order, and give freed blocks back.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "detail/pooled_lists.hpp"

using lifecycle::detail::list_ref;
using lifecycle::detail::pooled_list_view;
using lifecycle::detail::pooled_lists;
using lifecycle::detail::small_list;

namespace {

std::vector<int> contents(pooled_lists<int>& pool, small_list<int, 2>& l) {
  const int* d = pool.data(l);
  return std::vector<int>(d, d + l.size());
}

}  // namespace

TEST_CASE("pooled lists: a small list lives at home until it outgrows it, and comes back when short",
          "[pooled_lists]") {
  pooled_lists<int> pool;
  small_list<int, 2> l;
  CHECK(l.is_local());
  CHECK(pooled_lists<int>::capacity(l) == 2);
  pool.push_back(l, 1);
  pool.push_back(l, 2);
  CHECK(l.is_local());                   // two fit at home
  CHECK(pool.data(l) == l.here);
  pool.push_back(l, 3);                  // the third moves the list to the pool
  CHECK_FALSE(l.is_local());
  CHECK(pool.data(l) != l.here);
  CHECK(contents(pool, l) == std::vector<int>{1, 2, 3});
  CHECK(pooled_lists<int>::capacity(l) >= 3);

  pool.erase_if(l, [](int v) { return v == 1; });  // two left: still in the pool (no moving to and fro)
  CHECK_FALSE(l.is_local());
  CHECK(contents(pool, l) == std::vector<int>{2, 3});
  pool.erase_if(l, [](int v) { return v == 2; });  // one left: home again
  CHECK(l.is_local());
  CHECK(contents(pool, l) == std::vector<int>{3});

  // The block it gave back serves the next list that moves out: the pool does not grow.
  const std::size_t bytes = pool.bytes();
  small_list<int, 2> other;
  for (int v : {7, 8, 9}) pool.push_back(other, v);
  CHECK_FALSE(other.is_local());
  CHECK(pool.bytes() == bytes);
  CHECK(contents(pool, other) == std::vector<int>{7, 8, 9});
}

TEST_CASE("pooled lists: many small lists agree with vectors through pushes and erasures", "[pooled_lists]") {
  pooled_lists<int> pool;
  std::vector<small_list<int, 2>> lists(50);
  std::vector<std::vector<int>> model(50);
  std::mt19937 rng(5);
  for (int step = 0; step < 200000; ++step) {
    const std::size_t i = rng() % lists.size();
    if (rng() % 3 != 0) {
      const int v = static_cast<int>(rng() % 1000);
      pooled_list_view<int, small_list<int, 2>> view{pool, lists[i]};
      view.push_back(v);
      model[i].push_back(v);
    } else {
      const int cut = static_cast<int>(rng() % 1000);  // drop the values below it, as a prune drops old days
      pool.erase_if(lists[i], [&](int v) { return v < cut; });
      std::erase_if(model[i], [&](int v) { return v < cut; });
    }
    REQUIRE(contents(pool, lists[i]) == model[i]);
    if (model[i].size() > 2) REQUIRE_FALSE(lists[i].is_local());  // more than fit at home
    if (model[i].size() <= 1) REQUIRE(lists[i].is_local());       // short again: home
  }
  for (std::size_t i = 0; i < lists.size(); ++i) CHECK(contents(pool, lists[i]) == model[i]);
}
