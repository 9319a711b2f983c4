// Text forms of the vocabulary: role sets, money, reasons, transitions, rejections.

#include <charconv>
#include <limits>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/format.h>

#include "lifecycle/event.hpp"
#include "lifecycle/money.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/transition.hpp"

namespace lifecycle {

std::string to_string(role_set s, std::string_view separator, std::string_view empty) {
  if (s.empty()) return std::string(empty);
  std::string out;
  for (role r : all_roles) {
    if (!s.contains(r)) continue;
    if (!out.empty()) out += separator;
    out += to_string(r);
  }
  return out;
}

std::optional<role_set> parse_role_set(std::string_view text) noexcept {
  if (text == "none") return role_set{};
  role_set s;
  while (true) {
    const std::size_t comma = text.find(',');
    const auto r = parse_role(text.substr(0, comma));
    if (!r) return std::nullopt;
    s.insert(*r);
    if (comma == std::string_view::npos) return s;
    text.remove_prefix(comma + 1);
  }
}

std::optional<money> parse_money(std::string_view text) noexcept {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty() && whole.empty()) return std::nullopt;
  if (frac.size() > 2 || whole.size() > 16) return std::nullopt;
  std::int64_t units = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    units = units * 10 + (c - '0');
  }
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  if (units > 9'000'000'000'000'000LL / 100) return std::nullopt;
  const std::int64_t minor = units * 100 + cents;
  return money{negative ? -minor : minor};
}

std::string to_string(money m) {
  const bool negative = m.minor < 0;
  // Work in unsigned so the most negative value does not overflow.
  const std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(m.minor) : static_cast<std::uint64_t>(m.minor);
  return fmt::format("{}{}.{:02}", negative ? "-" : "", v / 100, v % 100);
}

std::string_view to_string(reject_reason r) noexcept {
  switch (r) {
    case reject_reason::none: return "not rejected";
    case reject_reason::bad_time: return "the time is not a valid instant";
    case reject_reason::empty_person: return "the event names no person";
    case reject_reason::negative_amount: return "a purchase amount is negative";
    case reject_reason::missing_ref: return "a refund must name the purchase it cancels (ref)";
    case reject_reason::bad_score: return "a feedback score must be between 0 and 10";
    case reject_reason::clock_not_set: return "host clock mode: the clock is not set (call advance_to first)";
    case reject_reason::too_far_ahead: return "the event is dated more than max_skew ahead of the clock";
    case reject_reason::unknown_person: return "the person handle was not issued by this engine";
    case reject_reason::person_too_long: return "the person id is longer than 65535 bytes";
  }
  return "unknown reason";
}

namespace {

std::string counted(std::int32_t n, role r) {
  static constexpr std::string_view one[] = {"post", "review", "join", "event", "search, cart or purchase"};
  static constexpr std::string_view many[] = {"posts", "reviews", "joins", "events", "searches, carts or purchases"};
  const auto i = static_cast<std::size_t>(r);
  return fmt::format("{} {}", n, n == 1 ? one[i] : many[i]);
}

std::string plural(std::int32_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A share in millionths as a decimal with 2 to 6 places: 500000 -> "0.50", 483000 -> "0.483".
std::string millionths(std::int32_t v) {
  std::string digits = fmt::format("{}.{:06}", v / 1000000, v % 1000000);
  while (digits.size() > digits.find('.') + 3 && digits.back() == '0') digits.pop_back();
  return digits;
}

}  // namespace

std::string to_string(const reason& r) {
  const auto [a, b, c, d] = r.figures;
  using rule = reason::rule;
  switch (r.which) {
    case rule::no_purchase:
      return a == 0 ? std::string("potential: no purchase yet")
                    : fmt::format("potential: no net purchase ({} refunded)", a);
    case rule::new_customer:
      return fmt::format("new: first purchase {} days ago (< {})", a, b);
    case rule::lapse:
      return fmt::format("lapse: last purchase {} days ago (>= {})", a, b);
    case rule::deal_hunter:
      return fmt::format("deal hunter: {} of {} in {} days with a coupon (>= {}%)", a,
                         plural(b, "purchase"), c, d / 10.0);
    case rule::loyal:
      return fmt::format("loyal: {} (>= {}) and {} in {} days", plural(a, "purchase"), d,
                         plural(b, "follow"), c);
    case rule::occasional:
      return fmt::format("occasional: {} in {} days, {} with a coupon, {}", plural(a, "purchase"), c, b,
                         plural(d, "follow"));
    case rule::role_held:
      return fmt::format("{}: {} in {} days (>= {})", to_string(r.about), counted(a, r.about), c, b);
    case rule::role_dropped:
      return fmt::format("{}: {} in {} days (< {})", to_string(r.about), counted(a, r.about), c, b);
    case rule::other_role:
      return fmt::format("spectator: holds another role now ({} in {} days)", counted(a, role::spectator), c);
    case rule::lapse_model:
      return fmt::format("lapse: probability alive {} (< {}) under {}, {}", millionths(a - a % 1000),
                         millionths(b), c == 1 ? "BG/NBD" : c == 2 ? "Pareto/NBD" : "a model",
                         plural(d, "repeat purchase"));
    case rule::browse_no_buy:
    case rule::abandoned_cart: {
      const bool cart = r.which == rule::abandoned_cart;
      return fmt::format("{}: a {} and no purchase within {} hours (at most once per {} days)",
                         cart ? "abandoned_cart" : "browse_no_buy", cart ? "cart" : "view", a, c);
    }
    case rule::usage_decline:
      return fmt::format("usage_decline: {} in the last {} days, below half of the {} in the {} days before (>= {})",
                         plural(a, "event"), c, b, c, d);
    case rule::contact_due:
      return c == 1 ? fmt::format("contact_due: reachable customer, never contacted, for {} days (every {} days)", a, b)
                    : fmt::format("contact_due: not contacted for {} days (every {} days)", a, b);
    case rule::over_contacted:
      return fmt::format("over_contacted: {} within {} days and no activity in between (>= {})", plural(a, "contact"),
                         c, b);
    case rule::birthday:
      return c == 1 ? fmt::format("birthday: {:02}-{:02}, marked on 02-28 (not a leap year)", a, b)
                    : fmt::format("birthday: {:02}-{:02}", a, b);
    case rule::tier_up:
      return fmt::format("tier_up: {} in {} days reach tier {} (>= {})", plural(a, "point"), c, d, b);
    case rule::tier_down:
      return fmt::format("tier_down: {} in {} days, below {} (now tier {})", plural(a, "point"), c, b, d);
  }
  return "unknown rule";
}

std::string to_string(const transition& t) {
  const std::string when = boost::posix_time::to_iso_extended_string(t.when);
  if (t.what == change::stage)
    return fmt::format("{} stage {} -> {} ({}): {}", when, t.from, t.to, t.cause, t.why);
  if (t.what == change::signal) return fmt::format("{} signal {} ({}): {}", when, t.signal_raised, t.cause, t.why);
  return fmt::format("{} role {}{} ({}): {}", when, t.what == change::role_gained ? '+' : '-',
                     t.role_changed, t.cause, t.why);
}

}  // namespace lifecycle
