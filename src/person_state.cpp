#include "lifecycle/person_state.hpp"

#include <algorithm>

#include "detail/bytes.hpp"
#include "detail/state_codec.hpp"
#include "detail/hash.hpp"
#include "detail/person_rules.hpp"
#include "detail/pooled_lists.hpp"
#include "detail/time_units.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle {

using namespace detail;

namespace {

constexpr std::uint32_t magic = 0x5350434c;  // "LCPS"
constexpr std::uint16_t format_version = 1;

}  // namespace

std::vector<transition> person_state::advance_to(boost::posix_time::ptime now, const policy& p) {
  if (now.is_special()) throw error(errc::invalid_argument, "person_state::advance_to: not a valid time");
  std::vector<transition> out;
  const rule_params rp = rule_params::from(p);
  const std::int64_t now_us = to_us(now);
  if (known()) {
    const day_number target = day_of(now_us, rp.offset_us);
    vector_list_view<activity_day> activity{activity_};
    for (day_number d = next_deadline_day(rp); d != no_day && d <= target; d = next_deadline_day(rp)) {
      clock_us_ = std::max(clock_us_, day_start_us(d, rp.offset_us));
      const evaluation ev = detail::evaluate(purchases_, activity_, d, rp);
      apply_evaluation(core_, stays_, ev, day_start_us(d, rp.offset_us), cause::time, rp,
                       [&](const transition& t) { out.push_back(t); });
      prune_activity(activity, d, rp);
    }
  }
  clock_us_ = std::max(clock_us_, now_us);
  return out;
}

day_number person_state::next_deadline_day(const rule_params& rp) const {
  return detail::next_deadline(purchases_, activity_, day_of(clock_us_, rp.offset_us), rp);
}

apply_result person_state::apply(const event& e, const policy& p, boost::posix_time::ptime now) {
  apply_result result;
  if (now.is_special()) throw error(errc::invalid_argument, "person_state::apply: `now` is not a valid time");
  if (const reject_reason bad = check_fields(e); bad != reject_reason::none) {
    result.status = apply_status::rejected;
    result.why_rejected = bad;
    return result;
  }
  const rule_params rp = rule_params::from(p);
  const std::int64_t at = to_us(e.time);
  std::int64_t now_us = to_us(now);
  if (rp.host_clock) {
    if (at > now_us + rp.skew_us) {
      result.status = apply_status::rejected;
      result.why_rejected = reject_reason::too_far_ahead;
      return result;
    }
  } else {
    now_us = std::max(now_us, at);
  }
  const std::uint64_t purchase_hash = e.kind == event_kind::purchase && !e.id.empty() ? id_hash(e.id) : 0;
  const std::uint64_t ref_hash = e.kind == event_kind::refund ? id_hash(e.ref) : 0;
  if (repeats_purchase(purchases_, e.kind, purchase_hash)) {
    result.status = apply_status::duplicate;  // settled before the clock moves: nothing changes
    return result;
  }
  result.transitions = advance_to(from_us(now_us), p);

  const day_number clock_day = day_of(clock_us_, rp.offset_us);
  const day_number day = day_of(at, rp.offset_us);
  const event_facts facts{e.kind, day, e.coupon, e.amount.minor, purchase_hash, ref_hash};
  vector_list_view<purchase_record> purchases{purchases_};
  vector_list_view<activity_day> activity{activity_};
  if (record_event(purchases, activity, facts, clock_day, rp) == record_outcome::duplicate) {
    result.status = apply_status::duplicate;
    return result;
  }
  if (!known()) {
    core_.flags |= person_core::known;
    core_.first_seen = day;
    core_.stage_since_us = clock_us_;
  } else {
    core_.first_seen = std::min(core_.first_seen, day);
  }
  const evaluation ev = detail::evaluate(purchases_, activity_, clock_day, rp);
  apply_evaluation(core_, stays_, ev, clock_us_, cause::event, rp,
                   [&](const transition& t) { result.transitions.push_back(t); });
  return result;
}

boost::posix_time::ptime person_state::next_deadline(const policy& p) const {
  if (!known()) return boost::posix_time::ptime(boost::posix_time::not_a_date_time);
  const rule_params rp = rule_params::from(p);
  const day_number d = next_deadline_day(rp);
  if (d == no_day) return boost::posix_time::ptime(boost::posix_time::not_a_date_time);
  return from_us(day_start_us(d, rp.offset_us));
}

evaluation person_state::evaluate(boost::gregorian::date d, const policy& p) const {
  if (d.is_special()) throw error(errc::invalid_argument, "person_state::evaluate: not a valid date");
  const rule_params rp = rule_params::from(p);
  const day_number day = to_day_number(d);
  if (known() && day < day_of(clock_us_, rp.offset_us))
    throw error(errc::invalid_argument,
                "person_state::evaluate: the day is before the state's clock (windows already left are forgotten)");
  evaluation ev = detail::evaluate(purchases_, activity_, day, rp);
  ev.primary_role = detail::primary_role_of(ev);
  return ev;
}

profile person_state::to_profile(const policy& p) const {
  return make_profile(core_, stays_, purchases_, activity_, clock_us_, rule_params::from(p));
}

boost::posix_time::ptime person_state::clock() const { return from_us(clock_us_); }

// Layout (little-endian): magic u32, version u16, clock i64, core fields,
// purchase count u32 + records, activity count u32 + records, checksum u64 of
// everything before it.
std::vector<std::byte> person_state::to_bytes() const {
  byte_writer w;
  w.put(magic);
  w.put(format_version);
  w.put(clock_us_);
  put_core(w, core_, stays_);
  w.put(static_cast<std::uint32_t>(purchases_.size()));
  for (const purchase_record& r : purchases_) put_purchase(w, r);
  w.put(static_cast<std::uint32_t>(activity_.size()));
  for (const activity_day& a : activity_) put_activity(w, a);
  auto& bytes = w.bytes();
  const std::uint64_t sum = hash_bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size(), magic);
  w.put(sum);
  return std::move(bytes);
}

person_state person_state::from_bytes(std::span<const std::byte> bytes) {
  byte_reader r(bytes, "person_state::from_bytes");
  if (bytes.size() < 8 + 6) r.fail("truncated");
  const std::size_t body = bytes.size() - 8;
  byte_reader tail(bytes.subspan(body), "person_state::from_bytes");
  const auto stored_sum = tail.get<std::uint64_t>();
  if (r.get<std::uint32_t>() != magic) r.fail("not a person state (bad magic)");
  if (const auto v = r.get<std::uint16_t>(); v != format_version)
    r.fail("unsupported format version " + std::to_string(v));
  if (hash_bytes(reinterpret_cast<const char*>(bytes.data()), body, magic) != stored_sum)
    r.fail("checksum mismatch (corrupted)");
  byte_reader in(bytes.first(body), "person_state::from_bytes");
  in.get<std::uint32_t>();
  in.get<std::uint16_t>();

  person_state s;
  s.clock_us_ = get_instant(in, "clock");
  s.core_ = get_core(in, s.stays_);
  s.purchases_.resize(in.get_count(purchase_record_bytes));
  for (purchase_record& p : s.purchases_) p = get_purchase(in);
  s.activity_.resize(in.get_count(activity_day_bytes));
  for (activity_day& a : s.activity_) a = get_activity(in);
  if (in.remaining() != 0) in.fail("trailing bytes");
  return s;
}

}  // namespace lifecycle
