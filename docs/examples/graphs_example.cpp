// The graphs (docs/graphs.md): a host's stage graph, the flows of a running
// engine, and the people graph.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
boost::posix_time::ptime at(const char* text) { return boost::posix_time::time_from_string(text); }
template <class Enum> std::size_t i(Enum e) { return static_cast<std::size_t>(e); }

int main() {
  // 1. A business that never calls a loyal customer a deal hunter.
  policy rules;
  rules.forbid_moves.insert({stage::loyal, stage::deal_hunter});  // or rules.set("forbid_moves", "loyal->deal_hunter")
  engine eng(rules);  // validates the graph: every stage reachable from potential, loyal from every customer stage
  EXPECT(eng.graph().kind(stage::loyal, stage::deal_hunter) == move_kind::forbidden);
  report_collector collector(eng);  // for the flows, below; before the first event

  for (const char* order : {"s1", "s2", "s3"})
    eng.ingest({.time = at("2024-01-02 10:00:00"), .person = "sara", .kind = event_kind::purchase, .id = order});
  eng.ingest({.time = at("2024-01-02 11:00:00"), .person = "sara", .kind = event_kind::follow});
  eng.advance_to(at("2024-02-10 00:00:00"));  // new ended on 02-01: loyal
  for (const char* order : {"s4", "s5", "s6"}) {
    const ingest_result r = eng.ingest({.time = at("2024-02-10 10:00:00"), .person = "sara",
                                        .kind = event_kind::purchase, .coupon = true, .id = order});
    for (const transition& t : r.transitions) fmt::print("{}\n", t);  // the third: loyal -> deal_hunter (correction)
  }
  EXPECT(eng.profile_of("sara")->current_stage == stage::deal_hunter);  // the rules decide; the move is made
  EXPECT(eng.forbidden_moves()[i(stage::loyal)][i(stage::deal_hunter)] == 1);  // ... and counted

  // 2. Who pays for whom, who brings whom: `target` on purchases and referrals.
  eng.ingest({.time = at("2024-02-11 09:00:00"), .person = "mom", .kind = event_kind::purchase, .id = "m1",
              .target = "kid"});
  eng.ingest({.time = at("2024-02-11 10:00:00"), .person = "sara", .kind = event_kind::referral, .target = "bea"});
  eng.ingest({.time = at("2024-02-12 10:00:00"), .person = "bea", .kind = event_kind::referral, .target = "dara"});
  eng.ingest({.time = at("2024-02-13 10:00:00"), .person = "dara", .kind = event_kind::purchase, .id = "d1"});

  const people_graph people(eng);  // O(persons + links); milliseconds for a million persons
  const person_id mom = *eng.find("mom"), kid = *eng.find("kid"), sara = *eng.find("sara");
  EXPECT(people.beneficiaries(mom) == std::vector<person_id>{kid});
  EXPECT(people.payers(kid) == std::vector<person_id>{mom});
  const referral_reach reach = people.reach(sara);  // bea, and dara through her
  fmt::print("sara's referrals reached {} persons, {} of them customers\n", reach.persons, reach.customers);
  EXPECT(reach.persons == 2 && reach.customers == 1);
  const std::vector<advocate> top = people.top_advocates(10);  // bea: her referral dara bought
  EXPECT(top.size() == 1 && top[0].who == *eng.find("bea"));

  // 3. The flows of the running engine, as the replay report shows them.
  const flow_summary flows = collector.flows();
  const stage_flow& from_new = flows.stages[i(stage::new_customer)];
  fmt::print("from new: {:.0f}% reach loyal (Markov), {:.0f}% did (counted)\n", 100 * from_new.markov.reach_loyal,
             100 * from_new.observed.reach_loyal);
  EXPECT(from_new.persons == 3);                    // sara, mom, dara
  EXPECT(from_new.observed.reach_loyal == 1.0 / 3);  // sara
  EXPECT(flows.top_paths.front().persons == 2);     // potential > new: mom and dara, still new
}
