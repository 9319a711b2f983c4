#pragma once
/// \file stage.hpp
/// Customer stages: what a person is as a customer (model.md, "Customer stages").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lifecycle/detail/enum_text.hpp"

namespace lifecycle {

/// The five customer stages. Every known person holds exactly one.
enum class stage : std::uint8_t {
  potential,     ///< has not paid (or every purchase was refunded)
  new_customer,  ///< first purchase less than `new_days` ago; text form "new"
  passive,       ///< lapsed, or buys now and then without a pattern
  deal_hunter,   ///< buys mostly with coupons or discounts
  loyal          ///< buys repeatedly and follows the business
};

/// Number of stages; `stage` values are 0 .. stage_count - 1.
inline constexpr std::size_t stage_count = 5;

/// All stages in declaration order, for iteration.
inline constexpr std::array<stage, stage_count> all_stages = {
    stage::potential, stage::new_customer, stage::passive, stage::deal_hunter, stage::loyal};

/// Text names as used in scripts, CSV and reports.
inline constexpr std::array<std::string_view, stage_count> stage_names = {
    "potential", "new", "passive", "deal_hunter", "loyal"};

/// The stage's text name, e.g. "deal_hunter".
constexpr std::string_view to_string(stage s) noexcept {
  return stage_names[static_cast<std::size_t>(s)];
}

/// Parses a text name ("potential", "new", "passive", "deal_hunter", "loyal").
constexpr std::optional<stage> parse_stage(std::string_view text) noexcept {
  return detail::parse_enum<stage>(stage_names, text);
}

/// True for the four stages of a paying customer (everything but potential).
constexpr bool is_customer(stage s) noexcept { return s != stage::potential; }

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::stage> : lifecycle::detail::enum_formatter<lifecycle::stage> {};
