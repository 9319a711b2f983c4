#pragma once
/// \file signal.hpp
/// The moments to act (docs/signals.md): what a signal says, and sets of them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lifecycle/detail/enum_set.hpp"
#include "lifecycle/detail/enum_text.hpp"

namespace lifecycle {

/// A moment the engine flags for the host to act on. Signals travel with the
/// transitions (`change::signal`): in ingest and advance results, to
/// subscribers and in the history.
enum class signal_kind : std::uint8_t {
  browse_no_buy,   ///< a view with no purchase within browse_hours after it
  abandoned_cart,  ///< the same for a cart
  usage_decline,   ///< activity of the last decline_days below half of the decline_days before
  contact_due,     ///< a reachable customer not contacted for contact_every_days
  over_contacted,  ///< over_contact_count contacts within over_contact_days, no activity in between
  birthday,        ///< the person's birthday in the business calendar
  tier_up,         ///< the points reached a higher tier
  tier_down        ///< the points fell below the tier's threshold
};

inline constexpr std::size_t signal_count = 8;

inline constexpr std::array<signal_kind, signal_count> all_signals = {
    signal_kind::browse_no_buy, signal_kind::abandoned_cart, signal_kind::usage_decline,
    signal_kind::contact_due,   signal_kind::over_contacted, signal_kind::birthday,
    signal_kind::tier_up,       signal_kind::tier_down};

inline constexpr std::array<std::string_view, signal_count> signal_names = {
    "browse_no_buy", "abandoned_cart", "usage_decline", "contact_due",
    "over_contacted", "birthday",      "tier_up",       "tier_down"};

constexpr std::string_view to_string(signal_kind s) noexcept {
  return signal_names[static_cast<std::size_t>(s)];
}
constexpr std::optional<signal_kind> parse_signal_kind(std::string_view text) noexcept {
  return detail::parse_enum<signal_kind>(signal_names, text);
}

/// A set of signals (the policy's `signals` key switches each on or off).
using signal_set = detail::enum_set<signal_kind, signal_count>;

/// "all", "none", or the names in declaration order separated by ", ".
std::string to_string(signal_set s);
/// Parses "all", "none" or a comma-separated list of signal names.
std::optional<signal_set> parse_signal_set(std::string_view text);

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::signal_kind> : lifecycle::detail::enum_formatter<lifecycle::signal_kind> {};
