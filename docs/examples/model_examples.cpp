// The worked examples of docs/model.md, each checked: boundaries, windows, the
// business calendar, refunds, corrections, duplicates and arrival order.
#include <lifecycle/lifecycle.hpp>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

// A failed check exits non-zero, so CI notices when the page showing this file is wrong.
#define EXPECT(c) do { if (!(c)) { fmt::print(stderr, "{}:{}: failed: {}\n", __FILE__, __LINE__, #c); std::exit(1); } } while (0)

using namespace lifecycle;
using boost::posix_time::ptime;
ptime at(const char* text) { return boost::posix_time::time_from_string(text); }

event buy(const char* time, const char* id, bool coupon = false) {
  return {.time = at(time), .person = "p", .kind = event_kind::purchase, .amount = money{1000}, .coupon = coupon, .id = id};
}
event act(const char* time, event_kind kind) { return {.time = at(time), .person = "p", .kind = kind}; }
stage stage_on(engine& eng, const char* time) {
  eng.advance_to(at(time));
  return eng.profile_of("p")->current_stage;
}
role_set roles_on(engine& eng, const char* time) {
  eng.advance_to(at(time));
  return eng.profile_of("p")->roles;
}

int main() {
  {  // New while D < first + 30: a purchase on 10 Jan is new through 8 Feb, not on 9 Feb.
    engine eng;
    eng.ingest(buy("2024-01-10 10:00:00", "o1"));
    EXPECT(stage_on(eng, "2024-02-08 23:59:59") == stage::new_customer);  // first + 29
    EXPECT(stage_on(eng, "2024-02-09 00:00:00") == stage::passive);       // first + 30
  }
  {  // Passive once D >= last + 90: two coupon purchases, deal hunter until 18 Apr, passive on 19 Apr.
    engine eng;
    eng.ingest(buy("2024-01-10 10:00:00", "o1", true));
    eng.ingest(buy("2024-01-20 10:00:00", "o2", true));
    EXPECT(stage_on(eng, "2024-02-09 00:00:00") == stage::deal_hunter);
    EXPECT(to_string(eng.history(*eng.find("p")).front().why) == "new: first purchase 0 days ago (< 30)");
    EXPECT(eng.history(*eng.find("p"))[2].to == stage::deal_hunter);
    EXPECT(to_string(eng.history(*eng.find("p"))[2].why) ==
           "deal hunter: 2 of 2 purchases in 180 days with a coupon (>= 50%)");
    EXPECT(stage_on(eng, "2024-04-18 23:59:59") == stage::deal_hunter);   // last + 89
    EXPECT(stage_on(eng, "2024-04-19 00:00:00") == stage::passive);       // last + 90
    const transition t = eng.history(*eng.find("p")).back();
    EXPECT(t.cause == cause::time && to_string(t.why) == "lapse: last purchase 90 days ago (>= 90)");
  }
  {  // Loyal: 3 purchases in 180 days and a follow. Without the follow: passive.
    engine eng;
    eng.ingest(buy("2024-01-05 10:00:00", "o1"));
    eng.ingest(buy("2024-01-25 10:00:00", "o2"));
    eng.ingest(buy("2024-02-14 10:00:00", "o3"));
    const transition t = eng.history(*eng.find("p")).back();  // on 4 Feb the new period ended
    EXPECT(t.to == stage::passive && t.cause == cause::time && t.when == at("2024-02-04 00:00:00"));
    EXPECT(to_string(t.why) == "occasional: 2 purchases in 180 days, 0 with a coupon, 0 follows");
    EXPECT(eng.profile_of("p")->current_stage == stage::passive);  // a third purchase, still no follow
    eng.ingest(act("2024-02-15 10:00:00", event_kind::follow));
    EXPECT(eng.profile_of("p")->current_stage == stage::loyal);
    policy bare;
    bare.loyal_requires_follow = false;
    engine order_log(bare);
    for (const char* id : {"o1", "o2", "o3"}) order_log.ingest(buy("2024-01-05 10:00:00", id));
    EXPECT(stage_on(order_log, "2024-02-14 10:00:00") == stage::loyal);
  }
  {  // Deal hunter before loyal: 1 coupon out of 2 purchases is a 50% share.
    engine eng;
    eng.ingest(buy("2024-01-01 10:00:00", "o1", true));
    eng.ingest(buy("2024-01-02 10:00:00", "o2"));
    EXPECT(stage_on(eng, "2024-02-01 00:00:00") == stage::deal_hunter);
  }
  {  // Role window of 30 days (D - 30 < d <= D): a post on 1 Mar makes a creator through 30 Mar.
    engine eng;
    eng.ingest(act("2024-03-01 20:00:00", event_kind::post));
    EXPECT(roles_on(eng, "2024-03-30 23:59:59") == role_set{role::creator});
    EXPECT(roles_on(eng, "2024-03-31 00:00:00").empty());
    EXPECT(eng.profile_of("p")->current_stage == stage::potential);  // known, no role, potential
  }
  {  // Joiner needs 2 joins; one join alone is a spectator. Contact never counts.
    engine eng;
    eng.ingest(act("2024-03-01 10:00:00", event_kind::contact));
    EXPECT(eng.profile_of("p")->roles.empty());
    eng.ingest(act("2024-03-01 11:00:00", event_kind::join));
    EXPECT(eng.profile_of("p")->roles == role_set{role::spectator});
    eng.ingest(act("2024-03-02 11:00:00", event_kind::join));
    EXPECT(eng.profile_of("p")->roles == role_set{role::joiner});
  }
  {  // Primary role: most qualifying events; ties go creator, critic, joiner, buyer.
    engine eng;
    eng.ingest(act("2024-03-01 10:00:00", event_kind::search));
    eng.ingest(act("2024-03-01 10:01:00", event_kind::review));
    EXPECT(eng.profile_of("p")->primary_role == role::critic);  // 1 review, 1 search: a tie
    eng.ingest(act("2024-03-01 10:02:00", event_kind::cart));
    EXPECT(eng.profile_of("p")->primary_role == role::buyer);   // 2 against 1
  }
  {  // Business calendar +08:00: 17:00Z on 1 Jan is 2 Jan there; deadlines start at 16:00Z.
    policy p;
    p.set("utc_offset", "+08:00");
    engine eng(p);
    eng.ingest(buy("2024-01-01 17:00:00", "o1"));
    EXPECT(eng.profile_of("p")->first_purchase == boost::gregorian::date(2024, 1, 2));
    const auto ts = eng.advance_to(at("2024-02-15 00:00:00"));
    EXPECT(!ts.empty() && ts[0].to == stage::passive && ts[0].when == at("2024-01-31 16:00:00"));
  }
  {  // Refund before its purchase: the purchase never counts.
    engine eng;
    eng.ingest({.time = at("2024-06-01 11:00:00"), .person = "p", .kind = event_kind::refund, .ref = "o9"});
    const ingest_result r = eng.ingest(buy("2024-05-30 11:00:00", "o9"));
    EXPECT(r.accepted());
    const profile pr = *eng.profile_of("p");
    EXPECT(pr.current_stage == stage::potential && pr.purchases == 0 && pr.refunded_purchases == 1);
    EXPECT(pr.roles.contains(role::buyer));  // roles count events as they happened
  }
  {  // Corrections: a months-old order arriving late; a refund of the only purchase.
    engine eng;
    eng.ingest(act("2024-06-01 10:00:00", event_kind::visit));
    ingest_result r = eng.ingest(buy("2024-01-02 10:00:00", "o1"));
    EXPECT(r.transitions.size() == 1 && r.transitions[0].from == stage::potential);
    EXPECT(r.transitions[0].to == stage::passive && r.transitions[0].cause == cause::correction);
    EXPECT(r.transitions[0].when == at("2024-06-01 10:00:00"));  // at the engine clock
    EXPECT(to_string(r.transitions[0].why) == "lapse: last purchase 151 days ago (>= 90)");
    r = eng.ingest({.time = at("2024-06-02 10:00:00"), .person = "p", .kind = event_kind::refund, .ref = "o1"});
    EXPECT(r.transitions[0].to == stage::potential && r.transitions[0].cause == cause::correction);
    EXPECT(to_string(r.transitions[0].why) == "potential: no net purchase (1 refunded)");
  }
  {  // Refunding the first purchase makes the next one the first: new again, a correction.
    engine eng;
    eng.ingest(buy("2024-01-01 10:00:00", "o1"));
    eng.ingest(buy("2024-03-01 10:00:00", "o2"));
    EXPECT(eng.profile_of("p")->current_stage == stage::passive);
    const ingest_result r =
        eng.ingest({.time = at("2024-03-05 10:00:00"), .person = "p", .kind = event_kind::refund, .ref = "o1"});
    EXPECT(r.transitions.size() == 1 && r.transitions[0].to == stage::new_customer);
    EXPECT(r.transitions[0].cause == cause::correction);
    EXPECT(to_string(r.transitions[0].why) == "new: first purchase 4 days ago (< 30)");
  }
  {  // Arrival order and duplicates do not matter.
    const std::vector<event> events = {
        buy("2024-01-05 10:00:00", "o1", true), act("2024-01-06 10:00:00", event_kind::follow),
        buy("2024-02-07 10:00:00", "o2"),       act("2024-02-08 10:00:00", event_kind::review),
        buy("2024-03-09 10:00:00", "o3"),       act("2024-03-10 10:00:00", event_kind::join)};
    std::vector<event> shuffled(events.rbegin(), events.rend());
    shuffled.push_back(events[2]);  // sent twice
    engine a, b;
    a.ingest(events);
    b.ingest(shuffled);
    a.advance_to(at("2024-04-01 00:00:00"));
    b.advance_to(at("2024-04-01 00:00:00"));
    const profile pa = *a.profile_of("p"), pb = *b.profile_of("p");
    EXPECT(pa.current_stage == stage::loyal && pb.current_stage == pa.current_stage);
    EXPECT(pa.roles == pb.roles && pa.primary_role == pb.primary_role);
    EXPECT(pa.purchases == pb.purchases && pa.spend == pb.spend && pa.first_seen == pb.first_seen);
    EXPECT(b.counts().duplicate == 1);
  }
  fmt::print("all model.md examples hold\n");
}
