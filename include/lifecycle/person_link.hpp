#pragma once
/// \file person_link.hpp
/// A link between two persons that an event names: the one who pays and the
/// one who uses, or the one who recommends and the one recommended.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/person_id.hpp"

namespace lifecycle {

/// What a link says.
enum class link_kind : std::uint8_t {
  paid_for,  ///< a purchase with `target`: from = the payer, to = the beneficiary
  referred   ///< a referral with `target`: from = the referrer, to = the person referred
};
inline constexpr std::array<std::string_view, 2> link_kind_names = {"paid_for", "referred"};
constexpr std::string_view to_string(link_kind k) noexcept { return link_kind_names[static_cast<std::size_t>(k)]; }
constexpr std::optional<link_kind> parse_link_kind(std::string_view t) noexcept {
  return detail::parse_enum<link_kind>(link_kind_names, t);
}

/// One link, made by one accepted event (a duplicate makes none). Both ends
/// are handles of the engine that recorded it; the target is interned but not
/// made known by the link (model.md: only its own events make a person known).
struct person_link {
  person_id from;
  person_id to;
  link_kind kind = link_kind::paid_for;
  friend constexpr bool operator==(const person_link&, const person_link&) = default;
};

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::link_kind> : lifecycle::detail::enum_formatter<lifecycle::link_kind> {};
