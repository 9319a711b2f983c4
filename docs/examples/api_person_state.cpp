// person_state: one person's state as a value, for hosts that keep state in their own database.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstddef>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
using boost::posix_time::ptime;
ptime at(const char* text) { return boost::posix_time::time_from_string(text); }

// Stands for the host's table: key -> (state bytes, next deadline).
struct row { std::vector<std::byte> state; ptime deadline; };
std::map<std::string, row> table;

// Per event: load, apply, store. The host knows whose transitions these are.
std::vector<transition> on_event(const std::string& person, const event& e, const policy& p, ptime now) {
  const auto it = table.find(person);
  person_state s = it == table.end() ? person_state{} : person_state::from_bytes(it->second.state);
  apply_result r = s.apply(e, p, now);
  if (r.status != apply_status::rejected) table[person] = {s.to_bytes(), s.next_deadline(p)};
  return r.transitions;
}

// Per timer tick: wake only the rows whose deadline has passed.
std::vector<transition> on_tick(const policy& p, ptime now) {
  std::vector<transition> all;
  for (auto& [person, r] : table) {
    if (r.deadline.is_special() || r.deadline > now) continue;
    person_state s = person_state::from_bytes(r.state);
    for (const transition& t : s.advance_to(now, p)) all.push_back(t);
    r = {s.to_bytes(), s.next_deadline(p)};
  }
  return all;
}

int main() {
  policy p;
  p.clock = clock_mode::host;
  const event buy{.time = at("2024-01-10 11:00:00"), .kind = event_kind::purchase,
                  .amount = money{2500}, .id = "o-1"};
  std::vector<transition> ts = on_event("kian", buy, p, at("2024-01-10 11:00:05"));
  EXPECT(ts.size() == 2 && ts[0].to == stage::new_customer && !ts[0].person.valid());
  EXPECT(table["kian"].deadline == at("2024-02-09 00:00:00"));  // the end of the new period
  EXPECT(on_event("kian", buy, p, at("2024-01-10 11:00:09")).empty());  // a repeated purchase id

  EXPECT(on_tick(p, at("2024-02-08 23:59:00")).empty());         // nothing due yet
  ts = on_tick(p, at("2024-02-09 00:01:00"));
  EXPECT(ts.size() == 2 && ts[0].to == stage::passive && ts[0].when == at("2024-02-09 00:00:00"));
  for (const transition& t : ts) fmt::print("kian: {}\n", t);

  std::vector<std::byte> bytes = table["kian"].state;
  bytes[20] ^= std::byte{1};                                      // a damaged row
  try {
    person_state::from_bytes(bytes);
    return 1;
  } catch (const error& e) {
    EXPECT(e.code() == errc::invalid_state);
  }
}
