// The C API (include/lifecycle/lifecycle.h) over the C++ library.
//
// Every exported function is noexcept and catches everything: a C caller (or
// Swift, or a JVM through JNI) cannot unwind a C++ exception, so one escaping
// would terminate the host. Error messages live in fixed-size buffers, so
// reporting an out-of-memory error never needs memory.

#include "lifecycle/lifecycle.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

#include "lifecycle/engine.hpp"
#include "lifecycle/error.hpp"
#include "lifecycle/event.hpp"
#include "lifecycle/event_csv.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/snapshot.hpp"
#include "lifecycle/version.hpp"

namespace lc = lifecycle;

// The C enums mirror the C++ ones value for value, so conversions are casts.
static_assert(LC_STAGE_COUNT == lc::stage_count && LC_ROLE_COUNT == lc::role_count);
static_assert(LC_STAGE_LOYAL == static_cast<int>(lc::stage::loyal) &&
              LC_STAGE_DEAL_HUNTER == static_cast<int>(lc::stage::deal_hunter) &&
              LC_STAGE_NEW == static_cast<int>(lc::stage::new_customer));
static_assert(LC_ROLE_BUYER == static_cast<int>(lc::role::buyer) &&
              LC_ROLE_SPECTATOR == static_cast<int>(lc::role::spectator) &&
              LC_ROLE_CREATOR == static_cast<int>(lc::role::creator));
static_assert(LC_INGEST_REJECTED == static_cast<int>(lc::ingest_status::rejected) &&
              LC_INGEST_DUPLICATE == static_cast<int>(lc::ingest_status::duplicate));
static_assert(LC_REJECT_PERSON_TOO_LONG == static_cast<int>(lc::reject_reason::person_too_long) &&
              LC_REJECT_TOO_FAR_AHEAD == static_cast<int>(lc::reject_reason::too_far_ahead) &&
              LC_REJECT_BAD_SCORE == static_cast<int>(lc::reject_reason::bad_score));
static_assert(LC_CHANGE_ROLE_LOST == static_cast<int>(lc::change::role_lost) &&
              LC_CHANGE_SIGNAL == static_cast<int>(lc::change::signal) && lc::change_names.size() == 4);
static_assert(LC_SIGNAL_COUNT == lc::signal_count);
static_assert(LC_SIGNAL_BROWSE_NO_BUY == static_cast<int>(lc::signal_kind::browse_no_buy) &&
              LC_SIGNAL_ABANDONED_CART == static_cast<int>(lc::signal_kind::abandoned_cart) &&
              LC_SIGNAL_USAGE_DECLINE == static_cast<int>(lc::signal_kind::usage_decline) &&
              LC_SIGNAL_CONTACT_DUE == static_cast<int>(lc::signal_kind::contact_due) &&
              LC_SIGNAL_OVER_CONTACTED == static_cast<int>(lc::signal_kind::over_contacted) &&
              LC_SIGNAL_BIRTHDAY == static_cast<int>(lc::signal_kind::birthday) &&
              LC_SIGNAL_TIER_UP == static_cast<int>(lc::signal_kind::tier_up) &&
              LC_SIGNAL_TIER_DOWN == static_cast<int>(lc::signal_kind::tier_down));
static_assert(LC_CAUSE_CORRECTION == static_cast<int>(lc::cause::correction));
static_assert(LC_RULE_OTHER_ROLE == static_cast<int>(lc::reason::rule::other_role) &&
              LC_RULE_ROLE_HELD == static_cast<int>(lc::reason::rule::role_held) &&
              LC_RULE_LAPSE_MODEL == static_cast<int>(lc::reason::rule::lapse_model));
// The signal rules follow the signal kinds in order.
static_assert(LC_RULE_BROWSE_NO_BUY == static_cast<int>(lc::reason::rule::browse_no_buy) &&
              LC_RULE_USAGE_DECLINE == static_cast<int>(lc::reason::rule::usage_decline) &&
              LC_RULE_BIRTHDAY == static_cast<int>(lc::reason::rule::birthday) &&
              LC_RULE_TIER_DOWN == static_cast<int>(lc::reason::rule::tier_down) &&
              LC_RULE_TIER_DOWN - LC_RULE_BROWSE_NO_BUY == LC_SIGNAL_TIER_DOWN);
// `signal` went into lc_transition's tail padding: callers built before it still pass a big enough struct.
static_assert(sizeof(void*) != 8 || sizeof(lc_transition) == 72, "lc_transition grew on a 64-bit platform");
static_assert(LC_HISTORY_NONE == static_cast<int>(lc::history_mode::none));

namespace {

constexpr std::size_t message_capacity = 1024;  // the header promises 1023 bytes and a NUL

// Event times the library can represent: years 1400..9999, as parse_event_time_us reads them.
constexpr std::int64_t us_per_day = 86'400'000'000;
constexpr std::int64_t min_time_us = -208'188 * us_per_day;       // 1400-01-01T00:00Z
constexpr std::int64_t max_time_us = 2'932'897 * us_per_day - 1;  // 9999-12-31T23:59:59.999999Z
constexpr std::int32_t min_day = -208'188;
constexpr std::int32_t max_day = 2'932'896;

// Person ids are at most this long (reject_reason::person_too_long).
constexpr std::size_t max_person_bytes = 65535;

thread_local char thread_error[message_capacity];

// A message assembled from pieces without allocating; cut at a UTF-8
// character boundary when it does not fit.
class message {
 public:
  void add(std::string_view s) noexcept {
    const std::size_t room = message_capacity - 1 - len_;
    if (s.size() > room) {
      std::size_t n = room;
      // Do not split a character: back up over continuation bytes.
      while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
      s = s.substr(0, n);
    }
    std::memcpy(text_ + len_, s.data(), s.size());
    len_ += s.size();
    text_[len_] = '\0';
  }
  void add(const char* s) noexcept { add(std::string_view(s ? s : "(null)")); }
  template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
  void add(Int v) noexcept {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    add(std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
  }
  const char* c_str() const noexcept { return text_; }
  std::size_t size() const noexcept { return len_; }

 private:
  char text_[message_capacity] = {};
  std::size_t len_ = 0;
};

bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
    else return false;  // a continuation byte first, an overlong two-byte lead, or beyond U+10FFFF
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;  // overlong, too big, or a UTF-16 surrogate
    p += n + 1;
  }
  return true;
}

std::int64_t to_us(boost::posix_time::ptime t) {
  static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return (t - epoch).total_microseconds();
}

std::int32_t to_day(boost::gregorian::date d) {
  static const boost::gregorian::date epoch(1970, 1, 1);
  return static_cast<std::int32_t>((d - epoch).days());
}

}  // namespace

struct lc_policy {
  lc::policy rules;
};

struct lc_engine {
  explicit lc_engine(lc::engine e) : eng(std::move(e)) {}

  lc::engine eng;
  mutable char error[message_capacity] = {};

  // The list of transitions of the last ingest, advance or history call, and
  // the person ids of its entries, copied when first asked for.
  std::vector<lc::transition> list;
  mutable std::vector<std::string> names;
  mutable std::vector<unsigned char> named;

  lc_transition_fn callback = nullptr;
  void* user = nullptr;
  std::optional<lc::subscription> subscription;
  std::string callback_name;  // reserved for the longest id, so the callback never allocates

  // Set while the C++ engine works inside ingest or advance: every call made
  // then comes from the callback.
  bool busy = false;

  // Snapshot bytes computed for a call whose buffer was too small.
  mutable std::vector<std::byte> snapshot_bytes;
  mutable bool snapshot_kept = false;

  // Forgets kept snapshot bytes (the engine changed, or they were handed out).
  void changed() const noexcept {
    snapshot_kept = false;
    snapshot_bytes = {};
  }
  // Replaces the list. Whatever throws, names and named stay at least as long
  // as list, which is what lc_transition_at relies on.
  void replace_list(std::span<const lc::transition> ts) {
    named.clear();
    list.clear();
    if (names.size() < ts.size()) names.resize(ts.size());
    named.resize(ts.size(), 0);
    list.assign(ts.begin(), ts.end());
  }
};

namespace {

// Records \p status's message for this thread and, if there is one, \p e.
template <class... Parts>
lc_status fail(const lc_engine* e, lc_status status, const Parts&... parts) noexcept {
  message m;
  (m.add(parts), ...);
  std::memcpy(thread_error, m.c_str(), m.size() + 1);
  if (e) std::memcpy(e->error, m.c_str(), m.size() + 1);
  return status;
}

void succeed(const lc_engine* e) noexcept {
  thread_error[0] = '\0';
  if (e) e->error[0] = '\0';
}

lc_status from_code(lc::errc c) noexcept {
  switch (c) {
    case lc::errc::invalid_policy: return LC_BAD_POLICY;
    case lc::errc::invalid_state: return LC_INVALID_STATE;
    case lc::errc::io_error: return LC_IO_ERROR;
    case lc::errc::parse_error:
    case lc::errc::invalid_argument: return LC_INVALID_ARGUMENT;
  }
  return LC_INTERNAL_ERROR;
}

// Called inside a catch handler: turns the exception in flight into a status.
lc_status from_exception(const lc_engine* e, const char* fn) noexcept {
  try {
    throw;
  } catch (const lc::error& x) {
    return fail(e, from_code(x.code()), x.what());
  } catch (const std::bad_alloc&) {
    return fail(e, LC_OUT_OF_MEMORY, fn, ": out of memory");
  } catch (const std::exception& x) {
    return fail(e, LC_INTERNAL_ERROR, fn, ": internal error: ", x.what());
  } catch (...) {
    return fail(e, LC_INTERNAL_ERROR, fn, ": internal error: unknown exception");
  }
}

// Runs \p body, which returns a status; exceptions become statuses; LC_OK clears the messages.
template <class Body>
lc_status guarded(const lc_engine* e, const char* fn, Body&& body) noexcept {
  try {
    const lc_status s = body();
    if (s == LC_OK) succeed(e);
    return s;
  } catch (...) {
    return from_exception(e, fn);
  }
}

// The common checks of a call on an engine. \p from_callback: whether the
// callback may make this call.
#define LC_CHECK_ENGINE(e, fn, from_callback)                                                           \
  do {                                                                                                  \
    if (!(e)) return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": engine is NULL");                        \
    if (!(from_callback) && (e)->busy)                                                                  \
      return fail(e, LC_INVALID_STATE, fn, ": called from inside the engine's transition callback");   \
  } while (0)

#define LC_CHECK_POINTER(e, fn, p) \
  do {                             \
    if (!(p)) return fail(e, LC_INVALID_ARGUMENT, fn, ": " #p " is NULL"); \
  } while (0)

// A string argument: not NULL (unless \p optional) and UTF-8.
lc_status text_arg(const lc_engine* e, const char* fn, const char* what, const char* s, bool optional,
                   std::string_view& out) noexcept {
  if (!s) {
    if (optional) {
      out = {};
      return LC_OK;
    }
    return fail(e, LC_INVALID_ARGUMENT, fn, ": ", what, " is NULL");
  }
  out = std::string_view(s);
  if (!valid_utf8(out)) return fail(e, LC_INVALID_ARGUMENT, fn, ": ", what, " is not valid UTF-8");
  return LC_OK;
}

// The profile of the person named by the string argument \p person, whom an
// event must have reached (LC_NOT_FOUND otherwise).
lc_status known_person(const lc_engine* e, const char* fn, const char* person, std::optional<lc::profile>& out) {
  std::string_view name;
  if (const lc_status s = text_arg(e, fn, "person", person, false, name); s != LC_OK) return s;
  out = e->eng.profile_of(name);
  if (!out) return fail(e, LC_NOT_FOUND, fn, ": no event has reached person '", name, "'");
  return LC_OK;
}

// Copies \p data into the caller's buffer under the size-in/size-out rule.
lc_status copy_out(const lc_engine* e, const char* fn, const void* data, std::size_t bytes, bool text,
                   void* buf, std::size_t* size) noexcept {
  if (!size) return fail(e, LC_INVALID_ARGUMENT, fn, ": size is NULL");
  if (!buf && *size != 0) return fail(e, LC_INVALID_ARGUMENT, fn, ": buf is NULL but *size is not 0");
  const std::size_t need = bytes + (text ? 1 : 0);
  if (*size < need) {
    const std::size_t had = *size;
    *size = need;
    return fail(e, LC_BUFFER_TOO_SMALL, fn, ": the buffer holds ", had, " bytes, ", need, " are needed");
  }
  if (bytes > 0) std::memcpy(buf, data, bytes);
  if (text) static_cast<char*>(buf)[bytes] = '\0';
  *size = need;
  return LC_OK;
}

lc_status copy_text(const lc_engine* e, const char* fn, std::string_view s, char* buf, std::size_t* size) noexcept {
  return copy_out(e, fn, s.data(), s.size(), true, buf, size);
}

lc_status time_arg(const lc_engine* e, const char* fn, std::int64_t us) noexcept {
  if (us < min_time_us || us > max_time_us)
    return fail(e, LC_BAD_TIME, fn, ": time ", us, " us is outside years 1400..9999");
  return LC_OK;
}

void fill(lc_transition& out, const lc::transition& t, const std::string& person) noexcept {
  std::memset(&out, 0, sizeof out);  // padding too: no stale bytes reach the caller
  out.person = person.c_str();
  out.person_len = person.size();
  out.change = static_cast<lc_change>(t.what);
  out.from = static_cast<lc_stage>(t.from);
  out.to = static_cast<lc_stage>(t.to);
  out.role = static_cast<lc_role>(t.role_changed);
  out.when_us = t.when.is_special() ? LC_NO_TIME : to_us(t.when);
  out.cause = static_cast<lc_cause>(t.cause);
  out.rule = static_cast<lc_rule>(t.why.which);
  out.rule_role = static_cast<lc_role>(t.why.about);
  for (std::size_t i = 0; i < 4; ++i) out.figures[i] = t.why.figures[i];
  out.signal = static_cast<lc_signal>(t.signal_raised);
}

template <class Enum>
bool in_range(Enum v, int count) noexcept {
  return static_cast<int>(v) >= 0 && static_cast<int>(v) < count;
}

lc_status new_engine(lc::engine eng, lc_engine** out) {
  *out = new lc_engine(std::move(eng));
  return LC_OK;
}

// The person of lc_engine_set_birthday / lc_engine_set_reachable: checked, then
// interned, so a host may set them before the person's first event. The policy
// is checked first, so a refused call leaves no new name behind.
lc_status attribute_person(lc_engine* engine, const char* fn, const char* person, lc::person_id& id) {
  std::string_view name;
  if (const lc_status s = text_arg(engine, fn, "person", person, false, name); s != LC_OK) return s;
  if (name.empty()) return fail(engine, LC_INVALID_ARGUMENT, fn, ": person is empty");
  if (name.size() > max_person_bytes)
    return fail(engine, LC_INVALID_ARGUMENT, fn, ": person is longer than ", max_person_bytes, " bytes");
  if (!engine->eng.rules().tracks_signals())
    return fail(engine, LC_INVALID_STATE, fn,
                ": the policy tracks no signals, tiers or NPS (signals = none, tiers = none, nps = false)");
  id = engine->eng.intern(name);
  return LC_OK;
}

}  // namespace

extern "C" {

// --- status and errors --------------------------------------------------------

LC_API const char* lc_status_name(lc_status status) noexcept {
  static constexpr std::array<const char*, 11> names = {
      "LC_OK",          "LC_INVALID_ARGUMENT", "LC_BAD_KIND",      "LC_BAD_TIME",
      "LC_BAD_POLICY",  "LC_NOT_FOUND",        "LC_BUFFER_TOO_SMALL", "LC_IO_ERROR",
      "LC_INVALID_STATE", "LC_OUT_OF_MEMORY",  "LC_INTERNAL_ERROR"};
  const int i = static_cast<int>(status);
  return i >= 0 && i < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(i)] : nullptr;
}

LC_API const char* lc_last_error(void) noexcept { return thread_error; }

LC_API const char* lc_engine_error(const lc_engine* engine) noexcept { return engine ? engine->error : ""; }

// --- vocabulary -----------------------------------------------------------------
// The C++ name tables are string_views of string literals, so .data() is NUL-terminated.

LC_API const char* lc_stage_name(lc_stage stage) noexcept {
  return in_range(stage, LC_STAGE_COUNT) ? lc::to_string(static_cast<lc::stage>(stage)).data() : nullptr;
}

LC_API const char* lc_role_name(lc_role role) noexcept {
  if (role == LC_ROLE_NONE) return "none";
  return in_range(role, LC_ROLE_COUNT) ? lc::to_string(static_cast<lc::role>(role)).data() : nullptr;
}

LC_API const char* lc_ingest_status_name(lc_ingest_status status) noexcept {
  return in_range(status, 3) ? lc::to_string(static_cast<lc::ingest_status>(status)).data() : nullptr;
}

LC_API const char* lc_change_name(lc_change change) noexcept {
  return in_range(change, 4) ? lc::to_string(static_cast<lc::change>(change)).data() : nullptr;
}

LC_API const char* lc_signal_name(lc_signal signal) noexcept {
  return in_range(signal, LC_SIGNAL_COUNT) ? lc::to_string(static_cast<lc::signal_kind>(signal)).data() : nullptr;
}

LC_API const char* lc_cause_name(lc_cause cause) noexcept {
  return in_range(cause, 3) ? lc::to_string(static_cast<lc::cause>(cause)).data() : nullptr;
}

LC_API const char* lc_reject_reason_text(lc_reject_reason reason) noexcept {
  return in_range(reason, LC_REJECT_PERSON_TOO_LONG + 1)
             ? lc::to_string(static_cast<lc::reject_reason>(reason)).data()
             : nullptr;
}

// --- time -------------------------------------------------------------------------

LC_API lc_status lc_time_parse(const char* text, int64_t* time_us) noexcept {
  static constexpr const char* fn = "lc_time_parse";
  return guarded(nullptr, fn, [&] {
    std::string_view t;
    if (const lc_status s = text_arg(nullptr, fn, "text", text, false, t); s != LC_OK) return s;
    LC_CHECK_POINTER(nullptr, fn, time_us);
    const auto us = lc::parse_event_time_us(t);
    if (!us) return fail(nullptr, LC_BAD_TIME, fn, ": bad time '", t, "' (want YYYY-MM-DD[THH:MM[:SS]][Z], UTC)");
    *time_us = *us;
    return LC_OK;
  });
}

LC_API lc_status lc_time_text(int64_t time_us, char* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_time_text";
  return guarded(nullptr, fn, [&] {
    if (const lc_status s = time_arg(nullptr, fn, time_us); s != LC_OK) return s;
    const std::string text = boost::posix_time::to_iso_extended_string(lc::time_from_us(time_us)) + "Z";
    return copy_text(nullptr, fn, text, buf, size);
  });
}

LC_API lc_status lc_day_text(int32_t day, char* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_day_text";
  return guarded(nullptr, fn, [&] {
    if (day < min_day || day > max_day) return fail(nullptr, LC_BAD_TIME, fn, ": day ", day, " is outside years 1400..9999");
    const boost::gregorian::date d = boost::gregorian::date(1970, 1, 1) + boost::gregorian::days(day);
    return copy_text(nullptr, fn, boost::gregorian::to_iso_extended_string(d), buf, size);
  });
}

LC_API lc_status lc_roles_text(uint32_t roles, char* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_roles_text";
  return guarded(nullptr, fn, [&] {
    if (roles >= (1u << LC_ROLE_COUNT))
      return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": roles ", roles, " has bits beyond the ", LC_ROLE_COUNT, " roles");
    return copy_text(nullptr, fn, lc::to_string(lc::role_set::from_bits(static_cast<std::uint8_t>(roles))), buf, size);
  });
}

// --- policy ---------------------------------------------------------------------------

LC_API lc_status lc_policy_create(lc_policy** out) noexcept {
  static constexpr const char* fn = "lc_policy_create";
  return guarded(nullptr, fn, [&] {
    LC_CHECK_POINTER(nullptr, fn, out);
    *out = new lc_policy{};
    return LC_OK;
  });
}

LC_API void lc_policy_destroy(lc_policy* policy) noexcept { delete policy; }

LC_API lc_status lc_policy_set(lc_policy* policy, const char* key, const char* value) noexcept {
  static constexpr const char* fn = "lc_policy_set";
  return guarded(nullptr, fn, [&] {
    LC_CHECK_POINTER(nullptr, fn, policy);
    std::string_view k, v;
    if (const lc_status s = text_arg(nullptr, fn, "key", key, false, k); s != LC_OK) return s;
    if (const lc_status s = text_arg(nullptr, fn, "value", value, false, v); s != LC_OK) return s;
    // Set and range-check a copy, so a refused value leaves the policy as it was.
    lc::policy next = policy->rules;
    next.set(k, v);
    next.validate();
    policy->rules = next;
    return LC_OK;
  });
}

LC_API lc_status lc_policy_get(const lc_policy* policy, const char* key, char* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_policy_get";
  return guarded(nullptr, fn, [&] {
    LC_CHECK_POINTER(nullptr, fn, policy);
    std::string_view k;
    if (const lc_status s = text_arg(nullptr, fn, "key", key, false, k); s != LC_OK) return s;
    return copy_text(nullptr, fn, policy->rules.get(k), buf, size);
  });
}

LC_API size_t lc_policy_key_count(void) noexcept { return lc::policy::keys.size(); }

LC_API const char* lc_policy_key(size_t index) noexcept {
  return index < lc::policy::keys.size() ? lc::policy::keys[index].data() : nullptr;
}

// --- engine -----------------------------------------------------------------------------

LC_API lc_status lc_engine_create(const lc_policy* policy, lc_history_mode history, lc_engine** out) noexcept {
  static constexpr const char* fn = "lc_engine_create";
  return guarded(nullptr, fn, [&] {
    LC_CHECK_POINTER(nullptr, fn, out);
    if (!in_range(history, 3)) return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": history mode ", static_cast<int>(history), " is not an lc_history_mode");
    lc::engine_options options;
    options.history = static_cast<lc::history_mode>(history);
    return new_engine(lc::engine(policy ? policy->rules : lc::policy{}, options), out);
  });
}

LC_API void lc_engine_destroy(lc_engine* engine) noexcept {
  if (engine && engine->busy) {
    fail(engine, LC_INVALID_STATE, "lc_engine_destroy: called from inside the engine's transition callback; ignored");
    return;
  }
  delete engine;
}

LC_API lc_status lc_ingest(lc_engine* engine, const lc_event* event, lc_ingest_result* result) noexcept {
  static constexpr const char* fn = "lc_ingest";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, event);
    lc::event ev;
    if (event->time) {
      std::string_view t;
      if (const lc_status s = text_arg(engine, fn, "time", event->time, false, t); s != LC_OK) return s;
      const auto us = lc::parse_event_time_us(t);
      if (!us) return fail(engine, LC_BAD_TIME, fn, ": bad time '", t, "' (want YYYY-MM-DD[THH:MM[:SS]][Z], UTC)");
      ev.time = lc::time_from_us(*us);
    } else {
      if (const lc_status s = time_arg(engine, fn, event->time_us); s != LC_OK) return s;
      ev.time = lc::time_from_us(event->time_us);
    }
    std::string_view kind;
    if (const lc_status s = text_arg(engine, fn, "person", event->person, false, ev.person); s != LC_OK) return s;
    if (const lc_status s = text_arg(engine, fn, "kind", event->kind, false, kind); s != LC_OK) return s;
    if (const lc_status s = text_arg(engine, fn, "id", event->id, true, ev.id); s != LC_OK) return s;
    if (const lc_status s = text_arg(engine, fn, "target", event->target, true, ev.target); s != LC_OK) return s;
    if (const lc_status s = text_arg(engine, fn, "ref", event->ref, true, ev.ref); s != LC_OK) return s;
    const auto k = lc::parse_event_kind(kind);
    if (!k) return fail(engine, LC_BAD_KIND, fn, ": unknown event kind '", kind, "'");
    ev.kind = *k;
    ev.amount = lc::money{event->amount};
    ev.coupon = event->coupon != 0;
    // The C++ event says "no score" with -1; a given negative score must stay
    // out of range so the model rejects it instead of taking it for "none".
    ev.score = !event->has_score ? -1 : event->score < 0 ? -2 : event->score;

    engine->changed();
    engine->busy = true;
    lc::ingest_result r;
    try {
      r = engine->eng.ingest(ev);
    } catch (...) {
      engine->busy = false;
      throw;
    }
    engine->busy = false;
    engine->replace_list(r.transitions);
    if (result) {
      result->status = static_cast<lc_ingest_status>(r.status);
      result->reason = static_cast<lc_reject_reason>(r.why_rejected);
      result->reason_text = lc::to_string(r.why_rejected).data();
      result->transitions = r.transitions.size();
    }
    return LC_OK;
  });
}

LC_API lc_status lc_advance(lc_engine* engine, int64_t time_us, size_t* transitions) noexcept {
  static constexpr const char* fn = "lc_advance";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    if (const lc_status s = time_arg(engine, fn, time_us); s != LC_OK) return s;
    engine->changed();
    engine->busy = true;
    std::span<const lc::transition> ts;
    try {
      ts = engine->eng.advance_to(lc::time_from_us(time_us));
    } catch (...) {
      engine->busy = false;
      throw;
    }
    engine->busy = false;
    engine->replace_list(ts);
    if (transitions) *transitions = ts.size();
    return LC_OK;
  });
}

LC_API lc_status lc_clock(const lc_engine* engine, int64_t* time_us) noexcept {
  static constexpr const char* fn = "lc_clock";
  LC_CHECK_ENGINE(engine, fn, true);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, time_us);
    const auto t = engine->eng.clock();
    *time_us = t.is_special() ? LC_NO_TIME : to_us(t);
    return LC_OK;
  });
}

LC_API lc_status lc_transition_count(const lc_engine* engine, size_t* count) noexcept {
  static constexpr const char* fn = "lc_transition_count";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, count);
    *count = engine->list.size();
    return LC_OK;
  });
}

LC_API lc_status lc_transition_at(const lc_engine* engine, size_t index, lc_transition* out) noexcept {
  static constexpr const char* fn = "lc_transition_at";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, out);
    if (index >= engine->list.size())
      return fail(engine, LC_INVALID_ARGUMENT, fn, ": index ", index, " is past the end of the ",
                  engine->list.size(), " transitions");
    const lc::transition& t = engine->list[index];
    if (!engine->named[index]) {
      engine->names[index].assign(engine->eng.name(t.person));
      engine->named[index] = 1;
    }
    fill(*out, t, engine->names[index]);
    return LC_OK;
  });
}

LC_API lc_status lc_transition_text(const lc_transition* t, char* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_transition_text";
  return guarded(nullptr, fn, [&] {
    LC_CHECK_POINTER(nullptr, fn, t);
    if (!in_range(t->change, 4) || !in_range(t->from, LC_STAGE_COUNT) || !in_range(t->to, LC_STAGE_COUNT) ||
        !in_range(t->role, LC_ROLE_COUNT) || !in_range(t->cause, 3) || !in_range(t->rule, LC_RULE_TIER_DOWN + 1) ||
        !in_range(t->rule_role, LC_ROLE_COUNT) || !in_range(t->signal, LC_SIGNAL_COUNT))
      return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": the transition holds a value outside its enum");
    if (const lc_status s = time_arg(nullptr, fn, t->when_us); s != LC_OK) return s;
    lc::transition x;
    x.what = static_cast<lc::change>(t->change);
    x.from = static_cast<lc::stage>(t->from);
    x.to = static_cast<lc::stage>(t->to);
    x.role_changed = static_cast<lc::role>(t->role);
    x.signal_raised = static_cast<lc::signal_kind>(t->signal);
    x.when = lc::time_from_us(t->when_us);
    x.cause = static_cast<lc::cause>(t->cause);
    x.why.which = static_cast<lc::reason::rule>(t->rule);
    x.why.about = static_cast<lc::role>(t->rule_role);
    for (std::size_t i = 0; i < 4; ++i) x.why.figures[i] = t->figures[i];
    return copy_text(nullptr, fn, lc::to_string(x), buf, size);
  });
}

LC_API lc_status lc_set_callback(lc_engine* engine, lc_transition_fn fn_ptr, void* user) noexcept {
  static constexpr const char* fn = "lc_set_callback";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    if (!fn_ptr) {
      if (engine->subscription) engine->eng.unsubscribe(*engine->subscription);
      engine->subscription.reset();
      engine->callback = nullptr;
      engine->user = nullptr;
      return LC_OK;
    }
    if (!engine->subscription) {
      engine->callback_name.reserve(max_person_bytes + 1);
      lc_engine* h = engine;
      engine->subscription = engine->eng.subscribe([h](const lc::transition& t) {
        // No allocation here: the name fits the reserved capacity.
        h->callback_name.assign(h->eng.name(t.person));
        lc_transition c;
        fill(c, t, h->callback_name);
        h->callback(&c, h->user);
      });
    }
    engine->callback = fn_ptr;
    engine->user = user;
    return LC_OK;
  });
}

LC_API lc_status lc_history(lc_engine* engine, const char* person, size_t* count) noexcept {
  static constexpr const char* fn = "lc_history";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, count);
    std::optional<lc::profile> p;
    if (const lc_status s = known_person(engine, fn, person, p); s != LC_OK) return s;
    const std::vector<lc::transition> h = engine->eng.history(p->id);
    engine->replace_list(h);
    *count = h.size();
    return LC_OK;
  });
}

LC_API lc_status lc_profile_get(const lc_engine* engine, const char* person, lc_profile* out) noexcept {
  static constexpr const char* fn = "lc_profile_get";
  LC_CHECK_ENGINE(engine, fn, true);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, out);
    std::optional<lc::profile> p;
    if (const lc_status s = known_person(engine, fn, person, p); s != LC_OK) return s;
    lc_profile r;
    std::memset(&r, 0, sizeof r);  // padding too: no stack bytes reach the caller
    r.stage = static_cast<lc_stage>(p->current_stage);
    r.stage_since_us = p->stage_since.is_special() ? LC_NO_TIME : to_us(p->stage_since);
    r.roles = p->roles.bits();
    r.primary_role = p->primary_role ? static_cast<lc_role>(*p->primary_role) : LC_ROLE_NONE;
    r.purchases = p->purchases;
    r.coupon_purchases = p->coupon_purchases;
    r.refunded_purchases = p->refunded_purchases;
    r.spend = p->spend.minor;
    r.first_purchase_day = p->first_purchase ? to_day(*p->first_purchase) : LC_NO_DAY;
    r.last_purchase_day = p->last_purchase ? to_day(*p->last_purchase) : LC_NO_DAY;
    r.first_seen_day = p->first_seen.is_special() ? LC_NO_DAY : to_day(p->first_seen);
    for (std::size_t i = 0; i < LC_STAGE_COUNT; ++i) r.days_in_stage[i] = p->days_in_stage[i];
    std::memcpy(out, &r, sizeof r);
    return LC_OK;
  });
}

LC_API lc_status lc_counts_get(const lc_engine* engine, lc_counts* out) noexcept {
  static constexpr const char* fn = "lc_counts_get";
  LC_CHECK_ENGINE(engine, fn, true);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, out);
    const lc::engine& e = engine->eng;
    lc_counts c;
    std::memset(&c, 0, sizeof c);
    c.known_persons = e.known_persons();
    const lc::ingest_counts totals = e.counts();
    c.accepted = totals.accepted;
    c.duplicate = totals.duplicate;
    c.rejected = totals.rejected;
    const auto stages = e.stage_counts();
    std::copy(stages.begin(), stages.end(), c.stages);
    const auto roles = e.role_counts();
    std::copy(roles.begin(), roles.end(), c.roles);
    c.conversions = e.conversions();
    const auto by_role = e.conversions_by_primary_role();
    std::copy(by_role.begin(), by_role.end(), c.conversions_by_role);
    const lc::transition_matrix m = e.matrix();
    for (std::size_t i = 0; i < LC_STAGE_COUNT; ++i)
      for (std::size_t j = 0; j < LC_STAGE_COUNT; ++j) c.moves[i][j] = m[i][j];
    std::memcpy(out, &c, sizeof c);
    return LC_OK;
  });
}

// --- signals, points, tiers and NPS -----------------------------------------------------

LC_API lc_status lc_signal_profile_get(const lc_engine* engine, const char* person, lc_signal_profile* out) noexcept {
  static constexpr const char* fn = "lc_signal_profile_get";
  LC_CHECK_ENGINE(engine, fn, true);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, out);
    std::optional<lc::profile> p;
    if (const lc_status s = known_person(engine, fn, person, p); s != LC_OK) return s;
    const lc::tier_list& tiers = engine->eng.rules().tiers;  // lives as long as the engine
    lc_signal_profile r;
    std::memset(&r, 0, sizeof r);  // padding too
    r.points = p->points;
    r.tier = p->tier;
    r.reachable = p->reachable ? 1 : 0;
    r.tier_name = p->tier < tiers.size() ? tiers[p->tier].name.c_str() : "";
    r.birthday_month = p->birthday ? p->birthday->month : 0;
    r.birthday_day = p->birthday ? p->birthday->day : 0;
    r.nps_score = p->nps_score ? *p->nps_score : -1;
    std::memcpy(out, &r, sizeof r);
    return LC_OK;
  });
}

LC_API lc_status lc_signal_counts_get(const lc_engine* engine, lc_signal_counts* out) noexcept {
  static constexpr const char* fn = "lc_signal_counts_get";
  LC_CHECK_ENGINE(engine, fn, true);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, out);
    lc_signal_counts c;
    std::memset(&c, 0, sizeof c);
    const auto n = engine->eng.signal_counts();
    std::copy(n.begin(), n.end(), c.signals);
    std::memcpy(out, &c, sizeof c);
    return LC_OK;
  });
}

LC_API lc_status lc_engine_set_birthday(lc_engine* engine, const char* person, int month, int day) noexcept {
  static constexpr const char* fn = "lc_engine_set_birthday";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    std::optional<lc::month_day> md;
    if (month != 0) {
      // Range first: the month_day fields are bytes.
      const lc::month_day d{static_cast<std::uint8_t>(month >= 1 && month <= 12 ? month : 0),
                            static_cast<std::uint8_t>(day >= 1 && day <= 31 ? day : 0)};
      if (!d.valid())
        return fail(engine, LC_INVALID_ARGUMENT, fn, ": month ", month, ", day ", day,
                    " is not a day of the year (month 1..12, or 0 to clear)");
      md = d;
    }
    lc::person_id id;
    if (const lc_status s = attribute_person(engine, fn, person, id); s != LC_OK) return s;
    engine->changed();
    engine->eng.set_birthday(id, md);
    return LC_OK;
  });
}

LC_API lc_status lc_engine_set_reachable(lc_engine* engine, const char* person, int reachable) noexcept {
  static constexpr const char* fn = "lc_engine_set_reachable";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    lc::person_id id;
    if (const lc_status s = attribute_person(engine, fn, person, id); s != LC_OK) return s;
    engine->changed();
    engine->eng.set_reachable(id, reachable != 0);
    return LC_OK;
  });
}

// --- snapshots ----------------------------------------------------------------------------

LC_API lc_status lc_engine_save(const lc_engine* engine, const char* path) noexcept {
  static constexpr const char* fn = "lc_engine_save";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    std::string_view p;
    if (const lc_status s = text_arg(engine, fn, "path", path, false, p); s != LC_OK) return s;
    if (p.empty()) return fail(engine, LC_INVALID_ARGUMENT, fn, ": path is empty");
    lc::save_snapshot(engine->eng, std::filesystem::path(p));
    return LC_OK;
  });
}

LC_API lc_status lc_engine_load(const char* path, lc_engine** out) noexcept {
  static constexpr const char* fn = "lc_engine_load";
  return guarded(nullptr, fn, [&] {
    std::string_view p;
    if (const lc_status s = text_arg(nullptr, fn, "path", path, false, p); s != LC_OK) return s;
    LC_CHECK_POINTER(nullptr, fn, out);
    if (p.empty()) return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": path is empty");
    return new_engine(lc::load_snapshot(std::filesystem::path(p)), out);
  });
}

LC_API lc_status lc_engine_snapshot(const lc_engine* engine, void* buf, size_t* size) noexcept {
  static constexpr const char* fn = "lc_engine_snapshot";
  LC_CHECK_ENGINE(engine, fn, false);
  return guarded(engine, fn, [&] {
    LC_CHECK_POINTER(engine, fn, size);
    if (!buf && *size != 0) return fail(engine, LC_INVALID_ARGUMENT, fn, ": buf is NULL but *size is not 0");
    if (!engine->snapshot_kept) {
      engine->snapshot_bytes = engine->eng.snapshot();
      engine->snapshot_kept = true;
    }
    const lc_status s = copy_out(engine, fn, engine->snapshot_bytes.data(), engine->snapshot_bytes.size(), false, buf, size);
    // Keep the bytes only for the call that follows a too-small buffer.
    if (s == LC_OK) engine->changed();
    return s;
  });
}

LC_API lc_status lc_engine_restore(const void* bytes, size_t size, lc_engine** out) noexcept {
  static constexpr const char* fn = "lc_engine_restore";
  return guarded(nullptr, fn, [&] {
    if (!bytes && size != 0) return fail(nullptr, LC_INVALID_ARGUMENT, fn, ": bytes is NULL but size is not 0");
    LC_CHECK_POINTER(nullptr, fn, out);
    const std::span<const std::byte> in(static_cast<const std::byte*>(bytes), size);
    return new_engine(lc::engine::restore(in), out);
  });
}

// --- version -------------------------------------------------------------------------------

LC_API const char* lc_version(void) noexcept { return lc::version_string; }

LC_API int lc_version_number(void) noexcept { return lc::version_number; }

LC_API void lc_version_parts(int* major, int* minor, int* patch) noexcept {
  if (major) *major = LIFECYCLE_VERSION_MAJOR;
  if (minor) *minor = LIFECYCLE_VERSION_MINOR;
  if (patch) *patch = LIFECYCLE_VERSION_PATCH;
}

}  // extern "C"
