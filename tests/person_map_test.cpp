// White-box: the flat person map behind the signal book's contact records must
// keep every entry through its growths, like a plain map.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>

#include "detail/person_map.hpp"

using lifecycle::detail::person_map;

TEST_CASE("person map: agrees with a plain map through growth", "[person_map]") {
  person_map<std::int64_t> flat;
  std::map<std::uint32_t, std::int64_t> model;
  std::mt19937 rng(11);
  for (int step = 0; step < 100000; ++step) {
    // Dense and scattered keys, as person indexes are; the largest index too.
    const std::uint32_t key = step % 1000 == 0 ? 0xfffffffeu : (rng() % 2 ? rng() % 5000 : rng());
    switch (rng() % 3) {
      case 0: {  // insert: added only when absent
        const auto [value, added] = flat.insert(key, step);
        const bool absent = model.emplace(key, step).second;
        REQUIRE(added == absent);
        REQUIRE(*value == model[key]);
        break;
      }
      case 1:  // operator[]: makes a zero entry when absent, then writes through
        flat[key] += 1;
        model[key] += 1;
        break;
      default: {
        const std::int64_t* found = flat.find(key);
        const auto it = model.find(key);
        REQUIRE((found != nullptr) == (it != model.end()));
        if (found != nullptr) REQUIRE(*found == it->second);
      }
    }
    REQUIRE(flat.size() == model.size());
  }
  std::vector<std::uint32_t> keys;
  for (const auto& [k, v] : model) {
    keys.push_back(k);
    REQUIRE(flat.find(k) != nullptr);
    CHECK(*flat.find(k) == v);
  }
  CHECK(flat.sorted_keys() == keys);
  CHECK(flat.bytes() >= flat.size() * sizeof(std::int64_t));
}

TEST_CASE("person map: a value stays where it is while the map grows", "[person_map]") {
  // The signal book holds a reference to a contact record across calls that may add others.
  person_map<std::int64_t> flat;
  std::int64_t* first = &flat[7];
  *first = 42;
  for (std::uint32_t k = 100; k < 20000; ++k) flat[k] = k;
  CHECK(flat.find(7) == first);
  CHECK(*first == 42);
  CHECK(flat.size() == 1 + (20000 - 100));
}

TEST_CASE("person map: an empty map finds nothing", "[person_map]") {
  const person_map<int> flat;
  CHECK(flat.find(0) == nullptr);
  CHECK(flat.size() == 0);
  CHECK(flat.sorted_keys().empty());
}
