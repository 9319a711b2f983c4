// Text forms of the signal and loyalty vocabulary (signal.hpp, month_day.hpp, loyalty.hpp).
#include <charconv>

#include <fmt/format.h>

#include "lifecycle/loyalty.hpp"
#include "lifecycle/month_day.hpp"
#include "lifecycle/signal.hpp"

namespace lifecycle {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(item) for each comma-separated, trimmed item; false if f refuses one.
template <class F>
bool for_each_item(std::string_view text, F f) {
  while (true) {
    const std::size_t comma = text.find(',');
    if (!f(trim(text.substr(0, comma)))) return false;
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

template <class Int>
bool parse_integer(std::string_view s, Int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

// "name:value" -> name and value, both trimmed.
bool split_pair(std::string_view item, std::string_view& name, std::string_view& value) {
  const std::size_t colon = item.find(':');
  if (colon == std::string_view::npos) return false;
  name = trim(item.substr(0, colon));
  value = trim(item.substr(colon + 1));
  return !name.empty();
}

}  // namespace

std::string to_string(signal_set s) {
  if (s == signal_set::all()) return "all";
  if (s.empty()) return "none";
  std::string out;
  for (signal_kind k : all_signals)
    if (s.contains(k)) {
      if (!out.empty()) out += ", ";
      out += to_string(k);
    }
  return out;
}

std::optional<signal_set> parse_signal_set(std::string_view text) {
  text = trim(text);
  if (text == "all") return signal_set::all();
  if (text == "none") return signal_set::none();
  signal_set s;
  const bool ok = for_each_item(text, [&](std::string_view item) {
    const auto k = parse_signal_kind(item);
    if (k) s.insert(*k);
    return k.has_value();
  });
  if (!ok) return std::nullopt;
  return s;
}

bool month_day::valid() const noexcept {
  static constexpr std::uint8_t days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1];
}

boost::gregorian::date month_day::in_year(int year) const {
  const auto y = static_cast<unsigned short>(year);
  if (month == 2 && day == 29 && !boost::gregorian::gregorian_calendar::is_leap_year(y))
    return boost::gregorian::date(y, 2, 28);
  return boost::gregorian::date(y, month, day);
}

std::optional<month_day> parse_month_day(std::string_view text) noexcept {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 2 || text.size() - dash - 1 == 0 ||
      text.size() - dash - 1 > 2)
    return std::nullopt;
  unsigned m = 0, d = 0;
  if (!parse_integer(text.substr(0, dash), m) || !parse_integer(text.substr(dash + 1), d)) return std::nullopt;
  if (m > 12 || d > 31) return std::nullopt;
  const month_day md{static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
  if (!md.valid()) return std::nullopt;
  return md;
}

std::string to_string(month_day d) { return fmt::format("{:02}-{:02}", d.month, d.day); }

std::string to_string(const points_table& t) {
  std::string out;
  for (event_kind k : all_event_kinds) {
    const int v = t[static_cast<std::size_t>(k)];
    if (v == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", to_string(k), v);
  }
  return out.empty() ? "none" : out;
}

std::optional<points_table> parse_points_table(std::string_view text) {
  points_table t{};
  if (trim(text) == "none") return t;
  const bool ok = for_each_item(text, [&](std::string_view item) {
    std::string_view name, value;
    int v = 0;
    if (!split_pair(item, name, value) || !parse_integer(value, v)) return false;
    const auto k = parse_event_kind(name);
    if (!k) return false;
    t[static_cast<std::size_t>(*k)] = v;
    return true;
  });
  if (!ok) return std::nullopt;
  return t;
}

std::string to_string(const tier_list& t) {
  if (t.empty()) return "none";
  std::string out;
  for (const tier& x : t) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", x.name, x.min_points);
  }
  return out;
}

std::optional<tier_list> parse_tier_list(std::string_view text) {
  tier_list t;
  if (trim(text) == "none") return t;
  const bool ok = for_each_item(text, [&](std::string_view item) {
    std::string_view name, value;
    std::int64_t v = 0;
    if (!split_pair(item, name, value) || !parse_integer(value, v)) return false;
    t.push_back({std::string(name), v});
    return true;
  });
  if (!ok) return std::nullopt;
  return t;
}

}  // namespace lifecycle
