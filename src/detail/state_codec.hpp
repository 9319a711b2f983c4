#pragma once
// The byte form of a person's state parts, shared by person_state::to_bytes and
// engine snapshots so both read and check a person the same way. Readers
// validate every field they can, so corrupt bytes fail here, not later.

#include <cstdint>

#include "detail/bytes.hpp"
#include "detail/time_units.hpp"
#include "lifecycle/detail/person_records.hpp"
#include "lifecycle/stage.hpp"

namespace lifecycle::detail {

// Days and instants must be ones Boost.Date_Time can hold, or turning them
// into dates later (a profile, a report) would throw far from the bad bytes.
inline day_number get_day(byte_reader& in, const char* what) {
  constexpr std::int64_t max_offset = 14 * 3600 * us_per_second;  // policy: within +-14h
  static const day_number first = day_of(min_us(), -max_offset), last = day_of(max_us(), max_offset);
  const auto d = in.get<std::int32_t>();
  if (d < first || d > last) in.fail(std::string(what) + " out of range");
  return d;
}

inline std::int64_t get_instant(byte_reader& in, const char* what) {
  const auto us = in.get<std::int64_t>();
  if (us < min_us() || us > max_us()) in.fail(std::string(what) + " out of range");
  return us;
}

inline constexpr std::size_t person_core_bytes = 8 + 4 + 5 * 4 + 3;

inline void put_core(byte_writer& w, const person_core& c, const stage_stays& stays) {
  w.put(c.stage_since_us);
  w.put(c.first_seen);
  for (std::uint32_t s : stays.seconds) w.put(s);
  w.put(c.stage);
  w.put(c.roles);
  w.put(c.flags);
}

inline person_core get_core(byte_reader& in, stage_stays& stays) {
  person_core c;
  c.stage_since_us = get_instant(in, "stage start");
  c.first_seen = get_day(in, "first day seen");
  for (std::uint32_t& v : stays.seconds) v = in.get<std::uint32_t>();
  c.stage = in.get<std::uint8_t>();
  c.roles = in.get<std::uint8_t>();
  c.flags = in.get<std::uint8_t>();
  if (c.stage >= stage_count || c.roles >= 32) in.fail("person field out of range");
  return c;
}

inline constexpr std::size_t purchase_record_bytes = 21;

inline void put_purchase(byte_writer& w, const purchase_record& r) {
  w.put(r.id_hash);
  w.put(r.amount);
  w.put(r.day);
  w.put(r.flags);
}

inline purchase_record get_purchase(byte_reader& in) {
  purchase_record p;
  p.id_hash = in.get<std::uint64_t>();
  p.amount = in.get<std::int64_t>();
  p.day = get_day(in, "purchase day");
  p.flags = in.get<std::uint8_t>();
  if (p.flags > 7) in.fail("purchase flags out of range");
  return p;
}

inline constexpr std::size_t activity_day_bytes = 10;

inline void put_activity(byte_writer& w, const activity_day& a) {
  w.put(a.day);
  for (std::uint8_t c : {a.any, a.post, a.review, a.join, a.buyer, a.follow}) w.put(c);
}

inline activity_day get_activity(byte_reader& in) {
  activity_day a;
  a.day = get_day(in, "activity day");
  for (std::uint8_t* c : {&a.any, &a.post, &a.review, &a.join, &a.buyer, &a.follow}) *c = in.get<std::uint8_t>();
  return a;
}

}  // namespace lifecycle::detail
