#pragma once
// The engine's signals, points, tiers and NPS (docs/signals.md).
//
// The engine calls in at four points: an accepted event, a day wake (the same
// calendar as the stage deadlines), an instant coming due (browse_no_buy and
// abandoned_cart wait hours, not days, so they wait in a time-ordered queue,
// instant_queue.hpp) and a conversion (referral points). The book emits signal
// records through the engine's `emit(person, transition)` and returns the next day the
// person needs a wake for. Signals are moments on the engine's clock: a later
// event cancels one still pending, never one already emitted.

#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lifecycle/detail/person_records.hpp"
#include "detail/bytes.hpp"
#include "detail/huge_page_allocator.hpp"
#include "detail/instant_queue.hpp"
#include "detail/person_map.hpp"
#include "detail/pooled_lists.hpp"
#include "detail/signal_rules.hpp"

namespace lifecycle::detail {

/// What the book reads of a person the engine holds.
struct person_view {
  std::uint32_t id;
  stage current;
  std::span<const purchase_record> purchases;
  std::span<const activity_day> activity;
  std::uint8_t& core_flags;  // person_core::declining and ::streak live there: plain visits then skip the book
  day_number scheduled;      // the day the engine will wake the person next (no_day: none)
  // No activity record is later than this day, apart from the current event's
  // own (an upper bound; the lowest day_number when the person had none).
  day_number newest_before;
};

class signal_book {
 public:
  explicit signal_book(const policy& p) : sp_(signal_params::from(p)) {
    if (sp_.tiers) tier_n_.assign(sp_.tier_min.size(), 0);
    wake_parts_ = sp_.has(signal_kind::usage_decline) || sp_.has(signal_kind::contact_due) || sp_.tiers;
    // The plain activity kinds on_plain_activity can answer from the flags: no
    // points of their own, no score to keep; a browse kind only while one waits.
    for (event_kind k : all_event_kinds) {
      const bool points = k != event_kind::referral && sp_.points_of(k) != 0;
      const bool score = k == event_kind::feedback && sp_.nps;
      const bool browse = (k == event_kind::view && sp_.has(signal_kind::browse_no_buy)) ||
                          (k == event_kind::cart && sp_.has(signal_kind::abandoned_cart));
      if (!points && !score) (browse ? browsing_ : quiet_) |= 1u << static_cast<unsigned>(k);
    }
  }

  const signal_params& params() const noexcept { return sp_; }
  bool active() const noexcept { return sp_.any; }

  /// Whether a wake of a person with these flags has anything for the book to
  /// do: usage_decline, contact_due and tiers move by time (as do points
  /// earned, which leave their window); NPS, birthdays (their own calendar)
  /// and the browse signals (their own queue) do not. Never for an inactive book.
  bool acts_at_wake(std::uint8_t core_flags) const noexcept {
    return wake_parts_ || (core_flags & person_core::has_points) != 0;
  }

  void grow(std::size_t persons) {
    if (active() && slots_.size() < persons) slots_.resize(persons);
  }
  void reserve(std::size_t persons) {
    if (active()) slots_.reserve(persons);
  }
  const signal_slot& slot(std::uint32_t p) const { return slots_[p]; }
  // Forced inline, or g++ may delete the call (see pooled_lists.hpp).
  [[gnu::always_inline]] void prefetch(std::uint32_t p) const {
    const char* at = reinterpret_cast<const char*>(&slots_[p]);
    __builtin_prefetch(at);
  }

  /// A person's first event: they enter the first tier.
  void on_known(std::uint32_t) {
    if (sp_.tiers) ++tier_n_[0];
  }

  // -------------------------------------------------------------------------
  // Events.

  /// An accepted event of `v` at `at` (business day `day`), after the engine
  /// recorded it in the person's lists. Returns a day the person needs a wake
  /// for, or no_day.
  template <class Emit>
  day_number on_event(const person_view& v, event_kind k, std::int64_t at, day_number day, int score,
                      std::int64_t clock_us, day_number clock_day, Emit&& emit) {
    signal_slot& s = slots_[v.id];
    day_number wake = no_day;
    auto want = [&](day_number x) {
      if (x != no_day) wake = std::min(wake, std::max(x, clock_day + 1));
    };
    if (is_activity(k)) {
      if (sp_.has(signal_kind::usage_decline)) {
        if (declining(v, s, clock_day)) {
          // Being active may end the decline now; the next start is found by scanning.
          const decline_scan scan = scan_decline(v.activity, clock_day, sp_);
          const bool now = scan.holds(sp_);
          if (!now) v.core_flags &= ~person_core::declining;
          want(decline_wake(scan, v, s, clock_day, now));
        } else {
          v.core_flags &= ~person_core::declining;  // one that stopped on decline_until
          // (A wake filed by then recomputes the decline's next day anyway.)
          if (v.scheduled > day + sp_.decline_span && enough_to_decline(v, day))
            want(day + sp_.decline_span);  // the earliest this event can make the spans compare badly
        }
      }
      if ((v.core_flags & person_core::streak) != 0) want(active_after_contacts(v, s, at, clock_day));
    }
    switch (k) {
      case event_kind::view:
      case event_kind::cart: {
        const bool cart = k == event_kind::cart;
        if (!sp_.has(cart ? signal_kind::abandoned_cart : signal_kind::browse_no_buy)) break;
        // The common case, a view in a session that already has one waiting:
        // in replay, what waits is no later than the clock, and so no later
        // than this view, which changes nothing (and the record stays untouched).
        const std::uint8_t bit = cart ? person_core::cart_pending : person_core::view_pending;
        if ((v.core_flags & bit) != 0 && sp_.replay_clock && at >= clock_us) break;
        // A view that arrives late may have been answered by a purchase that came
        // first; purchases are kept by day, so any on the days its hours span counts.
        if (at < clock_us && bought_between(v.purchases, at, at + sp_.browse_us)) break;
        if (browsed(v.id, s, cart, at, clock_us)) v.core_flags |= bit;
        break;
      }
      case event_kind::purchase:
        // A purchase answers the views and carts before it.
        if (s.view_since != no_time && s.view_since <= at) s.view_since = no_time;
        if (s.cart_since != no_time && s.cart_since <= at) s.cart_since = no_time;
        v.core_flags = pending_flags(v.core_flags, s);
        refresh_contact_from(v, s);
        want(contact_due_day(v, s));  // may have become a customer
        if (sp_.tiers && sp_.points_of(k) != 0) want(retier(v, s, clock_us, clock_day, cause::event, emit));
        break;
      case event_kind::refund:
        refresh_contact_from(v, s);  // may have taken back the first purchase
        if (sp_.tiers && sp_.points_of(event_kind::purchase) != 0)
          want(retier(v, s, clock_us, clock_day, cause::event, emit));
        break;
      case event_kind::feedback:
        // The latest score by time; a tie keeps the higher, so arrival order never matters.
        if (sp_.nps && score >= 0 && (at > s.score_us || (at == s.score_us && score > s.score)))
          s.score = static_cast<std::int8_t>(score), s.score_us = at;
        break;
      case event_kind::follow:
        want(confirm(v, s, at));
        break;
      case event_kind::contact:
        contacted(v, s, at, clock_us, emit);
        break;
      case event_kind::referral:
        break;  // points when the referred person converts: see on_converted
      default:
        break;
    }
    // Points count with or without tiers (profile::points); purchases earn through their record.
    if (k != event_kind::purchase && k != event_kind::refund && k != event_kind::referral &&
        sp_.points_of(k) != 0 && day + sp_.points_window > clock_day) {
      earn(s, day, sp_.points_of(k));
      v.core_flags |= person_core::has_points;
      if (sp_.tiers) want(retier(v, s, clock_us, clock_day, cause::event, emit));
    }
    return wake;
  }

  /// Whether an event of kind `k` of a person with core flags `flags` reads the
  /// person's signal record (else on_plain_activity answers from the flags and
  /// the activity list): worth fetching it ahead only then.
  bool reads_record(std::uint8_t flags, event_kind k) const {
    switch (k) {
      case event_kind::view:
        return (flags & person_core::view_pending) == 0 || (flags & (person_core::declining | person_core::streak)) != 0;
      case event_kind::cart:
        return (flags & person_core::cart_pending) == 0 || (flags & (person_core::declining | person_core::streak)) != 0;
      case event_kind::visit:
      case event_kind::search:
      case event_kind::join:
      case event_kind::referral:
        return (flags & (person_core::declining | person_core::streak)) != 0 ||
               (k != event_kind::referral && sp_.points_of(k) != 0);
      default:
        return true;
    }
  }
  /// The same for a wake: the record holds points, a tier, or contact state.
  static bool wake_reads_record(std::uint8_t flags, bool has_purchases) {
    return has_purchases || (flags & (person_core::has_points | person_core::reachable | person_core::declining)) != 0;
  }

  /// on_event for an activity event that only counts on its day (visit, view,
  /// search, cart, post, review, join, referral, feedback): the usual answers
  /// (nothing waits on the person, a browse signal already waits for this
  /// session, no points, no score) inline, the rest in on_event. The usual
  /// answers read only the person's flags and filed day; `view_of()` makes the
  /// whole view when more is needed (made on every event, it would cost more
  /// than the answer).
  template <class ViewOf, class Emit>
  [[gnu::always_inline]] day_number on_plain_activity(std::uint8_t core_flags, day_number scheduled, ViewOf&& view_of,
                                                      event_kind k, std::int64_t at, day_number day, int score,
                                                      std::int64_t clock_us, day_number clock_day, Emit&& emit) {
    const std::uint32_t bit = 1u << static_cast<unsigned>(k);
    const std::uint8_t waiting = k == event_kind::cart ? person_core::cart_pending : person_core::view_pending;
    const bool quiet = (core_flags & (person_core::declining | person_core::streak)) == 0 &&
                       ((quiet_ & bit) != 0 || ((browsing_ & bit) != 0 && (core_flags & waiting) != 0 &&
                                                sp_.replay_clock && at >= clock_us));
    if (!quiet) [[unlikely]]
      return on_event(view_of(), k, at, day, score, clock_us, clock_day, std::forward<Emit>(emit));
    // What on_event's usage_decline branch does for a person not declining.
    if (sp_.has(signal_kind::usage_decline) && scheduled > day + sp_.decline_span && enough_to_decline(view_of(), day))
      return std::max(day + sp_.decline_span, clock_day + 1);
    return no_day;
  }

  /// A referral of `to` by `from`: the first to arrive earns the points when `to` converts.
  void on_referral(std::uint32_t from, std::uint32_t to, bool to_converted) {
    if (sp_.points_of(event_kind::referral) == 0 || to_converted) return;
    referrals_.emplace(to, from);
  }

  /// `p` converted on day `day`: the person who referred them earns the referral
  /// points. Returns the referrer (or none) and the day it needs a wake for.
  template <class ViewOf, class Emit>
  std::pair<std::uint32_t, day_number> on_converted(std::uint32_t p, std::int64_t clock_us, day_number clock_day,
                                                    ViewOf&& view_of, Emit&& emit) {
    const auto it = referrals_.find(p);
    if (it == referrals_.end()) return {no_person, no_day};
    const std::uint32_t from = it->second;
    referrals_.erase(it);
    signal_slot& s = slots_[from];
    earn(s, clock_day, sp_.points_of(event_kind::referral));
    const person_view v = view_of(from);
    v.core_flags |= person_core::has_points;
    const day_number wake = sp_.tiers ? retier(v, s, clock_us, clock_day, cause::event, emit) : no_day;
    return {from, wake == no_day ? no_day : std::max(wake, clock_day + 1)};
  }

  // -------------------------------------------------------------------------
  // The host's attributes.

  // Birthdays wait in a calendar of the year's 366 days, apart from the
  // person's other deadlines: a birthday needs no look at the rest of the
  // person, and a person is filed under one day for good.
  void set_birthday(std::uint32_t p, std::optional<month_day> b) {
    signal_slot& s = slots_[p];
    const month_day now = b.value_or(month_day{0, 0});
    if (now == s.birthday) return;
    if (s.birthday.month != 0) {
      auto& old = birthdays_[day_of_year(s.birthday)];
      old.erase(std::find(old.begin(), old.end(), p));
    }
    s.birthday = now;
    if (now.month != 0) birthdays_[day_of_year(now)].push_back(p);
  }
  /// An opt-in (the relationship confirmed through the API) or an opt-out, at `at`.
  day_number set_reachable(const person_view& v, bool yes, std::int64_t at) {
    signal_slot& s = slots_[v.id];
    if (yes) return confirm(v, s, at);
    contact_info& c = contacts_[v.id];
    c.opted_out = std::max(c.opted_out, at);
    c.reachable_since = no_time;
    v.core_flags &= static_cast<std::uint8_t>(~person_core::reachable);
    return no_day;
  }

  // -------------------------------------------------------------------------
  // Time.

  /// The wake of `v` on day `d` (the start of the business day): raises what
  /// falls due and returns the next day after `d` on which time alone may raise
  /// a signal or move the tier (as next_day would after it, reading the list once).
  template <class Emit>
  day_number on_wake(const person_view& v, day_number d, Emit&& emit) {
    signal_slot& s = slots_[v.id];
    const std::int64_t at = day_start_us(d, sp_.offset_us);
    day_number next = no_day;
    auto take = [&](day_number x) {
      if (x != no_day) next = std::min(next, std::max(x, d + 1));
    };
    if (sp_.has(signal_kind::usage_decline)) {
      const decline_scan scan = scan_decline(v.activity, d, sp_);
      const bool now = scan.holds(sp_);
      if (now && !declining(v, s, d)) {
        v.core_flags |= person_core::declining;
        emit(v.id, signal_record(signal_kind::usage_decline, at, cause::time,
                                 {clamp32(scan.recent), clamp32(scan.earlier), sp_.decline_span,
                                  clamp32(sp_.decline_min)}));
      } else if (!now) {
        v.core_flags &= ~person_core::declining;
      }
      take(decline_wake(scan, v, s, d, now));
    }
    if (const day_number due = contact_due_day(v, s); due != no_day && due <= d) {
      contact_info& c = contacts_[v.id];
      const day_number since =
          std::max({day_or_min(c.last_contact), day_or_min(c.reachable_since), first_net_purchase(v.purchases)});
      emit(v.id, signal_record(signal_kind::contact_due, at, cause::time,
                               {d - since, sp_.contact_every[static_cast<std::size_t>(v.current)],
                                c.last_contact == no_time ? 1 : 0, 0}));
      c.last_due = d;
      s.contact_from = contact_from_of(c, v.purchases);
    }
    take(contact_due_day(v, s));
    // (The core flags say whether the record holds points or a tier: most wakes
    // need not fetch it.) retier answers the tier's next change as well.
    if ((v.core_flags & person_core::has_points) != 0) {
      auto earned = pool_view(s);
      for (std::size_t i = earned.size(); i-- > 0;)
        if (earned[i].day + sp_.points_window <= d) earned.erase_at(i);
      if (sp_.tiers) take(retier(v, s, at, d, cause::time, emit));
      if (s.points.size == 0 && s.tier == 0) v.core_flags &= static_cast<std::uint8_t>(~person_core::has_points);
    } else if (sp_.tiers && !v.purchases.empty()) {
      take(retier(v, s, at, d, cause::time, emit));
    }
    return next;
  }

  /// The next day after `d` on which time alone may raise a signal or move the tier.
  day_number next_day(const person_view& v, day_number d) {
    const signal_slot& s = slots_[v.id];
    day_number next = no_day;
    auto take = [&](day_number x) {
      if (x != no_day) next = std::min(next, std::max(x, d + 1));
    };
    if (sp_.has(signal_kind::usage_decline)) {
      // While a decline holds, time alone raises only the next one, after it ends.
      const bool now = declining(v, s, d);
      const decline_turns t = decline_turns_after(scan_decline(v.activity, d, sp_), v.activity, d, now, now, sp_, records_);
      take(now ? t.back : t.change);
    }
    take(contact_due_day(v, s));
    if (sp_.tiers) {
      const bool any = (v.core_flags & person_core::has_points) != 0;
      if (any ? s.tier != 0 || may_reach_tier(v.purchases, points_span(s)) : may_reach_tier(v.purchases, {}))
        take(tier_change(v.purchases, points_span(s), d, s.tier, sp_, steps_));
    }
    return next;
  }

  /// The core flags as a snapshot keeps them on day `d`: without a decline
  /// that has ended (the bytes follow the state, not when it was last looked at).
  std::uint8_t flags_to_save(std::uint32_t p, std::uint8_t flags, day_number d) const {
    if ((flags & person_core::declining) != 0 && d >= slots_[p].decline_until) flags &= ~person_core::declining;
    return flags;
  }
  /// After a restore on day `d`: what the record keeps that follows from the
  /// rest (not in the bytes): the day a decline that holds will stop, the day
  /// contact_due counts from.
  void restored(const person_view& v, day_number d) {
    refresh_contact_from(v, slots_[v.id]);
    if (!sp_.has(signal_kind::usage_decline) || (v.core_flags & person_core::declining) == 0) return;
    const decline_scan scan = scan_decline(v.activity, d, sp_);
    if (!scan.holds(sp_)) {
      v.core_flags &= ~person_core::declining;
      return;
    }
    slots_[v.id].decline_until = decline_turns_after(scan, v.activity, d, true, false, sp_, records_).change;
  }

  /// The birthdays of day `d` (29 February's on 28 February in other years),
  /// for the persons an event has reached (`core_flags(p)`: the person's flags).
  template <class Flags, class Emit>
  void birthdays_on(day_number d, Flags&& core_flags, Emit&& emit) {
    if (!sp_.has(signal_kind::birthday)) return;
    const int year = year_of(d);
    const std::int64_t at = day_start_us(d, sp_.offset_us);
    auto raise = [&](month_day b, bool moved) {
      const std::vector<std::uint32_t>& born = birthdays_[day_of_year(b)];
      for (std::size_t i = 0; i < born.size(); ++i) {
        if (i + 8 < born.size()) __builtin_prefetch(&core_flags(born[i + 8]));  // the list is known: fetch ahead
        if ((core_flags(born[i]) & person_core::known) != 0)
          emit(born[i], signal_record(signal_kind::birthday, at, cause::time, {b.month, b.day, moved, 0}));
      }
    };
    const day_number jan1 = day_number_of(year, 1, 1);
    const int yday = d - jan1;  // 0-based day of this year
    const bool leap = is_leap_year(year);
    const month_day today = month_day_of(yday, leap);
    raise(today, false);
    if (!leap && today == month_day{2, 28}) raise(month_day{2, 29}, true);
  }

  /// Whether a pending browse signal falls due before `before`.
  [[gnu::always_inline]] bool instant_before(std::int64_t before) const { return !instants_.empty() && instants_.front().due < before; }

  /// Takes the earliest pending browse signal and emits it unless a purchase
  /// answered it or the repeat limit holds it back. `core_flags(person)` gives
  /// the person's flags, whose pending bits follow the record.
  template <class Flags, class Emit>
  void fire_instant(Flags&& core_flags, Emit&& emit) {
    const pending_instant pi = instants_.pop();
    // The next to fall due is known now and fires an event or more later: start
    // fetching its record (and its person's flags) so that it is there by then.
    if (!instants_.empty()) {
      prefetch(instants_.front().person);
      __builtin_prefetch(&core_flags(instants_.front().person));
    }
    signal_slot& s = slots_[pi.person];
    std::int64_t& since = pi.cart ? s.cart_since : s.view_since;
    std::int64_t& last = pi.cart ? s.cart_last : s.view_last;
    if (since == no_time || since + sp_.browse_us != pi.due) return;  // answered, or an earlier one replaced it
    since = no_time;
    std::uint8_t& flags = core_flags(pi.person);
    flags = pending_flags(flags, s);
    if (last != no_time && pi.due - last < sp_.repeat_us) return;  // at most once per browse_repeat_days
    last = pi.due;
    emit(pi.person, signal_record(pi.cart ? signal_kind::abandoned_cart : signal_kind::browse_no_buy, pi.due,
                                  cause::time, {sp_.browse_hours, 0, sp_.repeat_days, 0}));
  }

  // -------------------------------------------------------------------------
  // Queries.

  std::int64_t points_of(std::uint32_t p, std::span<const purchase_record> purchases, day_number d) const {
    return points_on(purchases, points_span(slots_[p]), d, sp_);
  }
  const std::vector<std::uint64_t>& tier_counts() const noexcept { return tier_n_; }

  std::size_t bytes() const {
    std::size_t listed = 0;
    for (const auto& day : birthdays_) listed += day.capacity() * sizeof(std::uint32_t);
    return listed + slots_.capacity() * sizeof(signal_slot) + points_pool_.bytes() +
           contacts_.bytes() + referrals_.size() * 32 +
           instants_.bytes();
  }

  // -------------------------------------------------------------------------
  // Snapshots: every slot, the contact and referral tables, the counts. The
  // queue is rebuilt from the slots' pending times.

  void save(byte_writer& w) const {
    w.put(static_cast<std::uint8_t>(active()));
    if (!active()) return;
    w.put(static_cast<std::uint32_t>(slots_.size()));
    for (const signal_slot& s : slots_) {
      for (std::int64_t t : {s.view_since, s.cart_since, s.view_last, s.cart_last, s.score_us}) w.put(t);
      w.put(s.score);
      w.put(s.tier);
      w.put(s.flags);
      w.put(s.birthday.month);
      w.put(s.birthday.day);
      w.put(static_cast<std::uint32_t>(s.points.size));
      for (const points_day& e : points_span(s)) {
        w.put(e.day);
        w.put(e.points);
      }
    }
    w.put(static_cast<std::uint32_t>(contacts_.size()));
    for (const std::uint32_t p : contacts_.sorted_keys()) {  // in person order: the bytes follow the state alone
      const contact_info& c = *contacts_.find(p);
      w.put(p);
      for (std::int64_t t : {c.reachable_since, c.opted_out, c.last_contact, c.over_at}) w.put(t);
      w.put(c.last_due);
      w.put(c.streak_n);
      for (std::int64_t t : c.streak) w.put(t);
    }
    w.put(static_cast<std::uint32_t>(referrals_.size()));
    for (const auto& [to, from] : referrals_) {
      w.put(to);
      w.put(from);
    }
    for (std::uint64_t n : tier_n_) w.put(n);
  }

  /// Reads what `save` wrote for `persons` persons; the caller's reader fails
  /// (throws) on anything out of range.
  void load(byte_reader& in, std::size_t persons) {
    const auto was_active = in.get<std::uint8_t>();
    if (was_active != static_cast<std::uint8_t>(active())) in.fail("signal state does not match the policy");
    if (!active()) return;
    if (in.get_count(0) != persons) in.fail("signal state count differs from the person count");
    slots_.assign(persons, signal_slot{});
    auto time_ok = [](std::int64_t t) { return t == no_time || (t >= min_us() && t <= max_us()); };
    for (std::uint32_t p = 0; p < persons; ++p) {
      signal_slot& s = slots_[p];
      for (std::int64_t* t : {&s.view_since, &s.cart_since, &s.view_last, &s.cart_last, &s.score_us}) {
        *t = in.get<std::int64_t>();
        if (!time_ok(*t)) in.fail("signal time out of range");
      }
      s.score = in.get<std::int8_t>();
      s.tier = in.get<std::uint8_t>();
      s.flags = in.get<std::uint8_t>();
      s.birthday.month = in.get<std::uint8_t>();
      s.birthday.day = in.get<std::uint8_t>();
      if (s.score < -1 || s.score > 10 || (sp_.tiers ? s.tier >= sp_.tier_min.size() : s.tier != 0) ||
          s.flags > signal_slot::over_contacted || (s.birthday.month != 0 && !s.birthday.valid()) ||
          (s.birthday.month == 0 && s.birthday.day != 0))
        in.fail("signal field out of range");
      const std::size_t np = in.get_count(8);
      if (np > pooled_lists<points_day>::max_size) in.fail("points list too long");
      auto earned = pool_view(s);
      for (std::size_t j = 0; j < np; ++j) {
        points_day e;
        e.day = in.get<std::int32_t>();
        e.points = in.get<std::int32_t>();
        earned.push_back(e);
      }
      if (s.birthday.month != 0) birthdays_[day_of_year(s.birthday)].push_back(p);
      if (s.view_since != no_time) push_instant(s.view_since + sp_.browse_us, p, false);
      if (s.cart_since != no_time) push_instant(s.cart_since + sp_.browse_us, p, true);
    }
    const std::size_t nc = in.get_count(4 + 8 * 4 + 4 + 1 + 8 * 4);
    for (std::size_t j = 0; j < nc; ++j) {
      const auto p = in.get<std::uint32_t>();
      contact_info c;
      for (std::int64_t* t : {&c.reachable_since, &c.opted_out, &c.last_contact, &c.over_at}) {
        *t = in.get<std::int64_t>();
        if (!time_ok(*t)) in.fail("contact time out of range");
      }
      c.last_due = in.get<std::int32_t>();
      c.streak_n = in.get<std::uint8_t>();
      for (std::int64_t& t : c.streak) t = in.get<std::int64_t>();
      if (p >= persons || c.streak_n > c.streak.size() ||
          !contacts_.insert(p, c).second)
        in.fail("contact entry out of range");
    }
    const std::size_t nr = in.get_count(8);
    for (std::size_t j = 0; j < nr; ++j) {
      const auto to = in.get<std::uint32_t>(), from = in.get<std::uint32_t>();
      if (to >= persons || from >= persons || to == from || !referrals_.emplace(to, from).second)
        in.fail("referral entry out of range");
    }
    for (std::uint64_t& n : tier_n_) n = in.get<std::uint64_t>();
  }

 private:
  static constexpr std::uint32_t no_person = 0xffffffffu;

  // Index of a month and day in a leap year, 0 .. 365.
  static std::size_t day_of_year(month_day b) {
    static constexpr std::array<std::uint16_t, 12> before = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
    return before[static_cast<std::size_t>(b.month - 1)] + b.day - 1u;
  }
  // The month and day of the 0-based day `yday` of a year.
  static month_day month_day_of(int yday, bool leap) {
    static constexpr std::array<std::uint8_t, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    std::uint8_t m = 0;
    for (; m < 12; ++m) {
      const int n = days[m] + (m == 1 && leap ? 1 : 0);
      if (yday < n) break;
      yday -= n;
    }
    return {static_cast<std::uint8_t>(m + 1), static_cast<std::uint8_t>(yday + 1)};
  }

  // The business day of `t`, or the lowest day for no_time.
  day_number day_or_min(std::int64_t t) const {
    return t == no_time ? std::numeric_limits<day_number>::min() : day_of(t, sp_.offset_us);
  }

  static day_number first_net_purchase(std::span<const purchase_record> purchases) {
    day_number first = no_day;
    for (const purchase_record& r : purchases)
      if (r.net()) first = std::min(first, r.day);
    return first;
  }

  pooled_list_view<points_day> pool_view(signal_slot& s) { return {points_pool_, s.points}; }
  std::span<const points_day> points_span(const signal_slot& s) const {
    return {points_pool_.data(s.points), s.points.size};
  }

  void push_instant(std::int64_t due, std::uint32_t p, bool cart) {
    instants_.push({due, p, static_cast<std::uint8_t>(cart)});
  }

  // Whether usage_decline holds for `v` on day `d` as last worked out: the
  // flag, unless the day it was to stop has come.
  static bool declining(const person_view& v, const signal_slot& s, day_number d) {
    return (v.core_flags & person_core::declining) != 0 && d < s.decline_until;
  }

  // The wake usage_decline needs after its condition was worked out on day d
  // (`now`): the day it may start, or, while it holds, the day it may start
  // again after it stops; the stop day itself is only kept (decline_until).
  day_number decline_wake(const decline_scan& scan, const person_view& v, signal_slot& s, day_number d, bool now) {
    const decline_turns t = decline_turns_after(scan, v.activity, d, now, now, sp_, records_);
    if (!now) return t.change;
    s.decline_until = t.change;
    return t.back;
  }

  // Whether an event on `day` may let a span hold decline_min_events and so be
  // the earlier span of a decline, decline_days later. For the newest event
  // that span ends on `day` (later spans lose events and gain none); with
  // activity dated after it, the spans ending later gain too: wake anyway.
  // Most events of most persons fail this, and so cost no wake.
  [[gnu::always_inline]] bool enough_to_decline(const person_view& v, day_number day) const {
    // Nothing recorded in the span before this event (a session's first event
    // after a pause, usually): at most the event itself counts, and the list
    // need not be read.
    if (v.newest_before <= day - sp_.decline_span) return sp_.decline_min <= 1;
    std::int64_t n = 0;
    bool later = false;
    for (const activity_day& a : v.activity) {
      later |= a.day > day;
      if (in_days(a.day, day, sp_.decline_span)) n += a.any;
    }
    return later || n >= sp_.decline_min;
  }

  // A view or cart at `at`: pending until a purchase answers it, or browse_hours
  // pass. Returns whether one is pending now.
  bool browsed(std::uint32_t p, signal_slot& s, bool cart, std::int64_t at, std::int64_t clock_us) {
    std::int64_t& since = cart ? s.cart_since : s.view_since;
    if (at + sp_.browse_us < clock_us) return since != no_time;  // its hours are over already: the moment has passed
    if (since != no_time && since <= at) return true;  // the one waiting covers it
    since = at;
    push_instant(at + sp_.browse_us, p, cart);  // an entry for a later `since` goes stale
    return true;
  }

  // Whether a net purchase is dated on a business day from `from`'s to `to`'s.
  bool bought_between(std::span<const purchase_record> purchases, std::int64_t from, std::int64_t to) const {
    const day_number first = day_of(from, sp_.offset_us), last = day_of(to, sp_.offset_us);
    for (const purchase_record& r : purchases)
      if (r.net() && r.day >= first && r.day <= last) return true;
    return false;
  }

  // The core flags with the pending bits as the record says.
  static std::uint8_t pending_flags(std::uint8_t flags, const signal_slot& s) {
    flags &= static_cast<std::uint8_t>(~(person_core::view_pending | person_core::cart_pending));
    if (s.view_since != no_time) flags |= person_core::view_pending;
    if (s.cart_since != no_time) flags |= person_core::cart_pending;
    return flags;
  }

  // A follow or an opt-in at `at`: reachable unless an opt-out came later.
  day_number confirm(const person_view& v, signal_slot& s, std::int64_t at) {
    contact_info& c = contacts_[v.id];
    if (at <= c.opted_out) return no_day;
    c.reachable_since = c.reachable_since == no_time ? at : std::min(c.reachable_since, at);
    v.core_flags |= person_core::reachable;
    s.contact_from = contact_from_of(c, v.purchases);
    return contact_due_day(v, s);
  }

  // The day contact_due falls due for `v`, or no_day when it does not apply.
  day_number contact_due_day(const person_view& v, const signal_slot& s) const {
    if (!sp_.has(signal_kind::contact_due) || (v.core_flags & person_core::reachable) == 0 ||
        v.current == stage::potential || s.has(signal_slot::over_contacted) || s.contact_from == no_day)
      return no_day;
    return s.contact_from + sp_.contact_every[static_cast<std::size_t>(v.current)];
  }

  // The day contact_due counts from: the latest of the last contact, the
  // confirmation, becoming a customer and the last contact_due; no_day before
  // the person is a customer.
  day_number contact_from_of(const contact_info& c, std::span<const purchase_record> purchases) const {
    const day_number first = first_net_purchase(purchases);
    if (first == no_day) return no_day;
    return std::max({day_or_min(c.last_contact), day_or_min(c.reachable_since), first, c.last_due});
  }
  // signal_slot::contact_from again, after its inputs may have changed.
  void refresh_contact_from(const person_view& v, signal_slot& s) {
    if (!sp_.has(signal_kind::contact_due) || (v.core_flags & person_core::reachable) == 0) return;
    const contact_info* c = contacts_.find(v.id);
    s.contact_from = c == nullptr ? no_day : contact_from_of(*c, v.purchases);
  }

  // A contact at `at`: the cadence starts again; a streak of contacts with no
  // activity in between raises over_contacted.
  template <class Emit>
  void contacted(const person_view& v, signal_slot& s, std::int64_t at, std::int64_t clock_us, Emit&& emit) {
    contact_info& c = contacts_[v.id];
    c.last_contact = std::max(c.last_contact, at);
    if ((v.core_flags & person_core::reachable) != 0) s.contact_from = contact_from_of(c, v.purchases);
    if (!sp_.has(signal_kind::over_contacted)) return;
    // Too old to fall within over_contact_days of the contacts still to come (or a
    // resend the id memory has forgotten): not part of a streak.
    if (at + std::int64_t{sp_.over_days} * us_per_day < clock_us) return;
    // Activity after it breaks the streak. Activity is kept by day: for a contact
    // that arrives late, activity on its own day may have come after it, and a
    // signal about pestering must not rest on a guess, so that counts as after.
    const day_number day = day_of(at, sp_.offset_us);
    const bool late = at < clock_us;
    for (const activity_day& a : v.activity)
      if (a.day > day || (late && a.day == day)) return;
    // Insert in time order, keeping the latest four.
    auto& st = c.streak;
    if (c.streak_n == st.size()) {
      if (at <= st[0]) return;
      std::rotate(st.begin(), st.begin() + 1, st.end());
      --c.streak_n;
    }
    std::size_t i = c.streak_n;
    for (; i > 0 && st[i - 1] > at; --i) st[i] = st[i - 1];
    st[i] = at;
    ++c.streak_n;
    v.core_flags |= person_core::streak;
    if (c.streak_n < sp_.over_count || s.has(signal_slot::over_contacted)) return;
    const std::int64_t span = st[c.streak_n - 1] - st[c.streak_n - sp_.over_count];
    if (span > std::int64_t{sp_.over_days} * us_per_day) return;
    s.flags |= signal_slot::over_contacted;
    c.over_at = st[c.streak_n - 1];
    emit(v.id, signal_record(signal_kind::over_contacted, clock_us, cause::event,
                             {static_cast<std::int32_t>(c.streak_n), static_cast<std::int32_t>(sp_.over_count),
                              sp_.over_days, 0}));
  }

  // The person was active at `at`: contacts before it no longer form a streak
  // with the ones after, and activity after the contact that raised
  // over_contacted ends the hold on contact_due.
  day_number active_after_contacts(const person_view& v, signal_slot& s, std::int64_t at, day_number clock_day) {
    contact_info& c = contacts_[v.id];
    std::size_t keep = 0;
    for (std::size_t i = 0; i < c.streak_n; ++i)
      if (c.streak[i] > at) c.streak[keep++] = c.streak[i];
    c.streak_n = static_cast<std::uint8_t>(keep);
    if (keep == 0) v.core_flags &= ~person_core::streak;
    if (s.has(signal_slot::over_contacted) && at > c.over_at) {
      s.flags &= static_cast<std::uint8_t>(~signal_slot::over_contacted);
      return clock_day + 1;  // contact_due may be due at once
    }
    return no_day;
  }

  void earn(signal_slot& s, day_number day, std::int32_t pts) {
    auto earned = pool_view(s);
    for (std::size_t i = 0; i < earned.size(); ++i)
      if (earned[i].day == day) {
        earned[i].points = static_cast<std::int32_t>(
            std::min<std::int64_t>(std::int64_t{earned[i].points} + pts, std::numeric_limits<std::int32_t>::max()));
        return;
      }
    earned.push_back({day, pts});
  }

  // Whether all points ever earned reach the second tier: if not, a person in
  // the first tier stays there (most persons, most of the time).
  bool may_reach_tier(std::span<const purchase_record> purchases, std::span<const points_day> earned) const {
    std::int64_t ever = 0;
    if (sp_.points_of(event_kind::purchase) != 0)
      for (const purchase_record& r : purchases) ever += purchase_points(r, sp_);
    for (const points_day& e : earned) ever += e.points;
    return ever >= sp_.tier_min[1];
  }

  // Re-evaluates the tier on day d; emits tier_up / tier_down; returns the next change day.
  template <class Emit>
  day_number retier(const person_view& v, signal_slot& s, std::int64_t when_us, day_number d, cause why,
                    Emit&& emit) {
    // In the first tier with too few points ever to leave it (most persons): nothing changes, now or later.
    const bool any = (v.core_flags & person_core::has_points) != 0;
    if ((!any || s.tier == 0) && !may_reach_tier(v.purchases, any ? points_span(s) : std::span<const points_day>{}))
      return no_day;
    const std::int64_t pts = points_on(v.purchases, points_span(s), d, sp_);
    const std::uint8_t now = sp_.tier_at(pts);
    if (now != s.tier) {
      const bool up = now > s.tier;
      --tier_n_[s.tier];
      ++tier_n_[now];
      const std::int64_t threshold = up ? sp_.tier_min[now] : sp_.tier_min[s.tier];
      s.tier = now;
      if (now != 0) v.core_flags |= person_core::has_points;
      if (sp_.has(up ? signal_kind::tier_up : signal_kind::tier_down))
        emit(v.id, signal_record(up ? signal_kind::tier_up : signal_kind::tier_down, when_us, why,
                                 {clamp32(pts), clamp32(threshold), sp_.points_window, now}));
    }
    return tier_change(v.purchases, points_span(s), d, s.tier, sp_, steps_);
  }

  signal_params sp_;
  std::uint32_t quiet_ = 0, browsing_ = 0;  // event kind bits: see the constructor
  bool wake_parts_ = false;                 // acts_at_wake for any person
  big_vector<signal_slot> slots_;
  pooled_lists<points_day> points_pool_;
  person_map<contact_info> contacts_;
  std::unordered_map<std::uint32_t, std::uint32_t> referrals_;  // referred -> the first referrer
  instant_queue instants_;
  std::array<std::vector<std::uint32_t>, 366> birthdays_;  // persons by the day of their birthday
  std::vector<std::uint64_t> tier_n_;
  std::vector<activity_day> records_;                           // scratch: decline_change
  std::vector<std::pair<day_number, std::int64_t>> steps_;      // scratch
};

}  // namespace lifecycle::detail
