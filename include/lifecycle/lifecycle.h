#ifndef LIFECYCLE_LIFECYCLE_H
#define LIFECYCLE_LIFECYCLE_H
/** \file lifecycle.h
 * The C API of lifecycle (C99), for hosts that cannot call C++: mobile SDK
 * layers (Swift imports C headers, Kotlin and Java reach it through JNI),
 * other languages' FFIs, plain C programs. docs/embedding.md is the tour.
 *
 * Rules that hold for every function below:
 * - Names start with `lc_` (types, functions) or `LC_` (constants).
 * - Handles are opaque (`lc_engine`, `lc_policy`); create and destroy them
 *   with the matching `_create`/`_destroy` call (or `lc_engine_load` and
 *   `lc_engine_restore`, which create an engine).
 * - Every function that can fail returns an `lc_status`. On failure the
 *   message is in `lc_last_error()` (this thread) and, for calls on an engine,
 *   in `lc_engine_error(engine)` too. Out-parameters are left untouched on
 *   failure unless the function says otherwise.
 * - No C++ exception ever leaves the library: out of memory is
 *   `LC_OUT_OF_MEMORY`, anything unexpected `LC_INTERNAL_ERROR`.
 * - Strings are UTF-8 and NUL-terminated. Strings handed in are validated
 *   (`LC_INVALID_ARGUMENT` when not UTF-8) and only borrowed for the call.
 * - The caller owns what it allocates. Text and bytes of unbounded size are
 *   copied into caller buffers: `size` holds the buffer's capacity in bytes on
 *   the way in and the bytes needed (text: including the terminating NUL) on
 *   the way out; `LC_BUFFER_TOO_SMALL` means nothing was written and `*size`
 *   is the capacity to call again with. `buf` may be NULL when `*size` is 0,
 *   to ask for the size.
 * - Pointers the library returns (`lc_transition::person`, error messages)
 *   are owned by the library; each function says how long they stay valid.
 *   Names of enum values (`lc_stage_name`, ...) are static.
 * - Times are microseconds since 1970-01-01T00:00Z (`int64_t`, UTC); events
 *   may carry ISO text instead. Business days are days since 1970-01-01.
 *   Money is an integer count of minor units (cents).
 * - An engine is not thread-safe: use one engine per thread or partition.
 *   Different engines may be used from different threads at the same time.
 *
 * ABI: the shared library's soname carries the major version; structs and
 * enum values change only with it.
 */

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(LC_BUILDING_SHARED)
#    define LC_API __declspec(dllexport)
#  elif defined(LC_STATIC)
#    define LC_API
#  else
#    define LC_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define LC_API __attribute__((visibility("default")))
#else
#  define LC_API
#endif

/* C++ callers see that no exception can come out. */
#if defined(__cplusplus)
#  define LC_NOEXCEPT noexcept
#else
#  define LC_NOEXCEPT
#endif

/* In C++ the enums get int as their fixed underlying type: every int a C
 * caller passes is then a valid value (checked by the library), not
 * undefined behaviour. The layout is the same as C's. */
#if defined(__cplusplus)
#  define LC_ENUM(name) enum name : int
#else
#  define LC_ENUM(name) enum name
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                   */

/** What a call came to. Values are stable. */
typedef LC_ENUM(lc_status) {
  LC_OK = 0,               /**< done */
  LC_INVALID_ARGUMENT = 1, /**< a NULL handle or pointer, an enum value or index out of range, text that is not UTF-8 */
  LC_BAD_KIND = 2,         /**< an event kind that is not one of the thirteen names */
  LC_BAD_TIME = 3,         /**< a time text that does not parse, or a time outside years 1400..9999 */
  LC_BAD_POLICY = 4,       /**< an unknown policy key, or a value that does not parse or is out of range */
  LC_NOT_FOUND = 5,        /**< no event has reached that person */
  LC_BUFFER_TOO_SMALL = 6, /**< the caller's buffer is too small; `*size` says how big it must be */
  LC_IO_ERROR = 7,         /**< a file could not be read or written (the message names it and why) */
  LC_INVALID_STATE = 8,    /**< snapshot bytes truncated, corrupted or of another version; a call made from inside the engine's
                                callback; or a signal call on an engine whose policy tracks no signals, tiers or NPS */
  LC_OUT_OF_MEMORY = 9,    /**< an allocation failed (the call may be partly applied: restore the engine from a snapshot) */
  LC_INTERNAL_ERROR = 10   /**< a bug in lifecycle: please report the message */
} lc_status;

/** The status's name, e.g. "LC_BAD_KIND"; NULL for a value that is not an `lc_status`. */
LC_API const char* lc_status_name(lc_status status) LC_NOEXCEPT;

/** The message of the last call on this thread that returned a status: a
 * sentence naming the problem, or "" after LC_OK. Valid until the next `lc_`
 * call on this thread. Never NULL. Messages longer than 1023 bytes are cut
 * (at a UTF-8 character boundary). */
LC_API const char* lc_last_error(void) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Vocabulary                                                                */

/** Customer stages (docs/model.md, "Customer stages"). */
typedef LC_ENUM(lc_stage) {
  LC_STAGE_POTENTIAL = 0,   /**< has not paid (or every purchase was refunded) */
  LC_STAGE_NEW = 1,         /**< first purchase less than `new_days` ago */
  LC_STAGE_PASSIVE = 2,     /**< lapsed, or buys now and then */
  LC_STAGE_DEAL_HUNTER = 3, /**< buys mostly with coupons */
  LC_STAGE_LOYAL = 4        /**< buys repeatedly and follows the business */
} lc_stage;
#define LC_STAGE_COUNT 5

/** User roles, in report order. A person may hold several. */
typedef LC_ENUM(lc_role) {
  LC_ROLE_NONE = -1, /**< `lc_profile::primary_role` when no role is held */
  LC_ROLE_CREATOR = 0,
  LC_ROLE_CRITIC = 1,
  LC_ROLE_JOINER = 2,
  LC_ROLE_SPECTATOR = 3,
  LC_ROLE_BUYER = 4
} lc_role;
#define LC_ROLE_COUNT 5
/** The bit of role `r` in a role set (`lc_profile::roles`). */
#define LC_ROLE_BIT(r) (1u << (unsigned)(r))

/** What became of one ingested event. */
typedef LC_ENUM(lc_ingest_status) {
  LC_INGEST_ACCEPTED = 0,  /**< applied */
  LC_INGEST_DUPLICATE = 1, /**< its id was seen before (or the purchase it refunds is already refunded); nothing changed */
  LC_INGEST_REJECTED = 2   /**< refused by the model; `lc_ingest_result::reason` says why; nothing changed */
} lc_ingest_status;

/** Why the model refused an event. Values are those of C++ `reject_reason`. */
typedef LC_ENUM(lc_reject_reason) {
  LC_REJECT_NONE = 0,            /**< not rejected */
  LC_REJECT_BAD_TIME = 1,        /**< (cannot happen through this API: bad times are LC_BAD_TIME) */
  LC_REJECT_EMPTY_PERSON = 2,    /**< the person id is "" */
  LC_REJECT_NEGATIVE_AMOUNT = 3, /**< a purchase with an amount below zero */
  LC_REJECT_MISSING_REF = 4,     /**< a refund that names no purchase */
  LC_REJECT_BAD_SCORE = 5,       /**< a feedback score outside 0..10 */
  LC_REJECT_CLOCK_NOT_SET = 6,   /**< host clock mode, before the first `lc_advance` */
  LC_REJECT_TOO_FAR_AHEAD = 7,   /**< host clock mode, dated more than `max_skew` after the clock */
  LC_REJECT_UNKNOWN_PERSON = 8,  /**< (cannot happen through this API) */
  LC_REJECT_PERSON_TOO_LONG = 9  /**< a person id longer than 65535 bytes */
} lc_reject_reason;

/** What a transition changed. */
typedef LC_ENUM(lc_change) {
  LC_CHANGE_STAGE = 0,       /**< the stage moved from `from` to `to` */
  LC_CHANGE_ROLE_GAINED = 1, /**< `role` was gained */
  LC_CHANGE_ROLE_LOST = 2,   /**< `role` was lost */
  LC_CHANGE_SIGNAL = 3       /**< `signal` was raised: a moment to act; no stage or role changed */
} lc_change;

/** The signals: moments the engine flags for the host to act on
 * (the policy's `signals` key switches each on or off). Values are those of
 * C++ `signal_kind`. */
typedef LC_ENUM(lc_signal) {
  LC_SIGNAL_BROWSE_NO_BUY = 0,  /**< a view with no purchase within `browse_hours` after it */
  LC_SIGNAL_ABANDONED_CART = 1, /**< the same for a cart */
  LC_SIGNAL_USAGE_DECLINE = 2,  /**< activity of the last `decline_days` below half of the `decline_days` before */
  LC_SIGNAL_CONTACT_DUE = 3,    /**< a reachable customer not contacted for `contact_every_days` */
  LC_SIGNAL_OVER_CONTACTED = 4, /**< `over_contact_count` contacts within `over_contact_days`, no activity in between */
  LC_SIGNAL_BIRTHDAY = 5,       /**< the person's birthday (`lc_engine_set_birthday`) in the business calendar */
  LC_SIGNAL_TIER_UP = 6,        /**< the points reached a higher tier */
  LC_SIGNAL_TIER_DOWN = 7       /**< the points fell below the tier's threshold */
} lc_signal;
#define LC_SIGNAL_COUNT 8

/** What made a change happen. */
typedef LC_ENUM(lc_cause) {
  LC_CAUSE_EVENT = 0,     /**< an event arrived */
  LC_CAUSE_TIME = 1,      /**< a deadline passed */
  LC_CAUSE_CORRECTION = 2 /**< a late event or a refund forced a move the stage graph does not join */
} lc_cause;

/** The rule that decided a change; the meaning of `figures` per rule is that
 * of C++ `reason::rule` (docs/api.md, "Profiles and history"). */
typedef LC_ENUM(lc_rule) {
  LC_RULE_NO_PURCHASE = 0,  /**< a = purchases refunded */
  LC_RULE_NEW_CUSTOMER = 1, /**< a = days since first purchase, b = new_days */
  LC_RULE_LAPSE = 2,        /**< a = days since last purchase, b = lapse_days */
  LC_RULE_DEAL_HUNTER = 3,  /**< a = Cw, b = Pw, c = window, d = share in permille */
  LC_RULE_LOYAL = 4,        /**< a = Pw, b = Fw, c = window, d = min purchases */
  LC_RULE_OCCASIONAL = 5,   /**< a = Pw, b = Cw, c = window, d = Fw */
  LC_RULE_ROLE_HELD = 6,    /**< a = qualifying events, b = threshold, c = role window */
  LC_RULE_ROLE_DROPPED = 7, /**< a = qualifying events, b = threshold, c = role window */
  LC_RULE_OTHER_ROLE = 8,   /**< spectator lost to another role: a = events in window, c = role window */
  LC_RULE_LAPSE_MODEL = 9,  /**< lapse under a customer-base model: a = P(alive) and b = threshold in
                                 millionths, c = model (1 BG/NBD, 2 Pareto/NBD), d = repeat purchases */
  /* The signals' rules, one each, named like the signal. */
  LC_RULE_BROWSE_NO_BUY = 10,  /**< a = browse_hours, c = browse_repeat_days */
  LC_RULE_ABANDONED_CART = 11, /**< a = browse_hours, c = browse_repeat_days */
  LC_RULE_USAGE_DECLINE = 12,  /**< a = events in the last span, b = in the span before, c = decline_days, d = decline_min_events */
  LC_RULE_CONTACT_DUE = 13,    /**< a = days without contact, b = contact_every_days (of the stage), c = 1 if never contacted */
  LC_RULE_OVER_CONTACTED = 14, /**< a = contacts without activity in between, b = over_contact_count, c = over_contact_days */
  LC_RULE_BIRTHDAY = 15,       /**< a = month, b = day, c = 1 when 29 February is marked on 28 February */
  LC_RULE_TIER_UP = 16,        /**< a = points in the window, b = the new tier's min_points, c = points_window_days, d = new tier index */
  LC_RULE_TIER_DOWN = 17       /**< a = points in the window, b = the old tier's min_points, c = points_window_days, d = new tier index */
} lc_rule;

/** How much transition history an engine keeps (for `lc_history`). */
typedef LC_ENUM(lc_history_mode) {
  LC_HISTORY_FULL = 0,   /**< every stage and role transition, and every signal */
  LC_HISTORY_STAGES = 1, /**< stage transitions only */
  LC_HISTORY_NONE = 2    /**< none: least memory; read transitions per call or by callback */
} lc_history_mode;

/** Text names as the C++ library, scripts and CSV use them ("potential",
 * "new", ...; "creator", ...; "accepted", ...; "stage", "role_gained", ...,
 * "signal"; "event", "time", "correction"; "browse_no_buy", ...). Static
 * strings; NULL for an out-of-range value. */
LC_API const char* lc_stage_name(lc_stage stage) LC_NOEXCEPT;
LC_API const char* lc_role_name(lc_role role) LC_NOEXCEPT;
LC_API const char* lc_ingest_status_name(lc_ingest_status status) LC_NOEXCEPT;
LC_API const char* lc_change_name(lc_change change) LC_NOEXCEPT;
LC_API const char* lc_cause_name(lc_cause cause) LC_NOEXCEPT;
LC_API const char* lc_signal_name(lc_signal signal) LC_NOEXCEPT;
/** A sentence, e.g. "a purchase amount is negative". Static; NULL when out of range. */
LC_API const char* lc_reject_reason_text(lc_reject_reason reason) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Time                                                                      */

/** "No time": `lc_clock` before the clock was ever set. */
#define LC_NO_TIME INT64_MIN
/** "No day": `lc_profile` day fields when there is no such day. */
#define LC_NO_DAY INT32_MIN

/** Parses an ISO time, UTC: `YYYY-MM-DD` (midnight), `YYYY-MM-DDTHH:MM`,
 * `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction of a second (`.5`, up to 6
 * digits) and a trailing `Z`; a space may stand for the `T`. Years 1400..9999.
 * No offsets other than Z. LC_BAD_TIME for anything else. */
LC_API lc_status lc_time_parse(const char* text, int64_t* time_us) LC_NOEXCEPT;

/** Writes \p time_us as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (at most 28 bytes with the NUL). */
LC_API lc_status lc_time_text(int64_t time_us, char* buf, size_t* size) LC_NOEXCEPT;

/** Writes business day \p day (days since 1970-01-01) as `YYYY-MM-DD` (11 bytes with the NUL). */
LC_API lc_status lc_day_text(int32_t day, char* buf, size_t* size) LC_NOEXCEPT;

/** Writes role set \p roles (bits `LC_ROLE_BIT(r)`) as the role names in
 * report order joined by commas, or "none": e.g. "creator,buyer". */
LC_API lc_status lc_roles_text(uint32_t roles, char* buf, size_t* size) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Policy                                                                    */

/** The model's numbers (docs/model.md, "Policy"), set by key and text value. */
typedef struct lc_policy lc_policy;

/** A policy with the model's defaults. Free it with `lc_policy_destroy`. */
LC_API lc_status lc_policy_create(lc_policy** out) LC_NOEXCEPT;
/** Frees \p policy; NULL is fine. Engines keep their own copy, so this may
 * come right after `lc_engine_create`. */
LC_API void lc_policy_destroy(lc_policy* policy) LC_NOEXCEPT;

/** Sets one field from text, as policy files write it (`new_days` = "30",
 * `loyal_requires_follow` = "false", `deal_coupon_share` = "0.5",
 * `utc_offset` = "+08:00", `clock` = "host", `max_skew` = "5m", ...), and
 * checks the value's range. LC_BAD_POLICY for an unknown key, a value that
 * does not parse or one out of range; the policy is unchanged then. */
LC_API lc_status lc_policy_set(lc_policy* policy, const char* key, const char* value) LC_NOEXCEPT;

/** Copies the field's value, in the text form `lc_policy_set` accepts, into \p buf. */
LC_API lc_status lc_policy_get(const lc_policy* policy, const char* key, char* buf, size_t* size) LC_NOEXCEPT;

/** The number of policy keys, and the key at \p index (static; NULL past the end). */
LC_API size_t lc_policy_key_count(void) LC_NOEXCEPT;
LC_API const char* lc_policy_key(size_t index) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Engine                                                                    */

/** An engine: many persons in memory. Not thread-safe. */
typedef struct lc_engine lc_engine;

/** A new engine with a copy of \p policy (NULL: the defaults) that keeps
 * \p history. Free it with `lc_engine_destroy`. */
LC_API lc_status lc_engine_create(const lc_policy* policy, lc_history_mode history, lc_engine** out) LC_NOEXCEPT;

/** Frees \p engine; NULL is fine. Ignored when called from inside the
 * engine's own callback (the engine is still in use then). */
LC_API void lc_engine_destroy(lc_engine* engine) LC_NOEXCEPT;

/** The message of the last call on \p engine that returned a status: "" after
 * LC_OK. Valid until the next call on \p engine. Never NULL ("" for a NULL engine). */
LC_API const char* lc_engine_error(const lc_engine* engine) LC_NOEXCEPT;

/** One user event. Zero-initialize it, then set what applies; fields that do
 * not apply to the kind are ignored. Strings are borrowed for the call. */
typedef struct lc_event {
  const char* time;    /**< ISO text as `lc_time_parse` reads it; NULL to use `time_us` */
  int64_t time_us;     /**< when `time` is NULL: microseconds since 1970-01-01T00:00Z */
  const char* person;  /**< the host's id of the person (required; "" is rejected) */
  const char* kind;    /**< "visit", "view", "search", "cart", "purchase", "refund", "post",
                            "review", "join", "follow", "referral", "feedback" or "contact" */
  int64_t amount;      /**< purchase: amount paid in minor units, >= 0 */
  int coupon;          /**< purchase: nonzero when made with a coupon or discount */
  const char* id;      /**< optional event id (NULL or ""): a repeated id is a duplicate */
  const char* target;  /**< purchase: beneficiary; referral: the person referred (NULL or "": none) */
  const char* ref;     /**< refund: the id of the purchase it cancels (required for refunds) */
  int has_score;       /**< feedback: nonzero when `score` is given */
  int score;           /**< feedback: 0..10, when `has_score` */
} lc_event;

/** The answer to one `lc_ingest`. */
typedef struct lc_ingest_result {
  lc_ingest_status status;  /**< accepted, duplicate or rejected */
  lc_reject_reason reason;  /**< LC_REJECT_NONE unless rejected */
  const char* reason_text;  /**< `lc_reject_reason_text(reason)`: static */
  size_t transitions;       /**< how many transitions (signals included) the call caused: read them with `lc_transition_at` */
} lc_ingest_result;

/** Ingests one event. LC_OK whenever the event reached the model, whether it
 * was accepted, a duplicate or rejected (see \p result): a stream always holds
 * some bad events and they are results, not errors. A status other than LC_OK
 * means the event could not be read (LC_BAD_KIND, LC_BAD_TIME,
 * LC_INVALID_ARGUMENT for a NULL person or kind or text that is not UTF-8)
 * and nothing changed. On LC_OK the call's transitions replace the engine's
 * list of transitions (see `lc_transition_at`). \p result may be NULL. */
LC_API lc_status lc_ingest(lc_engine* engine, const lc_event* event, lc_ingest_result* result) LC_NOEXCEPT;

/** Moves the clock forward to \p time_us (earlier times are ignored) and makes
 * the time-driven changes and signals that are due. They replace the engine's
 * list of transitions; their number goes to \p transitions (may be NULL). */
LC_API lc_status lc_advance(lc_engine* engine, int64_t time_us, size_t* transitions) LC_NOEXCEPT;

/** The engine's clock, or LC_NO_TIME before the first event (replay clock) or
 * the first `lc_advance` (host clock). */
LC_API lc_status lc_clock(const lc_engine* engine, int64_t* time_us) LC_NOEXCEPT;

/** One change of one person, or a signal (`change` LC_CHANGE_SIGNAL). */
typedef struct lc_transition {
  const char* person;  /**< the person's id, NUL-terminated (see the call that gave it for how long it is valid) */
  size_t person_len;   /**< its length in bytes */
  lc_change change;    /**< stage, role gained, role lost or signal */
  lc_stage from, to;   /**< LC_CHANGE_STAGE: the stages */
  lc_role role;        /**< LC_CHANGE_ROLE_*: the role */
  int64_t when_us;     /**< when it happened (see docs/api.md, "The clock") */
  lc_cause cause;      /**< event, time or correction */
  lc_rule rule;        /**< the rule that decided it */
  lc_role rule_role;   /**< the role the rule is about (role rules) */
  int32_t figures[4];  /**< the figures the rule looked at, as documented per `lc_rule` */
  lc_signal signal;    /**< LC_CHANGE_SIGNAL: which signal (added in what was the struct's tail padding:
                            on 64-bit platforms its size is unchanged) */
} lc_transition;

/** The number of transitions in the engine's list: those of the last
 * `lc_ingest`, `lc_advance` or `lc_history` call that returned LC_OK. */
LC_API lc_status lc_transition_count(const lc_engine* engine, size_t* count) LC_NOEXCEPT;

/** Copies transition \p index (0-based, in the order they were made) of the
 * engine's list into \p out. `out->person` stays valid until the list is
 * replaced or the engine destroyed. LC_INVALID_ARGUMENT when \p index is past
 * the end. */
LC_API lc_status lc_transition_at(const lc_engine* engine, size_t index, lc_transition* out) LC_NOEXCEPT;

/** Writes \p t as one line, e.g. "2024-06-05T00:00:00 stage new -> passive
 * (time): lapse: last purchase 90 days ago (>= 90)" or "2024-06-02T10:00:00
 * signal browse_no_buy (time): browse_no_buy: a view and no purchase within
 * 24 hours (at most once per 7 days)". */
LC_API lc_status lc_transition_text(const lc_transition* t, char* buf, size_t* size) LC_NOEXCEPT;

/** Called with every transition and every signal as it is made, after the
 * engine's state has been updated. `t` and `t->person` are valid during the call only. */
typedef void (*lc_transition_fn)(const lc_transition* t, void* user);

/** Sets the engine's one callback (NULL removes it); \p user is passed back
 * as is. The callback runs on the thread that called `lc_ingest` or
 * `lc_advance`, and must not throw. From inside it only `lc_profile_get`,
 * `lc_counts_get`, `lc_clock` and `lc_engine_error` may be called on this
 * engine; other calls on it return LC_INVALID_STATE. Callbacks are not part
 * of a snapshot. */
LC_API lc_status lc_set_callback(lc_engine* engine, lc_transition_fn fn, void* user) LC_NOEXCEPT;

/** Loads \p person's transition history (as kept per `lc_history_mode`) into
 * the engine's list of transitions; their number goes to \p count.
 * LC_NOT_FOUND for a person no event has reached. */
LC_API lc_status lc_history(lc_engine* engine, const char* person, size_t* count) LC_NOEXCEPT;

/** A person as of the clock. */
typedef struct lc_profile {
  lc_stage stage;                 /**< the current stage */
  int64_t stage_since_us;         /**< when it began */
  uint32_t roles;                 /**< roles held now: bits LC_ROLE_BIT(r) */
  lc_role primary_role;           /**< LC_ROLE_NONE when no role is held */
  uint32_t purchases;             /**< net of refunds */
  uint32_t coupon_purchases;      /**< net purchases made with a coupon */
  uint32_t refunded_purchases;    /**< purchases cancelled by a refund */
  int64_t spend;                  /**< net spend, minor units */
  int32_t first_purchase_day;     /**< business day of the first net purchase, or LC_NO_DAY */
  int32_t last_purchase_day;      /**< business day of the last net purchase, or LC_NO_DAY */
  int32_t first_seen_day;         /**< business day of the earliest event */
  double days_in_stage[LC_STAGE_COUNT]; /**< days spent in each stage so far, current stay included */
} lc_profile;

/** The profile of \p person. LC_NOT_FOUND for a person no event has reached. */
LC_API lc_status lc_profile_get(const lc_engine* engine, const char* person, lc_profile* out) LC_NOEXCEPT;

/** The engine's figures. */
typedef struct lc_counts {
  uint64_t known_persons;                 /**< persons at least one event has reached */
  uint64_t accepted, duplicate, rejected; /**< events ingested, by outcome */
  uint64_t stages[LC_STAGE_COUNT];        /**< known persons per stage, indexed by lc_stage */
  uint64_t roles[LC_ROLE_COUNT];          /**< persons holding each role, indexed by lc_role */
  uint64_t conversions;                   /**< persons who became customers at some point */
  uint64_t conversions_by_role[LC_ROLE_COUNT + 1]; /**< by primary role when converting; the last entry: no role */
  uint64_t moves[LC_STAGE_COUNT][LC_STAGE_COUNT];  /**< stage transitions from row to column */
} lc_counts;

/** The engine's figures as of the clock. They merge across engines by adding. */
LC_API lc_status lc_counts_get(const lc_engine* engine, lc_counts* out) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Signals, points, tiers and NPS                                            */

/** A person's points, tier, reachability, birthday and NPS answer, as of the
 * clock. `lc_profile` stays as it was: its layout is part of the ABI. */
typedef struct lc_signal_profile {
  int64_t points;        /**< points in the last `points_window_days` */
  int32_t tier;          /**< index into the policy's `tiers` (0 without tiers) */
  int32_t reachable;     /**< 1 when the person confirmed the relationship (a follow or an opt-in) and has not opted out since */
  const char* tier_name; /**< the tier's name, "" without tiers; valid until the engine is destroyed */
  int32_t birthday_month; /**< 1..12 as `lc_engine_set_birthday` set it, 0 when none is set */
  int32_t birthday_day;   /**< 1..31, 0 when none is set */
  int32_t nps_score;      /**< the latest feedback score (by event time) 0..10, or -1 when none */
} lc_signal_profile;

/** The signal figures of \p person. LC_NOT_FOUND for a person no event has
 * reached. From an engine whose policy tracks no signals, tiers or NPS: the
 * defaults (0 points, tier 0, not reachable, no birthday, no score). */
LC_API lc_status lc_signal_profile_get(const lc_engine* engine, const char* person, lc_signal_profile* out) LC_NOEXCEPT;

/** Signals emitted so far, indexed by lc_signal. */
typedef struct lc_signal_counts {
  uint64_t signals[LC_SIGNAL_COUNT];
} lc_signal_counts;

/** The signals the engine has emitted so far. They merge across engines by adding. */
LC_API lc_status lc_signal_counts_get(const lc_engine* engine, lc_signal_counts* out) LC_NOEXCEPT;

/** Sets \p person's birthday (\p month 1..12, \p day valid for the month in a
 * leap year; 29 February is marked on 28 February in other years), or clears
 * it with \p month 0 (\p day is then ignored). A `birthday` signal comes at
 * the start of that day of the business calendar each year, from the next one
 * after the clock's day. The person need not be known yet: the engine keeps
 * the name (as a C++ `intern` does) and the birthday counts once their first
 * event arrives. LC_INVALID_ARGUMENT for a month or day out of range, or a
 * person that is NULL, "", not UTF-8 or longer than 65535 bytes;
 * LC_INVALID_STATE when the policy tracks no signals, tiers or NPS. */
LC_API lc_status lc_engine_set_birthday(lc_engine* engine, const char* person, int month, int day) LC_NOEXCEPT;

/** Records at the clock that \p person confirmed the relationship (\p reachable
 * nonzero: an opt-in, as a `follow` event does) or ended it (0: an opt-out; a
 * later follow or opt-in confirms again). Only reachable customers get
 * `contact_due`. The person need not be known yet, as for
 * `lc_engine_set_birthday`; statuses as there. */
LC_API lc_status lc_engine_set_reachable(lc_engine* engine, const char* person, int reachable) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Snapshots                                                                 */

/** Saves the whole engine (policy, clock, every person, duplicate memory,
 * counts, history; not the callback) to \p path, crash-safely: written to
 * `<path>.tmp`, flushed, then renamed over \p path. LC_IO_ERROR names the
 * file and the system's reason. */
LC_API lc_status lc_engine_save(const lc_engine* engine, const char* path) LC_NOEXCEPT;

/** A new engine from the file `lc_engine_save` wrote. LC_IO_ERROR when it
 * cannot be read, LC_INVALID_STATE when it is truncated, corrupted or of
 * another format version; there is never a half-loaded engine. */
LC_API lc_status lc_engine_load(const char* path, lc_engine** out) LC_NOEXCEPT;

/** Copies the engine's snapshot bytes into \p buf (the same bytes
 * `lc_engine_save` writes). `*size`: capacity in, byte count out. After
 * LC_BUFFER_TOO_SMALL the bytes are kept until the engine next changes, so
 * the second call does not compute them again. */
LC_API lc_status lc_engine_snapshot(const lc_engine* engine, void* buf, size_t* size) LC_NOEXCEPT;

/** A new engine from \p size bytes that `lc_engine_snapshot` gave.
 * LC_INVALID_STATE when they are truncated, corrupted or of another version. */
LC_API lc_status lc_engine_restore(const void* bytes, size_t size, lc_engine** out) LC_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Version                                                                   */

/** The library's version, "major.minor.patch". Static. */
LC_API const char* lc_version(void) LC_NOEXCEPT;
/** The version as major * 10000 + minor * 100 + patch. */
LC_API int lc_version_number(void) LC_NOEXCEPT;
/** The version's parts; any pointer may be NULL. */
LC_API void lc_version_parts(int* major, int* minor, int* patch) LC_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* LIFECYCLE_LIFECYCLE_H */
