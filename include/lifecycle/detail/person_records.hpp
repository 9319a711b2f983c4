#pragma once
// The variable parts of a person's state. Shared by person_state (which owns
// them in vectors) and the engine (which keeps them in pooled arrays).

#include <array>
#include <cstdint>

namespace lifecycle::detail {

/// Days since 1970-01-01 in the business calendar.
using day_number = std::int32_t;

/// One purchase, or a refund that arrived before its purchase. Kept for good:
/// P, first and last purchase and refunds by id need the whole list.
struct purchase_record {
  std::uint64_t id_hash = 0;  ///< hash of the purchase id; 0 = no id
  std::int64_t amount = 0;    ///< minor units
  day_number day = 0;
  std::uint8_t flags = 0;
  static constexpr std::uint8_t coupon = 1;          ///< made with a coupon
  static constexpr std::uint8_t refunded = 2;        ///< cancelled by a refund
  static constexpr std::uint8_t refund_waiting = 4;  ///< a refund seen, its purchase not yet
  bool has(std::uint8_t f) const noexcept { return (flags & f) != 0; }
  /// True for a purchase that counts in P and Pw.
  bool net() const noexcept { return (flags & (refunded | refund_waiting)) == 0; }
  friend bool operator==(const purchase_record&, const purchase_record&) = default;
};

/// The person's activity on one day, by what the rules count. Kept while the
/// day can still count in a window. A counter that would pass 255 starts a
/// second record for the same day, so counts stay exact in 12 bytes.
struct activity_day {
  day_number day = 0;
  std::uint8_t any = 0;     ///< every activity event (all kinds but contact)
  std::uint8_t post = 0;
  std::uint8_t review = 0;
  std::uint8_t join = 0;
  std::uint8_t buyer = 0;   ///< search, cart, purchase
  std::uint8_t follow = 0;
  friend bool operator==(const activity_day&, const activity_day&) = default;
};
static_assert(sizeof(activity_day) == 12);

/// The fixed part of a person's state that events read: 16 bytes.
struct person_core {
  std::int64_t stage_since_us = 0;  ///< when the current stage began (us since epoch)
  day_number first_seen = 0;        ///< day of the earliest event
  std::uint8_t stage = 0;           ///< lifecycle::stage
  std::uint8_t roles = 0;           ///< role_set bits
  std::uint8_t flags = 0;
  static constexpr std::uint8_t known = 1;      ///< an event has reached the person
  static constexpr std::uint8_t converted = 2;  ///< has been a customer at some point
  static constexpr std::uint8_t declining = 4;  ///< engine signals: usage_decline holds (emitted)
  static constexpr std::uint8_t streak = 8;     ///< engine signals: contacts since the last activity
  static constexpr std::uint8_t view_pending = 16;  ///< engine signals: a browse_no_buy waits for its hour
  static constexpr std::uint8_t cart_pending = 32;  ///< engine signals: an abandoned_cart waits for its hour
  static constexpr std::uint8_t reachable = 64;     ///< engine signals: confirmed the relationship, not opted out
  static constexpr std::uint8_t has_points = 128;   ///< engine signals: earned points (other than purchases') or a tier above the first
  bool has(std::uint8_t f) const noexcept { return (flags & f) != 0; }
  friend bool operator==(const person_core&, const person_core&) = default;
};
static_assert(sizeof(person_core) == 16);

/// The completed stays of a person, by stage, in seconds. Only a stage change
/// writes them, so the engine keeps them apart from the record every event reads.
struct stage_stays {
  std::array<std::uint32_t, 5> seconds{};
  friend bool operator==(const stage_stays&, const stage_stays&) = default;
};

}  // namespace lifecycle::detail
