// Vocabulary: each enum has to_string, a parser returning std::optional, and a fmt formatter.
#include <lifecycle/lifecycle.hpp>

#include <fmt/core.h>

#include <cstdlib>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;

int main() {
  EXPECT(to_string(stage::new_customer) == "new");           // the text form is "new"
  EXPECT(parse_stage("deal_hunter") == stage::deal_hunter);
  EXPECT(!parse_stage("Deal Hunter"));                        // exact and case-sensitive
  EXPECT(parse_event_kind("purchase") == event_kind::purchase);
  EXPECT(parse_role("critic") == role::critic);
  EXPECT(!is_activity(event_kind::contact));                  // the business's action, not the person's
  EXPECT(is_customer(stage::passive) && !is_customer(stage::potential));
  EXPECT(fmt::format("[{:>11}]", stage::loyal) == "[      loyal]");  // string format specs apply

  const role_set roles{role::buyer, role::creator};           // a person may hold several roles
  EXPECT(to_string(roles) == "creator,buyer");                // always in report order
  EXPECT(parse_role_set("buyer,creator") == roles);
  EXPECT(to_string(role_set{}) == "none" && roles.size() == 2);

  EXPECT(parse_money("12.5") == money{1250});                 // minor units, exact
  EXPECT(!parse_money("12.345"));                             // never rounded
  EXPECT(fmt::format("{}", money{-5}) == "-0.05");

  for (stage s : all_stages) fmt::print("{} ", s);            // potential new passive deal_hunter loyal
  fmt::print("\n");
}
