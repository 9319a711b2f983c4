// The event CSV reader. Speed comes from three habits: the input is read in
// big blocks into one buffer and rows are parsed where they lie (string views
// into the buffer, `""` unescaped in place), the common row without quotes is
// split with memchr, and times, kinds and amounts are parsed by hand without
// going through Boost's or the standard library's string parsing.

#include "lifecycle/event_csv.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

#include <fmt/format.h>

#include "lifecycle/error.hpp"
#include "lifecycle/money.hpp"

namespace lifecycle {

namespace {

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_day = 86'400 * us_per_second;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
// Years are >= 1400 here, so the era division is unsigned (a multiply, not a divide).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const auto era = static_cast<std::int64_t>(static_cast<std::uint64_t>(y) / 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

inline bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads n digits at p (the caller checked the length).
inline bool digits(const char* p, int n, int& out) noexcept {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (!digit(p[i])) return false;
    v = v * 10 + (p[i] - '0');
  }
  out = v;
  return true;
}

// The thirteen kind names, matched by length and first letters.
std::optional<event_kind> fast_kind(std::string_view s) noexcept {
  auto is = [&](std::string_view name, event_kind k) -> std::optional<event_kind> {
    if (s == name) return k;
    return std::nullopt;
  };
  switch (s.size()) {
    case 4:
      switch (s[0]) {
        case 'v': return is("view", event_kind::view);
        case 'c': return is("cart", event_kind::cart);
        case 'p': return is("post", event_kind::post);
        case 'j': return is("join", event_kind::join);
        default: return std::nullopt;
      }
    case 5: return is("visit", event_kind::visit);
    case 6:
      switch (s[0]) {
        case 's': return is("search", event_kind::search);
        case 'r':
          if (s[2] == 'f') return is("refund", event_kind::refund);
          return is("review", event_kind::review);
        case 'f': return is("follow", event_kind::follow);
        default: return std::nullopt;
      }
    case 7: return is("contact", event_kind::contact);
    case 8:
      switch (s[0]) {
        case 'p': return is("purchase", event_kind::purchase);
        case 'r': return is("referral", event_kind::referral);
        case 'f': return is("feedback", event_kind::feedback);
        default: return std::nullopt;
      }
    default: return std::nullopt;
  }
}

// A value as it may appear in a message: quoted, at most 40 characters, with
// control bytes and bytes above 0x7e escaped so a terminal shows them safely.
std::string shown(std::string_view v) {
  std::string out = "'";
  std::size_t n = 0;
  for (char ch : v) {
    if (++n > 40) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\')
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  out += '\'';
  return out;
}

// 0: an ordinary byte; 1: comma; 2: line feed; 3: quote.
constexpr std::array<std::uint8_t, 256> byte_class = [] {
  std::array<std::uint8_t, 256> t{};
  t[static_cast<unsigned char>(',')] = 1;
  t[static_cast<unsigned char>('\n')] = 2;
  t[static_cast<unsigned char>('"')] = 3;
  return t;
}();

// The first comma, line feed or quote in [q, lim), or lim: eight bytes at a
// time (the lowest flagged byte of the zero-byte test is always a true match).
inline char* find_special(char* q, char* lim) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto zero_bytes = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  while (std::endian::native == std::endian::little && lim - q >= 8) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    const std::uint64_t m =
        zero_bytes(w ^ (ones * ',')) | zero_bytes(w ^ (ones * '\n')) | zero_bytes(w ^ (ones * '"'));
    if (m != 0) return q + (__builtin_ctzll(m) >> 3);
    q += 8;
  }
  while (q < lim && byte_class[static_cast<unsigned char>(*q)] == 0) ++q;
  return q;
}

struct field {
  char* b;
  char* e;
  bool quoted;
  bool escaped;  // quoted and holds "" pairs
};

enum class scan_status { complete, incomplete, bad };

inline std::string_view trimmed(const field& f) noexcept {
  const char* b = f.b;
  const char* e = f.e;
  if (!f.quoted) {
    while (b < e && (*b == ' ' || *b == '\t')) ++b;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) --e;
  }
  return {b, static_cast<std::size_t>(e - b)};
}

// Collapses each "" of a quoted field to one quote, in place; returns the new view.
std::string_view unescape(field& f) noexcept {
  if (!f.escaped) return {f.b, static_cast<std::size_t>(f.e - f.b)};
  char* w = f.b;
  for (char* r = f.b; r < f.e; ++r) {
    *w++ = *r;
    if (*r == '"') ++r;  // the scanner guarantees its twin follows
  }
  f.e = w;
  f.escaped = false;
  return {f.b, static_cast<std::size_t>(f.e - f.b)};
}

bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

enum column : int { c_time, c_person, c_event, c_amount, c_coupon, c_id, c_target, c_ref, c_score, c_known };
constexpr std::array<std::string_view, c_known> column_names = {"time",   "person", "event",  "amount", "coupon",
                                                                "id",     "target", "ref",    "score"};

}  // namespace

namespace {

// The day part, `YYYY-MM-DD`, as days since 1970-01-01; the caller checked the size.
std::optional<std::int64_t> parse_day(const char* s) noexcept {
  if (s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, mo = 0, d = 0;
  if (!digits(s, 4, y) || !digits(s + 5, 2, mo) || !digits(s + 8, 2, d)) return std::nullopt;
  if (y < 1400 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
}

// What follows the day: empty, or `THH:MM[:SS[.ffffff]]` (a space for the T),
// without the trailing Z; microseconds since midnight.
std::optional<std::int64_t> parse_clock(std::string_view s) noexcept {
  if (s.empty()) return 0;
  if ((s[0] != 'T' && s[0] != ' ') || s.size() < 6 || s[3] != ':') return std::nullopt;
  int h = 0, mi = 0, sec = 0;
  if (!digits(s.data() + 1, 2, h) || !digits(s.data() + 4, 2, mi) || h > 23 || mi > 59) return std::nullopt;
  std::int64_t frac = 0;
  if (s.size() > 6) {
    if (s[6] != ':' || s.size() < 9 || !digits(s.data() + 7, 2, sec) || sec > 59) return std::nullopt;
    if (s.size() > 9) {
      if (s[9] != '.' || s.size() == 10 || s.size() > 16) return std::nullopt;
      int n = 0;
      for (std::size_t i = 10; i < s.size(); ++i, ++n) {
        if (!digit(s[i])) return std::nullopt;
        frac = frac * 10 + (s[i] - '0');
      }
      for (; n < 6; ++n) frac *= 10;
    }
  }
  return (static_cast<std::int64_t>(h) * 3600 + mi * 60 + sec) * us_per_second + frac;
}

}  // namespace

std::optional<std::int64_t> parse_event_time_us(std::string_view s) noexcept {
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  if (s.size() < 10) return std::nullopt;
  const auto day = parse_day(s.data());
  if (!day) return std::nullopt;
  const auto clock = parse_clock(s.substr(10));
  if (!clock) return std::nullopt;
  return *day * us_per_day + *clock;
}

boost::posix_time::ptime time_from_us(std::int64_t us) {
  static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return epoch + boost::posix_time::microseconds(us);
}

std::optional<boost::posix_time::ptime> parse_event_time(std::string_view text) noexcept {
  const auto us = parse_event_time_us(text);
  if (!us) return std::nullopt;
  return time_from_us(*us);
}

void append_csv_field(std::string& out, std::string_view f) {
  const bool quote = f.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!f.empty() && (f.front() == ' ' || f.front() == '\t' || f.back() == ' ' || f.back() == '\t'));
  if (!quote) {
    out += f;
    return;
  }
  out += '"';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

struct event_csv_reader::impl {
  std::string name;
  event_csv_options options;
  std::FILE* file = nullptr;
  bool own_file = false;

  // Buffers used in turn: a refill copies the unread tail into the next one,
  // so the rows of the batches before stay where they are (one thread may
  // ingest batches while another reads ahead). A call switches buffers at
  // most once, before its first row, so a buffer is reused no sooner than
  // `batches_kept` calls later.
  std::array<std::unique_ptr<char[]>, event_csv_reader::batches_kept> bufs;
  int cur = 0;
  bool flipped = false;          // this call has switched buffers already
  std::size_t cap = 0;
  std::size_t pos = 0, end = 0;
  bool at_eof = false;
  bool skipping = false;         // discarding the rest of an over-long line
  std::uint64_t line = 1;        // the line buf[pos] is on
  std::uint64_t before = 0;      // bytes consumed before buf[0]
  std::uint64_t total = 0;

  std::vector<std::string> header;
  std::size_t ncols = 0;
  std::array<int, c_known> col{};
  std::vector<field> fields;     // ncols + 1: one extra proves "too many"
  std::size_t nfields = 0;       // fields counted in the last record (may exceed fields.size())
  std::uint64_t breaks = 0;      // line breaks the last record consumed
  const char* why = "";          // the last scan's reason when bad

  std::array<std::vector<csv_row>, event_csv_reader::batches_kept> rows;  // used in turn, call by call
  int parity = 0;

  ~impl() {
    if (file != nullptr && own_file) std::fclose(file);
  }

  void allocate() {
    options.max_row_bytes = std::max<std::size_t>(options.max_row_bytes, 64);
    options.block_bytes = std::max(options.block_bytes, 2 * options.max_row_bytes);
    cap = options.block_bytes + options.max_row_bytes + 1;
    bufs[0].reset(new char[cap]);
  }

  char* base() const noexcept { return bufs[static_cast<std::size_t>(cur)].get(); }

  // Moves the unread tail to the front and reads more; false if nothing new came.
  bool refill() {
    if (at_eof) return false;
    const std::size_t tail = end - pos;
    if (!flipped) {
      // The first refill of a call moves to the other buffer; the current one
      // may hold the rows of the batch before.
      const int following = (cur + 1) % static_cast<int>(bufs.size());
      auto& other = bufs[static_cast<std::size_t>(following)];
      if (!other) other.reset(new char[cap]);
      std::memcpy(other.get(), base() + pos, tail);
      cur = following;
      flipped = true;
    } else if (pos > 0) {
      std::memmove(base(), base() + pos, tail);  // no row of this call lives here yet
    }
    before += pos;
    end = tail;
    pos = 0;
    std::size_t got = 0;
    while (end < cap && !at_eof) {
      const std::size_t n = std::fread(base() + end, 1, cap - end, file);
      end += n;
      got += n;
      if (n == 0) {
        if (std::ferror(file))
          throw error(errc::invalid_argument, fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        at_eof = true;
      }
      if (got >= options.block_bytes / 2) break;  // enough to parse on; pipes stay responsive
    }
    return got > 0;
  }

  void store(char* b, char* e, bool quoted, bool escaped) {
    if (nfields < fields.size()) fields[nfields] = {b, e, quoted, escaped};
    ++nfields;
  }

  // Finds the record starting at p and its fields. `next` receives the
  // position after the record's line break.
  scan_status scan(char* p, char* lim, bool eof, char*& next) {
    nfields = 0;
    breaks = 0;
    // One pass over the bytes with a class table: most rows have no quotes,
    // and their fields are short, so this beats a memchr per field.
    char* s = p;
    char* q = p;
    for (;;) {
      q = find_special(q, lim);
      if (q == lim) {
        if (!eof) return scan_status::incomplete;
        store(s, q > s && q[-1] == '\r' ? q - 1 : q, false, false);
        next = lim;
        return scan_status::complete;
      }
      switch (byte_class[static_cast<unsigned char>(*q)]) {
        case 1:  // ,
          store(s, q, false, false);
          s = ++q;
          continue;
        case 2:  // \n
          store(s, q > s && q[-1] == '\r' ? q - 1 : q, false, false);
          next = q + 1;
          breaks = 1;
          return scan_status::complete;
        default:  // a quote: the general scanner
          nfields = 0;
          return scan_quoted(p, lim, eof, next);
      }
    }
  }

  scan_status scan_quoted(char* q, char* lim, bool eof, char*& next) {
    for (;;) {
      if (q < lim && *q == '"') {
        char* const content = q + 1;
        char* s = content;
        bool escaped = false;
        for (;;) {
          auto* qq = static_cast<char*>(std::memchr(s, '"', static_cast<std::size_t>(lim - s)));
          if (qq == nullptr || (qq + 1 == lim && !eof)) {
            if (!eof) return scan_status::incomplete;
            why = "a quoted field is never closed";
            return scan_status::bad;
          }
          if (qq + 1 < lim && qq[1] == '"') {
            escaped = true;
            s = qq + 2;
            continue;
          }
          breaks += static_cast<std::uint64_t>(std::count(content, qq, '\n'));
          store(content, qq, true, escaped);
          q = qq + 1;
          break;
        }
        while (q < lim && (*q == ' ' || *q == '\t')) ++q;
        if (q == lim) {
          if (!eof) return scan_status::incomplete;
          next = lim;
          return scan_status::complete;
        }
        if (*q == ',') {
          ++q;
          continue;
        }
        if (*q == '\n' || (*q == '\r' && q + 1 < lim && q[1] == '\n')) {
          next = q + (*q == '\r' ? 2 : 1);
          ++breaks;
          return scan_status::complete;
        }
        if (*q == '\r' && q + 1 == lim) {
          if (!eof) return scan_status::incomplete;
          next = lim;
          return scan_status::complete;
        }
        why = "text after a closing quote";
        return scan_status::bad;
      }
      char* const s = q;
      while (q < lim && *q != ',' && *q != '\n') ++q;
      if (q == lim && !eof) return scan_status::incomplete;
      char* fe = q;
      if (fe > s && fe[-1] == '\r' && (q == lim || *q == '\n')) --fe;
      store(s, fe, false, false);
      if (q == lim) {
        next = lim;
        return scan_status::complete;
      }
      if (*q == ',') {
        ++q;
        continue;
      }
      ++breaks;
      next = q + 1;
      return scan_status::complete;
    }
  }

  // Skips past the first line break at or after p; false if none is buffered.
  bool skip_line(char* p) {
    char* lim = base() + end;
    auto* nl = static_cast<char*>(std::memchr(p, '\n', static_cast<std::size_t>(lim - p)));
    if (nl == nullptr) {
      pos = end;
      skipping = !at_eof;
      return false;
    }
    pos = static_cast<std::size_t>(nl + 1 - base());
    ++line;
    skipping = false;
    return true;
  }

  csv_row& bad_row(std::size_t& n, std::uint64_t at_line, row_problem p, std::string detail) {
    csv_row& r = rows[static_cast<std::size_t>(parity)][n++];
    r.line = at_line;
    r.problem = p;
    r.detail = std::move(detail);
    return r;
  }

  // Rows of a log come mostly in time order, so most share the previous row's
  // day: remember its text and value and parse only the time of day.
  char last_day_text[10] = {};
  std::int64_t last_day = 0;
  bool have_day = false;

  std::optional<std::int64_t> parse_time_cached(std::string_view t) {
    if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
    if (t.size() < 10) return std::nullopt;
    if (!have_day || std::memcmp(t.data(), last_day_text, 10) != 0) {
      const auto day = parse_day(t.data());
      if (!day) return std::nullopt;
      std::memcpy(last_day_text, t.data(), 10);
      last_day = *day;
      have_day = true;
    }
    const auto clock = parse_clock(t.substr(10));
    if (!clock) return std::nullopt;
    return last_day * us_per_day + *clock;
  }

  // Fills rows[n] from the fields of the last scan; false (row marked bad) when a value is bad.
  bool convert(csv_row& r) {
    auto value = [&](int c) -> std::string_view {
      return col[c] < 0 ? std::string_view{} : trimmed(fields[static_cast<std::size_t>(col[c])]);
    };
    auto fail = [&](row_problem p, std::string detail) {
      r.problem = p;
      r.detail = std::move(detail);
      return false;
    };
    const std::string_view t = value(c_time);
    if (t.empty()) return fail(row_problem::missing_field, "time is empty");
    const auto us = parse_time_cached(t);
    if (!us) return fail(row_problem::bad_time, fmt::format("bad time {} (want YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])", shown(t)));
    const std::string_view person = value(c_person);
    if (person.empty()) return fail(row_problem::missing_field, "person is empty");
    const std::string_view kind_text = value(c_event);
    if (kind_text.empty()) return fail(row_problem::missing_field, "event is empty");
    const auto kind = fast_kind(kind_text);
    if (!kind) return fail(row_problem::unknown_kind, fmt::format("unknown event kind {}", shown(kind_text)));
    money amount{};
    if (const std::string_view a = value(c_amount); !a.empty()) {
      const auto m = parse_money(a);
      if (!m) return fail(row_problem::bad_amount, fmt::format("bad amount {} (want a decimal such as 12.50)", shown(a)));
      if (*kind == event_kind::purchase && m->minor < 0)
        return fail(row_problem::bad_amount, fmt::format("negative purchase amount {}", shown(a)));
      amount = *m;
    }
    bool coupon = false;
    if (const std::string_view c = value(c_coupon); !c.empty()) {
      if (c == "1" || ascii_iequal(c, "true"))
        coupon = true;
      else if (!(c == "0" || ascii_iequal(c, "false")))
        return fail(row_problem::bad_coupon, fmt::format("bad coupon {} (want 1, 0, true, false or empty)", shown(c)));
    }
    int score = -1;
    if (const std::string_view sc = value(c_score); !sc.empty()) {
      int v = 0;
      if (sc.size() > 2 || !digits(sc.data(), static_cast<int>(sc.size()), v) || v > 10)
        return fail(row_problem::bad_score, fmt::format("bad score {} (want an integer 0..10 or empty)", shown(sc)));
      score = v;
    }
    if (*kind == event_kind::refund && value(c_ref).empty())
      return fail(row_problem::missing_field, "a refund must name the purchase it cancels (ref is empty)");
    // Every check passed: only now touch the buffer (unescaping), so a bad
    // multi-line row can still be re-read line by line.
    auto text = [&](int c) -> std::string_view {
      if (col[c] < 0) return {};
      field& f = fields[static_cast<std::size_t>(col[c])];
      if (f.escaped) unescape(f);
      return trimmed(f);
    };
    r.time_us = *us;
    r.ev.time = time_from_us(*us);
    r.ev.person = text(c_person);
    r.ev.kind = *kind;
    r.ev.amount = amount;
    r.ev.coupon = coupon;
    r.ev.id = text(c_id);
    r.ev.target = text(c_target);
    r.ev.ref = text(c_ref);
    r.ev.score = score;
    r.problem = row_problem::none;
    r.detail.clear();
    return true;
  }

  // Reads up to `max` rows into `rows`.
  std::span<const csv_row> batch(std::size_t max) {
    if (max == 0) max = 1;
    parity = (parity + 1) % static_cast<int>(rows.size());
    flipped = false;
    std::vector<csv_row>& out = rows[static_cast<std::size_t>(parity)];
    if (out.size() < max) out.resize(max);
    std::size_t n = 0;
    while (n < max) {
      if (skipping) {
        if (skip_line(base() + pos)) continue;
        if (n > 0 || !refill()) break;  // hand out what we have, or the input ended
        continue;
      }
      if (pos == end) {
        if (n > 0 || !refill()) break;
        continue;
      }
      char* p = base() + pos;
      char* lim = base() + end;
      char* next = nullptr;
      const scan_status st = scan(p, lim, at_eof, next);
      const std::uint64_t at_line = line;
      if (st == scan_status::incomplete) {
        if (static_cast<std::size_t>(lim - p) > options.max_row_bytes) {
          bad_row(n, at_line, row_problem::too_long, fmt::format("row longer than {} bytes", options.max_row_bytes));
          skip_line(p);
          continue;
        }
        if (n > 0) break;  // refill at the start of a call only (see `bufs`)
        if (!refill() && !at_eof) {
          // The buffer is full and the row still has no end: it is too long.
          bad_row(n, at_line, row_problem::too_long, fmt::format("row longer than {} bytes", options.max_row_bytes));
          skip_line(base() + pos);  // refill may have moved the row
        }
        continue;
      }
      if (st == scan_status::bad) {
        bad_row(n, at_line, row_problem::bad_quoting, why);
        skip_line(p);
        continue;
      }
      const bool multi_line = breaks > 1 || (breaks == 1 && next[-1] != '\n');
      if (static_cast<std::size_t>(next - p) > options.max_row_bytes) {
        bad_row(n, at_line, row_problem::too_long, fmt::format("row longer than {} bytes", options.max_row_bytes));
        skip_line(p);
        continue;
      }
      // A blank line (or one of spaces) is no row.
      if (nfields == 1 && trimmed(fields[0]).empty() && !fields[0].quoted) {
        pos = static_cast<std::size_t>(next - base());
        line += breaks;
        continue;
      }
      if (nfields != ncols) {
        bad_row(n, at_line, row_problem::column_count,
                fmt::format("expected {} columns, found {}", ncols, nfields));
        if (multi_line) {
          skip_line(p);
        } else {
          pos = static_cast<std::size_t>(next - base());
          line += breaks;
        }
        continue;
      }
      csv_row& r = out[n];
      r.line = at_line;
      if (!convert(r)) {
        ++n;
        if (multi_line) {
          skip_line(p);
          continue;
        }
      } else {
        ++n;
      }
      pos = static_cast<std::size_t>(next - base());
      line += breaks;
    }
    return {out.data(), n};
  }

  void read_header() {
    // Skip a UTF-8 byte order mark.
    refill();
    if (end - pos >= 3 && std::memcmp(base() + pos, "\xEF\xBB\xBF", 3) == 0) pos += 3;
    for (;;) {
      // Blank lines before the header are skipped like anywhere else.
      if (pos == end && !refill()) throw error(errc::parse_error, "empty file: no header row", name, static_cast<int>(line));
      fields.resize(4096);  // columns a header may have
      char* p = base() + pos;
      char* next = nullptr;
      const scan_status st = scan(p, base() + end, at_eof, next);
      if (st == scan_status::incomplete) {
        if (static_cast<std::size_t>(end - pos) > options.max_row_bytes || !refill())
          throw error(errc::parse_error, "header row too long", name, static_cast<int>(line));
        continue;
      }
      if (st == scan_status::bad) throw error(errc::parse_error, fmt::format("header: {}", why), name, static_cast<int>(line));
      if (nfields == 1 && trimmed(fields[0]).empty()) {
        pos = static_cast<std::size_t>(next - base());
        line += breaks;
        continue;
      }
      if (nfields > fields.size())
        throw error(errc::parse_error, fmt::format("header has {} columns, at most {} are supported", nfields, fields.size()),
                    name, static_cast<int>(line));
      col.fill(-1);
      for (std::size_t i = 0; i < nfields; ++i) {
        field f = fields[i];
        std::string h(f.escaped ? unescape(f) : trimmed(f));
        for (int c = 0; c < c_known; ++c) {
          if (!ascii_iequal(h, column_names[static_cast<std::size_t>(c)])) continue;
          if (col[c] >= 0)
            throw error(errc::parse_error, fmt::format("header names column '{}' twice", column_names[static_cast<std::size_t>(c)]),
                        name, static_cast<int>(line));
          col[c] = static_cast<int>(i);
        }
        header.push_back(std::move(h));
      }
      for (int c : {c_time, c_person, c_event})
        if (col[c] < 0)
          throw error(errc::parse_error,
                      fmt::format("header lacks the required column '{}' (found: {})", column_names[static_cast<std::size_t>(c)],
                                  shown(fmt::format("{}", fmt::join(header, ",")))),
                      name, static_cast<int>(line));
      ncols = nfields;
      fields.assign(ncols + 1, field{});
      pos = static_cast<std::size_t>(next - base());
      line += breaks;
      return;
    }
  }
};

event_csv_reader::event_csv_reader(std::unique_ptr<impl> m) : impl_(std::move(m)) {}
event_csv_reader::event_csv_reader(event_csv_reader&&) noexcept = default;
event_csv_reader& event_csv_reader::operator=(event_csv_reader&&) noexcept = default;
event_csv_reader::~event_csv_reader() = default;

event_csv_reader event_csv_reader::open(const std::string& path, event_csv_options options) {
  auto m = std::make_unique<impl>();
  m->name = path;
  m->options = options;
  if (path == "-") {
    m->file = stdin;
  } else {
    m->file = std::fopen(path.c_str(), "rb");
    if (m->file == nullptr) throw error(errc::invalid_argument, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    m->own_file = true;
    struct stat st {};
    if (::fstat(fileno(m->file), &st) == 0) {
      if (S_ISDIR(st.st_mode)) throw error(errc::invalid_argument, fmt::format("cannot read {}: it is a directory", path));
      if (S_ISREG(st.st_mode)) m->total = static_cast<std::uint64_t>(st.st_size);
    }
  }
  m->allocate();
  m->read_header();
  return event_csv_reader(std::move(m));
}

event_csv_reader event_csv_reader::from_string(std::string_view text, std::string name, event_csv_options options) {
  auto m = std::make_unique<impl>();
  m->name = std::move(name);
  m->options = options;
  m->options.block_bytes = text.size() + 1;  // the whole text in one block
  m->allocate();
  std::memcpy(m->base(), text.data(), text.size());  // one buffer: no refill ever
  m->end = text.size();
  m->at_eof = true;
  m->total = text.size();
  m->read_header();
  return event_csv_reader(std::move(m));
}

std::span<const csv_row> event_csv_reader::next_batch(std::size_t max_rows) {
  return impl_->batch(max_rows);
}

const csv_row* event_csv_reader::next() {
  // A batch of one: its views stay valid until the next call.
  const auto b = impl_->batch(1);
  return b.empty() ? nullptr : &b.front();
}

const std::string& event_csv_reader::name() const noexcept { return impl_->name; }
const std::vector<std::string>& event_csv_reader::columns() const noexcept { return impl_->header; }
std::uint64_t event_csv_reader::bytes_read() const noexcept { return impl_->before + impl_->pos; }
std::uint64_t event_csv_reader::total_bytes() const noexcept { return impl_->total; }

}  // namespace lifecycle
