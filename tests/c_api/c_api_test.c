/* The C API (lifecycle.h) from C99: every call, and every error path a caller
 * can reach. Built twice, against the shared and the static library.
 * Usage: c_api_test <scratch directory that exists> */
#include <lifecycle/lifecycle.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a tiny harness: checks count failures and go on ----------------------- */

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                              \
  do {                                                                                           \
    ++checks;                                                                                    \
    if (!(cond)) {                                                                               \
      ++failures;                                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n  lc_last_error: \"%s\"\n", __FILE__, __LINE__, \
              #cond, lc_last_error());                                                           \
    }                                                                                            \
  } while (0)

/* The call must return \p want; a failure names both statuses and the message. */
#define CHECK_STATUS(call, want)                                                                   \
  do {                                                                                             \
    const lc_status got_ = (call);                                                                 \
    ++checks;                                                                                      \
    if (got_ != (want)) {                                                                          \
      ++failures;                                                                                  \
      fprintf(stderr, "%s:%d: %s\n  returned %s, expected %s; lc_last_error: \"%s\"\n", __FILE__, \
              __LINE__, #call, lc_status_name(got_), lc_status_name(want), lc_last_error());       \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

/* A failed call left a message mentioning \p part, on this thread and (if given) on the engine. */
static int message_has(const lc_engine* engine, const char* part) {
  if (strstr(lc_last_error(), part) == NULL) return 0;
  return engine == NULL || strcmp(lc_engine_error(engine), lc_last_error()) == 0;
}

static int valid_utf8(const char* s) {
  const unsigned char* p = (const unsigned char*)s;
  while (*p) {
    int n = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
    int i;
    if (n < 0) return 0;
    for (i = 1; i <= n; ++i)
      if ((p[i] & 0xC0) != 0x80) return 0;
    p += n + 1;
  }
  return 1;
}

static const char* scratch_dir = ".";

static void path_in_scratch(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/%s", scratch_dir, name);
}

/* Times used below (microseconds since 1970-01-01T00:00Z). */
#define T_2024_05_06_0915 INT64_C(1714986900000000)
#define T_2024_06_05 INT64_C(1717545600000000)
#define T_2024_07_01 INT64_C(1719792000000000)
#define T_1400_01_01 INT64_C(-17987443200000000)
#define T_9999_END INT64_C(253402300799999999)
#define HOUR INT64_C(3600000000)
#define DAY_2024_05_06 19849

static lc_event purchase(const char* person, const char* time, int64_t amount, const char* id) {
  lc_event e;
  memset(&e, 0, sizeof e);
  e.time = time;
  e.person = person;
  e.kind = "purchase";
  e.amount = amount;
  e.id = id;
  return e;
}

static lc_event simple(const char* person, const char* time, const char* kind) {
  lc_event e;
  memset(&e, 0, sizeof e);
  e.time = time;
  e.person = person;
  e.kind = kind;
  return e;
}

static lc_engine* new_engine(lc_history_mode history) {
  lc_engine* engine = NULL;
  CHECK_STATUS(lc_engine_create(NULL, history, &engine), LC_OK);
  return engine;
}

/* ------------------------------------------------------------------------- */

static void test_version(void) {
  int major = -1, minor = -1, patch = -1;
  char expected[32];
  CHECK_STR(lc_version(), EXPECTED_VERSION);
  lc_version_parts(&major, &minor, &patch);
  snprintf(expected, sizeof expected, "%d.%d.%d", major, minor, patch);
  CHECK_STR(lc_version(), expected);
  CHECK(lc_version_number() == major * 10000 + minor * 100 + patch);
  lc_version_parts(NULL, NULL, NULL); /* every pointer may be NULL */
  lc_version_parts(NULL, &minor, NULL);
  CHECK(lc_version_number() % 10000 / 100 == minor);
}

static void test_names(void) {
  int i, j;
  for (i = LC_OK; i <= LC_INTERNAL_ERROR; ++i) {
    CHECK(lc_status_name((lc_status)i) != NULL);
    for (j = LC_OK; j < i; ++j) CHECK(strcmp(lc_status_name((lc_status)i), lc_status_name((lc_status)j)) != 0);
  }
  CHECK_STR(lc_status_name(LC_BUFFER_TOO_SMALL), "LC_BUFFER_TOO_SMALL");
  CHECK(lc_status_name((lc_status)11) == NULL);
  CHECK(lc_status_name((lc_status)-1) == NULL);

  CHECK_STR(lc_stage_name(LC_STAGE_POTENTIAL), "potential");
  CHECK_STR(lc_stage_name(LC_STAGE_NEW), "new");
  CHECK_STR(lc_stage_name(LC_STAGE_PASSIVE), "passive");
  CHECK_STR(lc_stage_name(LC_STAGE_DEAL_HUNTER), "deal_hunter");
  CHECK_STR(lc_stage_name(LC_STAGE_LOYAL), "loyal");
  CHECK(lc_stage_name((lc_stage)LC_STAGE_COUNT) == NULL);
  CHECK(lc_stage_name((lc_stage)-1) == NULL);

  CHECK_STR(lc_role_name(LC_ROLE_CREATOR), "creator");
  CHECK_STR(lc_role_name(LC_ROLE_CRITIC), "critic");
  CHECK_STR(lc_role_name(LC_ROLE_JOINER), "joiner");
  CHECK_STR(lc_role_name(LC_ROLE_SPECTATOR), "spectator");
  CHECK_STR(lc_role_name(LC_ROLE_BUYER), "buyer");
  CHECK_STR(lc_role_name(LC_ROLE_NONE), "none");
  CHECK(lc_role_name((lc_role)LC_ROLE_COUNT) == NULL);
  CHECK(lc_role_name((lc_role)-2) == NULL);

  CHECK_STR(lc_ingest_status_name(LC_INGEST_ACCEPTED), "accepted");
  CHECK_STR(lc_ingest_status_name(LC_INGEST_DUPLICATE), "duplicate");
  CHECK_STR(lc_ingest_status_name(LC_INGEST_REJECTED), "rejected");
  CHECK(lc_ingest_status_name((lc_ingest_status)3) == NULL);

  CHECK_STR(lc_change_name(LC_CHANGE_STAGE), "stage");
  CHECK_STR(lc_change_name(LC_CHANGE_ROLE_GAINED), "role_gained");
  CHECK_STR(lc_change_name(LC_CHANGE_ROLE_LOST), "role_lost");
  CHECK_STR(lc_change_name(LC_CHANGE_SIGNAL), "signal");
  CHECK(lc_change_name((lc_change)4) == NULL);
  CHECK(lc_change_name((lc_change)-1) == NULL);

  CHECK_STR(lc_signal_name(LC_SIGNAL_BROWSE_NO_BUY), "browse_no_buy");
  CHECK_STR(lc_signal_name(LC_SIGNAL_ABANDONED_CART), "abandoned_cart");
  CHECK_STR(lc_signal_name(LC_SIGNAL_USAGE_DECLINE), "usage_decline");
  CHECK_STR(lc_signal_name(LC_SIGNAL_CONTACT_DUE), "contact_due");
  CHECK_STR(lc_signal_name(LC_SIGNAL_OVER_CONTACTED), "over_contacted");
  CHECK_STR(lc_signal_name(LC_SIGNAL_BIRTHDAY), "birthday");
  CHECK_STR(lc_signal_name(LC_SIGNAL_TIER_UP), "tier_up");
  CHECK_STR(lc_signal_name(LC_SIGNAL_TIER_DOWN), "tier_down");
  CHECK(lc_signal_name((lc_signal)LC_SIGNAL_COUNT) == NULL);
  CHECK(lc_signal_name((lc_signal)-1) == NULL);

  CHECK_STR(lc_cause_name(LC_CAUSE_EVENT), "event");
  CHECK_STR(lc_cause_name(LC_CAUSE_TIME), "time");
  CHECK_STR(lc_cause_name(LC_CAUSE_CORRECTION), "correction");
  CHECK(lc_cause_name((lc_cause)-1) == NULL);

  for (i = LC_REJECT_NONE; i <= LC_REJECT_PERSON_TOO_LONG; ++i) {
    const char* text = lc_reject_reason_text((lc_reject_reason)i);
    CHECK(text != NULL && strlen(text) > 10);
  }
  CHECK_STR(lc_reject_reason_text(LC_REJECT_NEGATIVE_AMOUNT), "a purchase amount is negative");
  CHECK(lc_reject_reason_text((lc_reject_reason)(LC_REJECT_PERSON_TOO_LONG + 1)) == NULL);
}

static void test_time(void) {
  int64_t us = 0;
  char buf[64];
  size_t size;

  CHECK_STATUS(lc_time_parse("2024-05-06T09:15:00Z", &us), LC_OK);
  CHECK(us == T_2024_05_06_0915);
  CHECK(strcmp(lc_last_error(), "") == 0);
  us = 0;
  CHECK_STATUS(lc_time_parse("2024-05-06T09:15", &us), LC_OK);
  CHECK(us == T_2024_05_06_0915);
  CHECK_STATUS(lc_time_parse("2024-05-06 09:15:00.5", &us), LC_OK);
  CHECK(us == T_2024_05_06_0915 + 500000);
  CHECK_STATUS(lc_time_parse("2024-06-05", &us), LC_OK);
  CHECK(us == T_2024_06_05);
  CHECK_STATUS(lc_time_parse("1400-01-01", &us), LC_OK);
  CHECK(us == T_1400_01_01);

  us = 42;
  CHECK_STATUS(lc_time_parse("2024-13-01", &us), LC_BAD_TIME);
  CHECK(message_has(NULL, "2024-13-01"));
  CHECK(us == 42); /* untouched on failure */
  CHECK_STATUS(lc_time_parse("yesterday", &us), LC_BAD_TIME);
  CHECK_STATUS(lc_time_parse("2024-02-30", &us), LC_BAD_TIME);
  CHECK_STATUS(lc_time_parse("2024-05-06T09:15+02:00", &us), LC_BAD_TIME);
  CHECK_STATUS(lc_time_parse("", &us), LC_BAD_TIME);
  CHECK_STATUS(lc_time_parse(NULL, &us), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "text is NULL"));
  CHECK_STATUS(lc_time_parse("2024-05-06", NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_time_parse("2024-05-06\xff", &us), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "UTF-8"));
  CHECK(us == 42);

  size = sizeof buf;
  CHECK_STATUS(lc_time_text(T_2024_05_06_0915, buf, &size), LC_OK);
  CHECK_STR(buf, "2024-05-06T09:15:00Z");
  CHECK(size == strlen("2024-05-06T09:15:00Z") + 1);
  size = sizeof buf;
  CHECK_STATUS(lc_time_text(T_2024_05_06_0915 + 250, buf, &size), LC_OK);
  CHECK_STR(buf, "2024-05-06T09:15:00.000250Z");
  size = sizeof buf;
  CHECK_STATUS(lc_time_text(T_9999_END, buf, &size), LC_OK);
  CHECK_STR(buf, "9999-12-31T23:59:59.999999Z");
  CHECK(size <= 28);

  /* Buffer too small: nothing written, the size needed reported, then success with it. */
  memset(buf, 'x', sizeof buf);
  size = 5;
  CHECK_STATUS(lc_time_text(T_2024_06_05, buf, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == 21);
  CHECK(buf[0] == 'x' && buf[4] == 'x');
  CHECK(message_has(NULL, "21"));
  CHECK_STATUS(lc_time_text(T_2024_06_05, buf, &size), LC_OK);
  CHECK_STR(buf, "2024-06-05T00:00:00Z");
  size = 0;
  CHECK_STATUS(lc_time_text(T_2024_06_05, NULL, &size), LC_BUFFER_TOO_SMALL); /* a size query */
  CHECK(size == 21);
  size = 5;
  CHECK_STATUS(lc_time_text(T_2024_06_05, NULL, &size), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_time_text(T_2024_06_05, buf, NULL), LC_INVALID_ARGUMENT);
  size = sizeof buf;
  CHECK_STATUS(lc_time_text(INT64_MAX, buf, &size), LC_BAD_TIME);
  CHECK_STATUS(lc_time_text(LC_NO_TIME, buf, &size), LC_BAD_TIME);
  CHECK_STATUS(lc_time_text(T_1400_01_01 - 1, buf, &size), LC_BAD_TIME);
  CHECK_STATUS(lc_time_text(T_9999_END + 1, buf, &size), LC_BAD_TIME);

  size = sizeof buf;
  CHECK_STATUS(lc_day_text(0, buf, &size), LC_OK);
  CHECK_STR(buf, "1970-01-01");
  CHECK(size == 11);
  CHECK_STATUS(lc_day_text(DAY_2024_05_06, buf, &size), LC_OK);
  CHECK_STR(buf, "2024-05-06");
  CHECK_STATUS(lc_day_text(-1, buf, &size), LC_OK);
  CHECK_STR(buf, "1969-12-31");
  CHECK_STATUS(lc_day_text(LC_NO_DAY, buf, &size), LC_BAD_TIME);
  size = 10;
  CHECK_STATUS(lc_day_text(0, buf, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == 11);

  size = sizeof buf;
  CHECK_STATUS(lc_roles_text(LC_ROLE_BIT(LC_ROLE_BUYER) | LC_ROLE_BIT(LC_ROLE_CREATOR), buf, &size), LC_OK);
  CHECK_STR(buf, "creator,buyer");
  CHECK_STATUS(lc_roles_text(0, buf, &size), LC_OK);
  CHECK_STR(buf, "none");
  CHECK_STATUS(lc_roles_text(1u << LC_ROLE_COUNT, buf, &size), LC_INVALID_ARGUMENT);
  size = 3;
  CHECK_STATUS(lc_roles_text(LC_ROLE_BIT(LC_ROLE_CRITIC), buf, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == 7);
  CHECK_STATUS(lc_roles_text(LC_ROLE_BIT(LC_ROLE_CRITIC), buf, &size), LC_OK);
  CHECK_STR(buf, "critic");
}

static void test_policy(void) {
  lc_policy* policy = NULL;
  char buf[64];
  size_t size, i;

  CHECK_STATUS(lc_policy_create(NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_create(&policy), LC_OK);
  CHECK(policy != NULL);

  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "new_days", buf, &size), LC_OK);
  CHECK_STR(buf, "30");
  CHECK(size == 3);
  CHECK_STATUS(lc_policy_set(policy, "new_days", "45"), LC_OK);
  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "new_days", buf, &size), LC_OK);
  CHECK_STR(buf, "45");
  CHECK_STATUS(lc_policy_set(policy, "clock", "host"), LC_OK);
  CHECK_STATUS(lc_policy_set(policy, "max_skew", "5m"), LC_OK);
  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "max_skew", buf, &size), LC_OK);
  CHECK_STR(buf, "300");

  /* Bad keys and values: LC_BAD_POLICY, the policy unchanged. */
  CHECK_STATUS(lc_policy_set(policy, "colour", "blue"), LC_BAD_POLICY);
  CHECK(message_has(NULL, "colour"));
  CHECK_STATUS(lc_policy_set(policy, "new_days", "soon"), LC_BAD_POLICY);
  CHECK(message_has(NULL, "new_days"));
  CHECK_STATUS(lc_policy_set(policy, "new_days", "-3"), LC_BAD_POLICY); /* parses, out of range */
  CHECK(message_has(NULL, "new_days"));
  CHECK_STATUS(lc_policy_set(policy, "deal_coupon_share", "1.5"), LC_BAD_POLICY);
  CHECK_STATUS(lc_policy_set(policy, "clock", "sundial"), LC_BAD_POLICY);
  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "new_days", buf, &size), LC_OK);
  CHECK_STR(buf, "45");
  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "deal_coupon_share", buf, &size), LC_OK);
  CHECK_STR(buf, "0.5");

  CHECK_STATUS(lc_policy_set(NULL, "new_days", "3"), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_set(policy, NULL, "3"), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_set(policy, "new_days", NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_set(policy, "new_days", "\xc3"), LC_INVALID_ARGUMENT);
  size = sizeof buf;
  CHECK_STATUS(lc_policy_get(policy, "colour", buf, &size), LC_BAD_POLICY);
  CHECK_STATUS(lc_policy_get(NULL, "new_days", buf, &size), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_get(policy, NULL, buf, &size), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_policy_get(policy, "new_days", buf, NULL), LC_INVALID_ARGUMENT);
  size = 2;
  CHECK_STATUS(lc_policy_get(policy, "clock", buf, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == 5);
  CHECK_STATUS(lc_policy_get(policy, "clock", buf, &size), LC_OK);
  CHECK_STR(buf, "host");

  CHECK(lc_policy_key_count() == 43);
  for (i = 0; i < lc_policy_key_count(); ++i) {
    CHECK(lc_policy_key(i) != NULL);
    size = sizeof buf;
    CHECK_STATUS(lc_policy_get(policy, lc_policy_key(i), buf, &size), LC_OK);
  }
  CHECK_STR(lc_policy_key(0), "new_days");
  CHECK_STR(lc_policy_key(42), "nps");
  CHECK(lc_policy_key(lc_policy_key_count()) == NULL);

  lc_policy_destroy(policy);
  lc_policy_destroy(NULL);
}

static void test_engine_create(void) {
  lc_engine* engine = NULL;
  lc_policy* policy = NULL;
  CHECK_STATUS(lc_engine_create(NULL, LC_HISTORY_FULL, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_create(NULL, (lc_history_mode)7, &engine), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "history"));
  CHECK(engine == NULL);
  CHECK_STATUS(lc_engine_create(NULL, LC_HISTORY_NONE, &engine), LC_OK);
  CHECK(engine != NULL);
  CHECK_STR(lc_engine_error(engine), "");
  lc_engine_destroy(engine);
  lc_engine_destroy(NULL);
  CHECK_STR(lc_engine_error(NULL), "");

  /* The engine keeps its own copy of the policy. */
  CHECK_STATUS(lc_policy_create(&policy), LC_OK);
  CHECK_STATUS(lc_policy_set(policy, "clock", "host"), LC_OK);
  engine = NULL;
  CHECK_STATUS(lc_engine_create(policy, LC_HISTORY_STAGES, &engine), LC_OK);
  lc_policy_destroy(policy);
  {
    lc_event e = simple("ada", "2024-05-06T09:15", "visit");
    lc_ingest_result r;
    CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
    CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_CLOCK_NOT_SET);
  }
  lc_engine_destroy(engine);
}

/* README's first program, through the C API. */
static void test_ingest(void) {
  lc_engine* engine = new_engine(LC_HISTORY_FULL);
  lc_event e = purchase("mina", "2024-05-06T09:15:00", 1999, "order-1");
  lc_ingest_result r;
  lc_transition t;
  lc_counts counts;
  char text[256];
  size_t size, n = 99;
  static char long_name[70001];

  memset(&r, 0xff, sizeof r);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_ACCEPTED);
  CHECK(r.reason == LC_REJECT_NONE);
  CHECK_STR(r.reason_text, "not rejected");
  CHECK(r.transitions == 2);
  CHECK_STATUS(lc_transition_count(engine, &n), LC_OK);
  CHECK(n == 2);

  CHECK_STATUS(lc_transition_at(engine, 0, &t), LC_OK);
  CHECK_STR(t.person, "mina");
  CHECK(t.person_len == 4);
  CHECK(t.change == LC_CHANGE_STAGE && t.from == LC_STAGE_POTENTIAL && t.to == LC_STAGE_NEW);
  CHECK(t.cause == LC_CAUSE_EVENT && t.rule == LC_RULE_NEW_CUSTOMER);
  CHECK(t.figures[0] == 0 && t.figures[1] == 30);
  CHECK(t.when_us == T_2024_05_06_0915);
  size = sizeof text;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_OK);
  CHECK_STR(text, "2024-05-06T09:15:00 stage potential -> new (event): new: first purchase 0 days ago (< 30)");
  CHECK(size == strlen(text) + 1);

  CHECK_STATUS(lc_transition_at(engine, 1, &t), LC_OK);
  CHECK(t.change == LC_CHANGE_ROLE_GAINED && t.role == LC_ROLE_BUYER && t.rule == LC_RULE_ROLE_HELD);
  CHECK(t.rule_role == LC_ROLE_BUYER);
  size = 10;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == strlen("2024-05-06T09:15:00 role +buyer (event): buyer: 1 search, cart or purchase in 30 days (>= 1)") + 1);
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_OK);
  CHECK_STR(text, "2024-05-06T09:15:00 role +buyer (event): buyer: 1 search, cart or purchase in 30 days (>= 1)");

  CHECK_STATUS(lc_transition_at(engine, 2, &t), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "past the end"));
  CHECK_STATUS(lc_transition_at(engine, 0, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_transition_count(engine, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_transition_text(NULL, text, &size), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_transition_at(engine, 0, &t), LC_OK);
  t.to = (lc_stage)9;
  size = sizeof text;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_INVALID_ARGUMENT);
  t.to = LC_STAGE_NEW;
  t.when_us = INT64_MIN;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_BAD_TIME);

  /* The same id again: a duplicate, nothing changes, the list is empty. */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_DUPLICATE && r.transitions == 0);
  CHECK_STATUS(lc_transition_count(engine, &n), LC_OK);
  CHECK(n == 0);

  /* Events the model refuses are results, not errors. */
  e = purchase("ola", "2024-05-06T10:00", -5, NULL);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_NEGATIVE_AMOUNT);
  CHECK_STR(r.reason_text, lc_reject_reason_text(LC_REJECT_NEGATIVE_AMOUNT));
  e = simple("ola", "2024-05-06T10:00", "refund");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_MISSING_REF);
  e = simple("ola", "2024-05-06T10:00", "feedback");
  e.has_score = 1;
  e.score = 11;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_BAD_SCORE);
  e.score = -1; /* given, so not "no score": out of range */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_BAD_SCORE);
  e = simple("", "2024-05-06T10:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_EMPTY_PERSON);
  memset(long_name, 'a', sizeof long_name - 1);
  e = simple(long_name, "2024-05-06T10:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_PERSON_TOO_LONG);
  CHECK_STATUS(lc_profile_get(engine, "ola", NULL), LC_INVALID_ARGUMENT);
  {
    lc_profile p;
    CHECK_STATUS(lc_profile_get(engine, "ola", &p), LC_NOT_FOUND); /* rejected events make nobody known */
  }

  /* Events with a score, none, a coupon, a target; a NULL result is fine. */
  e = simple("ola", "2024-05-06T10:00", "feedback");
  e.has_score = 1;
  e.score = 0;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_ACCEPTED);
  e.has_score = 0;
  e.score = 99; /* ignored without has_score */
  e.id = "fb-2";
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("ola", NULL, "referral");
  e.time_us = T_2024_05_06_0915 + HOUR;
  e.target = "pia";
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_ACCEPTED);
  e = purchase("ola", "2024-05-06T12:00Z", 500, "order-2");
  e.coupon = 1;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  e = simple("ola", "2024-05-06T13:00", "refund");
  e.ref = "order-2";
  e.id = "refund-1";
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_ACCEPTED);
  {
    lc_profile p;
    CHECK_STATUS(lc_profile_get(engine, "ola", &p), LC_OK);
    CHECK(p.purchases == 0 && p.refunded_purchases == 1 && p.spend == 0 && p.stage == LC_STAGE_POTENTIAL);
  }

  /* Events that cannot be read: a status, and nothing happens. */
  CHECK_STATUS(lc_counts_get(engine, &counts), LC_OK);
  e = simple("mina", "2024-05-07T10:00", "purchse");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_KIND);
  CHECK(message_has(engine, "unknown event kind 'purchse'"));
  e = simple("mina", "2024-05-07T25:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_TIME);
  CHECK(message_has(engine, "2024-05-07T25:00"));
  e = simple("mina", "next tuesday", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_TIME);
  e = simple("mina", NULL, "visit");
  e.time_us = T_9999_END + 1;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_TIME);
  CHECK(message_has(engine, "1400..9999"));
  e.time_us = INT64_MIN;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_TIME);
  e = simple(NULL, "2024-05-07T10:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "person is NULL"));
  e = simple("mina", "2024-05-07T10:00", NULL);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "kind is NULL"));
  e = simple("mi\xc0\xafna", "2024-05-07T10:00", "visit"); /* an overlong '/' */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "person is not valid UTF-8"));
  e = simple("mina", "2024-05-07T10:00", "visit");
  e.id = "\xed\xa0\x80"; /* a UTF-16 surrogate */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  e.id = NULL;
  e.target = "\xf4\x90\x80\x80"; /* beyond U+10FFFF */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  e.target = NULL;
  e.ref = "\x80";
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_INVALID_ARGUMENT);
  e.ref = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"; /* valid: 2, 3 and 4 bytes */
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK_STATUS(lc_ingest(engine, NULL, &r), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_ingest(NULL, &e, &r), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "engine is NULL"));
  {
    lc_counts after;
    CHECK_STATUS(lc_counts_get(engine, &after), LC_OK);
    CHECK(after.accepted == counts.accepted + 1); /* only the last good visit */
    CHECK(after.rejected == counts.rejected && after.duplicate == counts.duplicate);
    CHECK(after.accepted == 7 && after.duplicate == 1 && after.rejected == 6);
  }

  /* A success clears the messages. */
  e = simple("mina", "2024-05-07T10:00", "purchse");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_BAD_KIND);
  CHECK(strlen(lc_engine_error(engine)) > 0);
  e.kind = "view";
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK_STR(lc_last_error(), "");
  CHECK_STR(lc_engine_error(engine), "");

  lc_engine_destroy(engine);
}

/* The time-driven half of README's program, and host clock mode. */
static void test_clock(void) {
  lc_engine* engine = new_engine(LC_HISTORY_FULL);
  lc_event e = purchase("mina", "2024-05-06T09:15:00", 1999, "order-1");
  int64_t clock = 0;
  size_t n = 99;
  lc_transition t;
  char text[256];
  size_t size;
  lc_policy* policy = NULL;
  lc_ingest_result r;

  CHECK_STATUS(lc_clock(engine, &clock), LC_OK);
  CHECK(clock == LC_NO_TIME);
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_clock(engine, &clock), LC_OK);
  CHECK(clock == T_2024_05_06_0915);
  CHECK_STATUS(lc_clock(engine, NULL), LC_INVALID_ARGUMENT);

  CHECK_STATUS(lc_advance(engine, T_2024_07_01, &n), LC_OK);
  CHECK(n == 2);
  CHECK_STATUS(lc_transition_at(engine, 0, &t), LC_OK);
  size = sizeof text;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_OK);
  CHECK_STR(text, "2024-06-05T00:00:00 stage new -> passive (time): occasional: 1 purchase in 180 days, 0 with a coupon, 0 follows");
  CHECK(t.when_us == T_2024_06_05 && t.cause == LC_CAUSE_TIME && t.rule == LC_RULE_OCCASIONAL);
  CHECK_STR(t.person, "mina");
  CHECK_STATUS(lc_transition_at(engine, 1, &t), LC_OK);
  size = sizeof text;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_OK);
  CHECK_STR(text, "2024-06-05T00:00:00 role -buyer (time): buyer: 0 searches, carts or purchases in 30 days (< 1)");
  CHECK_STATUS(lc_clock(engine, &clock), LC_OK);
  CHECK(clock == T_2024_07_01);

  CHECK_STATUS(lc_advance(engine, T_2024_06_05, NULL), LC_OK); /* earlier: ignored */
  CHECK_STATUS(lc_transition_count(engine, &n), LC_OK);
  CHECK(n == 0);
  CHECK_STATUS(lc_clock(engine, &clock), LC_OK);
  CHECK(clock == T_2024_07_01);
  CHECK_STATUS(lc_advance(engine, T_9999_END + 1, &n), LC_BAD_TIME);
  CHECK_STATUS(lc_advance(engine, LC_NO_TIME, &n), LC_BAD_TIME);
  CHECK_STATUS(lc_advance(NULL, T_2024_07_01, &n), LC_INVALID_ARGUMENT);
  lc_engine_destroy(engine);

  /* Host clock: events never move the clock; too far ahead is refused. */
  CHECK_STATUS(lc_policy_create(&policy), LC_OK);
  CHECK_STATUS(lc_policy_set(policy, "clock", "host"), LC_OK);
  CHECK_STATUS(lc_engine_create(policy, LC_HISTORY_NONE, &engine), LC_OK);
  lc_policy_destroy(policy);
  e = simple("ada", NULL, "visit");
  e.time_us = T_2024_05_06_0915;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_CLOCK_NOT_SET);
  CHECK_STATUS(lc_advance(engine, T_2024_05_06_0915, &n), LC_OK);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_ACCEPTED);
  e.time_us = T_2024_05_06_0915 + HOUR;
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_TOO_FAR_AHEAD);
  CHECK_STATUS(lc_clock(engine, &clock), LC_OK);
  CHECK(clock == T_2024_05_06_0915);
  lc_engine_destroy(engine);
}

static void test_profile(void) {
  lc_engine* engine = new_engine(LC_HISTORY_FULL);
  lc_event e = purchase("mina", "2024-05-06T09:15:00", 1999, "order-1");
  lc_profile p;
  static char long_name[3001];
  size_t i, shift;

  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  memset(&p, 0, sizeof p);
  CHECK_STATUS(lc_profile_get(engine, "mina", &p), LC_OK);
  CHECK(p.stage == LC_STAGE_NEW && p.stage_since_us == T_2024_05_06_0915);
  CHECK(p.roles == LC_ROLE_BIT(LC_ROLE_BUYER) && p.primary_role == LC_ROLE_BUYER);

  CHECK_STATUS(lc_advance(engine, T_2024_07_01, NULL), LC_OK);
  CHECK_STATUS(lc_profile_get(engine, "mina", &p), LC_OK);
  CHECK(p.stage == LC_STAGE_PASSIVE);
  CHECK(p.stage_since_us == T_2024_06_05);
  CHECK(p.roles == 0 && p.primary_role == LC_ROLE_NONE);
  CHECK(p.purchases == 1 && p.coupon_purchases == 0 && p.refunded_purchases == 0);
  CHECK(p.spend == 1999);
  CHECK(p.first_purchase_day == DAY_2024_05_06 && p.last_purchase_day == DAY_2024_05_06);
  CHECK(p.first_seen_day == DAY_2024_05_06);
  CHECK(p.days_in_stage[LC_STAGE_POTENTIAL] == 0.0);
  CHECK(p.days_in_stage[LC_STAGE_NEW] > 29.6 && p.days_in_stage[LC_STAGE_NEW] < 29.7); /* 09:15 to midnight 30 days on */
  CHECK(p.days_in_stage[LC_STAGE_PASSIVE] == 26.0);

  {
    /* Whole structs are written, padding included: two reads compare equal byte for byte. */
    lc_profile q;
    lc_counts c1, c2;
    memset(&q, 0xa5, sizeof q);
    CHECK_STATUS(lc_profile_get(engine, "mina", &q), LC_OK);
    CHECK(memcmp(&p, &q, sizeof p) == 0);
    memset(&c1, 0x11, sizeof c1);
    memset(&c2, 0x22, sizeof c2);
    CHECK_STATUS(lc_counts_get(engine, &c1), LC_OK);
    CHECK_STATUS(lc_counts_get(engine, &c2), LC_OK);
    CHECK(memcmp(&c1, &c2, sizeof c1) == 0);
  }

  /* A person who only visited: no purchase days. */
  e = simple("ada", "2024-06-30T10:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_profile_get(engine, "ada", &p), LC_OK);
  CHECK(p.stage == LC_STAGE_POTENTIAL && p.purchases == 0);
  CHECK(p.first_purchase_day == LC_NO_DAY && p.last_purchase_day == LC_NO_DAY);
  CHECK(p.roles == LC_ROLE_BIT(LC_ROLE_SPECTATOR));

  memset(&p, 0x5a, sizeof p);
  CHECK_STATUS(lc_profile_get(engine, "nobody", &p), LC_NOT_FOUND);
  CHECK(message_has(engine, "'nobody'"));
  CHECK(p.purchases == 0x5a5a5a5au); /* untouched */
  CHECK_STATUS(lc_profile_get(engine, "", &p), LC_NOT_FOUND);
  CHECK_STATUS(lc_profile_get(engine, NULL, &p), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_profile_get(engine, "\xfe", &p), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_profile_get(NULL, "mina", &p), LC_INVALID_ARGUMENT);

  /* A long message is cut below 1024 bytes, at a character boundary (whatever
   * the alignment of the two-byte characters). */
  for (shift = 0; shift < 2; ++shift) {
    static const size_t chars = 1400;
    long_name[0] = 'x';
    for (i = 0; i < chars; ++i) {
      long_name[shift + 2 * i] = (char)0xc3;
      long_name[shift + 2 * i + 1] = (char)0xa9; /* é */
    }
    long_name[shift + 2 * chars] = '\0';
    CHECK_STATUS(lc_profile_get(engine, long_name, &p), LC_NOT_FOUND);
    CHECK(strlen(lc_last_error()) <= 1023 && strlen(lc_last_error()) >= 1022);
    CHECK(valid_utf8(lc_last_error()));
    CHECK_STR(lc_engine_error(engine), lc_last_error());
  }
  lc_engine_destroy(engine);
}

static void test_history(void) {
  static const lc_history_mode modes[3] = {LC_HISTORY_FULL, LC_HISTORY_STAGES, LC_HISTORY_NONE};
  static const size_t expected[3] = {4, 2, 0};
  size_t m, n;
  for (m = 0; m < 3; ++m) {
    lc_engine* engine = new_engine(modes[m]);
    lc_event e = purchase("mina", "2024-05-06T09:15:00", 1999, "order-1");
    lc_transition t;
    CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
    CHECK_STATUS(lc_advance(engine, T_2024_07_01, NULL), LC_OK);
    n = 99;
    CHECK_STATUS(lc_history(engine, "mina", &n), LC_OK);
    CHECK(n == expected[m]);
    CHECK_STATUS(lc_transition_count(engine, &n), LC_OK);
    CHECK(n == expected[m]);
    if (n > 0) {
      CHECK_STATUS(lc_transition_at(engine, n - 1, &t), LC_OK);
      CHECK_STR(t.person, "mina");
      CHECK(t.when_us == T_2024_06_05);
    }
    n = 99;
    CHECK_STATUS(lc_history(engine, "nobody", &n), LC_NOT_FOUND);
    CHECK(n == 99);
    CHECK_STATUS(lc_history(engine, NULL, &n), LC_INVALID_ARGUMENT);
    CHECK_STATUS(lc_history(engine, "mina", NULL), LC_INVALID_ARGUMENT);
    CHECK_STATUS(lc_history(NULL, "mina", &n), LC_INVALID_ARGUMENT);
    lc_engine_destroy(engine);
  }
}

/* --- callbacks ----------------------------------------------------------------- */

struct seen {
  lc_engine* engine;
  int calls;
  char persons[8][16];
  lc_change changes[8];
  lc_status reentry[10]; /* what calls from inside the callback returned */
  lc_status allowed[5];
};

static void on_transition(const lc_transition* t, void* user) {
  struct seen* s = (struct seen*)user;
  if (s->calls < 8) {
    lc_event e = simple("zed", "2024-05-06T09:15", "visit");
    size_t n = 0;
    char buf[64];
    size_t size = sizeof buf;
    lc_profile p;
    lc_counts c;
    int64_t clock;
    snprintf(s->persons[s->calls], sizeof s->persons[0], "%s", t->person);
    s->changes[s->calls] = t->change;
    /* Calls that would change the engine or its list are refused... */
    s->reentry[0] = lc_ingest(s->engine, &e, NULL);
    s->reentry[1] = lc_advance(s->engine, T_2024_07_01, &n);
    s->reentry[2] = lc_transition_count(s->engine, &n);
    s->reentry[3] = lc_history(s->engine, "mina", &n);
    s->reentry[4] = lc_engine_snapshot(s->engine, buf, &size);
    s->reentry[5] = lc_engine_save(s->engine, "never-written.snap");
    s->reentry[6] = lc_set_callback(s->engine, NULL, NULL);
    s->reentry[7] = lc_transition_at(s->engine, 0, NULL);
    s->reentry[8] = lc_engine_set_birthday(s->engine, t->person, 1, 1);
    s->reentry[9] = lc_engine_set_reachable(s->engine, t->person, 1);
    lc_engine_destroy(s->engine); /* ignored */
    /* ...reading is allowed, and sees the state after the change. */
    s->allowed[0] = lc_profile_get(s->engine, t->person, &p);
    s->allowed[1] = lc_counts_get(s->engine, &c);
    s->allowed[2] = lc_clock(s->engine, &clock);
    {
      lc_signal_profile sp;
      lc_signal_counts sc;
      s->allowed[3] = lc_signal_profile_get(s->engine, t->person, &sp);
      s->allowed[4] = lc_signal_counts_get(s->engine, &sc);
    }
  }
  ++s->calls;
}

static void test_callback(void) {
  struct seen s;
  lc_engine* engine = new_engine(LC_HISTORY_NONE);
  lc_event e = purchase("mina", "2024-05-06T09:15:00", 1999, "order-1");
  lc_ingest_result r;
  size_t n, i;
  memset(&s, 0, sizeof s);
  s.engine = engine;

  CHECK_STATUS(lc_set_callback(NULL, on_transition, &s), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_set_callback(engine, on_transition, &s), LC_OK);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(s.calls == 2 && r.transitions == 2);
  CHECK_STR(s.persons[0], "mina");
  CHECK(s.changes[0] == LC_CHANGE_STAGE && s.changes[1] == LC_CHANGE_ROLE_GAINED);
  for (i = 0; i < 10; ++i) CHECK(s.reentry[i] == LC_INVALID_STATE);
  for (i = 0; i < 5; ++i) CHECK(s.allowed[i] == LC_OK);
  /* The engine survived the destroy from inside; its list holds the call's transitions. */
  CHECK_STATUS(lc_transition_count(engine, &n), LC_OK);
  CHECK(n == 2);

  CHECK_STATUS(lc_advance(engine, T_2024_07_01, &n), LC_OK);
  CHECK(s.calls == 4 && n == 2);
  CHECK(s.changes[2] == LC_CHANGE_STAGE && s.changes[3] == LC_CHANGE_ROLE_LOST);

  /* Replacing the callback's user data, then removing it. */
  {
    struct seen other;
    memset(&other, 0, sizeof other);
    other.engine = engine;
    CHECK_STATUS(lc_set_callback(engine, on_transition, &other), LC_OK);
    e = purchase("kai", "2024-07-01T10:00", 100, "order-9");
    CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
    CHECK(other.calls == 2 && s.calls == 4);
    CHECK_STR(other.persons[0], "kai");
    CHECK_STATUS(lc_set_callback(engine, NULL, NULL), LC_OK);
    e = purchase("lou", "2024-07-01T11:00", 100, "order-10");
    CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
    CHECK(r.transitions == 2 && other.calls == 2 && s.calls == 4);
    CHECK_STATUS(lc_set_callback(engine, NULL, NULL), LC_OK); /* removing twice is fine */
  }
  lc_engine_destroy(engine);
}

static void test_counts(void) {
  lc_engine* engine = new_engine(LC_HISTORY_NONE);
  lc_event e;
  lc_counts c;
  size_t i;
  uint64_t sum = 0;

  e = purchase("mina", "2024-05-06T09:15", 1999, "o1");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("ada", "2024-05-06T09:20", "post");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("ada", "2024-05-06T09:21", "review");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("bo", "2024-05-06T09:22", "view");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("bo", "2024-05-06T09:23", "teleport");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_BAD_KIND);

  memset(&c, 0xff, sizeof c);
  CHECK_STATUS(lc_counts_get(engine, &c), LC_OK);
  CHECK(c.known_persons == 3);
  CHECK(c.accepted == 4 && c.duplicate == 0 && c.rejected == 0);
  for (i = 0; i < LC_STAGE_COUNT; ++i) sum += c.stages[i];
  CHECK(sum == 3);
  CHECK(c.stages[LC_STAGE_POTENTIAL] == 2 && c.stages[LC_STAGE_NEW] == 1);
  CHECK(c.roles[LC_ROLE_BUYER] == 1 && c.roles[LC_ROLE_CREATOR] == 1 && c.roles[LC_ROLE_CRITIC] == 1);
  CHECK(c.roles[LC_ROLE_SPECTATOR] == 1 && c.roles[LC_ROLE_JOINER] == 0);
  CHECK(c.conversions == 1);
  CHECK(c.conversions_by_role[LC_ROLE_COUNT] + c.conversions_by_role[LC_ROLE_BUYER] == 1);
  CHECK(c.moves[LC_STAGE_POTENTIAL][LC_STAGE_NEW] == 1 && c.moves[LC_STAGE_NEW][LC_STAGE_PASSIVE] == 0);
  CHECK_STATUS(lc_counts_get(engine, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_counts_get(NULL, &c), LC_INVALID_ARGUMENT);
  lc_engine_destroy(engine);
}

/* --- signals, points, tiers and NPS ----------------------------------------------- */

struct signals_seen {
  int calls;
  int signals;
  lc_signal last;
  char person[16];
};

static void on_signal(const lc_transition* t, void* user) {
  struct signals_seen* s = (struct signals_seen*)user;
  ++s->calls;
  if (t->change != LC_CHANGE_SIGNAL) return;
  ++s->signals;
  s->last = t->signal;
  snprintf(s->person, sizeof s->person, "%s", t->person);
}

/* Finds the first signal of kind \p kind in the engine's list; -1 when none. */
static long find_signal(const lc_engine* engine, lc_signal kind, lc_transition* out) {
  size_t n = 0, i;
  if (lc_transition_count(engine, &n) != LC_OK) return -1;
  for (i = 0; i < n; ++i)
    if (lc_transition_at(engine, i, out) == LC_OK && out->change == LC_CHANGE_SIGNAL && out->signal == kind)
      return (long)i;
  return -1;
}

/* Signals come through the list, the callback and the history like any transition. */
static void test_signal_transitions(void) {
  lc_engine* engine = new_engine(LC_HISTORY_FULL);
  lc_event e = simple("ann", "2024-05-06T09:15", "view");
  lc_ingest_result r;
  lc_transition t;
  lc_signal_counts c;
  struct signals_seen seen;
  char text[256];
  size_t size, n = 0, i;
  memset(&seen, 0, sizeof seen);

  CHECK_STATUS(lc_set_callback(engine, on_signal, &seen), LC_OK);
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(seen.signals == 0);
  /* At exactly 24 hours the view is not yet unanswered (a purchase then would still answer it). */
  CHECK_STATUS(lc_advance(engine, T_2024_05_06_0915 + 24 * HOUR, &n), LC_OK);
  CHECK(n == 0 && seen.signals == 0);
  CHECK_STATUS(lc_advance(engine, T_2024_05_06_0915 + 25 * HOUR, &n), LC_OK);
  CHECK(n == 1);
  CHECK(seen.signals == 1 && seen.last == LC_SIGNAL_BROWSE_NO_BUY);
  CHECK_STR(seen.person, "ann");
  memset(&t, 0xff, sizeof t);
  CHECK_STATUS(lc_transition_at(engine, 0, &t), LC_OK);
  CHECK(t.change == LC_CHANGE_SIGNAL && t.signal == LC_SIGNAL_BROWSE_NO_BUY);
  CHECK(t.cause == LC_CAUSE_TIME && t.rule == LC_RULE_BROWSE_NO_BUY);
  CHECK(t.figures[0] == 24 && t.figures[1] == 0 && t.figures[2] == 7);
  CHECK(t.when_us == T_2024_05_06_0915 + 24 * HOUR);
  CHECK_STR(t.person, "ann");
  size = sizeof text;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_OK);
  CHECK_STR(text, "2024-05-07T09:15:00 signal browse_no_buy (time): browse_no_buy: a view and no purchase "
                  "within 24 hours (at most once per 7 days)");
  t.signal = (lc_signal)LC_SIGNAL_COUNT;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "outside its enum"));
  t.signal = LC_SIGNAL_TIER_DOWN;
  t.rule = (lc_rule)(LC_RULE_TIER_DOWN + 1);
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_INVALID_ARGUMENT);
  t.rule = LC_RULE_TIER_DOWN;
  t.change = (lc_change)4;
  CHECK_STATUS(lc_transition_text(&t, text, &size), LC_INVALID_ARGUMENT);

  /* The history keeps the signal after the view's own transitions. */
  CHECK_STATUS(lc_history(engine, "ann", &n), LC_OK);
  CHECK(n >= 2);
  CHECK_STATUS(lc_transition_at(engine, n - 1, &t), LC_OK);
  CHECK(t.change == LC_CHANGE_SIGNAL && t.signal == LC_SIGNAL_BROWSE_NO_BUY);

  /* 600.00 is 600 points: silver (500), a tier_up caused by the event. */
  e = purchase("bo", "2024-05-07T12:00", 60000, "o1");
  CHECK_STATUS(lc_ingest(engine, &e, &r), LC_OK);
  CHECK(find_signal(engine, LC_SIGNAL_TIER_UP, &t) >= 0);
  CHECK(t.cause == LC_CAUSE_EVENT && t.figures[0] == 600 && t.figures[1] == 500 && t.figures[3] == 1);
  CHECK(seen.signals == 2 && seen.last == LC_SIGNAL_TIER_UP);

  memset(&c, 0xff, sizeof c);
  CHECK_STATUS(lc_signal_counts_get(engine, &c), LC_OK);
  for (i = 0; i < LC_SIGNAL_COUNT; ++i)
    CHECK(c.signals[i] == (i == LC_SIGNAL_BROWSE_NO_BUY || i == LC_SIGNAL_TIER_UP ? 1u : 0u));
  CHECK_STATUS(lc_signal_counts_get(engine, NULL), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "out is NULL"));
  CHECK_STATUS(lc_signal_counts_get(NULL, &c), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "engine is NULL"));
  lc_engine_destroy(engine);

  /* Without the history the signals still reach the list and the callback; the history keeps none. */
  engine = new_engine(LC_HISTORY_STAGES);
  e = simple("ann", "2024-05-06T09:15", "cart");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_advance(engine, T_2024_05_06_0915 + 25 * HOUR, &n), LC_OK);
  CHECK(n == 1 && find_signal(engine, LC_SIGNAL_ABANDONED_CART, &t) == 0);
  CHECK_STATUS(lc_history(engine, "ann", &n), LC_OK);
  CHECK(n == 0);
  lc_engine_destroy(engine);
}

static void test_signal_profile(void) {
  lc_engine* engine = new_engine(LC_HISTORY_NONE);
  lc_event e;
  lc_signal_profile p;
  lc_transition t;
  size_t n = 0;
  static char long_name[65537];

  e = purchase("bo", "2024-05-06T09:15", 60000, "o1");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("bo", "2024-05-06T10:00", "feedback");
  e.has_score = 1;
  e.score = 9;
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  memset(&p, 0xa5, sizeof p);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.points == 600 && p.tier == 1);
  CHECK_STR(p.tier_name, "silver");
  CHECK(p.reachable == 0 && p.birthday_month == 0 && p.birthday_day == 0);
  CHECK(p.nps_score == 9);

  /* Reachable: an opt-in, then an opt-out; a follow event confirms as an opt-in does. */
  CHECK_STATUS(lc_engine_set_reachable(engine, "bo", 1), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.reachable == 1);
  CHECK_STATUS(lc_engine_set_reachable(engine, "bo", 0), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.reachable == 0);
  e = simple("bo", "2024-05-06T11:00", "follow");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.reachable == 1);
  /* A reachable customer never contacted: contact_due 30 days after the first purchase. */
  CHECK_STATUS(lc_advance(engine, T_2024_06_05 + HOUR, &n), LC_OK);
  CHECK(find_signal(engine, LC_SIGNAL_CONTACT_DUE, &t) >= 0);
  CHECK_STR(t.person, "bo");
  CHECK(t.when_us == T_2024_06_05 && t.rule == LC_RULE_CONTACT_DUE && t.figures[1] == 30);

  /* Birthdays: set, cleared, 29 February; the signal at the start of the day. */
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 6, 10), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.birthday_month == 6 && p.birthday_day == 10);
  CHECK_STATUS(lc_advance(engine, T_2024_06_05 + 6 * 24 * HOUR, &n), LC_OK); /* 06-11 */
  CHECK(find_signal(engine, LC_SIGNAL_BIRTHDAY, &t) >= 0);
  CHECK(t.when_us == T_2024_06_05 + 5 * 24 * HOUR && t.cause == LC_CAUSE_TIME);
  CHECK(t.figures[0] == 6 && t.figures[1] == 10 && t.figures[2] == 0);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 2, 29), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.birthday_month == 2 && p.birthday_day == 29);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 0, 12345), LC_OK); /* month 0 clears; the day is ignored */
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.birthday_month == 0 && p.birthday_day == 0);

  /* Days that are no day of the year: refused, the birthday unchanged. */
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 7, 4), LC_OK);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 13, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "month 13, day 1"));
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 2, 30), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 4, 31), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 1, 0), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 1, 32), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", -1, 1), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 257, 1), LC_INVALID_ARGUMENT); /* not 1 as a byte */
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
  CHECK(p.birthday_month == 7 && p.birthday_day == 4);

  /* Persons: NULL, empty, not UTF-8, too long; a NULL engine. */
  CHECK_STATUS(lc_engine_set_birthday(engine, NULL, 1, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "person is NULL"));
  CHECK_STATUS(lc_engine_set_birthday(engine, "", 1, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "person is empty"));
  CHECK_STATUS(lc_engine_set_birthday(engine, "b\xc3", 1, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "UTF-8"));
  memset(long_name, 'a', sizeof long_name - 1);
  CHECK_STATUS(lc_engine_set_birthday(engine, long_name, 1, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(engine, "longer than 65535 bytes"));
  CHECK_STATUS(lc_engine_set_birthday(NULL, "bo", 1, 1), LC_INVALID_ARGUMENT);
  CHECK(message_has(NULL, "engine is NULL"));
  CHECK_STATUS(lc_engine_set_reachable(engine, NULL, 1), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_reachable(engine, "", 1), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_reachable(engine, "\xff", 1), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_reachable(engine, long_name, 1), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_set_reachable(NULL, "bo", 1), LC_INVALID_ARGUMENT);

  /* lc_signal_profile_get's errors; the struct untouched on failure. */
  memset(&p, 0x5a, sizeof p);
  CHECK_STATUS(lc_signal_profile_get(engine, "nobody", &p), LC_NOT_FOUND);
  CHECK(message_has(engine, "'nobody'"));
  CHECK(p.points == (int64_t)0x5a5a5a5a5a5a5a5aLL);
  CHECK_STATUS(lc_signal_profile_get(engine, NULL, &p), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_signal_profile_get(engine, "\xfe", &p), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_signal_profile_get(engine, "bo", NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_signal_profile_get(NULL, "bo", &p), LC_INVALID_ARGUMENT);

  /* A person set up before their first event: not known yet, the birthday kept for them. */
  CHECK_STATUS(lc_engine_set_birthday(engine, "newbie", 6, 20), LC_OK);
  CHECK_STATUS(lc_engine_set_reachable(engine, "newbie", 1), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "newbie", &p), LC_NOT_FOUND);
  e = simple("newbie", NULL, "visit");
  e.time_us = T_2024_06_05 + 7 * 24 * HOUR; /* 06-12 */
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_signal_profile_get(engine, "newbie", &p), LC_OK);
  CHECK(p.birthday_month == 6 && p.birthday_day == 20 && p.reachable == 1);
  CHECK(p.points == 0 && p.tier == 0 && p.nps_score == -1);
  CHECK_STR(p.tier_name, "member");
  CHECK_STATUS(lc_advance(engine, T_2024_06_05 + 16 * 24 * HOUR, &n), LC_OK); /* 06-21 */
  CHECK(find_signal(engine, LC_SIGNAL_BIRTHDAY, &t) >= 0);
  CHECK_STR(t.person, "newbie");
  CHECK(t.when_us == T_2024_06_05 + 15 * 24 * HOUR);
  lc_engine_destroy(engine);

  /* A policy that tracks nothing: the calls are refused, the profile holds the defaults. */
  {
    lc_policy* policy = NULL;
    CHECK_STATUS(lc_policy_create(&policy), LC_OK);
    CHECK_STATUS(lc_policy_set(policy, "signals", "none"), LC_OK);
    CHECK_STATUS(lc_policy_set(policy, "tiers", "none"), LC_OK);
    CHECK_STATUS(lc_policy_set(policy, "nps", "false"), LC_OK);
    CHECK_STATUS(lc_engine_create(policy, LC_HISTORY_FULL, &engine), LC_OK);
    lc_policy_destroy(policy);
    e = purchase("bo", "2024-05-06T09:15", 60000, "o1");
    CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
    CHECK_STATUS(lc_engine_set_birthday(engine, "bo", 1, 1), LC_INVALID_STATE);
    CHECK(message_has(engine, "tracks no signals"));
    CHECK_STATUS(lc_engine_set_reachable(engine, "bo", 1), LC_INVALID_STATE);
    CHECK(message_has(engine, "tracks no signals"));
    CHECK_STATUS(lc_signal_profile_get(engine, "bo", &p), LC_OK);
    CHECK(p.points == 0 && p.tier == 0 && p.reachable == 0 && p.nps_score == -1);
    CHECK_STR(p.tier_name, "");
    lc_engine_destroy(engine);
  }
}

/* --- snapshots ------------------------------------------------------------------ */

static lc_engine* story_engine(void) {
  lc_engine* engine = new_engine(LC_HISTORY_FULL);
  lc_event e;
  e = purchase("mina", "2024-05-06T09:15", 1999, "o1");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = purchase("ada", "2024-05-07T09:15", 500, "o2");
  e.coupon = 1;
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("ada", "2024-05-08T09:15", "follow");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("bo", "2024-05-09T09:15", "join");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_engine_set_birthday(engine, "mina", 8, 1), LC_OK); /* the signal state travels too */
  return engine;
}

/* The two engines agree on counts, signal counts, clock and every profile of the story. */
static int same_engines(const lc_engine* a, const lc_engine* b) {
  static const char* persons[4] = {"mina", "ada", "bo", "cy"};
  lc_counts ca, cb;
  lc_signal_counts sa_, sb_;
  int64_t ta, tb;
  size_t i;
  if (lc_counts_get(a, &ca) != LC_OK || lc_counts_get(b, &cb) != LC_OK) return 0;
  if (memcmp(&ca, &cb, sizeof ca) != 0) return 0;
  if (lc_signal_counts_get(a, &sa_) != LC_OK || lc_signal_counts_get(b, &sb_) != LC_OK) return 0;
  if (memcmp(&sa_, &sb_, sizeof sa_) != 0) return 0;
  if (lc_clock(a, &ta) != LC_OK || lc_clock(b, &tb) != LC_OK || ta != tb) return 0;
  for (i = 0; i < 4; ++i) {
    lc_profile pa, pb;
    lc_signal_profile qa, qb;
    const lc_status sa = lc_profile_get(a, persons[i], &pa), sb = lc_profile_get(b, persons[i], &pb);
    if (sa != sb) return 0;
    if (sa == LC_OK && memcmp(&pa, &pb, sizeof pa) != 0) return 0;
    if (sa != LC_OK) continue;
    if (lc_signal_profile_get(a, persons[i], &qa) != LC_OK || lc_signal_profile_get(b, persons[i], &qb) != LC_OK)
      return 0;
    /* Field by field: tier_name points into each engine's own policy. */
    if (qa.points != qb.points || qa.tier != qb.tier || strcmp(qa.tier_name, qb.tier_name) != 0 ||
        qa.reachable != qb.reachable || qa.birthday_month != qb.birthday_month ||
        qa.birthday_day != qb.birthday_day || qa.nps_score != qb.nps_score)
      return 0;
  }
  return 1;
}

static void continue_story(lc_engine* engine) {
  lc_event e = purchase("ada", "2024-05-20T10:00", 700, "o3");
  e.coupon = 1;
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = purchase("ada", "2024-05-20T10:00", 700, "o3"); /* twice */
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  e = simple("cy", "2024-05-10T10:00", "visit"); /* late */
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  CHECK_STATUS(lc_advance(engine, T_2024_07_01 + 100 * 24 * HOUR, NULL), LC_OK);
}

static void test_snapshot_buffer(void) {
  lc_engine* engine = story_engine();
  lc_engine* copy = NULL;
  unsigned char* bytes;
  size_t size = 0, needed, n;
  lc_event e;

  CHECK_STATUS(lc_engine_snapshot(engine, NULL, &size), LC_BUFFER_TOO_SMALL);
  needed = size;
  CHECK(needed > 16);
  bytes = (unsigned char*)malloc(needed + 8);
  CHECK(bytes != NULL);
  if (bytes == NULL) return;
  size = needed - 1;
  memset(bytes, 0xab, needed + 8);
  CHECK_STATUS(lc_engine_snapshot(engine, bytes, &size), LC_BUFFER_TOO_SMALL);
  CHECK(size == needed);
  CHECK(bytes[0] == 0xab);
  size = needed + 8; /* room to spare: the byte count comes back */
  CHECK_STATUS(lc_engine_snapshot(engine, bytes, &size), LC_OK);
  CHECK(size == needed);
  CHECK(bytes[needed] == 0xab);

  CHECK_STATUS(lc_engine_restore(bytes, size, &copy), LC_OK);
  CHECK(copy != NULL);
  CHECK(same_engines(engine, copy));
  {
    lc_signal_profile p;
    CHECK_STATUS(lc_signal_profile_get(copy, "mina", &p), LC_OK);
    CHECK(p.birthday_month == 8 && p.birthday_day == 1);
    CHECK_STATUS(lc_signal_profile_get(copy, "ada", &p), LC_OK);
    CHECK(p.reachable == 1); /* ada follows */
  }
  /* Restoring and going on gives what going on without a stop gives. */
  continue_story(engine);
  continue_story(copy);
  CHECK(same_engines(engine, copy));
  CHECK_STATUS(lc_history(copy, "ada", &n), LC_OK);
  CHECK(n >= 3);
  lc_engine_destroy(copy);
  copy = NULL;

  /* Bytes kept after a too-small call are dropped once the engine changes. */
  size = 0;
  CHECK_STATUS(lc_engine_snapshot(engine, NULL, &size), LC_BUFFER_TOO_SMALL);
  e = simple("dee", "2024-10-01T10:00", "visit");
  CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
  free(bytes);
  size = 0;
  CHECK_STATUS(lc_engine_snapshot(engine, NULL, &size), LC_BUFFER_TOO_SMALL);
  bytes = (unsigned char*)malloc(size);
  CHECK(bytes != NULL);
  if (bytes == NULL) return;
  CHECK_STATUS(lc_engine_snapshot(engine, bytes, &size), LC_OK);
  CHECK_STATUS(lc_engine_restore(bytes, size, &copy), LC_OK);
  {
    lc_profile p;
    CHECK_STATUS(lc_profile_get(copy, "dee", &p), LC_OK);
  }
  lc_engine_destroy(copy);
  copy = NULL;

  /* Corrupted, truncated, empty, foreign bytes: refused, no engine. */
  bytes[size / 2] ^= 0x40;
  CHECK_STATUS(lc_engine_restore(bytes, size, &copy), LC_INVALID_STATE);
  CHECK(strlen(lc_last_error()) > 0);
  CHECK(copy == NULL);
  bytes[size / 2] ^= 0x40;
  CHECK_STATUS(lc_engine_restore(bytes, size / 2, &copy), LC_INVALID_STATE);
  CHECK_STATUS(lc_engine_restore(bytes, size - 1, &copy), LC_INVALID_STATE);
  CHECK_STATUS(lc_engine_restore(bytes, 0, &copy), LC_INVALID_STATE);
  CHECK_STATUS(lc_engine_restore(NULL, 0, &copy), LC_INVALID_STATE);
  CHECK_STATUS(lc_engine_restore("hello, world", 12, &copy), LC_INVALID_STATE);
  CHECK(copy == NULL);
  CHECK_STATUS(lc_engine_restore(NULL, 10, &copy), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_restore(bytes, size, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_restore(bytes, size, &copy), LC_OK); /* the repaired bytes are fine again */
  lc_engine_destroy(copy);

  size = 4;
  CHECK_STATUS(lc_engine_snapshot(engine, NULL, &size), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_snapshot(engine, bytes, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_snapshot(NULL, bytes, &size), LC_INVALID_ARGUMENT);
  free(bytes);
  lc_engine_destroy(engine);
}

static void test_snapshot_file(void) {
  lc_engine* engine = story_engine();
  lc_engine* copy = NULL;
  char path[512], tmp[600], missing[512];
  FILE* f;

  path_in_scratch(path, sizeof path, "c_api_test.snapshot");
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  path_in_scratch(missing, sizeof missing, "no-such-dir/x.snapshot");
  remove(path);

  CHECK_STATUS(lc_engine_load(path, &copy), LC_IO_ERROR); /* missing file */
  CHECK(message_has(NULL, "c_api_test.snapshot"));
  CHECK(copy == NULL);
  CHECK_STATUS(lc_engine_save(engine, path), LC_OK);
  CHECK_STATUS(lc_engine_save(engine, path), LC_OK); /* over the old one */
  f = fopen(tmp, "rb");
  CHECK(f == NULL); /* nothing left aside */
  if (f) fclose(f);
  CHECK_STATUS(lc_engine_load(path, &copy), LC_OK);
  CHECK(same_engines(engine, copy));
  continue_story(engine);
  continue_story(copy);
  CHECK(same_engines(engine, copy));
  lc_engine_destroy(copy);
  copy = NULL;

  CHECK_STATUS(lc_engine_save(engine, missing), LC_IO_ERROR);
  CHECK(message_has(engine, "no-such-dir"));
  CHECK_STATUS(lc_engine_save(engine, ""), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_save(engine, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_save(NULL, path), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_load(NULL, &copy), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_load("", &copy), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_load(path, NULL), LC_INVALID_ARGUMENT);
  CHECK_STATUS(lc_engine_load(scratch_dir, &copy), LC_IO_ERROR); /* a directory */

  /* A file that is not a snapshot. */
  f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs("time,person,event\n", f);
    fclose(f);
  }
  CHECK_STATUS(lc_engine_load(path, &copy), LC_INVALID_STATE);
  CHECK(message_has(NULL, "c_api_test.snapshot"));
  CHECK(copy == NULL);
  remove(path);
  lc_engine_destroy(engine);
}

/* --- threads: the last error is per thread ---------------------------------------- */

static void* other_thread(void* arg) {
  int* ok = (int*)arg;
  int64_t us;
  *ok = strcmp(lc_last_error(), "") == 0; /* a new thread starts clean */
  *ok = *ok && lc_time_parse("not a time", &us) == LC_BAD_TIME;
  *ok = *ok && strstr(lc_last_error(), "not a time") != NULL;
  return NULL;
}

static void test_threads(void) {
  pthread_t thread;
  int ok = 0;
  lc_policy* policy = NULL;
  CHECK_STATUS(lc_policy_set(NULL, "new_days", "1"), LC_INVALID_ARGUMENT);
  CHECK(pthread_create(&thread, NULL, other_thread, &ok) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(ok);
  CHECK(message_has(NULL, "policy is NULL")); /* this thread's message is its own */
  CHECK_STATUS(lc_policy_create(&policy), LC_OK);
  lc_policy_destroy(policy);
}

/* --- out of memory ------------------------------------------------------------------
 * The executable's malloc stands in for the C library's (the C++ runtime's
 * operator new calls malloc through the PLT), so allocations can be made to
 * fail. Not under AddressSanitizer, which owns malloc there. */
#ifdef LC_TEST_OUT_OF_MEMORY
extern void* __libc_malloc(size_t size);
static volatile int malloc_fails = 0;
void* malloc(size_t size) {
  if (malloc_fails) return NULL;
  return __libc_malloc(size);
}

static void test_out_of_memory(void) {
  lc_policy* policy = NULL;
  lc_engine* engine = NULL;
  lc_status s1, s2;
  char buf[64];
  size_t size = sizeof buf;
  malloc_fails = 1;
  s1 = lc_policy_create(&policy);
  s2 = lc_engine_create(NULL, LC_HISTORY_FULL, &engine);
  malloc_fails = 0;
  CHECK(s1 == LC_OUT_OF_MEMORY && policy == NULL);
  CHECK(s2 == LC_OUT_OF_MEMORY && engine == NULL);
  CHECK(strstr(lc_last_error(), "lc_engine_create: out of memory") != NULL);
  /* After memory comes back, everything works. */
  CHECK_STATUS(lc_engine_create(NULL, LC_HISTORY_FULL, &engine), LC_OK);
  {
    lc_event e = purchase("mina", "2024-05-06T09:15", 1999, "o1");
    lc_status s;
    CHECK_STATUS(lc_ingest(engine, &e, NULL), LC_OK);
    e = purchase("someone with a name too long for the small string buffer", "2024-05-06T09:16", 1, "o2");
    malloc_fails = 1;
    s = lc_ingest(engine, &e, NULL);
    malloc_fails = 0;
    CHECK(s == LC_OUT_OF_MEMORY);
    CHECK(message_has(engine, "out of memory"));
  }
  CHECK_STATUS(lc_time_text(T_2024_06_05, buf, &size), LC_OK);
  lc_engine_destroy(engine);
}
#endif

int main(int argc, char** argv) {
  if (argc > 1) scratch_dir = argv[1];
  test_version();
  test_names();
  test_time();
  test_policy();
  test_engine_create();
  test_ingest();
  test_clock();
  test_profile();
  test_history();
  test_callback();
  test_counts();
  test_signal_transitions();
  test_signal_profile();
  test_snapshot_buffer();
  test_snapshot_file();
  test_threads();
#ifdef LC_TEST_OUT_OF_MEMORY
  test_out_of_memory();
#endif
  printf("c_api_test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
