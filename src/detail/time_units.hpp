#pragma once
// Conversions between Boost.Date_Time and the integer units the engine computes in:
// microseconds since 1970-01-01T00:00Z, and business day numbers.

#include <cstdint>
#include <limits>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/detail/person_records.hpp"

namespace lifecycle::detail {

inline constexpr std::int64_t us_per_second = 1'000'000;
inline constexpr std::int64_t us_per_day = 86'400 * us_per_second;
inline constexpr day_number no_day = std::numeric_limits<day_number>::max();

// ptime keeps one tick count (microseconds since its calendar's day 0). Going
// through ptime arithmetic costs hundreds of instructions per conversion on the
// hot path (every check for special values); reading and building the count
// directly costs a few. The member pointer is the standard way to reach a
// protected member of a base object without undefined behaviour.
struct ptime_ticks : boost::posix_time::ptime {
  static std::int64_t of(const boost::posix_time::ptime& t) { return (t.*(&ptime_ticks::time_)).time_count(); }
};

/// Ticks of the Unix epoch in ptime's own count: its day number in the
/// gregorian calendar (the Julian day number of 1970-01-01) times a day of
/// microseconds. A constant, not a computed static: every event converts a time
/// (the time tests check it against Boost's own count).
inline constexpr std::int64_t epoch_day_number = 2'440'588;
inline constexpr std::int64_t epoch_ticks() { return epoch_day_number * us_per_day; }

/// Microseconds since the epoch; the caller has checked `t` is a real instant.
inline std::int64_t to_us(boost::posix_time::ptime t) { return ptime_ticks::of(t) - epoch_ticks(); }

inline boost::posix_time::ptime from_us(std::int64_t us) {
  return boost::posix_time::ptime(boost::posix_time::ptime::time_rep_type(us + epoch_ticks()));
}

/// The first and last instants Boost.Date_Time can hold (1400-01-01, 9999-12-31
/// 23:59:59.999999), in microseconds since the epoch: bounds for decoded times.
inline std::int64_t min_us() {
  static const std::int64_t v = to_us(boost::posix_time::ptime(boost::gregorian::date(1400, 1, 1)));
  return v;
}
inline std::int64_t max_us() {
  static const std::int64_t v = to_us(boost::posix_time::ptime(boost::gregorian::date(9999, 12, 31))) + us_per_day - 1;
  return v;
}

inline constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The business day of instant `us` for a calendar `offset_us` ahead of UTC.
inline constexpr day_number day_of(std::int64_t us, std::int64_t offset_us) {
  return static_cast<day_number>(floor_div(us + offset_us, us_per_day));
}

/// The instant business day `d` starts.
inline constexpr std::int64_t day_start_us(day_number d, std::int64_t offset_us) {
  return static_cast<std::int64_t>(d) * us_per_day - offset_us;
}

inline boost::gregorian::date to_date(day_number d) {
  return boost::gregorian::date(1970, 1, 1) + boost::gregorian::days(d);
}

inline day_number to_day_number(boost::gregorian::date d) {
  return static_cast<day_number>((d - boost::gregorian::date(1970, 1, 1)).days());
}

/// Instants the engine accepts: real (not special) and between years 1400 and 9999,
/// so every day and microsecond figure fits its integer.
inline bool is_usable_time(boost::posix_time::ptime t) { return !t.is_special(); }

}  // namespace lifecycle::detail
