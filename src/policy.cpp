#include "lifecycle/policy.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

constexpr int max_days = 36500;  // a century: anything longer is a typo
constexpr int max_count = 1'000'000;

[[noreturn]] void bad(std::string_view key, std::string_view what) {
  throw error(errc::invalid_policy, fmt::format("policy: {} {}", key, what));
}

int parse_int(std::string_view key, std::string_view v) {
  int out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size() || v.empty())
    bad(key, fmt::format("must be an integer, got '{}'", v));
  return out;
}

bool parse_bool(std::string_view key, std::string_view v) {
  if (v == "true" || v == "yes" || v == "1") return true;
  if (v == "false" || v == "no" || v == "0") return false;
  bad(key, fmt::format("must be true or false, got '{}'", v));
}

double parse_share(std::string_view key, std::string_view v) {
  const std::string s(v);
  char* end = nullptr;
  const double d = s.empty() ? NAN : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d))
    bad(key, fmt::format("must be a number such as 0.5, got '{}'", v));
  return d;
}

double parse_number(std::string_view key, std::string_view v) {
  const std::string s(v);
  char* end = nullptr;
  const double d = s.empty() ? NAN : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d))
    bad(key, fmt::format("must be a number such as 0.243 or 4.414, got '{}'", v));
  return d;
}

// "+08:00", "-03:30", "+0530", "Z", "0".
boost::posix_time::time_duration parse_offset(std::string_view key, std::string_view v) {
  if (v == "Z" || v == "0" || v == "+00:00" || v == "-00:00") return boost::posix_time::hours(0);
  auto fail = [&]() { bad(key, fmt::format("must look like +08:00 or -03:30, got '{}'", v)); };
  if (v.size() < 3 || (v[0] != '+' && v[0] != '-')) fail();
  const bool negative = v[0] == '-';
  std::string_view rest = v.substr(1);
  std::string digits;
  for (char c : rest) {
    if (c == ':') continue;
    if (c < '0' || c > '9') fail();
    digits += c;
  }
  if (digits.size() != 2 && digits.size() != 4) fail();
  const int hours = std::stoi(digits.substr(0, 2));
  const int minutes = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
  if (minutes >= 60) fail();
  const auto d = boost::posix_time::hours(hours) + boost::posix_time::minutes(minutes);
  return negative ? -d : d;
}

// "300" (seconds), "90s", "5m", "1h", "1d".
boost::posix_time::time_duration parse_skew(std::string_view key, std::string_view v) {
  if (v.empty()) bad(key, "must be a duration such as 300, 5m or 1h, got ''");
  std::int64_t unit = 1;
  std::string_view number = v;
  switch (v.back()) {
    case 's': unit = 1; number.remove_suffix(1); break;
    case 'm': unit = 60; number.remove_suffix(1); break;
    case 'h': unit = 3600; number.remove_suffix(1); break;
    case 'd': unit = 86400; number.remove_suffix(1); break;
    default: break;
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (number.empty() || ec != std::errc{} || end != number.data() + number.size() || n > 100'000'000'000LL)
    bad(key, fmt::format("must be a duration such as 300, 5m or 1h, got '{}'", v));
  return boost::posix_time::seconds(static_cast<long>(n * unit));
}

std::string offset_text(boost::posix_time::time_duration d) {
  const bool negative = d.is_negative();
  if (negative) d = -d;
  return fmt::format("{}{:02}:{:02}", negative ? '-' : '+', d.hours(), d.minutes());
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "none", or "loyal->deal_hunter, passive -> new" (commas between moves).
stage_moves parse_moves(std::string_view key, std::string_view v) {
  stage_moves out;
  if (v == "none") return out;
  std::string_view rest = v;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim_blanks(rest.substr(0, comma));
    const auto m = parse_stage_move(item);
    if (!m) {
      // Name the unknown stage when the item has the shape of a move.
      if (const std::size_t arrow = item.find("->"); arrow != std::string_view::npos)
        for (std::string_view name : {item.substr(0, arrow), item.substr(arrow + 2)})
          if (!parse_stage(trim_blanks(name)))
            bad(key, fmt::format("names an unknown stage '{}' in '{}' (stages: {})", trim_blanks(name), item,
                                 fmt::join(stage_names, ", ")));
      bad(key, fmt::format("must be moves such as loyal->deal_hunter, separated by commas, or none; got '{}'", item));
    }
    out.insert(*m);
    if (comma == std::string_view::npos) return out;
    rest.remove_prefix(comma + 1);
  }
}

void check_days(std::string_view key, int v) {
  if (v < 1 || v > max_days) bad(key, fmt::format("must be between 1 and {} days, got {}", max_days, v));
}

void check_count(std::string_view key, int v) {
  if (v < 1 || v > max_count) bad(key, fmt::format("must be between 1 and {}, got {}", max_count, v));
}

// A model parameter: 0 (unset) or positive; positive when the model is in use.
void check_param(std::string_view key, double v, bool used, std::string_view model) {
  if (!std::isfinite(v) || v < 0) bad(key, fmt::format("must be a positive number, got {}", v));
  if (used && !(v > 0)) bad(key, fmt::format("must be positive when lapse_model is {}, got {}", model, v));
}

// The plain-number keys of the models: a pointer to the field, or null.
template <class Policy>
auto model_field(Policy& p, std::string_view key) noexcept -> decltype(&p.bgnbd_r) {
  if (key == "bgnbd_r") return &p.bgnbd_r;
  if (key == "bgnbd_alpha") return &p.bgnbd_alpha;
  if (key == "bgnbd_a") return &p.bgnbd_a;
  if (key == "bgnbd_b") return &p.bgnbd_b;
  if (key == "pareto_r") return &p.pareto_r;
  if (key == "pareto_alpha") return &p.pareto_alpha;
  if (key == "pareto_s") return &p.pareto_s;
  if (key == "pareto_beta") return &p.pareto_beta;
  if (key == "spend_p") return &p.spend_p;
  if (key == "spend_q") return &p.spend_q;
  if (key == "spend_gamma") return &p.spend_gamma;
  if (key == "clv_discount_rate") return &p.clv_discount_rate;
  if (key == "lapse_alive_threshold") return &p.lapse_alive_threshold;
  return nullptr;
}

// "none" or "loyal:14, passive:60".
std::array<int, stage_count> parse_stage_days(std::string_view key, std::string_view v) {
  std::array<int, stage_count> out{};
  if (trim_blanks(v) == "none") return out;
  std::string_view rest = v;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim_blanks(rest.substr(0, comma));
    const std::size_t colon = item.find(':');
    const auto s = colon == std::string_view::npos ? std::nullopt : parse_stage(trim_blanks(item.substr(0, colon)));
    if (!s) bad(key, fmt::format("must be stage:days pairs such as loyal:14, passive:60, or none; got '{}'", item));
    out[static_cast<std::size_t>(*s)] = parse_int(key, trim_blanks(item.substr(colon + 1)));
    if (comma == std::string_view::npos) return out;
    rest.remove_prefix(comma + 1);
  }
}

std::string stage_days_text(const std::array<int, stage_count>& days) {
  std::string out;
  for (stage s : all_stages) {
    if (days[static_cast<std::size_t>(s)] == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", s, days[static_cast<std::size_t>(s)]);
  }
  return out.empty() ? "none" : out;
}

void check_range(std::string_view key, int v, int lo, int hi, std::string_view unit) {
  if (v < lo || v > hi) bad(key, fmt::format("must be between {} and {}{}, got {}", lo, hi, unit, v));
}

void check_signal_fields(const policy& p) {
  check_range("browse_hours", p.browse_hours, 1, 24 * 365, " hours");
  check_range("browse_repeat_days", p.browse_repeat_days, 0, max_days, " days");
  check_range("decline_days", p.decline_days, 1, 365, " days");
  check_count("decline_min_events", p.decline_min_events);
  check_days("contact_every_days", p.contact_every_days);
  for (stage s : all_stages) {
    const int v = p.contact_every_days_by_stage[static_cast<std::size_t>(s)];
    if (v != 0) check_range(fmt::format("contact_every_days_by_stage ({})", s), v, 1, max_days, " days");
  }
  check_range("over_contact_count", p.over_contact_count, 2, 4, " contacts");
  check_days("over_contact_days", p.over_contact_days);
  for (event_kind k : all_event_kinds)
    check_range(fmt::format("points ({})", k), p.points[static_cast<std::size_t>(k)], 0, max_count, " points");
  check_days("points_window_days", p.points_window_days);
  if (p.tiers.size() > max_tiers) bad("tiers", fmt::format("may hold at most {} tiers, got {}", max_tiers, p.tiers.size()));
  for (std::size_t i = 0; i < p.tiers.size(); ++i) {
    const tier& t = p.tiers[i];
    if (t.name.empty() || t.name.find_first_of(" \t,:") != std::string::npos)
      bad("tiers", fmt::format("tier {} needs a name without blanks, commas or colons, got '{}'", i + 1, t.name));
    for (std::size_t j = 0; j < i; ++j)
      if (p.tiers[j].name == t.name) bad("tiers", fmt::format("names '{}' twice", t.name));
    if (i == 0 && t.min_points != 0)
      bad("tiers", fmt::format("the first tier '{}' must start at 0 points (everyone holds it), got {}", t.name,
                               t.min_points));
    if (i > 0 && t.min_points <= p.tiers[i - 1].min_points)
      bad("tiers", fmt::format("thresholds must rise: '{}' at {} is not above '{}' at {}", t.name, t.min_points,
                               p.tiers[i - 1].name, p.tiers[i - 1].min_points));
  }
}

// The integer keys: a pointer to the field, or null.
template <class Policy>
auto int_field(Policy& p, std::string_view key) noexcept -> decltype(&p.new_days) {
  if (key == "new_days") return &p.new_days;
  if (key == "lapse_days") return &p.lapse_days;
  if (key == "window_days") return &p.window_days;
  if (key == "role_window_days") return &p.role_window_days;
  if (key == "joiner_min_joins") return &p.joiner_min_joins;
  if (key == "loyal_min_purchases") return &p.loyal_min_purchases;
  if (key == "deal_min_purchases") return &p.deal_min_purchases;
  if (key == "forecast_days") return &p.forecast_days;
  if (key == "browse_hours") return &p.browse_hours;
  if (key == "browse_repeat_days") return &p.browse_repeat_days;
  if (key == "decline_days") return &p.decline_days;
  if (key == "decline_min_events") return &p.decline_min_events;
  if (key == "contact_every_days") return &p.contact_every_days;
  if (key == "over_contact_count") return &p.over_contact_count;
  if (key == "over_contact_days") return &p.over_contact_days;
  if (key == "points_window_days") return &p.points_window_days;
  return nullptr;
}

// The value a vocabulary parser gave, or an error naming the key and what it takes.
template <class T>
T parsed(std::string_view key, std::optional<T> v, std::string_view value, std::string_view takes) {
  if (!v) bad(key, fmt::format("must be {}, got '{}'", takes, value));
  return *std::move(v);
}

}  // namespace

void policy::validate() const {
  check_days("new_days", new_days);
  check_days("lapse_days", lapse_days);
  check_days("window_days", window_days);
  check_days("role_window_days", role_window_days);
  check_count("joiner_min_joins", joiner_min_joins);
  check_count("loyal_min_purchases", loyal_min_purchases);
  check_count("deal_min_purchases", deal_min_purchases);
  if (!(deal_coupon_share > 0.0 && deal_coupon_share <= 1.0))
    bad("deal_coupon_share", fmt::format("must be in (0, 1], got {}", deal_coupon_share));
  if (utc_offset.is_special() || utc_offset > boost::posix_time::hours(14) ||
      utc_offset < -boost::posix_time::hours(14))
    bad("utc_offset", "must be within -14:00 .. +14:00");
  if (utc_offset.seconds() != 0 || utc_offset.fractional_seconds() != 0)
    bad("utc_offset", "must be a whole number of minutes");
  if (clock != clock_mode::replay && clock != clock_mode::host) bad("clock", "must be replay or host");
  if (max_skew.is_special() || max_skew.is_negative() || max_skew > boost::posix_time::hours(24 * 7))
    bad("max_skew", "must be between 0 and 7 days");
  if (lapse_model != lapse_kind::days && lapse_model != lapse_kind::bgnbd && lapse_model != lapse_kind::pareto)
    bad("lapse_model", "must be days, bgnbd or pareto");
  if (!(lapse_alive_threshold > 0.0 && lapse_alive_threshold < 1.0))
    bad("lapse_alive_threshold", fmt::format("must be in (0, 1), got {}", lapse_alive_threshold));
  if (model_unit != time_unit::week && model_unit != time_unit::day) bad("model_unit", "must be week or day");
  const bool bg = lapse_model == lapse_kind::bgnbd, pn = lapse_model == lapse_kind::pareto;
  check_param("bgnbd_r", bgnbd_r, bg, "bgnbd");
  check_param("bgnbd_alpha", bgnbd_alpha, bg, "bgnbd");
  check_param("bgnbd_a", bgnbd_a, bg, "bgnbd");
  check_param("bgnbd_b", bgnbd_b, bg, "bgnbd");
  check_param("pareto_r", pareto_r, pn, "pareto");
  check_param("pareto_alpha", pareto_alpha, pn, "pareto");
  check_param("pareto_s", pareto_s, pn, "pareto");
  check_param("pareto_beta", pareto_beta, pn, "pareto");
  check_days("forecast_days", forecast_days);
  const bool spend_set = spend_p != 0 || spend_q != 0 || spend_gamma != 0;
  check_param("spend_p", spend_p, spend_set, "set (spend_p, spend_q and spend_gamma go together)");
  check_param("spend_q", spend_q, spend_set, "set (spend_p, spend_q and spend_gamma go together)");
  check_param("spend_gamma", spend_gamma, spend_set, "set (spend_p, spend_q and spend_gamma go together)");
  if (spend_set && !(spend_q > 1))
    bad("spend_q", fmt::format("must be greater than 1 (the mean spend is infinite otherwise), got {}", spend_q));
  if (!std::isfinite(clv_discount_rate) || !(clv_discount_rate > -1.0))
    bad("clv_discount_rate", fmt::format("must be greater than -1 (0.01 is 1% a month), got {}", clv_discount_rate));
  check_signal_fields(*this);
  try {
    const stage_graph graph(allow_moves, forbid_moves);  // builds and checks the graph
  } catch (const error& e) {
    throw error(errc::invalid_policy, fmt::format("policy: {}", e.what()));
  }
}

void policy::set(std::string_view key, std::string_view value) {
  if (int* f = int_field(*this, key)) *f = parse_int(key, value);
  else if (double* d = model_field(*this, key)) *d = parse_number(key, value);
  else if (key == "loyal_requires_follow") loyal_requires_follow = parse_bool(key, value);
  else if (key == "deal_coupon_share") deal_coupon_share = parse_share(key, value);
  else if (key == "utc_offset") utc_offset = parse_offset(key, value);
  else if (key == "clock") clock = parsed(key, parse_clock_mode(value), value, "replay or host");
  else if (key == "max_skew") max_skew = parse_skew(key, value);
  else if (key == "allow_moves") allow_moves = parse_moves(key, value);
  else if (key == "forbid_moves") forbid_moves = parse_moves(key, value);
  else if (key == "lapse_model") lapse_model = parsed(key, parse_lapse_kind(value), value, "days, bgnbd or pareto");
  else if (key == "model_unit") model_unit = parsed(key, parse_time_unit(value), value, "week or day");
  else if (key == "signals")
    signals = parsed(key, parse_signal_set(value), value,
                     fmt::format("all, none or signal names separated by commas ({})", fmt::join(signal_names, ", ")));
  else if (key == "contact_every_days_by_stage") contact_every_days_by_stage = parse_stage_days(key, value);
  else if (key == "points")
    points = parsed(key, parse_points_table(value), value, "kind:points pairs such as purchase:1, review:20, or none");
  else if (key == "tiers")
    tiers = parsed(key, parse_tier_list(value), value, "name:min_points pairs such as member:0, silver:500, or none");
  else if (key == "nps") nps = parse_bool(key, value);
  else throw error(errc::invalid_policy, fmt::format("policy: unknown key '{}'", key));
}

std::string policy::get(std::string_view key) const {
  if (const int* f = int_field(*this, key)) return std::to_string(*f);
  if (const double* d = model_field(*this, key)) return fmt::format("{}", *d);
  if (key == "loyal_requires_follow") return loyal_requires_follow ? "true" : "false";
  if (key == "deal_coupon_share") return fmt::format("{}", deal_coupon_share);
  if (key == "utc_offset") return offset_text(utc_offset);
  if (key == "clock") return std::string(to_string(clock));
  if (key == "max_skew") return std::to_string(max_skew.total_seconds());
  if (key == "allow_moves") return to_string(allow_moves);
  if (key == "forbid_moves") return to_string(forbid_moves);
  if (key == "lapse_model") return std::string(to_string(lapse_model));
  if (key == "model_unit") return std::string(to_string(model_unit));
  if (key == "signals") return to_string(signals);
  if (key == "contact_every_days_by_stage") return stage_days_text(contact_every_days_by_stage);
  if (key == "points") return to_string(points);
  if (key == "tiers") return to_string(tiers);
  if (key == "nps") return nps ? "true" : "false";
  throw error(errc::invalid_policy, fmt::format("policy: unknown key '{}'", key));
}

}  // namespace lifecycle
