#pragma once
/// \file event_kind.hpp
/// The thirteen kinds of user event (model.md, "People and events").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lifecycle/detail/enum_text.hpp"

namespace lifecycle {

/// What happened. Hosts map their own event vocabularies onto these.
enum class event_kind : std::uint8_t {
  visit,     ///< opens the app, a session or a page
  view,      ///< looks at a product or a piece of content
  search,    ///< searches for something specific
  cart,      ///< adds to cart or starts checkout
  purchase,  ///< pays; carries amount, coupon flag, optional beneficiary
  refund,    ///< cancels an earlier purchase named by its event id
  post,      ///< creates content
  review,    ///< rates, reviews or comments
  join,      ///< joins a group, page, channel or community
  follow,    ///< follows the business's own news or products
  referral,  ///< recommends or invites another person
  feedback,  ///< complaint, ticket or survey answer; optional score
  contact    ///< the business reached the person; never counts as activity
};

/// Number of event kinds.
inline constexpr std::size_t event_kind_count = 13;

/// All kinds in declaration order, for iteration.
inline constexpr std::array<event_kind, event_kind_count> all_event_kinds = {
    event_kind::visit,  event_kind::view,   event_kind::search,   event_kind::cart,
    event_kind::purchase, event_kind::refund, event_kind::post,   event_kind::review,
    event_kind::join,   event_kind::follow, event_kind::referral, event_kind::feedback,
    event_kind::contact};

/// Text names as used in scripts and CSV.
inline constexpr std::array<std::string_view, event_kind_count> event_kind_names = {
    "visit", "view",   "search", "cart",     "purchase", "refund", "post",
    "review", "join",  "follow", "referral", "feedback", "contact"};

/// The kind's text name, e.g. "purchase".
constexpr std::string_view to_string(event_kind k) noexcept {
  return event_kind_names[static_cast<std::size_t>(k)];
}

/// Parses a text name ("visit", "view", ... "contact").
constexpr std::optional<event_kind> parse_event_kind(std::string_view text) noexcept {
  return detail::parse_enum<event_kind>(event_kind_names, text);
}

/// Whether the event is the person's own doing. `contact` is the business's
/// action and never counts toward a role or a window.
constexpr bool is_activity(event_kind k) noexcept { return k != event_kind::contact; }

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::event_kind>
    : lifecycle::detail::enum_formatter<lifecycle::event_kind> {};
