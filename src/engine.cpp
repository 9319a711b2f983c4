#include "lifecycle/engine.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "detail/deadline_calendar.hpp"
#include "detail/hash.hpp"
#include "detail/id_set.hpp"
#include "detail/name_index.hpp"
#include "detail/person_map.hpp"
#include "detail/person_rules.hpp"
#include "detail/pooled_lists.hpp"
#include "detail/signal_book.hpp"
#include "detail/state_codec.hpp"
#include "detail/time_units.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle {

using namespace detail;

namespace {

constexpr std::uint32_t no_entry = 0xffffffffu;

/// Activity days kept in the person's record before the list moves to the pool.
constexpr std::uint32_t home_days = 2;
using activity_list = small_list<activity_day, home_days>;

/// One person in the engine's flat table: a cache line. Most persons' activity
/// fits in it, so an event reads and writes this line alone.
struct person_slot {
  person_core core;
  list_ref purchases;
  activity_list activity;
  day_number scheduled = no_day;      // the day the calendar has this person filed under
  // No day in the activity list is later: an event on a later day adds a record
  // without reading the list (a fetch saved on a session's first event).
  day_number newest_activity = no_day_yet;
};
static_assert(sizeof(person_slot) == 64, "a person's fixed state is one cache line");

}  // namespace

struct engine::impl {
  policy rules;
  stage_graph graph;
  rule_params params;
  engine_options options;

  name_index names;
  big_vector<person_slot> persons;
  pooled_lists<purchase_record> purchase_pool;
  pooled_lists<activity_day> activity_pool;  // the activity lists too long for their person's record
  person_map<stage_stays> stays;  // completed stays, for the persons who have left a stage
  id_set seen_ids;
  deadline_calendar calendar;
  day_number horizon = 0;  // the calendar's reach ahead of the clock day
  // How long an event id is remembered, by kind: while a resend could change anything.
  std::array<day_number, event_kind_count> id_reach{};
  signal_book book;        // signals, points, tiers, NPS (inactive when the policy tracks none)
  std::array<std::uint64_t, signal_count> signal_n{};

  bool clock_set = false;
  // Replay clock, running: plain activity may take ingest_activity.
  bool activity_path = false;
  day_number plain_reach = 0;  // params.activity_reach(false), read on every event
  std::int64_t clock_us = 0;
  day_number clock_day = 0;
  std::int64_t next_day_us = 0;  // start of the day after clock_day

  std::vector<transition> out;         // the current call's transitions
  std::vector<std::uint32_t> due;      // scratch for advancing
  std::deque<transition> history;  // chunked: growing never copies what is kept
  std::deque<std::uint32_t> history_prev;
  std::vector<std::uint32_t> history_head;  // per person, the latest kept; only when history is kept

  std::array<std::uint64_t, stage_count> stage_n{};
  std::array<std::uint64_t, role_count> role_n{};
  transition_matrix moves{};
  transition_matrix forbidden{};
  std::vector<person_link> links;
  std::uint64_t conversions = 0;
  std::array<std::uint64_t, role_count + 1> conversions_by_role{};
  ingest_counts totals;
  std::uint64_t made_transitions = 0, made_signals = 0;  // every record() so far: batch totals
  std::size_t known = 0;

  std::vector<std::pair<std::uint32_t, std::function<void(const transition&)>>> subscribers;
  std::uint32_t next_subscription = 0;

  static const policy& validated(const policy& p) {
    p.validate();
    return p;
  }

  impl(const policy& p, engine_options o)
      : rules(validated(p)), graph(rules), params(rule_params::from(rules)), options(o), book(rules) {
    params.moves = graph.table();  // the one place the graph is consulted; events only read the table
    params.signal_reach = book.params().activity_reach();
    // Signals look further ahead (a birthday, the points window): a ring that
    // spans them files each of those wakes once instead of at the ring's edge.
    horizon = book.active() ? std::max(params.horizon(), day_number{400}) : params.horizon();
    for (event_kind k : all_event_kinds)
      id_reach[static_cast<std::size_t>(k)] =
          std::max(params.activity_reach(k == event_kind::follow), book.params().event_reach(k));
    calendar.reset(horizon);
    plain_reach = params.activity_reach(false);
    if (o.expected_persons > 0) {
      names.reserve(o.expected_persons);
      persons.reserve(o.expected_persons);
      book.reserve(o.expected_persons);
    }
  }

  person_id intern(std::string_view name, std::uint64_t h) {
    const std::uint32_t id = names.intern(name, h);
    if (id == persons.size()) {
      persons.emplace_back();
      if (options.history != history_mode::none) history_head.push_back(no_entry);
      book.grow(persons.size());
    }
    return person_id{id};
  }

  [[gnu::always_inline]] person_view view_of(std::uint32_t p) {
    person_slot& s = persons[p];
    return {p,           static_cast<stage>(s.core.stage), purchase_span(s), activity_span(s), s.core.flags,
            s.scheduled, s.newest_activity};
  }

  // The book's way to record a signal.
  auto emitter() {
    return [this](std::uint32_t who, transition t) {
      t.person = person_id{who};
      record(t);
    };
  }

  pooled_list_view<purchase_record> purchases_of(person_slot& s) { return {purchase_pool, s.purchases}; }
  pooled_list_view<activity_day, activity_list> activity_of(person_slot& s) { return {activity_pool, s.activity}; }
  std::span<const purchase_record> purchase_span(const person_slot& s) const {
    return {purchase_pool.data(s.purchases), s.purchases.size};
  }
  std::span<const activity_day> activity_span(const person_slot& s) const {
    return {activity_pool.data(s.activity), s.activity.size()};
  }
  static day_number newest_day(std::span<const activity_day> days) {
    day_number newest = no_day_yet;
    for (const activity_day& a : days) newest = std::max(newest, a.day);
    return newest;
  }

  void record(const transition& t) {
    if (t.what == change::stage) {
      --stage_n[static_cast<std::size_t>(t.from)];
      ++stage_n[static_cast<std::size_t>(t.to)];
      ++moves[static_cast<std::size_t>(t.from)][static_cast<std::size_t>(t.to)];
      if (t.cause == cause::correction && classify_move(params, t.from, t.to) == move_kind::forbidden)
        ++forbidden[static_cast<std::size_t>(t.from)][static_cast<std::size_t>(t.to)];
    } else if (t.what == change::role_gained) {
      ++role_n[static_cast<std::size_t>(t.role_changed)];
    } else if (t.what == change::role_lost) {
      --role_n[static_cast<std::size_t>(t.role_changed)];
    } else {
      ++signal_n[static_cast<std::size_t>(t.signal_raised)];
    }
    ++(t.what == change::signal ? made_signals : made_transitions);
    out.push_back(t);
    const bool keep = options.history == history_mode::full ||
                      (options.history == history_mode::stages && t.what == change::stage);
    if (keep) {
      std::uint32_t& head = history_head[t.person.value];
      history_prev.push_back(head);
      head = static_cast<std::uint32_t>(history.size());
      history.push_back(t);
    }
  }

  // Most evaluations change nothing: that answer is inline.
  [[gnu::always_inline]] void apply(person_id p, const evaluation& ev, std::int64_t when_us, cause why) {
    const person_core& c = persons[p.value].core;
    if (ev.current_stage != static_cast<stage>(c.stage) || ev.roles.bits() != c.roles) apply_changes(p, ev, when_us, why);
  }

  [[gnu::noinline]] void apply_changes(person_id p, const evaluation& ev, std::int64_t when_us, cause why) {
    person_slot& s = persons[p.value];
    // A stage change writes the stays: the map entry is made then, for those who move.
    stage_stays scratch;
    stage_stays& stays_of = ev.current_stage != static_cast<stage>(s.core.stage) ? stays[p.value] : scratch;
    const bool converted = apply_evaluation(s.core, stays_of, ev, when_us, why, params, [&](transition t) {
      t.person = p;
      record(t);
    });
    if (converted) {
      ++conversions;
      const std::optional<role> primary = primary_role_of(ev);
      ++conversions_by_role[primary ? static_cast<std::size_t>(*primary) : role_count];
      if (book.active()) {
        const auto [referrer, wake] = book.on_converted(
            p.value, when_us, clock_day, [this](std::uint32_t q) { return view_of(q); }, emitter());
        if (wake != no_day) schedule(person_id{referrer}, wake);
      }
    }
  }

  // Keeps the invariant: filed day <= true next deadline, and filed day > clock day.
  // Days beyond the calendar's reach (a birthday, a long contact cadence) are
  // filed at its edge: that wake asks again. So no filed day lies beyond the
  // reach, and a day at or after it (no_day too) changes nothing: the common
  // case, answered inline.
  [[gnu::always_inline]] void schedule(person_id p, day_number day) {
    person_slot& s = persons[p.value];
    if (day >= s.scheduled) return;
    file(s, p, std::min(day, clock_day + horizon));
  }

  [[gnu::noinline]] void file(person_slot& s, person_id p, day_number day) {
    s.scheduled = day;
    calendar.add(day, p.value);
  }

  // One pass over each list: the activity tally drops what can no longer count
  // (nothing it drops would count on d), and both tallies give the evaluation
  // and the next deadline.
  void wake(std::uint32_t person, day_number d) {
    person_slot& s = persons[person];
    s.scheduled = no_day;
    day_number next = quiet_until(s, d);
    if (next == no_day) next = wake_rules(s, person, d);
    if (book.acts_at_wake(s.core.flags))
      next = std::min(next, book.on_wake(view_of(person), d, emitter()));
    schedule(person_id{person}, next);
  }

  // The model's rules at a wake; returns their next deadline.
  [[gnu::always_inline]] day_number wake_rules(person_slot& s, std::uint32_t person, day_number d) {
    auto activity = activity_of(s);
    const activity_tally at = tally_and_prune(activity, d, params, s.newest_activity);
    if (s.purchases.size == 0) [[likely]] {
      // No purchase: the stage stays potential, only the roles move.
      if (roles_held(at, params).bits() != s.core.roles) roles_at_wake(person, at, d);
      return next_deadline_of(at, purchase_tally{}, activity_span(s), {}, d, params);
    }
    const purchase_tally pt = tally_purchases(purchase_span(s), d, params);
    apply(person_id{person}, evaluate_tallies(at, pt, purchase_span(s), d, params), day_start_us(d, params.offset_us),
          cause::time);
    return next_deadline_of(at, pt, activity_span(s), purchase_span(s), d, params);
  }

  [[gnu::noinline]] void roles_at_wake(std::uint32_t person, const activity_tally& at, day_number d) {
    evaluation ev = roles_of(at, params);
    std::tie(ev.current_stage, ev.stage_reason) = stage_of(purchase_tally{}, at.follows, {}, d, params);
    apply_changes(person_id{person}, ev, day_start_us(d, params.offset_us), cause::time);
  }

  // Many wakes find a person active again since the deadline was filed: no
  // purchases, and the newest day (before d) still qualifying for every role
  // held. Then nothing can change before that day leaves the role window (no
  // role is gained by time, the stage stays potential): returns that day, found
  // without tallying anything, or no_day when the rules must be run. A list at
  // home is pruned on the way (it is in the record); a pooled one when it next
  // fills up (what can no longer count changes nothing while it waits).
  [[gnu::always_inline]] day_number quiet_until(person_slot& s, day_number d) {
    if (s.purchases.size != 0) return no_day;
    const day_number newest = s.newest_activity;
    // A record of day d or later was dated ahead (host clock): it enters its windows now or later.
    if (newest >= d || newest + params.role_window <= d) return no_day;
    const activity_day* list = activity_pool.data(s.activity);
    const activity_day* top = nullptr;
    for (std::uint32_t i = s.activity.size(); i-- > 0;)  // the newest day is usually last
      if (list[i].day == newest) {
        top = &list[i];
        break;
      }
    const role_set held = role_set::from_bits(s.core.roles);
    if (top == nullptr || held.empty() || held.contains(role::joiner) ||
        (held.contains(role::creator) && top->post == 0) || (held.contains(role::critic) && top->review == 0) ||
        (held.contains(role::buyer) && top->buyer == 0))
      return no_day;
    if (s.activity.is_local()) prune_activity(activity_of(s), d, params);  // the newest record stays: it is in the role window
    return newest + params.role_window;
  }

  // Days and the browse signals' instants, in time order. Most events move the
  // clock within its day with nothing waiting: that answer costs a comparison.
  [[gnu::always_inline]] void advance(std::int64_t target_us) {
    if (target_us < next_day_us && !book.instant_before(target_us)) [[likely]]
      clock_us = target_us;
    else
      advance_days(target_us);
  }

  [[gnu::noinline]] void advance_days(std::int64_t target_us) {
    const day_number target_day = day_of(target_us, params.offset_us);
    while (true) {
      const std::int64_t step_end = clock_day < target_day ? next_day_us : target_us;
      if (book.instant_before(step_end)) {
        book.fire_instant([this](std::uint32_t q) -> std::uint8_t& { return persons[q].core.flags; }, emitter());
        continue;
      }
      if (clock_day >= target_day) break;
      const day_number d = clock_day + 1;
      clock_day = d;  // deadlines filed while processing d fall after d
      next_day_us = day_start_us(d + 1, params.offset_us);
      calendar.take(d, due);
      const std::size_t n = due.size();
      constexpr std::size_t wmid = 8, wnear = 4;
      for (std::size_t j = 0; j < n; ++j) {
        // Who is due is known in advance: fetch their records ahead of use.
        if (j + wmid < n) __builtin_prefetch(&persons[due[j + wmid]]);
        if (j + wnear < n) {
          const person_slot& ahead = persons[due[j + wnear]];
          activity_pool.prefetch_all(ahead.activity);  // a wake reads it whole
          purchase_pool.prefetch(ahead.purchases);
          if (book.acts_at_wake(ahead.core.flags) &&
              signal_book::wake_reads_record(ahead.core.flags, ahead.purchases.size != 0))
            book.prefetch(due[j + wnear]);
        }
        if (persons[due[j]].scheduled == d) wake(due[j], d);
      }
      if (book.active())
        book.birthdays_on(d, [this](std::uint32_t q) -> std::uint8_t& { return persons[q].core.flags; }, emitter());
    }
    clock_us = std::max(clock_us, target_us);
  }

  void set_clock(std::int64_t us) {
    clock_set = true;
    activity_path = !params.host_clock;
    clock_us = us;
    clock_day = day_of(us, params.offset_us);
    next_day_us = day_start_us(clock_day + 1, params.offset_us);
  }

  [[gnu::always_inline]] void notify() {
    if (!subscribers.empty()) [[unlikely]]
      notify_all();
  }
  [[gnu::noinline]] void notify_all() {
    for (const transition& t : out)
      for (auto& [id, f] : subscribers) f(t);
  }

  ingest_result reject(person_id p, reject_reason why) {
    ++totals.rejected;
    ingest_result r;
    r.status = ingest_status::rejected;
    r.why_rejected = why;
    r.person = p;
    return r;
  }

  // The one entry for string ids: checks, then interns (a rejected event
  // leaves no half-made person behind).
  [[gnu::always_inline]] ingest_result ingest_named(const event& e, std::uint64_t name_hash,
                                                   const id_set::fingerprint* id_print) {
    out.clear();
    if (e.person.empty()) return reject(person_id{}, reject_reason::empty_person);
    if (e.person.size() > name_index::max_name) return reject(person_id{}, reject_reason::person_too_long);
    if (takes_activity_path(e)) [[likely]]
      return ingest_activity(intern(e.person, name_hash), e, id_print);
    reject_reason bad = check_fields(e);
    if (bad == reject_reason::none) bad = check_clock(e);
    if (bad != reject_reason::none) {
      const std::uint32_t id = names.find(e.person, name_hash);
      return reject(id == name_index::none ? person_id{} : person_id{id}, bad);
    }
    return ingest_checked(intern(e.person, name_hash), e, id_print);
  }

  [[gnu::always_inline]] ingest_result ingest_handle(person_id p, const event& e) {
    out.clear();
    if (!p.valid() || p.value >= persons.size()) return reject(p, reject_reason::unknown_person);
    if (takes_activity_path(e)) [[likely]]
      return ingest_activity(p, e, nullptr);
    reject_reason bad = check_fields(e);
    if (bad == reject_reason::none) bad = check_clock(e);
    if (bad != reject_reason::none) return reject(p, bad);
    return ingest_checked(p, e, nullptr);
  }

  // Most events: plain activity (only_activity) that passes check_fields, in replay.
  [[gnu::always_inline]] bool takes_activity_path(const event& e) const {
    return activity_path && only_activity(e.kind) && !e.time.is_special() &&
           (e.kind != event_kind::feedback || (e.score >= -1 && e.score <= 10));
  }

  // What ingest_checked does for such an event, in the fewest steps: the
  // duplicate check, the replay clock, the day's count, a role only if one may
  // be gained, and the day's deadline.
  [[gnu::always_inline]] ingest_result ingest_activity(person_id p, const event& e,
                                                       const id_set::fingerprint* id_print) {
    const std::int64_t at = to_us(e.time);
    const day_number day = at < next_day_us && at >= next_day_us - us_per_day ? clock_day : day_of(at, params.offset_us);
    if (!e.id.empty() &&
        !seen_ids.insert(id_print ? *id_print : id_set::fingerprint_of(e.id),
                         day + id_reach[static_cast<std::size_t>(e.kind)], clock_day))
      return duplicate(p);
    if (at > clock_us) advance(at);
    person_slot& s = persons[p.value];
    const bool first_event = !s.core.has(person_core::known);
    if (first_event) [[unlikely]]
      make_known(s, day);
    ++totals.accepted;
    const day_number newest_before = s.newest_activity;  // the book asks what came before this event
    count_plain(p, s, e.kind, day);
    if (book.active()) {
      auto view = [this, id = p.value, newest_before] {
        person_view v = view_of(id);
        v.newest_before = newest_before;
        return v;
      };
      // A first event enters the first tier. Unlike ingest_any's first steps it
      // needs no look at what time may raise: before it the person has no
      // purchase and no points, and what the event itself brings (points, a
      // decline to come) on_plain_activity answers.
      if (first_event) [[unlikely]]
        book.on_known(p.value);
      schedule(p, book.on_plain_activity(s.core.flags, s.scheduled, view, e.kind, at, day, e.score, clock_us, clock_day,
                                         emitter()));
    }
    if (!e.target.empty()) [[unlikely]]
      add_link(p, e);
    return accepted(p);
  }

  // Counts an only_activity event of a known person on its day and files the
  // one deadline it brings; a role only if one may be gained. Most events land
  // on the day's record, the last of the list.
  [[gnu::always_inline]] void count_plain(person_id p, person_slot& s, event_kind k, day_number day) {
    s.core.first_seen = std::min(s.core.first_seen, day);
    if (day + plain_reach > clock_day) [[likely]] {  // else it can count in no window
      activity_day* top = nullptr;
      if (day == s.newest_activity) {
        activity_day& last = activity_pool.data(s.activity)[s.activity.size() - 1];
        if (last.day == day) top = &last;
      }
      if (top != nullptr && add_to_day(*top, k)) [[likely]] {
        // counted on the day's record
      } else if (day > s.newest_activity) {  // a new day: its record goes at the end
        auto activity = activity_of(s);
        if (s.activity.size() == activity_pool.capacity(s.activity)) [[unlikely]]
          prune_activity(activity, clock_day, params);  // before the list grows: quiet wakes leave pooled lists as they are
        activity_day a;
        a.day = day;
        add_to_day(a, k);
        activity.push_back(a);
        s.newest_activity = day;
      } else {
        auto activity = activity_of(s);
        count_activity(activity, k, day, clock_day, params, &s.newest_activity);
      }
    }
    activity_counted(p, s, k, day);
  }

  // Host clock mode: the clock must be set and the event not too far ahead of it.
  reject_reason check_clock(const event& e) const {
    if (!params.host_clock) return reject_reason::none;
    if (!clock_set) return reject_reason::clock_not_set;
    if (to_us(e.time) > clock_us + params.skew_us) return reject_reason::too_far_ahead;
    return reject_reason::none;
  }

  ingest_result duplicate(person_id p) {
    ++totals.duplicate;
    ingest_result result;
    result.status = ingest_status::duplicate;
    result.person = p;
    return result;
  }

  [[gnu::always_inline]] ingest_result ingest_checked(person_id p, const event& e,
                                                     const id_set::fingerprint* id_print) {
    const std::int64_t at = to_us(e.time);
    // Most events fall on the clock's day: then the day is known without dividing.
    const bool on_clock_day = clock_set && at < next_day_us && at >= next_day_us - us_per_day;
    const day_number day = on_clock_day ? clock_day : day_of(at, params.offset_us);
    // Duplicates are settled before the clock moves: a resent event, whatever
    // its date, changes nothing, not even the replay clock.
    if (!e.id.empty()) {
      const bool money_event = e.kind == event_kind::purchase || e.kind == event_kind::refund;
      const day_number expires = money_event ? id_set::forever : day + id_reach[static_cast<std::size_t>(e.kind)];
      if (!seen_ids.insert(id_print ? *id_print : id_set::fingerprint_of(e.id), expires, clock_day))
        return duplicate(p);
    }

    if (params.host_clock) {
      // check_clock has passed: the host's clock does not move with events.
    } else if (!clock_set) {
      set_clock(at);
    } else if (at > clock_us) {
      advance(at);
    }

    // Activity that touches no stage input and no signal (in host clock mode;
    // in replay ingest_activity takes it): only the day's counters, perhaps a
    // role, and one deadline change.
    person_slot& s = persons[p.value];
    if (only_activity(e.kind) && !book.active()) {
      ++totals.accepted;
      if (!s.core.has(person_core::known)) [[unlikely]]
        make_known(s, day);
      count_plain(p, s, e.kind, day);
      if (!e.target.empty()) [[unlikely]]
        add_link(p, e);
      return accepted(p);
    }
    return ingest_any(p, e, at, day);
  }

  // A person's first event. They enter as potential (no stage transition).
  [[gnu::noinline]] void make_known(person_slot& s, day_number day) {
    s.core.flags |= person_core::known;
    s.core.first_seen = day;
    s.core.stage_since_us = clock_us;
    ++stage_n[static_cast<std::size_t>(stage::potential)];
    ++known;
  }

  // Kinds whose only effect on the lifecycle is a count on their day.
  static constexpr bool only_activity(event_kind k) {
    constexpr std::uint32_t kinds = 1u << static_cast<int>(event_kind::visit) | 1u << static_cast<int>(event_kind::view) |
                                    1u << static_cast<int>(event_kind::search) | 1u << static_cast<int>(event_kind::cart) |
                                    1u << static_cast<int>(event_kind::post) | 1u << static_cast<int>(event_kind::review) |
                                    1u << static_cast<int>(event_kind::join) | 1u << static_cast<int>(event_kind::referral) |
                                    1u << static_cast<int>(event_kind::feedback);
    return ((kinds >> static_cast<int>(k)) & 1u) != 0;
  }

  ingest_result accepted(person_id p) {
    ingest_result result;
    result.person = p;
    result.transitions = out;
    notify();
    return result;
  }

  // After an activity event of a known person is counted: only the roles can
  // have changed, and the one new deadline is this day's.
  [[gnu::always_inline]] void activity_counted(person_id p, person_slot& s, event_kind k, day_number day) {
    const bool counts_now = day <= clock_day && day + params.role_window > clock_day;
    if (counts_now && may_gain_role(role_set::from_bits(s.core.roles), k)) [[unlikely]]
      roles_after_event(p, s);
    if (day > clock_day)
      schedule(p, day);
    else if (counts_now)
      schedule(p, day + params.role_window);
  }

  [[gnu::noinline]] void roles_after_event(person_id p, person_slot& s) {
    const activity_tally tally = tally_activity(activity_span(s), clock_day, params);
    evaluation ev = roles_of(tally, params);
    ev.current_stage = static_cast<stage>(s.core.stage);
    if (ev.roles.bits() == s.core.roles) return;
    apply(p, ev, clock_us, cause::event);
    // A role just gained brings its own end, which may come before this
    // event's day leaves the window (joiner: when the k-th latest join leaves).
    schedule(p, next_deadline_of(tally, tally_purchases(purchase_span(s), clock_day, params), activity_span(s),
                                 purchase_span(s), clock_day, params));
  }

  // Everything else: a first event, purchases, refunds, follows, contacts, and
  // any event while signals are tracked. The clock has moved already.
  [[gnu::noinline]] ingest_result ingest_any(person_id p, const event& e, std::int64_t at, day_number day) {
    const std::uint64_t ref_hash = e.kind == event_kind::refund ? id_hash(e.ref) : 0;
    ingest_result result;
    result.person = p;
    person_slot& s = persons[p.value];
    const event_facts facts{e.kind,
                            day,
                            e.coupon,
                            e.amount.minor,
                            e.kind == event_kind::purchase && !e.id.empty() ? id_hash(e.id) : 0,
                            ref_hash};
    auto purchases = purchases_of(s);
    auto activity = activity_of(s);
    const day_number newest_before = s.newest_activity;  // the book asks what came before this event
    if (s.activity.size() == activity_pool.capacity(s.activity)) prune_activity(activity, clock_day, params);
    const record_outcome outcome = record_event(purchases, activity, facts, clock_day, params, &s.newest_activity);
    if (outcome == record_outcome::duplicate) {
      result.status = ingest_status::duplicate;
      ++totals.duplicate;
      result.transitions = out;
      notify();
      return result;
    }
    ++totals.accepted;

    const bool first_event = !s.core.has(person_core::known);
    if (first_event)
      make_known(s, day);
    else
      s.core.first_seen = std::min(s.core.first_seen, day);

    if (outcome == record_outcome::recorded_stage || first_event) {
      const evaluation ev = evaluate(purchase_span(s), activity_span(s), clock_day, params);
      apply(p, ev, clock_us, cause::event);
      schedule(p, next_deadline(purchase_span(s), activity_span(s), clock_day, params));
    } else if (is_activity(e.kind)) {
      activity_counted(p, s, e.kind, day);
    }
    if (book.active()) {
      person_view v = view_of(p.value);
      v.newest_before = newest_before;
      if (first_event) {
        book.on_known(p.value);
        schedule(p, book.next_day(v, clock_day));  // what the host set before (an opt-in, say) may need a wake
      }
      schedule(p, book.on_event(v, e.kind, at, day, e.score, clock_us, clock_day, emitter()));
    }
    // Last: interning the target may grow the person table (and move `s`).
    if (!e.target.empty()) [[unlikely]]
      add_link(p, e);
    result.transitions = out;
    notify();
    return result;
  }

  // Rare (a gift, a referral): kept out of line so the common path stays short.
  [[gnu::noinline, gnu::cold]] void add_link(person_id p, const event& e) {
    if (e.kind != event_kind::purchase && e.kind != event_kind::referral) return;
    if (e.target.size() > name_index::max_name || e.target == names.name_of(p.value)) return;
    const person_id to = intern(e.target, hash_string(e.target));
    links.push_back({p, to, e.kind == event_kind::purchase ? link_kind::paid_for : link_kind::referred});
    if (e.kind == event_kind::referral && book.active())
      book.on_referral(p.value, to.value, persons[to.value].core.has(person_core::converted));
  }

  // A batch's totals are what the running counts moved by while it ran (each
  // event's result is not looked at).
  struct batch_start {
    ingest_counts totals;
    std::uint64_t transitions, signals;
  };
  batch_start start_batch() const { return {totals, made_transitions, made_signals}; }
  batch_result end_batch(const batch_start& s) const {
    return {totals.accepted - s.totals.accepted, totals.duplicate - s.totals.duplicate,
            totals.rejected - s.totals.rejected, made_transitions - s.transitions, made_signals - s.signals};
  }

  // Works `far` events ahead: hash the name and the id, prefetch their slots;
  // `near` events ahead: guess the person from the (now cached) name slot and
  // prefetch the person's record and its activity list. Then ingest as usual.
  batch_result ingest_batch(std::span<const event> events) {
    constexpr std::size_t far = 16, mid = 8, near = 4, ring = 32;
    std::array<std::uint64_t, ring> hashes{};
    std::array<id_set::fingerprint, ring> prints{};
    std::array<std::uint32_t, ring> guesses{};
    const std::size_t n = events.size();
    auto stage_hash = [&](std::size_t j) {
      const event& e = events[j];
      hashes[j % ring] = hash_string(e.person);
      names.prefetch_slot(hashes[j % ring]);
      if (!e.id.empty()) {
        prints[j % ring] = id_set::fingerprint_of(e.id);
        seen_ids.prefetch(prints[j % ring]);
      }
    };
    auto stage_guess = [&](std::size_t j) {
      const std::uint32_t g = names.guess(hashes[j % ring]);
      guesses[j % ring] = g;
      if (g < persons.size()) {
        __builtin_prefetch(&persons[g]);

      }
    };
    auto stage_lists = [&](std::size_t j) {
      const std::uint32_t g = guesses[j % ring];
      if (g >= persons.size()) return;
      const person_slot& ahead = persons[g];
      activity_pool.prefetch(ahead.activity);
      if (book.active() && book.reads_record(ahead.core.flags, events[j].kind)) book.prefetch(g);
    };
    for (std::size_t j = 0; j < std::min(far, n); ++j) stage_hash(j);
    for (std::size_t j = 0; j < std::min(mid, n); ++j) stage_guess(j);
    for (std::size_t j = 0; j < std::min(near, n); ++j) stage_lists(j);
    const batch_start start = start_batch();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + far < n) stage_hash(i + far);
      if (i + mid < n) stage_guess(i + mid);
      if (i + near < n) stage_lists(i + near);
      const event& e = events[i];
      ingest_named(e, hashes[i % ring], e.id.empty() ? nullptr : &prints[i % ring]);
    }
    return end_batch(start);
  }

  batch_result ingest_batch(std::span<const person_id> who, std::span<const event> events) {
    // The list's address is in the record: read it only once the record's own
    // fetch has had time to arrive, or the read waits for it.
    constexpr std::size_t mid = 16, near = 6;
    const std::size_t n = events.size();
    const batch_start start = start_batch();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + mid < n && who[i + mid].value < persons.size()) __builtin_prefetch(&persons[who[i + mid].value]);
      if (i + near < n && who[i + near].value < persons.size()) {
        const person_slot& ahead = persons[who[i + near].value];
        activity_pool.prefetch(ahead.activity);
        if (book.active() && book.reads_record(ahead.core.flags, events[i + near].kind)) book.prefetch(who[i + near].value);
      }
      ingest_handle(who[i], events[i]);
    }
    return end_batch(start);
  }
};

engine::engine(const policy& p, engine_options options) : impl_(std::make_unique<impl>(p, options)) {}
engine::~engine() = default;
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;

const policy& engine::rules() const noexcept { return impl_->rules; }
const stage_graph& engine::graph() const noexcept { return impl_->graph; }

person_id engine::intern(std::string_view name) { return impl_->intern(name, hash_string(name)); }

std::optional<person_id> engine::find(std::string_view name) const {
  const std::uint32_t id = impl_->names.find(name);
  if (id == name_index::none) return std::nullopt;
  return person_id{id};
}

std::string_view engine::name(person_id p) const {
  if (!p.valid() || p.value >= impl_->persons.size())
    throw error(errc::invalid_argument, "engine::name: unknown person handle");
  return impl_->names.name_of(p.value);
}

ingest_result engine::ingest(const event& e) {
  // The name's slot and the id's slot are two independent trips to memory:
  // start both before waiting on either. Once the name's slot is in, it names
  // the person before the name's characters confirm it: start the person's
  // record then too, beside the characters (the lookup still checks them).
  impl& m = *impl_;
  const std::uint64_t h = hash_string(e.person);
  m.names.prefetch_slot(h);
  const bool has_id = !e.id.empty();
  id_set::fingerprint f{};
  if (has_id) {
    f = id_set::fingerprint_of(e.id);
    m.seen_ids.prefetch(f);
  }
  if (const std::uint32_t g = m.names.guess(h); g < m.persons.size()) {
    __builtin_prefetch(&m.persons[g]);
    if (m.book.active()) m.book.prefetch(g);  // as for a handle, below
  }
  return m.ingest_named(e, h, has_id ? &f : nullptr);
}

ingest_result engine::ingest(person_id p, const event& e) {
  // With signals on, a third of the events read the person's signal record,
  // a second table: start it beside the person's record rather than after
  // the record's flags ask for it (one trip to memory instead of two in a row).
  // The entry points fetch it (batches ahead of time), not the paths below.
  impl& m = *impl_;
  if (m.book.active() && p.value < m.persons.size()) {
    __builtin_prefetch(&m.persons[p.value]);
    m.book.prefetch(p.value);
  }
  return m.ingest_handle(p, e);
}

batch_result engine::ingest(std::span<const event> events) { return impl_->ingest_batch(events); }

batch_result engine::ingest(std::span<const person_id> persons, std::span<const event> events) {
  if (persons.size() != events.size())
    throw error(errc::invalid_argument, "engine::ingest: persons and events differ in size");
  return impl_->ingest_batch(persons, events);
}

std::span<const transition> engine::advance_to(boost::posix_time::ptime t) {
  impl& m = *impl_;
  m.out.clear();
  if (t.is_special()) throw error(errc::invalid_argument, "engine::advance_to: not a valid time");
  const std::int64_t us = to_us(t);
  if (!m.clock_set) {
    m.set_clock(us);
  } else if (us > m.clock_us) {
    m.advance(us);
    m.notify();
  }
  return m.out;
}

boost::posix_time::ptime engine::clock() const {
  if (!impl_->clock_set) return boost::posix_time::ptime(boost::posix_time::not_a_date_time);
  return from_us(impl_->clock_us);
}

std::size_t engine::known_persons() const noexcept { return impl_->known; }
std::size_t engine::interned_persons() const noexcept { return impl_->persons.size(); }

std::optional<profile> engine::profile_of(std::string_view name) const {
  const auto p = find(name);
  if (!p) return std::nullopt;
  return profile_of(*p);
}

std::optional<profile> engine::profile_of(person_id p) const {
  const impl& m = *impl_;
  if (!p.valid() || p.value >= m.persons.size()) return std::nullopt;
  const person_slot& s = m.persons[p.value];
  if (!s.core.has(person_core::known)) return std::nullopt;
  const stage_stays* stays = m.stays.find(p.value);
  profile pr = make_profile(s.core, stays ? *stays : stage_stays{}, m.purchase_span(s), m.activity_span(s), m.clock_us,
                            m.params);
  pr.id = p;
  if (m.book.active()) {
    const signal_slot& ss = m.book.slot(p.value);
    pr.points = m.book.points_of(p.value, m.purchase_span(s), m.clock_day);
    pr.tier = ss.tier;
    pr.reachable = s.core.has(person_core::reachable);
    if (ss.birthday.month != 0) pr.birthday = ss.birthday;
    if (ss.score >= 0) pr.nps_score = ss.score;
  }
  return pr;
}

namespace {
void check_attribute_call(const engine& e, person_id p, const char* what) {
  if (!p.valid() || p.value >= e.interned_persons())
    throw error(errc::invalid_argument, fmt::format("engine::{}: unknown person handle", what));
  if (!e.rules().tracks_signals())
    throw error(errc::invalid_state,
                fmt::format("engine::{}: the policy tracks no signals, tiers or NPS (signals = none, tiers = none, "
                            "nps = false)",
                            what));
}
}  // namespace

void engine::set_birthday(person_id p, std::optional<month_day> day) {
  check_attribute_call(*this, p, "set_birthday");
  if (day && !day->valid())
    throw error(errc::invalid_argument,
                fmt::format("engine::set_birthday: {:02}-{:02} is not a day of the year", day->month, day->day));
  impl& m = *impl_;
  m.book.set_birthday(p.value, day);  // the book's own calendar of the year: no wake to file
}

void engine::set_reachable(person_id p, bool reachable) {
  check_attribute_call(*this, p, "set_reachable");
  impl& m = *impl_;
  const std::int64_t at = m.clock_set ? m.clock_us : min_us();
  const day_number wake = m.book.set_reachable(m.view_of(p.value), reachable, at);
  if (m.clock_set && m.persons[p.value].core.has(person_core::known)) m.schedule(p, wake);
}

std::array<std::uint64_t, signal_count> engine::signal_counts() const noexcept { return impl_->signal_n; }

std::vector<std::uint64_t> engine::tier_counts() const { return impl_->book.tier_counts(); }

nps_table engine::nps() const {
  const impl& m = *impl_;
  nps_table t;
  if (!m.book.active()) return t;
  for (std::uint32_t i = 0; i < m.persons.size(); ++i) {
    const person_slot& s = m.persons[i];
    const int score = m.book.slot(i).score;
    if (score < 0 || !s.core.has(person_core::known)) continue;
    t.overall.add(score);
    t.by_stage[s.core.stage].add(score);
    const std::optional<role> primary = primary_role_of(evaluate_roles(m.activity_span(s), m.clock_day, m.params));
    t.by_primary_role[primary ? static_cast<std::size_t>(*primary) : role_count].add(score);
  }
  return t;
}

std::vector<transition> engine::history(person_id p) const {
  const impl& m = *impl_;
  std::vector<transition> h;
  if (!p.valid() || p.value >= m.persons.size()) return h;
  if (m.history_head.empty()) return h;
  for (std::uint32_t i = m.history_head[p.value]; i != no_entry; i = m.history_prev[i])
    h.push_back(m.history[i]);
  std::reverse(h.begin(), h.end());
  return h;
}

std::vector<transition> engine::all_history() const {
  return std::vector<transition>(impl_->history.begin(), impl_->history.end());
}

std::array<std::uint64_t, stage_count> engine::stage_counts() const noexcept { return impl_->stage_n; }
std::array<std::uint64_t, role_count> engine::role_counts() const noexcept { return impl_->role_n; }
transition_matrix engine::matrix() const noexcept { return impl_->moves; }
transition_matrix engine::forbidden_moves() const noexcept { return impl_->forbidden; }
std::uint64_t engine::conversions() const noexcept { return impl_->conversions; }
bool engine::converted(person_id p) const noexcept {
  return p.valid() && p.value < impl_->persons.size() && impl_->persons[p.value].core.has(person_core::converted);
}
std::span<const person_link> engine::links() const noexcept { return impl_->links; }
std::array<std::uint64_t, role_count + 1> engine::conversions_by_primary_role() const noexcept {
  return impl_->conversions_by_role;
}
ingest_counts engine::counts() const noexcept { return impl_->totals; }

memory_usage engine::memory() const {
  const impl& m = *impl_;
  memory_usage u;
  u.state = m.persons.capacity() * sizeof(person_slot) + m.purchase_pool.bytes() + m.activity_pool.bytes() +
            m.stays.bytes();
  u.index = m.names.bytes();
  u.dedupe = m.seen_ids.bytes();
  u.schedule = m.calendar.bytes() + m.due.capacity() * sizeof(std::uint32_t);
  u.history = m.history.size() * sizeof(transition) + m.history_prev.size() * sizeof(std::uint32_t) +
              m.history_head.capacity() * sizeof(std::uint32_t);
  u.links = m.links.capacity() * sizeof(person_link);
  u.signals = m.book.active() ? m.book.bytes() : 0;
  return u;
}

subscription engine::subscribe(std::function<void(const transition&)> f) {
  const std::uint32_t id = impl_->next_subscription++;
  impl_->subscribers.emplace_back(id, std::move(f));
  return subscription{id};
}

void engine::unsubscribe(subscription s) {
  auto& subs = impl_->subscribers;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const auto& e) { return e.first == static_cast<std::uint32_t>(s); }),
             subs.end());
}

// ---------------------------------------------------------------------------
// Snapshots. Layout (little-endian): magic u32, format version u16, reserved
// u16, body length u64, body, checksum u64 of everything before it. The body
// is written person by person (not as the in-memory tables), so a restore
// rebuilds the indexes and pools and checks every field on the way.

namespace {

constexpr std::uint32_t snapshot_magic = 0x53454c43;  // "CLES" read little-endian
constexpr std::uint16_t snapshot_version = 2;  // 2: signals, points, tiers, NPS
constexpr std::size_t snapshot_header = 4 + 2 + 2 + 8;
constexpr const char* snapshot_what = "engine snapshot";

void put_text(byte_writer& w, std::string_view t) {
  w.put(static_cast<std::uint32_t>(t.size()));
  w.put_bytes(t.data(), t.size());
}

std::string get_text(byte_reader& in) {
  const std::size_t n = in.get_count(1);
  std::string t(n, '\0');
  for (char& c : t) c = static_cast<char>(in.get<std::uint8_t>());
  return t;
}

void put_transition(byte_writer& w, const transition& t) {
  w.put(t.person.value);
  w.put(static_cast<std::uint8_t>(t.what));
  w.put(static_cast<std::uint8_t>(t.from));
  w.put(static_cast<std::uint8_t>(t.to));
  w.put(static_cast<std::uint8_t>(t.role_changed));
  w.put(static_cast<std::uint8_t>(t.signal_raised));
  w.put(to_us(t.when));
  w.put(static_cast<std::uint8_t>(t.cause));
  w.put(static_cast<std::uint8_t>(t.why.which));
  w.put(static_cast<std::uint8_t>(t.why.about));
  for (std::int32_t f : t.why.figures) w.put(f);
}
constexpr std::size_t transition_bytes = 4 + 5 + 8 + 3 + 16;

transition get_transition(byte_reader& in, std::size_t persons) {
  transition t;
  t.person = person_id{in.get<std::uint32_t>()};
  const auto what = in.get<std::uint8_t>(), from = in.get<std::uint8_t>(), to = in.get<std::uint8_t>(),
             about_role = in.get<std::uint8_t>(), raised = in.get<std::uint8_t>();
  const auto when = in.get<std::int64_t>();
  const auto why_cause = in.get<std::uint8_t>(), which = in.get<std::uint8_t>(), about = in.get<std::uint8_t>();
  for (std::int32_t& f : t.why.figures) f = in.get<std::int32_t>();
  if (t.person.value >= persons || what > 3 || from >= stage_count || to >= stage_count ||
      about_role >= role_count || raised >= signal_count || why_cause > 2 ||
      which > static_cast<std::uint8_t>(reason::rule::tier_down) ||
      about >= role_count || when < min_us() || when > max_us())
    in.fail("history entry out of range");
  t.what = static_cast<change>(what);
  t.from = static_cast<stage>(from);
  t.to = static_cast<stage>(to);
  t.role_changed = static_cast<role>(about_role);
  t.signal_raised = static_cast<signal_kind>(raised);
  t.when = from_us(when);
  t.cause = static_cast<enum cause>(why_cause);
  t.why.which = static_cast<reason::rule>(which);
  t.why.about = static_cast<role>(about);
  return t;
}

}  // namespace

std::vector<std::byte> engine::snapshot() const {
  const impl& m = *impl_;
  byte_writer w;
  w.reserve(64 + m.persons.size() * 64 + m.seen_ids.size() * 16 + m.history.size() * transition_bytes);
  w.put(snapshot_magic);
  w.put(snapshot_version);
  w.put(std::uint16_t{0});
  w.put(std::uint64_t{0});  // body length, filled in below

  w.put(static_cast<std::uint32_t>(policy::keys.size()));
  for (std::string_view key : policy::keys) {
    put_text(w, key);
    put_text(w, m.rules.get(key));
  }
  w.put(static_cast<std::uint8_t>(m.options.history));
  w.put(static_cast<std::uint8_t>(m.clock_set));
  w.put(m.clock_us);
  w.put(m.totals.accepted);
  w.put(m.totals.duplicate);
  w.put(m.totals.rejected);
  w.put(m.conversions);
  for (std::uint64_t c : m.conversions_by_role) w.put(c);
  for (const auto& row : m.moves)
    for (std::uint64_t c : row) w.put(c);
  for (const auto& row : m.forbidden)
    for (std::uint64_t c : row) w.put(c);

  w.put(static_cast<std::uint32_t>(m.persons.size()));
  for (std::uint32_t i = 0; i < m.persons.size(); ++i) {
    const person_slot& s = m.persons[i];
    put_text(w, m.names.name_of(i));
    const stage_stays* stays = m.stays.find(i);
    person_core core = s.core;
    if (m.book.active()) core.flags = m.book.flags_to_save(i, core.flags, m.clock_day);
    put_core(w, core, stays ? *stays : stage_stays{});
    w.put(s.scheduled);
    w.put(static_cast<std::uint32_t>(s.purchases.size));
    for (const purchase_record& r : m.purchase_span(s)) put_purchase(w, r);
    w.put(static_cast<std::uint32_t>(s.activity.size()));
    for (const activity_day& a : m.activity_span(s)) put_activity(w, a);
  }

  w.put(static_cast<std::uint64_t>(m.links.size()));
  for (const person_link& l : m.links) {
    w.put(l.from.value);
    w.put(l.to.value);
    w.put(static_cast<std::uint8_t>(l.kind));
  }

  std::uint64_t live_ids = 0;
  m.seen_ids.for_each_live(m.clock_day, [&](id_set::fingerprint, day_number) { ++live_ids; });
  w.put(live_ids);
  m.seen_ids.for_each_live(m.clock_day, [&](id_set::fingerprint f, day_number expires) {
    w.put(f.a);
    w.put(f.b);
    w.put(expires);
  });

  for (std::uint64_t c : m.signal_n) w.put(c);
  m.book.save(w);

  w.put(static_cast<std::uint64_t>(m.history.size()));
  for (const transition& t : m.history) put_transition(w, t);

  auto& bytes = w.bytes();
  const std::uint64_t body = bytes.size() - snapshot_header;
  for (std::size_t i = 0; i < 8; ++i) bytes[8 + i] = static_cast<std::byte>((body >> (8 * i)) & 0xff);
  w.put(hash_bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size(), snapshot_magic));
  return std::move(bytes);
}

engine engine::restore(std::span<const std::byte> bytes) {
  byte_reader head(bytes, snapshot_what);
  if (bytes.size() < snapshot_header + 8) head.fail("truncated (shorter than its header)");
  if (head.get<std::uint32_t>() != snapshot_magic) head.fail("not a lifecycle engine snapshot (bad magic)");
  if (const auto v = head.get<std::uint16_t>(); v != snapshot_version)
    head.fail(fmt::format("format version {} (this library reads version {})", v, snapshot_version));
  head.get<std::uint16_t>();
  const auto body = head.get<std::uint64_t>();
  if (body != bytes.size() - snapshot_header - 8)
    head.fail(body > bytes.size() ? "truncated" : "length does not match the header (truncated or padded)");
  byte_reader tail(bytes.subspan(bytes.size() - 8), snapshot_what);
  if (hash_bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size() - 8, snapshot_magic) !=
      tail.get<std::uint64_t>())
    head.fail("checksum mismatch (corrupted)");
  byte_reader in(bytes.subspan(snapshot_header, static_cast<std::size_t>(body)), snapshot_what);

  policy rules;
  const std::size_t nkeys = in.get_count(8);
  for (std::size_t k = 0; k < nkeys; ++k) {
    const std::string key = get_text(in), value = get_text(in);
    try {
      rules.set(key, value);
    } catch (const error& e) {
      in.fail(std::string("policy: ") + e.what());
    }
  }
  try {
    rules.validate();
  } catch (const error& e) {
    in.fail(std::string("policy: ") + e.what());
  }
  engine_options options;
  const auto history = in.get<std::uint8_t>();
  if (history > static_cast<std::uint8_t>(history_mode::none)) in.fail("history mode out of range");
  options.history = static_cast<history_mode>(history);

  engine out(rules, options);
  impl& m = *out.impl_;
  const auto clock_set = in.get<std::uint8_t>();
  const auto clock_us = in.get<std::int64_t>();
  if (clock_set > 1 || (clock_set && (clock_us < min_us() || clock_us > max_us()))) in.fail("clock out of range");
  if (clock_set) m.set_clock(clock_us);
  m.totals.accepted = in.get<std::uint64_t>();
  m.totals.duplicate = in.get<std::uint64_t>();
  m.totals.rejected = in.get<std::uint64_t>();
  m.conversions = in.get<std::uint64_t>();
  for (std::uint64_t& c : m.conversions_by_role) c = in.get<std::uint64_t>();
  for (auto& row : m.moves)
    for (std::uint64_t& c : row) c = in.get<std::uint64_t>();
  for (auto& row : m.forbidden)
    for (std::uint64_t& c : row) c = in.get<std::uint64_t>();

  const std::size_t n = in.get_count(4 + person_core_bytes + 4 + 4 + 4);
  m.names.reserve(n);
  m.persons.reserve(n);
  const day_number horizon = m.horizon;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = get_text(in);
    if (name.empty() || name.size() > name_index::max_name) in.fail("person id empty or too long");
    const person_id p = m.intern(name, hash_string(name));
    if (p.value != i) in.fail(fmt::format("person '{}' appears twice", name));
    person_slot& s = m.persons[i];
    stage_stays stays;
    s.core = get_core(in, stays);
    if (stays != stage_stays{}) m.stays[p.value] = stays;
    const day_number scheduled = in.get<std::int32_t>();
    const std::size_t np = in.get_count(purchase_record_bytes);
    if (np > pooled_lists<purchase_record>::max_size) in.fail("purchase list too long");
    auto purchases = m.purchases_of(s);
    for (std::size_t j = 0; j < np; ++j) purchases.push_back(get_purchase(in));
    const std::size_t na = in.get_count(activity_day_bytes);
    if (na > pooled_lists<activity_day>::max_size) in.fail("activity list too long");
    auto activity = m.activity_of(s);
    for (std::size_t j = 0; j < na; ++j) activity.push_back(get_activity(in));
    s.newest_activity = impl::newest_day(m.activity_span(s));
    if (scheduled != no_day) {
      // The calendar's ring spans the horizon ahead of the clock: anything else is corrupt.
      if (!clock_set || scheduled <= m.clock_day || scheduled > m.clock_day + horizon)
        in.fail(fmt::format("person '{}': deadline outside the schedule", name));
      m.schedule(p, scheduled);
    }
    if (s.core.has(person_core::known)) {
      ++m.known;
      ++m.stage_n[s.core.stage];
      for (role r : all_roles)
        if (role_set::from_bits(s.core.roles).contains(r)) ++m.role_n[static_cast<std::size_t>(r)];
    }
  }

  const std::uint64_t nlinks = in.get<std::uint64_t>();
  if (nlinks > in.remaining() / 9) in.fail("link count larger than the data");
  m.links.reserve(static_cast<std::size_t>(nlinks));
  for (std::uint64_t k = 0; k < nlinks; ++k) {
    person_link l;
    l.from = person_id{in.get<std::uint32_t>()};
    l.to = person_id{in.get<std::uint32_t>()};
    const auto kind = in.get<std::uint8_t>();
    if (l.from.value >= n || l.to.value >= n || l.from == l.to || kind > 1) in.fail("person link out of range");
    l.kind = static_cast<link_kind>(kind);
    m.links.push_back(l);
  }

  const std::uint64_t ids = in.get<std::uint64_t>();
  if (ids > in.remaining() / 16) in.fail("id count larger than the data");
  m.seen_ids.reserve(static_cast<std::size_t>(ids));
  for (std::uint64_t k = 0; k < ids; ++k) {
    id_set::fingerprint f;
    f.a = in.get<std::uint64_t>();
    f.b = in.get<std::uint32_t>();
    const day_number expires = in.get<std::int32_t>();
    if (f.a == 0 || expires <= m.clock_day) in.fail("duplicate-memory entry out of range");
    if (!m.seen_ids.insert(f, expires, m.clock_day)) in.fail("duplicate-memory entry appears twice");
  }

  for (std::uint64_t& c : m.signal_n) c = in.get<std::uint64_t>();
  m.book.load(in, n);
  if (m.book.active())
    for (std::uint32_t i = 0; i < n; ++i) m.book.restored(m.view_of(i), m.clock_day);

  const std::uint64_t kept = in.get<std::uint64_t>();
  if (kept > in.remaining() / transition_bytes) in.fail("history count larger than the data");
  for (std::uint64_t k = 0; k < kept; ++k) {
    const transition t = get_transition(in, n);
    if (m.history_head.empty()) in.fail("history kept by an engine that keeps none");
    std::uint32_t& latest = m.history_head[t.person.value];
    m.history_prev.push_back(latest);
    latest = static_cast<std::uint32_t>(m.history.size());
    m.history.push_back(t);
  }
  if (in.remaining() != 0) in.fail("trailing bytes");
  return out;
}

}  // namespace lifecycle
