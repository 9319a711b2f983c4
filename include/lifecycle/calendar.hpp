#pragma once
/// \file calendar.hpp
/// The business calendar: which day an instant falls on, and when a day starts.

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

namespace lifecycle {

/// The business day of UTC instant \p t for a calendar \p utc_offset ahead of UTC
/// (e.g. +08:00: 2024-01-01T17:00Z is 2024-01-02 there).
inline boost::gregorian::date business_day(boost::posix_time::ptime t,
                                           boost::posix_time::time_duration utc_offset) {
  return (t + utc_offset).date();
}

/// The UTC instant at which business day \p d starts.
inline boost::posix_time::ptime day_start(boost::gregorian::date d,
                                          boost::posix_time::time_duration utc_offset) {
  return boost::posix_time::ptime(d) - utc_offset;
}

}  // namespace lifecycle
