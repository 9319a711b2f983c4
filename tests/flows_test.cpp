// The flows (flows.hpp, report_collector::flows): the absorbing Markov chain on
// hand-drawn transition counts solved by hand, and cross-checked against the
// direct count on a replay where the two must agree.

#include "test_support.hpp"

#include <cmath>

using namespace lctest;

namespace {

constexpr std::size_t P = 0, N = 1, PA = 2, DH = 3, L = 4;  // potential, new, passive, deal_hunter, loyal

}  // namespace

TEST_CASE("flows: the Markov chain of a tree of flows, solved by hand", "[flows]") {
  // Six persons: two stay potential; four buy (potential -> new); of them two
  // become loyal, one passive, one is still new.
  //
  //   potential --4--> new --2--> loyal
  //      (2 stay)      |  (1 stays)   (2 stay)
  //                    +--1--> passive (1 stays)
  //
  // From potential: to new 4/6, stop 2/6. From new: loyal 2/4, passive 1/4, stop 1/4.
  //   reach loyal:  new 2/4 = 0.5;  potential 4/6 * 0.5 = 1/3;  passive 0;  loyal 1
  //   end passive:  new 1/4;  potential 4/6 * 1/4 = 1/6;  passive 1;  loyal 0
  //   deal_hunter: never observed -> NaN
  transition_matrix moves{};
  moves[P][N] = 4;
  moves[N][L] = 2;
  moves[N][PA] = 1;
  const std::array<std::uint64_t, stage_count> now = {2, 1, 1, 0, 2};
  const auto o = markov_outcomes(moves, now);
  CHECK(o[P].reach_loyal == Approx(1.0 / 3));
  CHECK(o[N].reach_loyal == Approx(0.5));
  CHECK(o[PA].reach_loyal == Approx(0.0).margin(1e-12));
  CHECK(o[L].reach_loyal == 1.0);
  CHECK(o[P].end_passive == Approx(1.0 / 6));
  CHECK(o[N].end_passive == Approx(0.25));
  CHECK(o[PA].end_passive == Approx(1.0));
  CHECK(o[L].end_passive == Approx(0.0).margin(1e-12));
  CHECK(std::isnan(o[DH].reach_loyal));
  CHECK(std::isnan(o[DH].end_passive));
}

TEST_CASE("flows: the Markov chain with a cycle between passive and loyal, solved by hand", "[flows]") {
  // Ten persons buy: potential -> new 10. new -> passive 6, new -> loyal 4;
  // passive -> loyal 3, loyal -> passive 5. Stays: passive entered 6 + 5 = 11
  // times, left 3 times, so 8 persons are passive now; loyal entered 4 + 3 = 7
  // times, left 5, so 2 are loyal now.
  //
  //   P(passive -> loyal) = 3/11, stop 8/11;  P(loyal -> passive) = 5/7, stop 2/7
  //   reach loyal: passive 3/11; new 6/10 * 3/11 + 4/10 = 31/55; potential = new
  //   end passive: x_pa = 8/11 + 3/11 x_l, x_l = 5/7 x_pa  ->  x_pa = 28/31, x_l = 20/31
  //                new = 6/10 * 28/31 + 4/10 * 20/31 = 0.8; potential = new
  transition_matrix moves{};
  moves[P][N] = 10;
  moves[N][PA] = 6;
  moves[N][L] = 4;
  moves[PA][L] = 3;
  moves[L][PA] = 5;
  const auto o = markov_outcomes(moves, {0, 0, 8, 0, 2});
  CHECK(o[PA].reach_loyal == Approx(3.0 / 11));
  CHECK(o[N].reach_loyal == Approx(31.0 / 55));
  CHECK(o[P].reach_loyal == Approx(31.0 / 55));
  CHECK(o[PA].end_passive == Approx(28.0 / 31));
  CHECK(o[L].end_passive == Approx(20.0 / 31));
  CHECK(o[N].end_passive == Approx(0.8));
  CHECK(o[P].end_passive == Approx(0.8));
  // Nobody stopped in new: every person ends passive or loyal, so the two ends add up to 1.
  CHECK(o[N].end_passive + (1 - o[N].end_passive) == Approx(1.0));
}

TEST_CASE("flows: nothing observed gives NaN everywhere", "[flows]") {
  const auto o = markov_outcomes(transition_matrix{}, {});
  for (const stage_outcomes& s : o) {
    CHECK(std::isnan(s.reach_loyal));
    CHECK(std::isnan(s.end_passive));
  }
}

TEST_CASE("flows: a replay whose flows are a tree: Markov chain and direct count agree", "[flows][report]") {
  // The tree of the first test, as events (default rules):
  //   p1, p2  visit only: stay potential
  //   c1, c2  buy 01-01, 01-05, 01-10 and follow 01-02: new, then loyal on 01-31 (first + 30)
  //   c3      visits 2023-12-22, buys 01-01: new, then passive on 01-31 (1 purchase)
  //   c4      visits 01-15, buys 01-20: still new on 02-05
  engine eng;
  report_collector collector(eng);
  // In time order, so that every transition is dated when it happened.
  eng.ingest(ev(at("2023-12-22 00:00:00"), "c3", event_kind::visit));
  eng.ingest(ev(at("2023-12-23 00:00:00"), "p1", event_kind::visit));
  eng.ingest(ev(at("2023-12-24 00:00:00"), "p2", event_kind::visit));
  eng.ingest(buy(at("2024-01-01 00:00:00"), "c1", "c1-1"));
  eng.ingest(buy(at("2024-01-01 00:00:00"), "c2", "c2-1"));
  eng.ingest(buy(at("2024-01-01 00:00:00"), "c3", "c3-1"));
  eng.ingest(ev(at("2024-01-02 00:00:00"), "c1", event_kind::follow));
  eng.ingest(ev(at("2024-01-02 00:00:00"), "c2", event_kind::follow));
  eng.ingest(buy(at("2024-01-05 00:00:00"), "c1", "c1-2"));
  eng.ingest(buy(at("2024-01-05 00:00:00"), "c2", "c2-2"));
  eng.ingest(buy(at("2024-01-10 00:00:00"), "c1", "c1-3"));
  eng.ingest(buy(at("2024-01-10 00:00:00"), "c2", "c2-3"));
  eng.ingest(ev(at("2024-01-15 00:00:00"), "c4", event_kind::visit));
  eng.ingest(buy(at("2024-01-20 00:00:00"), "c4", "c4-1"));
  eng.advance_to(at("2024-02-05 00:00:00"));
  REQUIRE(eng.stage_counts() == std::array<std::uint64_t, stage_count>{2, 1, 1, 0, 2});

  const flow_summary f = collector.flows();
  const std::array<std::uint64_t, stage_count> ever = {6, 4, 1, 0, 2};
  for (std::size_t s = 0; s < stage_count; ++s) {
    INFO("stage " << to_string(static_cast<stage>(s)));
    CHECK(f.stages[s].persons == ever[s]);
    if (ever[s] == 0) {
      CHECK(std::isnan(f.stages[s].observed.reach_loyal));
      continue;
    }
    // In a tree every stage is entered one way only, so the chain's memoryless
    // estimate is exact: it equals the direct count.
    CHECK(f.stages[s].markov.reach_loyal == Approx(f.stages[s].observed.reach_loyal).margin(1e-12));
    CHECK(f.stages[s].markov.end_passive == Approx(f.stages[s].observed.end_passive).margin(1e-12));
  }
  // The direct counts themselves, by hand: 2 of 6 potential reached loyal, 2 of 4 new;
  // 1 of 6 (c3) ended passive, 1 of 4 new.
  CHECK(f.stages[P].observed.reach_loyal == Approx(2.0 / 6));
  CHECK(f.stages[N].observed.reach_loyal == Approx(0.5));
  CHECK(f.stages[P].observed.end_passive == Approx(1.0 / 6));
  CHECK(f.stages[N].observed.end_passive == Approx(0.25));
  CHECK(f.stages[L].observed.reach_loyal == 1.0);

  // Paths, most persons first; ties: shorter first, then in stage order.
  //   potential                    p1, p2        -
  //   potential > new > loyal      c1, c2        30 days (01-01 to 01-31)
  //   potential > new              c4            5 days (known 01-15, new 01-20)
  //   potential > new > passive    c3            40 days (known 12-22, passive 01-31)
  CHECK(f.distinct_paths == 4);
  REQUIRE(f.top_paths.size() == 4);
  CHECK(f.top_paths[0].stages == std::vector<stage>{stage::potential});
  CHECK(f.top_paths[0].persons == 2);
  CHECK_FALSE(f.top_paths[0].median_days);
  CHECK(f.top_paths[1].stages == std::vector<stage>{stage::potential, stage::new_customer, stage::loyal});
  CHECK(f.top_paths[1].persons == 2);
  CHECK(f.top_paths[1].median_days == Approx(30.0));
  CHECK(f.top_paths[2].stages == std::vector<stage>{stage::potential, stage::new_customer});
  CHECK(f.top_paths[2].median_days == Approx(5.0));
  CHECK(f.top_paths[3].stages == std::vector<stage>{stage::potential, stage::new_customer, stage::passive});
  CHECK(f.top_paths[3].median_days == Approx(40.0));
  CHECK(collector.flows(2).top_paths.size() == 2);

  // Days to the first purchase: c1 0, c2 0, c3 10, c4 5: mean 3.75, median 2.5.
  CHECK(f.to_first_purchase.persons == 4);
  CHECK(f.to_first_purchase.mean == Approx(3.75));
  CHECK(f.to_first_purchase.median == Approx(2.5));
  // New to loyal: c1 and c2, 30 days each.
  CHECK(f.new_to_loyal.persons == 2);
  CHECK(f.new_to_loyal.mean == Approx(30.0));
  CHECK(f.new_to_loyal.median == Approx(30.0));
}
