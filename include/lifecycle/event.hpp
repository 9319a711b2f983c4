#pragma once
/// \file event.hpp
/// One user event as a host hands it in.

#include <cstdint>
#include <string_view>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/event_kind.hpp"
#include "lifecycle/money.hpp"

namespace lifecycle {

/// An event. The string views are borrowed for the duration of the call that
/// takes the event; the library copies what it keeps. Fields that do not apply
/// to the kind are ignored.
struct event {
  boost::posix_time::ptime time;  ///< when it happened, UTC
  std::string_view person;        ///< the host's id of the person
  event_kind kind = event_kind::visit;
  money amount{};                 ///< purchase: amount paid, >= 0
  bool coupon = false;            ///< purchase: made with a coupon or discount
  std::string_view id;            ///< optional event id; a repeated id is a duplicate
  std::string_view target;        ///< purchase: beneficiary; referral: the person referred
  std::string_view ref;           ///< refund: id of the purchase it cancels (required)
  int score = -1;                 ///< feedback: 0..10, or -1 for none
};

/// Why an event was refused. Values are stable; `to_string` gives a sentence.
enum class reject_reason : std::uint8_t {
  none,             ///< not rejected
  bad_time,         ///< the time is not a valid instant
  empty_person,     ///< no person id (checked by the string-id ingest)
  negative_amount,  ///< a purchase with an amount below zero
  missing_ref,      ///< a refund that names no purchase
  bad_score,        ///< a feedback score outside 0..10
  clock_not_set,    ///< host clock mode and the host never called advance_to
  too_far_ahead,    ///< host clock mode and dated more than max_skew after the clock
  unknown_person,   ///< a person handle the engine never issued
  person_too_long   ///< a person id longer than 65535 bytes
};

/// A short sentence, e.g. "event is dated more than max_skew ahead of the clock".
std::string_view to_string(reject_reason r) noexcept;

/// Checks the fields of \p e that depend on nothing else (time, amount, ref,
/// score; not the person); `none` when fine. Inline: every ingest asks it.
inline reject_reason check_fields(const event& e) noexcept {
  if (e.time.is_special()) return reject_reason::bad_time;
  if (e.kind == event_kind::purchase && e.amount.minor < 0) return reject_reason::negative_amount;
  if (e.kind == event_kind::refund && e.ref.empty()) return reject_reason::missing_ref;
  if (e.kind == event_kind::feedback && e.score != -1 && (e.score < 0 || e.score > 10))
    return reject_reason::bad_score;
  return reject_reason::none;
}

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::reject_reason>
    : lifecycle::detail::enum_formatter<lifecycle::reject_reason> {};
