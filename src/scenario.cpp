// Scenario scripts: the parser, the runner and the report (docs/scenarios.md).

#include "lifecycle/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/format.h>

#include "lifecycle/error.hpp"
#include "lifecycle/people_graph.hpp"

namespace lifecycle {

event script_event::to_event() const noexcept {
  event e;
  e.time = time;
  e.person = person;
  e.kind = kind;
  e.amount = amount;
  e.coupon = coupon;
  e.id = id;
  e.target = target;
  e.ref = ref;
  e.score = score;
  return e;
}

namespace {

// ---------------------------------------------------------------------------
// Bytes. Scripts come from anywhere, so every line is checked before any of it
// is echoed back in a message: valid UTF-8, no control characters, bounded.

/// The offset of the first byte that does not start a well-formed UTF-8
/// sequence (no overlongs, no surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return i;
    i += len;
  }
  return std::string_view::npos;
}

/// A token for a message: quoted, and cut at a character boundary when long.
std::string quote(std::string_view t) {
  constexpr std::size_t max = 40;
  if (t.size() <= max) return fmt::format("'{}'", t);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xc0) == 0x80) --cut;
  return fmt::format("'{}...'", t.substr(0, cut));
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_blank(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

std::string join_words(const std::vector<std::string_view>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

template <class Int>
bool parse_integer(std::string_view t, Int& out) {
  if (t.empty()) return false;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc{} && end == t.data() + t.size();
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, optionally ending in `Z`; UTC.
std::optional<boost::posix_time::ptime> parse_time(std::string_view t) {
  if (t.size() > 10 && t.back() == 'Z') t.remove_suffix(1);
  if (t.size() != 10 && t.size() != 16 && t.size() != 19) return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len, int& v) {
    v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(0, 4, y) || t[4] != '-' || !number(5, 2, mo) || t[7] != '-' || !number(8, 2, d))
    return std::nullopt;
  if (t.size() >= 16 && (t[10] != 'T' || !number(11, 2, h) || t[13] != ':' || !number(14, 2, mi)))
    return std::nullopt;
  if (t.size() == 19 && (t[16] != ':' || !number(17, 2, s))) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return std::nullopt;
  try {
    // Boost checks the rest: days in the month, years 1400 .. 9999.
    const boost::gregorian::date day(static_cast<unsigned short>(y), static_cast<unsigned short>(mo),
                                     static_cast<unsigned short>(d));
    return boost::posix_time::ptime(day, boost::posix_time::hours(h) + boost::posix_time::minutes(mi) +
                                             boost::posix_time::seconds(s));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// `HH:MM` or `HH:MM:SS`: a time of day split from its date by a blank.
bool looks_like_clock(std::string_view t) {
  if (t.size() != 5 && t.size() != 8) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool colon = i % 3 == 2;
    if (colon ? t[i] != ':' : (t[i] < '0' || t[i] > '9')) return false;
  }
  return true;
}

std::string list_names(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

constexpr std::string_view usage_expect =
    "expect needs one of: `expect <person> stage|roles|primary|path <value>`, "
    "`expect <person> beneficiaries|payers|referred <persons>`, `expect <person> reach|reach_customers <n>`, "
    "`expect <person> signal|no-signal <signal>`, `expect <person> tier <tier>`, `expect <person> points <n>`, "
    "`expect <person> reachable yes|no`, `expect <person> nps <0..10|none>`, "
    "`expect count <stage|role|signal|corrections|forbidden> <n>`, `expect nps [<stage|role>] <score|none>`, "
    "`expect rejected`, `expect duplicate`, `expect accepted`";

constexpr std::string_view usage_set =
    "`set` needs a person, a setting and a value: `set <person> birthday <MM-DD>|none` or "
    "`set <person> reachable yes|no`";

/// `yes` or `no`.
std::optional<bool> parse_yes_no(std::string_view t) {
  if (t == "yes") return true;
  if (t == "no") return false;
  return std::nullopt;
}

/// A net promoter score in tenths: an integer or one decimal, -100 .. 100.
std::optional<std::int32_t> parse_nps_tenths(std::string_view t) {
  bool negative = false;
  if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
    negative = t.front() == '-';
    t.remove_prefix(1);
  }
  const std::size_t dot = t.find('.');
  std::string_view whole = t.substr(0, dot), tenth;
  if (dot != std::string_view::npos) {
    tenth = t.substr(dot + 1);
    if (tenth.size() != 1) return std::nullopt;
  }
  if (whole.empty() || whole.size() > 3 || whole.front() == '+' || whole.front() == '-') return std::nullopt;
  std::int32_t w = 0, d = 0;
  if (!parse_integer(whole, w) || (!tenth.empty() && (tenth[0] < '0' || tenth[0] > '9'))) return std::nullopt;
  if (!tenth.empty()) d = tenth[0] - '0';
  const std::int32_t v = w * 10 + d;
  if (v > 1000) return std::nullopt;
  return negative ? -v : v;
}

/// Tenths as a script writes them: `25`, `-33.3`; `none` for no score.
std::string nps_text(std::optional<std::int32_t> tenths) {
  if (!tenths) return "none";
  const std::int32_t v = *tenths, a = v < 0 ? -v : v;
  if (a % 10 == 0) return std::to_string(v / 10);
  return fmt::format("{}{}.{}", v < 0 ? "-" : "", a / 10, a % 10);
}

// ---------------------------------------------------------------------------
// The parser: one pass over the lines, one statement a line.

class parser {
 public:
  parser(std::string_view text, std::string_view file) : text_(text) { out_.file = std::string(file); }

  scenario_script parse() {
    std::size_t pos = 0;
    // A byte order mark is an editor's habit, not content.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    while (pos < text_.size()) {
      ++line_;
      std::size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view raw = text_.substr(pos, end - pos);
      pos = end + 1;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      statement(raw);
    }
    settle_policy();
    if (out_.scenarios.empty()) {
      line_ = 1;
      fail("no scenario in the file (a script starts with `scenario <title>`)");
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw error(errc::parse_error, message, out_.file, line_);
  }

  void check_bytes(std::string_view raw) const {
    if (raw.size() > max_script_line)
      fail(fmt::format("line is {} bytes long; the limit is {}", raw.size(), max_script_line));
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto c = static_cast<unsigned char>(raw[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        fail(fmt::format("control character 0x{:02x} at column {}", c, i + 1));
    }
    if (const std::size_t bad = invalid_utf8_at(raw); bad != std::string_view::npos)
      fail(fmt::format("invalid UTF-8 (byte 0x{:02x}) at column {}", static_cast<unsigned char>(raw[bad]),
                       bad + 1));
  }

  void statement(std::string_view raw) {
    check_bytes(raw);
    std::string_view text = raw.substr(0, raw.find('#'));
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    const std::vector<std::string_view> words = split_words(text);
    if (words.empty()) return;
    const std::string_view head = words[0];

    if (head == "scenario") return begin_scenario(words);
    if (current_ == nullptr)
      fail(fmt::format("{} before the first `scenario` line", quote(head)));
    if (head == "policy") return policy_line(words);
    settle_policy();

    script_statement st;
    st.line = line_;
    st.text = std::string(text);
    if (head == "advance") {
      st.step = advance_line(words);
    } else if (head == "set") {
      st.step = set_line(words);
    } else if (head == "expect") {
      st.step = expect_line(words);
    } else if (head.front() >= '0' && head.front() <= '9') {
      st.step = event_line(words);
    } else {
      fail(fmt::format("unknown statement {} (expected scenario, policy, advance, set, expect, or an event "
                       "line starting with a time)",
                       quote(head)));
    }
    body_started_ = true;
    current_->statements.push_back(std::move(st));
  }

  void begin_scenario(const std::vector<std::string_view>& words) {
    settle_policy();
    if (words.size() < 2) fail("`scenario` needs a title: `scenario <title words>`");
    scenario& s = out_.scenarios.emplace_back();
    s.title = join_words(words, 1);
    s.file = out_.file;
    s.line = line_;
    current_ = &s;
    body_started_ = false;
    seen_.clear();
  }

  void policy_line(const std::vector<std::string_view>& words) {
    if (body_started_)
      fail("`policy` must come before the scenario's first event, advance, set or expectation");
    if (words.size() < 2) fail("`policy` needs key=value pairs, e.g. `policy lapse_days=60`");
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::string_view w = words[i];
      const std::size_t eq = w.find('=');
      if (eq == std::string_view::npos || eq == 0)
        fail(fmt::format("policy setting {} is not key=value", quote(w)));
      const std::string_view key = w.substr(0, eq), value = w.substr(eq + 1);
      if (std::find(policy::keys.begin(), policy::keys.end(), key) == policy::keys.end())
        fail(fmt::format("unknown policy key {} (one of {})", quote(key), list_names(policy::keys)));
      try {
        current_->rules.set(key, value);
      } catch (const error& e) {
        fail(e.what());
      }
    }
    // Keys that depend on each other (lapse_model and its parameters) may come
    // in any order: a policy that does not validate yet is settled when the
    // scenario's body starts.
    try {
      current_->rules.validate();
      pending_policy_line_ = 0;
    } catch (const error&) {
      if (pending_policy_line_ == 0) pending_policy_line_ = line_;
    }
  }

  void settle_policy() {
    if (pending_policy_line_ == 0 || current_ == nullptr) return;
    try {
      current_->rules.validate();
    } catch (const error& e) {
      line_ = pending_policy_line_;
      fail(e.what());
    }
    pending_policy_line_ = 0;
  }

  boost::posix_time::ptime time_of(std::string_view t) const {
    const auto parsed = parse_time(t);
    if (!parsed)
      fail(fmt::format("bad time {} (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC, years 1400-9999)",
                       quote(t)));
    return *parsed;
  }

  script_advance advance_line(const std::vector<std::string_view>& words) const {
    if (words.size() != 2) fail("`advance` needs one time: `advance <time>`");
    return {time_of(words[1])};
  }

  script_event event_line(const std::vector<std::string_view>& words) {
    script_event e;
    e.time = time_of(words[0]);
    if (words.size() < 3) {
      if (words.size() == 2 && parse_event_kind(words[1]))
        fail("an event line needs a person before its kind: `<time> <person> <kind> ...`");
      fail("an event line needs a person and a kind: `<time> <person> <kind> ...`");
    }
    e.person = std::string(words[1]);
    const auto kind = parse_event_kind(words[2]);
    if (!kind) {
      if (parse_event_kind(words[1]))
        fail("an event line needs a person before its kind: `<time> <person> <kind> ...`");
      if (looks_like_clock(words[1]))
        fail(fmt::format("bad time: write the date and the time of day as one word, e.g. {}T{}", words[0],
                         words[1]));
      fail(fmt::format("unknown event kind {} (one of {})", quote(words[2]), list_names(event_kind_names)));
    }
    e.kind = *kind;
    unsigned given = 0;
    auto once = [&](unsigned bit, std::string_view name) {
      if (given & bit) fail(fmt::format("`{}` given twice", name));
      given |= bit;
    };
    for (std::size_t i = 3; i < words.size(); ++i) {
      const std::string_view w = words[i];
      if (w == "coupon") {
        once(1, "coupon");
        e.coupon = true;
        continue;
      }
      const std::size_t eq = w.find('=');
      const std::string_view key = w.substr(0, eq);
      if (eq == std::string_view::npos ||
          (key != "amount" && key != "id" && key != "target" && key != "ref" && key != "score"))
        fail(fmt::format("unknown field {} (expected amount=, coupon, id=, target=, ref= or score=)", quote(w)));
      const std::string_view value = w.substr(eq + 1);
      if (value.empty()) fail(fmt::format("`{}=` needs a value", key));
      if (key == "amount") {
        once(2, "amount=");
        const auto m = parse_money(value);
        if (!m) fail(fmt::format("bad amount {} (a decimal such as 12 or 12.50)", quote(value)));
        e.amount = *m;
      } else if (key == "id") {
        once(4, "id=");
        e.id = std::string(value);
      } else if (key == "target") {
        once(8, "target=");
        e.target = std::string(value);
      } else if (key == "ref") {
        once(16, "ref=");
        e.ref = std::string(value);
      } else {
        once(32, "score=");
        if (!parse_integer(value, e.score)) fail(fmt::format("bad score {} (an integer)", quote(value)));
      }
    }
    seen_.insert(e.person);
    if (!e.target.empty()) seen_.insert(e.target);
    return e;
  }

  void require_seen(std::string_view person, std::string_view what = "expectation") const {
    if (!seen_.contains(std::string(person)))
      fail(fmt::format("{} about {}, whom no earlier event line of this scenario names", what, quote(person)));
  }

  script_step set_line(const std::vector<std::string_view>& words) const {
    if (words.size() != 4) fail(std::string(usage_set));
    const std::string person(words[1]);
    const std::string_view what = words[2], value = words[3];
    if (what != "birthday" && what != "reachable")
      fail(fmt::format("unknown setting {} (birthday or reachable)", quote(what)));
    require_seen(person, "`set`");
    // The engine refuses both settings when it keeps no signal state: say so at the line.
    if (!current_->rules.tracks_signals())
      fail(fmt::format("`set {}` needs a policy that tracks signals, tiers or NPS (this one has signals=none, "
                       "tiers=none and nps=false)",
                       what));
    if (what == "reachable") {
      const auto yes = parse_yes_no(value);
      if (!yes) fail(fmt::format("bad reachable value {} (yes or no)", quote(value)));
      return script_reachable{person, *yes};
    }
    if (value == "none") return script_birthday{person, std::nullopt};
    const auto day = parse_month_day(value);
    if (!day)
      fail(fmt::format("bad birthday {} (MM-DD, a day of the year such as 03-15 or 02-29, or none)", quote(value)));
    return script_birthday{person, *day};
  }

  std::string unknown_tier(std::string_view t) const {
    const tier_list& tiers = current_->rules.tiers;
    std::string names;
    for (const tier& x : tiers) {
      if (!names.empty()) names += ", ";
      names += x.name;
    }
    return fmt::format("unknown tier {} (the policy's tiers: {})", quote(t), names);
  }

  /// `expect nps [<stage|role>] <score|none>`.
  expect_nps nps_line(const std::vector<std::string_view>& words) const {
    expect_nps x;
    if (words.size() == 4) {
      if (const auto s = parse_stage(words[2])) x.of = *s;
      else if (const auto r = parse_role(words[2])) x.of = *r;
      else fail(fmt::format("unknown stage or role {} (stages: {}; roles: {})", quote(words[2]),
                            list_names(stage_names), list_names(role_names)));
    }
    const std::string_view value = words.back();
    if (value == "none") return x;
    x.value = parse_nps_tenths(value);
    if (!x.value)
      fail(fmt::format("bad NPS {} (a score from -100 to 100 with at most one decimal, or none)", quote(value)));
    return x;
  }

  script_step expect_line(const std::vector<std::string_view>& words) const {
    if (words.size() == 2) {
      const std::string_view w = words[1];
      ingest_status status;
      if (w == "rejected") status = ingest_status::rejected;
      else if (w == "duplicate") status = ingest_status::duplicate;
      else if (w == "accepted") status = ingest_status::accepted;
      else fail(std::string(usage_expect));
      const auto& before = current_->statements;
      if (before.empty() || !std::holds_alternative<script_event>(before.back().step))
        fail(fmt::format("`expect {}` must come right after an event line", w));
      return expect_outcome{status};
    }
    auto is_aspect = [](std::string_view w) {
      return w == "stage" || w == "roles" || w == "primary" || w == "path" || w == "beneficiaries" ||
             w == "payers" || w == "referred" || w == "reach" || w == "reach_customers" || w == "signal" ||
             w == "no-signal" || w == "tier" || w == "points" || w == "reachable" || w == "nps";
    };
    // `expect nps <score>` has three words; a person's expectations have four.
    if (words.size() == 3 && words[1] == "nps") return nps_line(words);
    if (words.size() == 4 && words[1] == "nps" && !is_aspect(words[2])) return nps_line(words);
    if (words.size() == 4 && words[1] == "count" && !is_aspect(words[2])) {
      expect_count c;
      if (const auto s = parse_stage(words[2])) c.of = *s;
      else if (const auto r = parse_role(words[2])) c.of = *r;
      else if (words[2] == "corrections") c.of = move_tally::corrections;
      else if (words[2] == "forbidden") c.of = move_tally::forbidden;
      else if (const auto k = parse_signal_kind(words[2])) c.of = *k;
      else fail(fmt::format("unknown stage or role {} (stages: {}; roles: {}; signals: {}; or corrections, forbidden)",
                            quote(words[2]), list_names(stage_names), list_names(role_names),
                            list_names(signal_names)));
      if (!parse_integer(words[3], c.value))
        fail(fmt::format("bad count {} (a whole number)", quote(words[3])));
      return c;
    }
    if (words.size() != 4 || !is_aspect(words[2])) fail(std::string(usage_expect));
    const std::string person(words[1]);
    const std::string_view aspect = words[2], value = words[3];
    require_seen(person);
    if (aspect == "stage") {
      if (value == "unknown") return expect_stage{person, std::nullopt};
      const auto s = parse_stage(value);
      if (!s) fail(unknown_stage(value));
      return expect_stage{person, *s};
    }
    if (aspect == "roles") {
      if (value == "none") return expect_roles{person, role_set{}};
      role_set set;
      for (std::string_view name : split_commas(value)) {
        const auto r = parse_role(name);
        if (!r) fail(unknown_role(name));
        set.insert(*r);
      }
      return expect_roles{person, set};
    }
    if (aspect == "beneficiaries" || aspect == "payers" || aspect == "referred") {
      expect_people x;
      x.person = person;
      x.relation = aspect == "beneficiaries" ? people_relation::beneficiaries
                   : aspect == "payers"      ? people_relation::payers
                                             : people_relation::referred;
      if (value == "none") return x;
      for (std::string_view name : split_commas(value)) {
        if (name.empty()) fail(fmt::format("empty person name in {}", quote(value)));
        x.value.emplace_back(name);
      }
      std::sort(x.value.begin(), x.value.end());
      return x;
    }
    if (aspect == "signal" || aspect == "no-signal") {
      const auto k = parse_signal_kind(value);
      if (!k) fail(fmt::format("unknown signal {} (one of {})", quote(value), list_names(signal_names)));
      return expect_signal{person, *k, aspect == "signal"};
    }
    if (aspect == "tier") {
      const tier_list& tiers = current_->rules.tiers;
      if (tiers.empty()) fail("`expect <person> tier` needs tiers, and the policy has none (tiers=none)");
      const bool named = std::any_of(tiers.begin(), tiers.end(), [&](const tier& t) { return t.name == value; });
      // A tier the policy calls `unknown` would make `tier unknown` mean two things.
      if (value == "unknown" && named)
        fail("`tier unknown` is ambiguous: the policy names a tier 'unknown'; rename it");
      if (value == "unknown") return expect_tier{person, std::nullopt};
      if (!named) fail(unknown_tier(value));
      return expect_tier{person, std::string(value)};
    }
    if (aspect == "points") {
      expect_points x{person, 0};
      if (!parse_integer(value, x.value)) fail(fmt::format("bad points {} (a whole number)", quote(value)));
      return x;
    }
    if (aspect == "reachable") {
      const auto yes = parse_yes_no(value);
      if (!yes) fail(fmt::format("bad reachable value {} (yes or no)", quote(value)));
      return expect_reachable{person, *yes};
    }
    if (aspect == "nps") {
      if (value == "none") return expect_person_nps{person, std::nullopt};
      int score = -1;
      if (!parse_integer(value, score) || score < 0 || score > 10)
        fail(fmt::format("bad NPS score {} (0 to 10, or none)", quote(value)));
      return expect_person_nps{person, score};
    }
    if (aspect == "reach" || aspect == "reach_customers") {
      expect_reach x;
      x.person = person;
      x.customers = aspect == "reach_customers";
      if (!parse_integer(value, x.value)) fail(fmt::format("bad count {} (a whole number)", quote(value)));
      return x;
    }
    if (aspect == "primary") {
      if (value == "none") return expect_primary{person, std::nullopt};
      const auto r = parse_role(value);
      if (!r) fail(unknown_role(value));
      return expect_primary{person, *r};
    }
    expect_path p{person, {}};
    if (value == "none") return p;
    for (std::string_view name : split_commas(value)) {
      const auto s = parse_stage(name);
      if (!s) fail(unknown_stage(name));
      p.value.push_back(*s);
    }
    return p;
  }

  static std::string unknown_stage(std::string_view s) {
    return fmt::format("unknown stage {} (one of {})", quote(s), list_names(stage_names));
  }
  static std::string unknown_role(std::string_view r) {
    return fmt::format("unknown role {} (one of {}, or none)", quote(r), list_names(role_names));
  }

  std::string_view text_;
  scenario_script out_;
  scenario* current_ = nullptr;  // the last element of out_.scenarios
  bool body_started_ = false;
  int pending_policy_line_ = 0;  // the policy line after which the policy did not validate
  std::unordered_set<std::string> seen_;  // persons the scenario's event lines name so far
  int line_ = 0;
};

// ---------------------------------------------------------------------------
// The runner.

std::string path_text(const std::vector<stage>& path) {
  if (path.empty()) return "none";
  std::string out;
  for (stage s : path) {
    if (!out.empty()) out += ',';
    out += to_string(s);
  }
  return out;
}

std::string names_text(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

class runner {
 public:
  explicit runner(const scenario& s) : s_(s), eng_(s.rules) {
    result_.title = s.title;
    result_.file = s.file;
    result_.line = s.line;
  }

  scenario_result run() {
    for (std::size_t i = 0; i < s_.statements.size(); ++i) {
      prev_ = i > 0 ? &s_.statements[i - 1] : nullptr;
      at_ = &s_.statements[i];
      next_ = i + 1 < s_.statements.size() ? &s_.statements[i + 1] : nullptr;
      std::visit(*this, at_->step);
    }
    return std::move(result_);
  }

  void operator()(const script_event& e) {
    const ingest_result r = eng_.ingest(e.to_event());
    last_ = last_event{r.status, r.why_rejected, e.person};
    if (r.status != ingest_status::rejected) return;
    // A refusal is only expected when an outcome expectation says so.
    if (next_ != nullptr && std::holds_alternative<expect_outcome>(next_->step)) return;
    add("accepted (no `expect rejected` follows the line)", outcome_text(), false, e.person);
  }

  void operator()(const script_advance& a) { eng_.advance_to(a.to); }

  // A setting the engine refuses (a hand-built scenario under a policy that
  // tracks nothing) is a failed check at its line, not an exception.
  void operator()(const script_birthday& x) {
    try {
      eng_.set_birthday(eng_.intern(x.person), x.value);
    } catch (const error& e) {
      add("the engine takes the birthday", fmt::format("refused: {}", e.what()), false, x.person);
    }
  }

  void operator()(const script_reachable& x) {
    try {
      eng_.set_reachable(eng_.intern(x.person), x.value);
    } catch (const error& e) {
      add("the engine takes the setting", fmt::format("refused: {}", e.what()), false, x.person);
    }
  }

  void operator()(const expect_signal& x) {
    // The kept history holds every signal emitted so far, by events and by time.
    std::uint64_t n = 0;
    for (const transition& t : history_of(x.person))
      if (t.what == change::signal && t.signal_raised == x.kind) ++n;
    const std::string_view name = to_string(x.kind);
    const std::string expected = x.emitted ? fmt::format("{} at least once", name) : fmt::format("no {}", name);
    const std::string actual = n == 0   ? fmt::format("no {}", name)
                               : n == 1 ? fmt::format("{} once", name)
                                        : fmt::format("{} {} times", name, n);
    add(expected, actual, (n > 0) == x.emitted, x.person);
  }

  void operator()(const expect_tier& x) {
    const auto p = eng_.profile_of(x.person);
    const tier_list& tiers = eng_.rules().tiers;
    std::string actual = "unknown";
    if (p) actual = p->tier < tiers.size() ? tiers[p->tier].name : fmt::format("tier {}", p->tier);
    const std::string expected = x.value ? *x.value : "unknown";
    add(expected, actual, expected == actual, x.person);
  }

  void operator()(const expect_points& x) {
    const auto p = eng_.profile_of(x.person);
    const std::string actual = p ? std::to_string(p->points) : "unknown";
    add(std::to_string(x.value), actual, p && p->points == x.value, x.person);
  }

  void operator()(const expect_reachable& x) {
    const auto p = eng_.profile_of(x.person);
    auto text = [](bool yes) { return std::string(yes ? "yes" : "no"); };
    add(text(x.value), p ? text(p->reachable) : "unknown", p && p->reachable == x.value, x.person);
  }

  void operator()(const expect_person_nps& x) {
    // An unknown person gave no score: `nps none` holds, as `roles none` does.
    const auto p = eng_.profile_of(x.person);
    const std::optional<int> score = p ? p->nps_score : std::nullopt;
    auto text = [](std::optional<int> v) { return v ? std::to_string(*v) : std::string("none"); };
    add(text(x.value), text(score), score == x.value, x.person);
  }

  void operator()(const expect_nps& x) {
    const nps_table table = eng_.nps();
    const nps_counts* counts = &table.overall;
    if (x.of) {
      if (const stage* s = std::get_if<stage>(&*x.of)) counts = &table.by_stage[static_cast<std::size_t>(*s)];
      else counts = &table.by_primary_role[static_cast<std::size_t>(std::get<role>(*x.of))];
    }
    std::optional<std::int32_t> tenths;
    if (const auto score = counts->score()) tenths = static_cast<std::int32_t>(std::lround(*score * 10));
    add(nps_text(x.value), nps_text(tenths), tenths == x.value, {});
  }

  void operator()(const expect_stage& x) {
    const auto p = eng_.profile_of(x.person);
    const std::string expected = x.value ? std::string(to_string(*x.value)) : "unknown";
    const std::string actual = p ? std::string(to_string(p->current_stage)) : "unknown";
    add(expected, actual, expected == actual, x.person);
  }

  void operator()(const expect_roles& x) {
    const auto p = eng_.profile_of(x.person);
    const role_set held = p ? p->roles : role_set{};
    add(to_string(x.value), to_string(held), held == x.value, x.person);
  }

  void operator()(const expect_primary& x) {
    const auto p = eng_.profile_of(x.person);
    const std::optional<role> held = p ? p->primary_role : std::nullopt;
    auto text = [](std::optional<role> r) { return r ? std::string(to_string(*r)) : std::string("none"); };
    add(text(x.value), text(held), held == x.value, x.person);
  }

  void operator()(const expect_path& x) {
    std::vector<stage> path;
    if (eng_.profile_of(x.person)) {
      path.push_back(stage::potential);
      for (const transition& t : history_of(x.person))
        if (t.what == change::stage) path.push_back(t.to);
    }
    add(path_text(x.value), path_text(path), path == x.value, x.person);
  }

  void operator()(const expect_count& x) {
    std::uint64_t n = 0;
    if (const stage* s = std::get_if<stage>(&x.of)) {
      n = eng_.stage_counts()[static_cast<std::size_t>(*s)];
    } else if (const role* r = std::get_if<role>(&x.of)) {
      n = eng_.role_counts()[static_cast<std::size_t>(*r)];
    } else if (const signal_kind* k = std::get_if<signal_kind>(&x.of)) {
      n = eng_.signal_counts()[static_cast<std::size_t>(*k)];
    } else if (std::get<move_tally>(x.of) == move_tally::forbidden) {
      for (const auto& row : eng_.forbidden_moves())
        for (std::uint64_t c : row) n += c;
    } else {
      for (const transition& t : eng_.all_history())
        if (t.what == change::stage && t.cause == cause::correction) ++n;
    }
    add(std::to_string(x.value), std::to_string(n), n == x.value, {});
  }

  void operator()(const expect_people& x) {
    const people_graph g(eng_);
    std::vector<std::string> names;
    if (const auto id = eng_.find(x.person)) {
      const std::vector<person_id> ids = x.relation == people_relation::beneficiaries ? g.beneficiaries(*id)
                                         : x.relation == people_relation::payers      ? g.payers(*id)
                                                                                      : g.referred(*id);
      for (person_id p : ids) names.emplace_back(eng_.name(p));
    }
    std::sort(names.begin(), names.end());
    add(names_text(x.value), names_text(names), names == x.value, x.person);
  }

  void operator()(const expect_reach& x) {
    const people_graph g(eng_);
    referral_reach r;
    if (const auto id = eng_.find(x.person)) r = g.reach(*id);
    const std::uint64_t n = x.customers ? r.customers : r.persons;
    add(std::to_string(x.value), std::to_string(n), n == x.value, x.person);
  }

  void operator()(const expect_outcome& x) {
    // The parser guarantees an event line right before; a hand-built scenario may not.
    if (prev_ == nullptr || !std::holds_alternative<script_event>(prev_->step)) {
      add(std::string(to_string(x.value)), "no event line before", false, {});
      return;
    }
    add(std::string(to_string(x.value)), outcome_text(), last_.status == x.value, last_.person);
  }

 private:
  struct last_event {
    ingest_status status = ingest_status::accepted;
    reject_reason why = reject_reason::none;
    std::string person;
  };

  std::string outcome_text() const {
    if (last_.status != ingest_status::rejected) return std::string(to_string(last_.status));
    return fmt::format("rejected: {}", to_string(last_.why));
  }

  std::vector<transition> history_of(const std::string& person) const {
    const auto id = eng_.find(person);
    return id ? eng_.history(*id) : std::vector<transition>{};
  }

  void add(std::string expected, std::string actual, bool passed, const std::string& person) {
    check_result c;
    c.file = s_.file;
    c.line = at_->line;
    c.statement = at_->text;
    c.expected = std::move(expected);
    c.actual = std::move(actual);
    c.passed = passed;
    c.person = person;
    if (!passed && !person.empty()) c.history = history_of(person);
    result_.checks.push_back(std::move(c));
  }

  const scenario& s_;
  engine eng_;
  scenario_result result_;
  const script_statement* prev_ = nullptr;
  const script_statement* at_ = nullptr;
  const script_statement* next_ = nullptr;
  last_event last_;
};

}  // namespace

scenario_script parse_scenarios(std::string_view text, std::string_view file_name) {
  return parser(text, file_name).parse();
}

scenario_script load_scenarios(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw error(errc::parse_error, fmt::format("{}: error: is a directory, not a script", name));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::parse_error, fmt::format("{}: error: cannot open: {}", name, std::strerror(errno)));
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_script_bytes)
      throw error(errc::parse_error,
                  fmt::format("{}: error: larger than {} bytes; not a script", name, max_script_bytes));
  }
  if (in.bad()) throw error(errc::parse_error, fmt::format("{}: error: read failed", name));
  return parse_scenarios(text, name);
}

bool scenario_result::passed() const noexcept { return failures() == 0; }

std::size_t scenario_result::failures() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const check_result& c) { return !c.passed; }));
}

bool script_result::passed() const noexcept { return failed_scenarios() == 0; }

std::size_t script_result::failed_scenarios() const noexcept {
  return static_cast<std::size_t>(std::count_if(scenarios.begin(), scenarios.end(),
                                                [](const scenario_result& s) { return !s.passed(); }));
}

scenario_result run(const scenario& s) { return runner(s).run(); }

script_result run(const scenario_script& script) {
  script_result r;
  r.scenarios.reserve(script.scenarios.size());
  for (const scenario& s : script.scenarios) r.scenarios.push_back(run(s));
  return r;
}

script_result run_file(const std::filesystem::path& path) { return run(load_scenarios(path)); }

std::string format_check(const check_result& c, int indent) {
  const std::string pad(static_cast<std::size_t>(std::max(indent, 0)), ' ');
  std::string out = fmt::format("{}{}:{}: {}\n", pad, c.file, c.line, c.statement);
  out += fmt::format("{}  expected: {}\n", pad, c.expected);
  out += fmt::format("{}  got:      {}\n", pad, c.actual);
  if (!c.person.empty() && !c.passed) {
    out += fmt::format("{}  history of {}:\n", pad, c.person);
    if (c.history.empty()) out += fmt::format("{}    (no transitions)\n", pad);
    for (const transition& t : c.history) out += fmt::format("{}    {}\n", pad, t);
  }
  return out;
}

std::string format_report(const script_result& r, report_detail detail) {
  std::string out;
  for (const scenario_result& s : r.scenarios) {
    const bool ok = s.passed();
    if (ok && detail == report_detail::quiet) continue;
    out += fmt::format("{}  {}:{}  {}\n", ok ? "pass" : "FAIL", s.file, s.line, s.title);
    for (const check_result& c : s.checks)
      if (!c.passed) out += format_check(c, 2);
  }
  return out;
}

}  // namespace lifecycle
