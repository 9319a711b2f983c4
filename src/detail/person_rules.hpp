#pragma once
// The model's rules, written once over a person's lists. person_state keeps the
// lists in vectors, the engine in pooled arrays; both call these functions, so
// the semantics cannot drift apart.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "lifecycle/detail/person_records.hpp"
#include "lifecycle/event.hpp"
#include "lifecycle/person_state.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/transition.hpp"
#include "detail/model_scores.hpp"
#include "detail/stage_table.hpp"
#include "detail/time_units.hpp"

namespace lifecycle::detail {

/// The policy in the integer units the rules compute in, converted once.
struct rule_params {
  day_number new_days, lapse_days, window, role_window;
  std::uint32_t joiner_min, loyal_min, deal_min;
  bool loyal_follow;
  double share;
  std::int64_t offset_us, skew_us;
  bool host_clock;
  move_table moves;  // the stage graph, folded into a table: classifying a move is one load
  // The customer-base model (lapse_model != days); unused otherwise.
  lapse_kind lapse = lapse_kind::days;
  double alive_threshold = 0.5;
  double unit_days = 7;
  model_params model{};   // of the model named by `lapse`
  double forecast_units = 52;
  spend_params spend{};
  bool spend_set = false;
  double clv_period = 365.25 / 12 / 7, clv_rate = 0.01;
  // Days of activity the engine's signals read (usage_decline); 0 for a bare person_state.
  day_number signal_reach = 0;

  static rule_params from(const policy& p) {
    rule_params r = plain(p);
    r.lapse = p.lapse_model;
    r.alive_threshold = p.lapse_alive_threshold;
    r.unit_days = days_per(p.model_unit);
    if (p.lapse_model == lapse_kind::bgnbd) r.model = {p.bgnbd_r, p.bgnbd_alpha, p.bgnbd_a, p.bgnbd_b};
    if (p.lapse_model == lapse_kind::pareto) r.model = {p.pareto_r, p.pareto_alpha, p.pareto_s, p.pareto_beta};
    r.forecast_units = p.forecast_days / r.unit_days;
    r.spend = {p.spend_p, p.spend_q, p.spend_gamma};
    r.spend_set = p.spend_p > 0 && p.spend_q > 0 && p.spend_gamma > 0;
    r.clv_period = 365.25 / 12.0 / r.unit_days;
    r.clv_rate = p.clv_discount_rate;
    return r;
  }

  /// How far ahead a model's lapse deadline is filed at most (a wake there
  /// that finds the person alive files the next one): within the calendar's horizon.
  day_number model_reach() const { return std::max({new_days, lapse_days, window, role_window}); }

 private:
  static rule_params plain(const policy& p) {
    return {p.new_days,
            p.lapse_days,
            p.window_days,
            p.role_window_days,
            static_cast<std::uint32_t>(p.joiner_min_joins),
            static_cast<std::uint32_t>(p.loyal_min_purchases),
            static_cast<std::uint32_t>(p.deal_min_purchases),
            p.loyal_requires_follow,
            p.deal_coupon_share,
            p.utc_offset.total_microseconds(),
            p.max_skew.total_microseconds(),
            p.clock == clock_mode::host,
            move_table_of(p.allow_moves, p.forbid_moves),
            lapse_kind::days, 0.5, 7.0, model_params{}, 52.0, spend_params{}, false, 365.25 / 12 / 7, 0.01};
  }

 public:

  /// Days an activity record may still count in some window after its day.
  day_number activity_reach(bool has_follow) const {
    return std::max(has_follow ? std::max(role_window, window) : role_window, signal_reach);
  }

  /// The farthest ahead of the clock day a deadline can fall; sizes the calendar.
  day_number horizon() const {
    const auto skew_days = static_cast<day_number>(skew_us / us_per_day) + 2;
    return std::max({new_days, lapse_days, window, role_window}) + skew_days;
  }
};

/// The parts of an event the rules look at, with ids already hashed.
struct event_facts {
  event_kind kind;
  day_number day;
  bool coupon;
  std::int64_t amount;
  std::uint64_t id_hash;   // 0 = none
  std::uint64_t ref_hash;  // refund: the purchase's id hash
};

enum class record_outcome : std::uint8_t {
  recorded,          // activity only: stage inputs unchanged
  recorded_stage,    // purchases or follows changed: re-evaluate the stage
  duplicate
};

// ---------------------------------------------------------------------------
// Lists. Both containers offer size(), operator[], push_back, erase_at and erase_if.

/// Finds the purchase record with id hash `h`, or -1.
template <class Purchases>
std::ptrdiff_t find_purchase(const Purchases& purchases, std::uint64_t h) {
  for (std::size_t i = 0, n = purchases.size(); i < n; ++i)
    if (purchases[i].id_hash == h) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

/// Whether a purchase repeats one the list already holds (its id is recorded).
/// A second refund of one purchase is not a repeat: it is the person's own act
/// and counts as activity; only its money effect is nil. That keeps the state
/// independent of which of two refunds arrives first.
template <class Purchases>
bool repeats_purchase(const Purchases& purchases, event_kind kind, std::uint64_t id) {
  if (kind != event_kind::purchase || id == 0) return false;
  const std::ptrdiff_t i = find_purchase(purchases, id);
  return i >= 0 && !purchases[static_cast<std::size_t>(i)].has(purchase_record::refund_waiting);
}

/// The counter of `a` that an event of kind `k` adds to besides `any`, or null.
[[gnu::always_inline]] inline std::uint8_t* counter_of(activity_day& a, event_kind k) {
  switch (k) {
    case event_kind::post: return &a.post;
    case event_kind::review: return &a.review;
    case event_kind::join: return &a.join;
    case event_kind::search:
    case event_kind::cart:
    case event_kind::purchase: return &a.buyer;
    case event_kind::follow: return &a.follow;
    default: return nullptr;
  }
}

/// Adds one event of kind `k` to record `a` of its day; false when a counter
/// is full (255): the event then starts a second record for the day.
[[gnu::always_inline]] inline bool add_to_day(activity_day& a, event_kind k) {
  constexpr std::uint8_t full = std::numeric_limits<std::uint8_t>::max();
  std::uint8_t* counter = counter_of(a, k);
  if (a.any == full || (counter != nullptr && *counter == full)) return false;
  ++a.any;
  if (counter != nullptr) ++*counter;
  return true;
}

/// Counts one activity event on its day, unless it can no longer count in any
/// window as of `clock_day` (then it would change nothing). `newest`, if given,
/// is a day no record is later than (kept up to date here): a later day starts
/// its record without reading the list.
template <class Activity>
[[gnu::always_inline]] inline void count_activity(Activity& activity, event_kind kind, day_number day,
                                                  day_number clock_day, const rule_params& p,
                                                  day_number* newest = nullptr) {
  if (day + p.activity_reach(kind == event_kind::follow) <= clock_day) return;
  if (newest == nullptr || day <= *newest) {
    for (std::size_t i = activity.size(); i-- > 0;) {  // newest days are usually last
      activity_day& a = activity[i];
      if (a.day == day && add_to_day(a, kind)) return;
    }
  }
  activity_day a;
  a.day = day;
  add_to_day(a, kind);
  activity.push_back(a);
  if (newest != nullptr) *newest = std::max(*newest, day);
}

/// Records what an (already validated) event changes in the lists.
template <class Purchases, class Activity>
[[gnu::always_inline]] inline record_outcome record_event(Purchases& purchases, Activity& activity, const event_facts& e,
                            day_number clock_day, const rule_params& p, day_number* newest_activity = nullptr) {
  record_outcome outcome = record_outcome::recorded;
  switch (e.kind) {
    case event_kind::contact:
      return outcome;  // the business's action: makes the person known, counts nowhere
    case event_kind::purchase: {
      const std::ptrdiff_t i = e.id_hash != 0 ? find_purchase(purchases, e.id_hash) : -1;
      if (i >= 0 && !purchases[static_cast<std::size_t>(i)].has(purchase_record::refund_waiting))
        return record_outcome::duplicate;
      purchase_record r;
      r.id_hash = e.id_hash;
      r.amount = e.amount;
      r.day = e.day;
      r.flags = e.coupon ? purchase_record::coupon : 0;
      if (i >= 0) {  // its refund came first
        r.flags |= purchase_record::refunded;
        purchases[static_cast<std::size_t>(i)] = r;
      } else {
        purchases.push_back(r);
      }
      outcome = record_outcome::recorded_stage;
      break;
    }
    case event_kind::refund: {
      const std::ptrdiff_t i = find_purchase(purchases, e.ref_hash);
      if (i >= 0) {
        purchase_record& r = purchases[static_cast<std::size_t>(i)];
        if (!r.net()) break;  // already refunded (or its refund waits): only the activity counts
        r.flags |= purchase_record::refunded;
      } else {
        purchase_record r;
        r.id_hash = e.ref_hash;
        r.flags = purchase_record::refund_waiting;
        purchases.push_back(r);
      }
      outcome = record_outcome::recorded_stage;
      break;
    }
    case event_kind::follow:
      outcome = record_outcome::recorded_stage;
      break;
    default:
      break;
  }
  count_activity(activity, e.kind, e.day, clock_day, p, newest_activity);
  return outcome;
}

/// Whether one more activity event of kind `k`, counting now, can change a role
/// set `held` (kinds that touch the stage are evaluated in full anyway). A kind
/// whose role is held changes nothing; a kind tied to no role changes the set
/// only when it is empty (it makes a spectator); a join may reach the threshold.
inline bool may_gain_role(role_set held, event_kind k) {
  switch (k) {
    case event_kind::post: return !held.contains(role::creator);
    case event_kind::review: return !held.contains(role::critic);
    case event_kind::join: return !held.contains(role::joiner);
    case event_kind::search:
    case event_kind::cart:
    case event_kind::purchase: return !held.contains(role::buyer);
    default: return held.empty();
  }
}

/// Drops activity records that can no longer count in any window from `day` on.
template <class Activity>
void prune_activity(Activity&& activity, day_number day, const rule_params& p) {
  const day_number reach = p.activity_reach(false), follow_reach = p.activity_reach(true);
  activity.erase_if([&](const activity_day& a) { return a.day + (a.follow > 0 ? follow_reach : reach) <= day; });
}

// ---------------------------------------------------------------------------
// Evaluation.

struct purchase_summary {
  std::uint32_t net = 0, coupon = 0, refunded = 0;
  std::int64_t spend = 0;
  day_number first = no_day, last = std::numeric_limits<day_number>::min();
};

/// Net purchases up to `day` (all of them with `day` = no_day).
inline purchase_summary summarize(std::span<const purchase_record> purchases, day_number day) {
  purchase_summary s;
  for (const purchase_record& r : purchases) {
    if (r.has(purchase_record::refund_waiting) || r.day > day) continue;
    if (r.has(purchase_record::refunded)) {
      ++s.refunded;
      continue;
    }
    ++s.net;
    if (r.has(purchase_record::coupon)) ++s.coupon;
    s.spend += r.amount;
    s.first = std::min(s.first, r.day);
    s.last = std::max(s.last, r.day);
  }
  return s;
}

/// In a window of `w` days on day `d`: d - w < x <= d.
inline bool in_window(day_number x, day_number d, day_number w) { return d - w < x && x <= d; }


// ---------------------------------------------------------------------------
// The customer-base model behind rule 3 when lapse_model is bgnbd or pareto
// (models.md, "In the lifecycle").

/// A customer's history as the models see it on day d: the net purchases dated
/// on or before d, purchases on the same day merged into one transaction.
struct model_history {
  std::uint32_t x = 0;              // days with a purchase after the first (repeat transactions)
  day_number first = no_day, last = 0;
  std::int64_t repeat_minor = 0;    // what the repeat transactions were worth, minor units
};

inline model_history history_of(std::span<const purchase_record> purchases, day_number d) {
  // Sort the (day, amount) pairs: lists are short, a long one goes to the heap.
  using item = std::pair<day_number, std::int64_t>;
  std::array<item, 32> small;
  std::vector<item> big;
  std::size_t n = 0;
  for (const purchase_record& r : purchases) {
    if (!r.net() || r.day > d) continue;
    if (n < small.size()) {
      small[n] = {r.day, r.amount};
    } else {
      if (big.empty()) big.assign(small.begin(), small.end());
      big.emplace_back(r.day, r.amount);
    }
    ++n;
  }
  model_history h;
  if (n == 0) return h;
  item* const begin = big.empty() ? small.data() : big.data();
  std::sort(begin, begin + n);
  h.first = begin[0].first;
  h.last = begin[n - 1].first;
  for (std::size_t i = 1; i < n; ++i) {
    if (begin[i].first == h.first) continue;  // the trial day: not a repeat
    if (begin[i].first != begin[i - 1].first) ++h.x;
    h.repeat_minor += begin[i].second;
  }
  return h;
}

/// The model's probability that the customer is alive on day D (D >= last).
inline double p_alive_on(const model_history& h, day_number D, const rule_params& p) {
  const double T = (D - h.first) / p.unit_days, t_x = (h.last - h.first) / p.unit_days;
  return model_p_alive(p.lapse, p.model, h.x, t_x, T);
}

/// Whether the model decides the lapse. BG/NBD holds a customer without a
/// repeat purchase alive for ever (they can only drop out right after a
/// purchase); for them the lapse stays at last + lapse_days.
inline bool model_decides(const model_history& h, const rule_params& p) {
  return !(p.lapse == lapse_kind::bgnbd && h.x == 0);
}

/// Rule 3 under the model on day d, or none when it does not hold.
inline std::optional<reason> model_lapse(std::span<const purchase_record> purchases, day_number d,
                                         day_number last, const rule_params& p) {
  const model_history h = history_of(purchases, d);
  if (!model_decides(h, p)) {
    if (d >= last + p.lapse_days) return reason{reason::rule::lapse, role::spectator, {d - last, p.lapse_days, 0, 0}};
    return std::nullopt;
  }
  const double alive = p_alive_on(h, d, p);
  if (!(alive < p.alive_threshold)) return std::nullopt;
  // Figures in millionths; the probability rounded down, so it shows below the threshold.
  return reason{reason::rule::lapse_model,
                role::spectator,
                {static_cast<std::int32_t>(std::floor(alive * 1e6)),
                 static_cast<std::int32_t>(std::lround(p.alive_threshold * 1e6)), static_cast<std::int32_t>(p.lapse),
                 static_cast<std::int32_t>(std::min<std::uint32_t>(h.x, std::numeric_limits<std::int32_t>::max()))}};
}

/// The first day after d on which the model's probability alive is below the
/// threshold (it only falls while no purchase comes), filed no further than
/// model_reach() ahead; no_day when it is below already on d.
inline day_number model_lapse_day(const model_history& h, day_number d, const rule_params& p) {
  auto lapsed_on = [&](day_number D) { return p_alive_on(h, D, p) < p.alive_threshold; };
  if (lapsed_on(d)) return no_day;
  day_number lo = d, hi = d + p.model_reach();  // not lapsed on lo
  if (p.lapse == lapse_kind::bgnbd) {
    // Closed form: P = 1 / (1 + A ((alpha+T)/(alpha+t_x))^(r+x)), A = a/(b+x-1), is below
    // theta exactly when T > T* = (alpha+t_x) ((1-theta)/(theta A))^(1/(r+x)) - alpha.
    // The day found is checked with p_alive_on itself, so the deadline and rule 3 agree to the bit.
    const double r = p.model[0], alpha = p.model[1], a = p.model[2], b = p.model[3];
    const double x = h.x, t_x = (h.last - h.first) / p.unit_days, theta = p.alive_threshold;
    const double log_k = std::log((1 - theta) / theta) - std::log(a / (b + x - 1));
    const double t_star = (alpha + t_x) * std::exp(log_k / (r + x)) - alpha;
    const double day_star = h.first + t_star * p.unit_days;  // lapsed on the days after it
    if (day_star >= lo && day_star < hi) {
      const auto g = static_cast<day_number>(std::floor(day_star)) + 1;
      if (lapsed_on(g)) {
        if (g == lo + 1 || !lapsed_on(g - 1)) return g;
        hi = g;
      } else {
        if (lapsed_on(g + 1)) return g + 1;
        lo = g + 1;
      }
    }
  }
  if (!lapsed_on(hi)) return hi;  // not within reach: wake there and look again
  while (hi - lo > 1) {           // Pareto/NBD (or a rounding miss): bisect over days
    const day_number mid = lo + (hi - lo) / 2;
    (lapsed_on(mid) ? hi : lo) = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------
// Tallies: what the rules read of each list on day d, gathered in one pass.
// Evaluating the stage and roles and finding the next deadline both start from
// them, so a wake reads each list once.

inline constexpr day_number no_day_yet = std::numeric_limits<day_number>::min();

/// The activity list on day d.
struct activity_tally {
  std::uint32_t any = 0, post = 0, review = 0, join = 0, buyer = 0;  // in the role window
  std::int32_t follows = 0;                                          // in the stage window
  // The latest record day on or before d with such events (no_day_yet: none).
  day_number last_any = no_day_yet, last_post = no_day_yet, last_review = no_day_yet, last_buyer = no_day_yet,
             last_follow = no_day_yet;
  day_number next_entering = no_day;  // the earliest record dated after d (host clock)

  /// Adds record `a` on day d; a record is in the role (stage) window when its
  /// day is after `role_from` (`stage_from`) and not after d.
  [[gnu::always_inline]] void add(const activity_day& a, day_number d, day_number role_from, day_number stage_from) {
    if (a.day > d) {
      next_entering = std::min(next_entering, a.day);
      return;
    }
    last_any = std::max(last_any, a.day);
    if (a.post) last_post = std::max(last_post, a.day);
    if (a.review) last_review = std::max(last_review, a.day);
    if (a.buyer) last_buyer = std::max(last_buyer, a.day);
    if (a.follow) {
      last_follow = std::max(last_follow, a.day);
      if (a.day > stage_from) follows += a.follow;
    }
    if (a.day > role_from) {
      any += a.any;
      post += a.post;
      review += a.review;
      join += a.join;
      buyer += a.buyer;
    }
  }
};

inline activity_tally tally_activity(std::span<const activity_day> activity, day_number d, const rule_params& p) {
  activity_tally t;
  for (const activity_day& a : activity) t.add(a, d, d - p.role_window, d - p.window);
  return t;
}

/// The tally of a wake on day d, which also drops the records that can no
/// longer count in any window (prune_activity) in the same pass; `newest` gets
/// the latest day kept (no_day_yet if none). Dropped records count nowhere on
/// or after d, so the tally is what it would be without them.
template <class Activity>
activity_tally tally_and_prune(Activity& activity, day_number d, const rule_params& p, day_number& newest) {
  // The policy's numbers in locals: the list's stores could alias them otherwise.
  const day_number reach = p.activity_reach(false), follow_reach = p.activity_reach(true);
  const day_number role_from = d - p.role_window, stage_from = d - p.window;
  activity_tally t;  // a local, returned by copy: it stays in registers while the loop runs
  day_number latest = no_day_yet;
  activity.erase_if([&](const activity_day& a) {
    if (a.day + (a.follow > 0 ? follow_reach : reach) <= d) return true;
    latest = std::max(latest, a.day);
    t.add(a, d, role_from, stage_from);
    return false;
  });
  newest = latest;
  const activity_tally result = t;
  return result;
}

/// The purchase list on day d.
struct purchase_tally {
  std::uint32_t net = 0, coupon = 0, refunded = 0;  // on or before d
  std::int64_t spend = 0;
  day_number first = no_day, last = no_day_yet;     // net purchases on or before d
  std::int32_t in_window = 0, coupon_in_window = 0;  // net purchases in the stage window
  day_number oldest_in_window = no_day;              // leaves the window on its day + window
  day_number next_entering = no_day;                 // the earliest net purchase dated after d
};

[[gnu::always_inline]] inline purchase_tally tally_purchases(std::span<const purchase_record> purchases, day_number d,
                                      const rule_params& p) {
  purchase_tally t;
  for (const purchase_record& r : purchases) {
    if (r.has(purchase_record::refund_waiting)) continue;
    if (r.has(purchase_record::refunded)) {
      if (r.day <= d) ++t.refunded;
      continue;
    }
    if (r.day > d) {
      t.next_entering = std::min(t.next_entering, r.day);
      continue;
    }
    ++t.net;
    const bool coupon = r.has(purchase_record::coupon);
    if (coupon) ++t.coupon;
    t.spend += r.amount;
    t.first = std::min(t.first, r.day);
    t.last = std::max(t.last, r.day);
    if (r.day > d - p.window) {
      ++t.in_window;
      if (coupon) ++t.coupon_in_window;
      t.oldest_in_window = std::min(t.oldest_in_window, r.day);
    }
  }
  return t;
}

// ---------------------------------------------------------------------------
// Evaluation.

/// The stage on day d (rules 1-6) with its reason. `purchases` is read only by
/// a customer-base model's lapse.
[[gnu::always_inline]] inline std::pair<stage, reason> stage_of(const purchase_tally& s, std::int32_t fw,
                                         std::span<const purchase_record> purchases, day_number d,
                                         const rule_params& p) {
  using rule = reason::rule;
  if (s.net == 0) return {stage::potential, {rule::no_purchase, role::spectator, {static_cast<std::int32_t>(s.refunded), 0, 0, 0}}};
  if (d < s.first + p.new_days)
    return {stage::new_customer, {rule::new_customer, role::spectator, {d - s.first, p.new_days, 0, 0}}};
  if (p.lapse == lapse_kind::days) [[likely]] {
    if (d >= s.last + p.lapse_days)
      return {stage::passive, {rule::lapse, role::spectator, {d - s.last, p.lapse_days, 0, 0}}};
  } else if (const std::optional<reason> lapsed = model_lapse(purchases, d, s.last, p)) {
    return {stage::passive, *lapsed};
  }
  const std::int32_t pw = s.in_window, cw = s.coupon_in_window;
  // The tolerance keeps decimal shares exact as written (0.3 * 10 is 3, not 3.0000000000000004).
  if (static_cast<std::uint32_t>(pw) >= p.deal_min && cw >= p.share * pw - 1e-9 * pw)
    return {stage::deal_hunter,
            {rule::deal_hunter, role::spectator, {cw, pw, p.window, static_cast<std::int32_t>(p.share * 1000 + 0.5)}}};
  if (static_cast<std::uint32_t>(pw) >= p.loyal_min && (!p.loyal_follow || fw >= 1))
    return {stage::loyal, {rule::loyal, role::spectator, {pw, fw, p.window, static_cast<std::int32_t>(p.loyal_min)}}};
  return {stage::passive, {rule::occasional, role::spectator, {pw, cw, p.window, fw}}};
}

/// The roles a tally qualifies for.
[[gnu::always_inline]] inline role_set roles_held(const activity_tally& t, const rule_params& p) {
  role_set roles;
  if (t.post >= 1) roles.insert(role::creator);
  if (t.review >= 1) roles.insert(role::critic);
  if (t.join >= p.joiner_min) roles.insert(role::joiner);
  if (t.buyer >= 1) roles.insert(role::buyer);
  if (roles.empty() && t.any >= 1) roles.insert(role::spectator);
  return roles;
}

/// The roles and their qualifying counts of a tally (not the primary role).
[[gnu::always_inline]] inline evaluation roles_of(const activity_tally& t, const rule_params& p) {
  evaluation ev;
  ev.role_events = {t.post, t.review, t.join, t.any, t.buyer};
  ev.roles = roles_held(t, p);
  return ev;  // primary_role left to primary_role_of: most evaluations never need it
}

/// Roles on day `d` and the qualifying counts (not the primary role).
inline evaluation evaluate_roles(std::span<const activity_day> activity, day_number d, const rule_params& p) {
  return roles_of(tally_activity(activity, d, p), p);
}

/// The primary role of an evaluation: most qualifying events; ties go creator,
/// critic, joiner, buyer.
inline std::optional<role> primary_role_of(const evaluation& ev) {
  std::optional<role> primary;
  std::uint32_t best = 0;
  for (role r : {role::creator, role::critic, role::joiner, role::buyer, role::spectator}) {
    const std::uint32_t n = ev.role_events[static_cast<std::size_t>(r)];
    if (ev.roles.contains(r) && n > best) {
      best = n;
      primary = r;
    }
  }
  return primary;
}

/// Stage and roles of two tallies on day d.
[[gnu::always_inline]] inline evaluation evaluate_tallies(const activity_tally& a, const purchase_tally& s,
                                   std::span<const purchase_record> purchases, day_number d, const rule_params& p) {
  evaluation ev = roles_of(a, p);
  std::tie(ev.current_stage, ev.stage_reason) = stage_of(s, a.follows, purchases, d, p);
  return ev;
}

inline evaluation evaluate(std::span<const purchase_record> purchases, std::span<const activity_day> activity,
                           day_number d, const rule_params& p) {
  return evaluate_tallies(tally_activity(activity, d, p), tally_purchases(purchases, d, p), purchases, d, p);
}

/// The day the joiner role ends on, from day d with `joins` in the role window
/// (>= the threshold): when fewer than k joins remain, i.e. when the k-th latest leaves.
inline day_number joiner_end(std::span<const activity_day> activity, std::uint32_t joins, day_number d,
                             const rule_params& p) {
  day_number cutoff = d;
  std::uint32_t remaining = joins;
  while (remaining >= p.joiner_min) {
    day_number oldest = no_day;
    std::uint32_t at_oldest = 0;
    for (const activity_day& a : activity) {
      if (!a.join || a.day > d || a.day <= cutoff - p.role_window) continue;
      if (a.day < oldest) {
        oldest = a.day;
        at_oldest = a.join;
      } else if (a.day == oldest) {
        at_oldest += a.join;
      }
    }
    remaining -= at_oldest;
    cutoff = oldest + p.role_window;  // the day these joins leave the window
  }
  return cutoff;
}

/// The earliest day after `d` on which time alone may change the stage or the
/// role set, or no_day. Waking earlier than needed is harmless; later never
/// happens. Only the days a rule can flip on are considered: a record entering
/// its window (dated ahead of the clock), the last qualifying event of a role
/// leaving the role window, the joiner threshold's k-th latest join leaving it,
/// the last follow leaving the stage window, each net purchase leaving it, the
/// end of the new period and the lapse. (The primary role is computed when
/// asked, so its changes need no wake.) `activity` and `purchases` are read
/// only for the joiner role and a customer-base model.
[[gnu::always_inline]] inline day_number next_deadline_of(const activity_tally& a, const purchase_tally& s,
                                   std::span<const activity_day> activity,
                                   std::span<const purchase_record> purchases, day_number d, const rule_params& p) {
  day_number next = std::min(a.next_entering, s.next_entering);  // both after d
  auto consider = [&](day_number x) {
    if (x > d && x < next) next = x;
  };
  for (day_number last : {a.last_any, a.last_post, a.last_review, a.last_buyer})
    if (last != no_day_yet) consider(last + p.role_window);
  if (a.last_follow != no_day_yet) consider(a.last_follow + p.window);
  if (a.join >= p.joiner_min) consider(joiner_end(activity, a.join, d, p));
  if (s.oldest_in_window != no_day) consider(s.oldest_in_window + p.window);
  if (s.first != no_day) {
    consider(s.first + p.new_days);
    if (p.lapse == lapse_kind::days) [[likely]] {
      consider(s.last + p.lapse_days);
    } else {
      const model_history h = history_of(purchases, d);
      consider(model_decides(h, p) ? model_lapse_day(h, d, p) : s.last + p.lapse_days);
    }
  }
  return next;
}

inline day_number next_deadline(std::span<const purchase_record> purchases, std::span<const activity_day> activity,
                                day_number d, const rule_params& p) {
  return next_deadline_of(tally_activity(activity, d, p), tally_purchases(purchases, d, p), activity, purchases, d, p);
}

// ---------------------------------------------------------------------------
// Changes.

/// How the stage graph classifies the move `from` -> `to` (a table lookup).
inline move_kind classify_move(const rule_params& p, stage from, stage to) {
  return p.moves[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)];
}

/// Applies an evaluation to the core, calling `emit(transition)` for each change
/// (stage first, then roles in report order). Returns true when this is the
/// person's first move into a customer stage (a conversion).
template <class Emit>
bool apply_evaluation(person_core& core, stage_stays& stays, const evaluation& ev, std::int64_t when_us,
                      cause base, const rule_params& p, Emit&& emit) {
  bool converted_now = false;
  const auto old_stage = static_cast<stage>(core.stage);
  const role_set old_roles = role_set::from_bits(core.roles);
  if (ev.current_stage == old_stage && ev.roles == old_roles) return false;  // the common case
  transition t;
  t.when = from_us(when_us);
  if (ev.current_stage != old_stage) {
    t.what = change::stage;
    t.from = old_stage;
    t.to = ev.current_stage;
    t.cause = classify_move(p, old_stage, ev.current_stage) == move_kind::normal ? base : cause::correction;
    t.why = ev.stage_reason;
    const std::int64_t stay = std::max<std::int64_t>(0, when_us - core.stage_since_us) / us_per_second;
    auto& total = stays.seconds[static_cast<std::size_t>(old_stage)];
    total = static_cast<std::uint32_t>(std::min<std::int64_t>(
        std::numeric_limits<std::uint32_t>::max(), static_cast<std::int64_t>(total) + stay));
    core.stage = static_cast<std::uint8_t>(ev.current_stage);
    core.stage_since_us = when_us;
    if (is_customer(ev.current_stage) && !core.has(person_core::converted)) {
      core.flags |= person_core::converted;
      converted_now = true;
    }
    emit(t);
  }
  if (ev.roles != old_roles) {
    core.roles = ev.roles.bits();
    const std::uint32_t thresholds[role_count] = {1, 1, p.joiner_min, 1, 1};
    for (role r : all_roles) {
      const bool had = old_roles.contains(r), has = ev.roles.contains(r);
      if (had == has) continue;
      const auto i = static_cast<std::size_t>(r);
      t.what = has ? change::role_gained : change::role_lost;
      t.role_changed = r;
      t.cause = base;
      t.why.about = r;
      t.why.figures = {static_cast<std::int32_t>(ev.role_events[i]),
                       static_cast<std::int32_t>(thresholds[i]), p.role_window, 0};
      if (has)
        t.why.which = reason::rule::role_held;
      else if (r == role::spectator && ev.role_events[i] > 0)
        t.why.which = reason::rule::other_role;
      else
        t.why.which = reason::rule::role_dropped;
      emit(t);
    }
  }
  return converted_now;
}

/// Builds a profile from a person's parts as of `clock_us`.
inline profile make_profile(const person_core& core, const stage_stays& stays, std::span<const purchase_record> purchases,
                            std::span<const activity_day> activity, std::int64_t clock_us,
                            const rule_params& p) {
  profile pr;
  pr.current_stage = static_cast<stage>(core.stage);
  pr.stage_since = from_us(core.stage_since_us);
  pr.roles = role_set::from_bits(core.roles);
  pr.primary_role = primary_role_of(evaluate_roles(activity, day_of(clock_us, p.offset_us), p));
  // Purchases dated after the clock's day (host clock, within max_skew) count from their day.
  const purchase_summary s = summarize(purchases, day_of(clock_us, p.offset_us));
  pr.purchases = s.net;
  pr.coupon_purchases = s.coupon;
  pr.refunded_purchases = s.refunded;
  pr.spend = money{s.spend};
  if (s.net > 0) {
    pr.first_purchase = to_date(s.first);
    pr.last_purchase = to_date(s.last);
  }
  if (p.lapse != lapse_kind::days && s.net > 0) {
    const day_number d = day_of(clock_us, p.offset_us);
    const model_history h = history_of(purchases, d);
    const double x = h.x, t_x = (h.last - h.first) / p.unit_days, T = (std::max(d, h.last) - h.first) / p.unit_days;
    pr.p_alive = model_p_alive(p.lapse, p.model, x, t_x, T);
    pr.expected_purchases = model_expected_purchases(p.lapse, p.model, p.forecast_units, x, t_x, T);
    if (p.spend_set) {
      const double mean_spend = h.x > 0 ? static_cast<double>(h.repeat_minor) / 100.0 / x : 0.0;
      const double v =
          model_clv(p.lapse, p.model, p.spend, x, t_x, T, mean_spend, p.forecast_units, p.clv_period, p.clv_rate);
      if (std::isfinite(v)) pr.clv = v;
    }
  }
  pr.first_seen = to_date(core.first_seen);
  for (std::size_t i = 0; i < stage_count; ++i) pr.days_in_stage[i] = stays.seconds[i] / 86400.0;
  pr.days_in_stage[core.stage] +=
      static_cast<double>(std::max<std::int64_t>(0, clock_us - core.stage_since_us)) / us_per_day;
  return pr;
}

}  // namespace lifecycle::detail
