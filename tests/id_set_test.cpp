// White-box: the duplicate memory must keep every live id through its in-place
// clean-ups and growths, and forget exactly the expired ones.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>

#include "detail/id_set.hpp"

using lifecycle::detail::day_number;
using lifecycle::detail::id_set;

TEST_CASE("id set: agrees with a plain map through clean-ups and growth", "[id_set]") {
  id_set ids;
  std::map<std::string, day_number> model;  // id -> first day it may be forgotten
  std::mt19937 rng(7);
  day_number clock = 0;
  for (int step = 0; step < 200000; ++step) {
    if (step % 500 == 0) ++clock;
    // Ids repeat often enough to hit live entries, expired ones and new ones.
    const std::string id = "e" + std::to_string(rng() % 20000);
    const day_number expires = clock + static_cast<day_number>(1 + rng() % 30);
    const auto it = model.find(id);
    const bool live = it != model.end() && it->second > clock;
    const bool inserted = ids.insert(id_set::fingerprint_of(id), expires, clock);
    // A live id is recognised; a new or expired one is not, whether or not a
    // clean-up has removed it yet.
    REQUIRE(inserted == !live);
    if (inserted || !live) model[id] = expires;
    else if (expires > it->second) it->second = expires;
  }
  std::size_t live_now = 0;
  for (const auto& [id, expires] : model) live_now += expires > clock;
  CHECK(ids.size() >= live_now);
  CHECK(ids.size() <= model.size());
}

TEST_CASE("id set: ids that never expire survive every clean-up", "[id_set]") {
  id_set ids;
  for (int i = 0; i < 1000; ++i) REQUIRE(ids.insert(id_set::fingerprint_of("order" + std::to_string(i)), id_set::forever, 0));
  // Flood with short-lived ids over many days: the table cleans itself in place.
  for (int i = 0; i < 300000; ++i)
    ids.insert(id_set::fingerprint_of("view" + std::to_string(i)), static_cast<day_number>(i / 1000 + 1), i / 1000);
  for (int i = 0; i < 1000; ++i)
    REQUIRE_FALSE(ids.insert(id_set::fingerprint_of("order" + std::to_string(i)), id_set::forever, 300));
  CHECK(ids.size() < 5000);  // the expired views were forgotten
}

TEST_CASE("id set: a new id takes over an expired entry of its run, never a live one's answer", "[id_set]") {
  // Three ids whose home is the same slot (the table starts at 1024 slots).
  const id_set::fingerprint x{5, 1}, y{1024 + 5, 2}, z{2048 + 5, 3};
  id_set ids;
  REQUIRE(ids.insert(x, 2, 0));    // slot 5, forgotten from day 2
  REQUIRE(ids.insert(y, 100, 0));  // slot 6, behind x in the run
  REQUIRE(ids.size() == 2);
  // Day 3: x has expired. y is still found behind it: the expired entry on
  // the way is no reason to stop looking.
  CHECK_FALSE(ids.insert(y, 100, 3));
  // z is new and takes x's place: the table holds no more entries than before.
  CHECK(ids.insert(z, 100, 3));
  CHECK(ids.size() == 2);
  // x comes again: it was forgotten (and its entry is gone), so it is new.
  CHECK(ids.insert(x, 100, 3));
  CHECK(ids.size() == 3);
  CHECK_FALSE(ids.insert(x, 100, 3));
  CHECK_FALSE(ids.insert(y, 100, 3));
  CHECK_FALSE(ids.insert(z, 100, 3));
}
