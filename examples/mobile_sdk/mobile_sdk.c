/* A mobile app's SDK layer in C, over lifecycle's C API.
 *
 * The SDK tracks what the app's user does. While the phone is offline it
 * keeps events in a queue; back online it delivers them late, and because it
 * cannot tell whether a delivery went through, it delivers them again: the
 * engine drops the second copy by event id. Between two launches of the app
 * the engine lives in a snapshot file. The engine runs in host clock mode:
 * the SDK moves the clock from the device's time, and an event stamped far
 * in the future (a phone with a broken clock) is refused. The engine's
 * signals (a contact due, a birthday, a drop in use) come through the same
 * callback as the stage and role changes: they are the app's cues to act.
 *
 * The program checks what it shows and exits non-zero when the library does
 * not behave as described. Usage: mobile_sdk [directory for the snapshot]
 * (default: a new temporary directory, removed at the end). */
#define _POSIX_C_SOURCE 200809L

#include <lifecycle/lifecycle.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failed = 0;
#define EXPECT(c)                                                                   \
  do {                                                                              \
    if (!(c)) {                                                                     \
      fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__, __LINE__, #c); \
      failed = 1;                                                                   \
    }                                                                               \
  } while (0)

/* --- the SDK ---------------------------------------------------------------- */

#define SDK_QUEUE_CAPACITY 64
#define SDK_TEXT 64

/* One tracked event, with its strings copied: the app's buffers are gone by
 * the time a queued event is delivered. */
typedef struct sdk_event {
  char time[SDK_TEXT], kind[16], id[SDK_TEXT], ref[SDK_TEXT];
  int64_t amount;
  int coupon;
} sdk_event;

typedef struct sdk {
  lc_engine* engine;
  char user[SDK_TEXT];       /* the app's user id */
  char snapshot[512];        /* where the engine lives between launches */
  int online;
  int64_t now_us;            /* the device clock (simulated here) */
  sdk_event queue[SDK_QUEUE_CAPACITY];
  size_t queued;
  unsigned accepted, duplicates, rejected, changes;
  unsigned signals[LC_SIGNAL_COUNT]; /* signals seen, by kind */
} sdk;

static void report(const char* what, lc_status s, const lc_engine* engine) {
  fprintf(stderr, "sdk: %s: %s: %s\n", what, lc_status_name(s),
          engine ? lc_engine_error(engine) : lc_last_error());
}

/* The app would react here: on a change (show onboarding, ask for a review)
 * and on a signal (a greeting on a birthday, a message when contact is due). */
static void on_change(const lc_transition* t, void* user) {
  sdk* s = (sdk*)user;
  char line[256];
  size_t size = sizeof line;
  ++s->changes;
  if (t->change == LC_CHANGE_SIGNAL) ++s->signals[t->signal];
  if (lc_transition_text(t, line, &size) == LC_OK)
    printf("    %s for %s: %s\n", t->change == LC_CHANGE_SIGNAL ? "signal" : "change", t->person, line);
}

static int sdk_set_clock(sdk* s, const char* device_time) {
  lc_status st = lc_time_parse(device_time, &s->now_us);
  if (st != LC_OK) {
    report("device time", st, NULL);
    return 0;
  }
  if (s->engine && (st = lc_advance(s->engine, s->now_us, NULL)) != LC_OK) {
    report("advance", st, s->engine);
    return 0;
  }
  return 1;
}

/* Opens the SDK at app launch: the engine from the last launch's snapshot,
 * or a new one on the first launch. */
static int sdk_open(sdk* s, const char* user, const char* snapshot, const char* device_time) {
  lc_status st;
  memset(s, 0, sizeof *s);
  snprintf(s->user, sizeof s->user, "%s", user);
  snprintf(s->snapshot, sizeof s->snapshot, "%s", snapshot);
  s->online = 1;
  st = lc_engine_load(snapshot, &s->engine);
  if (st == LC_OK) {
    printf("  restored the engine from %s\n", snapshot);
  } else if (st == LC_IO_ERROR && access(snapshot, F_OK) != 0) {
    lc_policy* policy = NULL;
    printf("  first launch: no snapshot yet, a new engine\n");
    if ((st = lc_policy_create(&policy)) != LC_OK || (st = lc_policy_set(policy, "clock", "host")) != LC_OK ||
        (st = lc_engine_create(policy, LC_HISTORY_NONE, &s->engine)) != LC_OK) {
      report("create", st, NULL);
      lc_policy_destroy(policy);
      return 0;
    }
    lc_policy_destroy(policy);
  } else {
    report("load", st, NULL); /* a corrupted snapshot: a real SDK would start over and resync */
    return 0;
  }
  if ((st = lc_set_callback(s->engine, on_change, s)) != LC_OK) {
    report("callback", st, s->engine);
    return 0;
  }
  return sdk_set_clock(s, device_time);
}

/* Hands one event to the engine; 0 if it could not be read at all. */
static int sdk_deliver(sdk* s, const sdk_event* q) {
  lc_event e;
  lc_ingest_result r;
  lc_status st;
  memset(&e, 0, sizeof e);
  e.time = q->time;
  e.person = s->user;
  e.kind = q->kind;
  e.amount = q->amount;
  e.coupon = q->coupon;
  e.id = q->id;
  e.ref = q->ref;
  st = lc_ingest(s->engine, &e, &r);
  if (st != LC_OK) {
    report("ingest", st, s->engine);
    return 0;
  }
  printf("    %-8s %s %s: %s%s%s\n", q->kind, q->time, q->id, lc_ingest_status_name(r.status),
         r.status == LC_INGEST_REJECTED ? ", " : "", r.status == LC_INGEST_REJECTED ? r.reason_text : "");
  if (r.status == LC_INGEST_ACCEPTED) ++s->accepted;
  if (r.status == LC_INGEST_DUPLICATE) ++s->duplicates;
  if (r.status == LC_INGEST_REJECTED) ++s->rejected;
  return 1;
}

/* The app's tracking call: delivered now when online, queued when offline. */
static int sdk_track(sdk* s, const char* time, const char* kind, const char* id, int64_t amount, int coupon) {
  sdk_event q;
  memset(&q, 0, sizeof q);
  snprintf(q.time, sizeof q.time, "%s", time);
  snprintf(q.kind, sizeof q.kind, "%s", kind);
  snprintf(q.id, sizeof q.id, "%s", id);
  q.amount = amount;
  q.coupon = coupon;
  if (s->online) return sdk_deliver(s, &q);
  if (s->queued == SDK_QUEUE_CAPACITY) return 0;
  s->queue[s->queued++] = q;
  printf("    %-8s %s %s: queued (offline)\n", kind, time, id);
  return 1;
}

/* Back online: deliver the queue. The acknowledgement of the first attempt
 * is lost, so the SDK sends the whole queue a second time. */
static int sdk_reconnect(sdk* s, const char* device_time) {
  size_t i;
  int attempt;
  s->online = 1;
  if (!sdk_set_clock(s, device_time)) return 0;
  for (attempt = 1; attempt <= 2; ++attempt) {
    printf("  delivery attempt %d of %u queued events\n", attempt, (unsigned)s->queued);
    for (i = 0; i < s->queued; ++i)
      if (!sdk_deliver(s, &s->queue[i])) return 0;
  }
  s->queued = 0;
  return 1;
}

/* The app goes to the background for good: save the engine, free it. */
static int sdk_close(sdk* s) {
  const lc_status st = lc_engine_save(s->engine, s->snapshot);
  if (st != LC_OK) report("save", st, s->engine);
  lc_engine_destroy(s->engine);
  s->engine = NULL;
  return st == LC_OK;
}

static int sdk_profile(const sdk* s, lc_profile* p) {
  const lc_status st = lc_profile_get(s->engine, s->user, p);
  if (st != LC_OK) report("profile", st, s->engine);
  return st == LC_OK;
}

static int sdk_signal_profile(const sdk* s, lc_signal_profile* p) {
  const lc_status st = lc_signal_profile_get(s->engine, s->user, p);
  if (st != LC_OK) report("signal profile", st, s->engine);
  return st == LC_OK;
}

static void show(const sdk* s, const lc_profile* p) {
  char roles[64], since[32], first[16];
  size_t n1 = sizeof roles, n2 = sizeof since, n3 = sizeof first;
  lc_signal_profile sp;
  if (lc_roles_text(p->roles, roles, &n1) != LC_OK || lc_time_text(p->stage_since_us, since, &n2) != LC_OK ||
      lc_day_text(p->first_purchase_day, first, &n3) != LC_OK || !sdk_signal_profile(s, &sp)) {
    failed = 1;
    return;
  }
  printf("  profile of %s: %s since %s, roles %s, %u purchases (%u with a coupon, first on %s), %lld.%02lld spent\n",
         s->user, lc_stage_name(p->stage), since, roles, p->purchases, p->coupon_purchases, first,
         (long long)(p->spend / 100), (long long)(p->spend % 100));
  printf("    %lld points, tier %s, %s, birthday %02d-%02d\n", (long long)sp.points, sp.tier_name,
         sp.reachable ? "reachable" : "not reachable", sp.birthday_month, sp.birthday_day);
}

/* --- the app ------------------------------------------------------------------------ */

int main(int argc, char** argv) {
  char dir[512], snapshot[600];
  int own_dir = argc < 2;
  sdk s;
  lc_profile before, after;
  lc_signal_profile loyalty;
  lc_counts counts;

  if (own_dir) {
    const char* tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/mobile_sdk.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
      perror("mkdtemp");
      return 2;
    }
  } else {
    snprintf(dir, sizeof dir, "%s", argv[1]);
  }
  snprintf(snapshot, sizeof snapshot, "%s/engine.snapshot", dir);
  remove(snapshot);
  printf("lifecycle %s, C API\n", lc_version());

  printf("launch 1, 2024-03-01\n");
  EXPECT(sdk_open(&s, "user-42", snapshot, "2024-03-01T09:00:00Z"));
  /* The sign-up form gave a birthday: set before the user's first event. */
  EXPECT(lc_engine_set_birthday(s.engine, s.user, 4, 2) == LC_OK);
  EXPECT(sdk_track(&s, "2024-03-01T09:00:00Z", "visit", "ev-1", 0, 0));
  EXPECT(sdk_track(&s, "2024-03-01T09:02:10Z", "search", "ev-2", 0, 0));
  EXPECT(sdk_set_clock(&s, "2024-03-01T09:05:00Z"));
  EXPECT(sdk_track(&s, "2024-03-01T09:05:00Z", "purchase", "order-1001", 2499, 0));
  printf("  the phone goes offline\n");
  s.online = 0;
  EXPECT(sdk_track(&s, "2024-03-01T10:00:00Z", "review", "ev-3", 0, 0));
  EXPECT(sdk_track(&s, "2024-03-01T10:05:00Z", "follow", "ev-4", 0, 0));
  EXPECT(sdk_track(&s, "2024-03-01T12:00:00Z", "purchase", "order-1002", 999, 1));
  EXPECT(s.queued == 3);
  printf("  back online at 18:00\n");
  EXPECT(sdk_reconnect(&s, "2024-03-01T18:00:00Z"));
  EXPECT(s.accepted == 6 && s.duplicates == 3 && s.rejected == 0);
  EXPECT(sdk_profile(&s, &before));
  show(&s, &before);
  EXPECT(before.stage == LC_STAGE_NEW && before.purchases == 2 && before.coupon_purchases == 1);
  EXPECT(before.spend == 3498);
  /* Points: 24 + 9 for the purchases (per whole unit), 20 for the review; the follow made the user reachable. */
  EXPECT(sdk_signal_profile(&s, &loyalty) && loyalty.points == 53 && loyalty.reachable == 1);
  EXPECT(strcmp(loyalty.tier_name, "member") == 0 && loyalty.birthday_month == 4 && loyalty.birthday_day == 2);
  EXPECT(lc_counts_get(s.engine, &counts) == LC_OK && counts.duplicate == 3 && counts.accepted == 6);
  EXPECT(sdk_close(&s));
  printf("  the app is closed; the engine is in %s\n", snapshot);

  printf("launch 2, 2024-04-20\n");
  EXPECT(sdk_open(&s, "user-42", snapshot, "2024-03-01T18:00:00Z")); /* first, the moment it closed */
  EXPECT(sdk_profile(&s, &after));
  /* Nothing lost between launches. */
  EXPECT(after.stage == before.stage && after.stage_since_us == before.stage_since_us);
  EXPECT(after.roles == before.roles && after.purchases == before.purchases && after.spend == before.spend);
  EXPECT(after.days_in_stage[LC_STAGE_NEW] == before.days_in_stage[LC_STAGE_NEW]);
  printf("  the device clock says 2024-04-20: time-driven changes since the last launch\n");
  s.changes = 0;
  EXPECT(sdk_set_clock(&s, "2024-04-20T08:00:00Z"));
  EXPECT(s.changes >= 1);
  /* The signals of those seven weeks: the 6 events of 03-01 then 14 quiet days (usage_decline on
   * 03-15), the birthday on 04-02, and contact_due 30 days after the first purchase: the user
   * follows the shop, and the shop has not written since (the next is due on 04-30). */
  EXPECT(s.signals[LC_SIGNAL_USAGE_DECLINE] == 1);
  EXPECT(s.signals[LC_SIGNAL_BIRTHDAY] == 1);
  EXPECT(s.signals[LC_SIGNAL_CONTACT_DUE] == 1);
  EXPECT(sdk_track(&s, "2024-04-20T08:00:00Z", "visit", "ev-5", 0, 0));
  EXPECT(sdk_track(&s, "2025-04-20T08:00:00Z", "purchase", "order-1003", 4999, 0)); /* a broken clock */
  EXPECT(s.rejected == 1);
  EXPECT(sdk_profile(&s, &after));
  show(&s, &after);
  /* Two purchases in the window, half with a coupon: a deal hunter once the new period is over. */
  EXPECT(after.stage == LC_STAGE_DEAL_HUNTER);
  EXPECT(after.purchases == 2 && after.spend == 3498);
  EXPECT(after.first_purchase_day == before.first_purchase_day);
  EXPECT(sdk_close(&s));

  remove(snapshot);
  if (own_dir) rmdir(dir);
  printf(failed ? "mobile_sdk: FAILED\n" : "mobile_sdk: all expectations met\n");
  return failed;
}
