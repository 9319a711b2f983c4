// The people graph (people_graph.hpp) on small graphs drawn by hand; every
// answer below is read off the drawing.

#include "test_support.hpp"

using namespace lctest;

namespace {

// Ten persons, handles 0-9:
//
//   0 mom  1 kid  2 dad  3 acme  4 ann  5 bob  6 cy  7 dee  8 eve  9 fay
//
// Who paid for whom (purchases with target=):
//
//   mom --2x--> kid <-- dad          acme --> ann, bob, cy        (mom -> mom: ignored)
//
// Who referred whom (referrals with target=):
//
//   fay --> ann --> bob --> dee --> ann   (a cycle: ann, bob, dee)
//            |
//            +----> cy --> eve
//
// Customers: mom, dad, acme, bob, dee, eve.
enum : std::uint32_t { mom, kid, dad, acme, ann, bob, cy, dee, eve, fay, persons };

person_link paid(std::uint32_t a, std::uint32_t b) { return {person_id{a}, person_id{b}, link_kind::paid_for}; }
person_link ref(std::uint32_t a, std::uint32_t b) { return {person_id{a}, person_id{b}, link_kind::referred}; }

const std::vector<person_link> links = {
    paid(mom, kid), paid(dad, kid), ref(ann, bob), paid(acme, ann), paid(mom, kid), ref(ann, cy),
    paid(acme, bob), ref(bob, dee), paid(acme, cy), ref(dee, ann), ref(cy, eve), ref(fay, ann),
    paid(mom, mom)};
const std::vector<person_id> customers = {person_id{mom}, person_id{dad}, person_id{acme},
                                          person_id{bob}, person_id{dee}, person_id{eve}};

std::vector<person_id> ids(std::initializer_list<std::uint32_t> v) {
  std::vector<person_id> out;
  for (std::uint32_t x : v) out.emplace_back(x);
  return out;
}

}  // namespace

TEST_CASE("people graph: payers and beneficiaries", "[people]") {
  const people_graph g(persons, links, customers);
  CHECK(g.persons() == 10);
  CHECK(g.links(link_kind::paid_for) == 6);  // mom -> kid twice, dad -> kid, acme -> ann, bob, cy
  CHECK(g.edges(link_kind::paid_for) == 5);  // mom -> kid once
  CHECK(g.sources(link_kind::paid_for) == 3);  // mom, dad, acme
  CHECK(g.targets(link_kind::paid_for) == 4);  // kid, ann, bob, cy
  CHECK(g.beneficiaries(person_id{mom}) == ids({kid}));
  CHECK(g.beneficiaries(person_id{acme}) == ids({ann, bob, cy}));
  CHECK(g.beneficiaries(person_id{kid}).empty());
  CHECK(g.payers(person_id{kid}) == ids({mom, dad}));
  CHECK(g.payers(person_id{ann}) == ids({acme}));
  CHECK(g.payers(person_id{mom}).empty());  // her purchase for herself is no link
  CHECK(g.beneficiaries(person_id{}).empty());
  CHECK(g.payers(person_id{persons}).empty());
}

TEST_CASE("people graph: referral reach is safe in cycles and excludes the person", "[people]") {
  const people_graph g(persons, links, customers);
  CHECK(g.links(link_kind::referred) == 6);
  CHECK(g.referred(person_id{ann}) == ids({bob, cy}));
  CHECK(g.referrers(person_id{ann}) == ids({dee, fay}));
  // ann reaches bob, cy, then dee (through bob), eve (through cy); dee leads back to ann.
  CHECK(g.reach_set(person_id{ann}) == ids({bob, cy, dee, eve}));
  CHECK(g.reach(person_id{ann}).persons == 4);
  CHECK(g.reach(person_id{ann}).customers == 3);  // bob, dee, eve
  // dee reaches ann, and through her bob, cy and eve.
  CHECK(g.reach_set(person_id{dee}) == ids({ann, bob, cy, eve}));
  CHECK(g.reach(person_id{dee}).customers == 2);  // bob, eve
  // fay reaches the whole referral tree.
  CHECK(g.reach(person_id{fay}).persons == 5);
  CHECK(g.reach(person_id{fay}).customers == 3);
  CHECK(g.reach(person_id{eve}).persons == 0);
  CHECK(g.reach(person_id{kid}).persons == 0);
  CHECK(g.reach(person_id{}).persons == 0);
}

TEST_CASE("people graph: top advocates rank by referred customers, then referred, then handle", "[people]") {
  const people_graph g(persons, links, customers);
  // Referred customers: ann {bob, cy} -> 1 (bob); bob {dee} -> 1; cy {eve} -> 1;
  // dee {ann} -> 0 and fay {ann} -> 0 are no advocates. ann first (2 referred),
  // then bob before cy (1 referred each; lower handle).
  const auto top = g.top_advocates(10);
  REQUIRE(top.size() == 3);
  CHECK(top[0].who == person_id{ann});
  CHECK(top[0].referred == 2);
  CHECK(top[0].referred_customers == 1);
  CHECK(top[0].reach.persons == 4);
  CHECK(top[0].reach.customers == 3);
  CHECK(top[1].who == person_id{bob});
  CHECK(top[1].referred == 1);
  CHECK(top[1].reach.persons == 4);    // dee, ann, cy, eve
  CHECK(top[1].reach.customers == 2);  // dee, eve
  CHECK(top[2].who == person_id{cy});
  CHECK(top[2].reach.persons == 1);
  CHECK(g.top_advocates(2).size() == 2);
  CHECK(g.top_advocates(0).empty());
}

TEST_CASE("people graph: built from an engine's links", "[people]") {
  engine eng;
  auto with_target = [](event e, std::string_view target) {
    e.target = target;
    return e;
  };
  // mom pays twice for kid; ann refers bob, who buys; bob refers dee, who only visits.
  eng.ingest(with_target(buy(at("2024-03-01 10:00:00"), "mom", "p1"), "kid"));
  eng.ingest(with_target(buy(at("2024-03-02 10:00:00"), "mom", "p2"), "kid"));
  eng.ingest(with_target(ev(at("2024-03-03 10:00:00"), "ann", event_kind::referral), "bob"));
  eng.ingest(buy(at("2024-03-04 10:00:00"), "bob", "p3"));
  eng.ingest(with_target(ev(at("2024-03-05 10:00:00"), "bob", event_kind::referral), "dee"));
  eng.ingest(ev(at("2024-03-06 10:00:00"), "dee", event_kind::visit));
  const people_graph g(eng);
  const auto id = [&](std::string_view n) { return *eng.find(n); };
  CHECK(g.persons() == eng.interned_persons());
  CHECK(g.beneficiaries(id("mom")) == std::vector<person_id>{id("kid")});
  CHECK(g.links(link_kind::paid_for) == 2);
  CHECK(g.edges(link_kind::paid_for) == 1);
  CHECK(g.reach(id("ann")).persons == 2);    // bob, dee
  CHECK(g.reach(id("ann")).customers == 1);  // bob
  CHECK(g.customer(id("bob")));
  CHECK_FALSE(g.customer(id("kid")));
  const auto top = g.top_advocates(10);
  REQUIRE(top.size() == 1);  // bob referred dee, who did not buy
  CHECK(top[0].who == id("ann"));
  CHECK(g.build_seconds() >= 0.0);
  CHECK(g.bytes() > 0);
}

TEST_CASE("people graph: links outside the persons are refused; an empty graph answers nothing", "[people]") {
  const std::vector<person_link> bad = {paid(0, 5)};
  CHECK_THROWS_AS(people_graph(3, bad, {}), lifecycle::error);
  const people_graph empty;
  CHECK(empty.persons() == 0);
  CHECK(empty.reach(person_id{0}).persons == 0);
  CHECK(empty.top_advocates(10).empty());
}
