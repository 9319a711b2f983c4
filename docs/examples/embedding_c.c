/* The C API in one program: a policy, an engine, events, errors, a callback,
 * the clock, a profile, a snapshot in memory. */
#include <lifecycle/lifecycle.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failed check exits non-zero, so CI notices when the page showing this file is wrong. */
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

/* Called for every change, after the engine has applied it. */
static void on_change(const lc_transition* t, void* user) {
  char line[256];
  size_t size = sizeof line;
  (void)user;
  if (lc_transition_text(t, line, &size) == LC_OK) printf("%s: %s\n", t->person, line);
}

int main(void) {
  lc_policy* policy = NULL;
  lc_engine* engine = NULL;
  lc_event e;
  lc_ingest_result r;
  lc_profile p;
  int64_t july = 0;
  char* text;
  size_t size;
  void* bytes;
  lc_engine* copy = NULL;

  printf("lifecycle %s\n", lc_version());

  /* A policy is set by key and text value, as policy files write it; each value is checked. */
  EXPECT(lc_policy_create(&policy) == LC_OK);
  EXPECT(lc_policy_set(policy, "new_days", "30") == LC_OK);
  EXPECT(lc_policy_set(policy, "lapse_days", "soon") == LC_BAD_POLICY);
  printf("%s\n", lc_last_error());
  EXPECT(lc_engine_create(policy, LC_HISTORY_FULL, &engine) == LC_OK);
  lc_policy_destroy(policy); /* the engine keeps its own copy */
  EXPECT(lc_set_callback(engine, on_change, NULL) == LC_OK);

  /* An event: zero it, set what applies. Time as ISO text (or time_us), money in cents. */
  memset(&e, 0, sizeof e);
  e.time = "2024-05-06T09:15:00Z";
  e.person = "mina";
  e.kind = "purchase";
  e.amount = 1999;
  e.id = "order-1";
  EXPECT(lc_ingest(engine, &e, &r) == LC_OK);
  EXPECT(r.status == LC_INGEST_ACCEPTED && r.transitions == 2);
  EXPECT(lc_ingest(engine, &e, &r) == LC_OK); /* delivered twice */
  EXPECT(r.status == LC_INGEST_DUPLICATE && r.transitions == 0);

  /* The model refusing an event is a result; an event that cannot be read is a status. */
  e.id = "order-2";
  e.amount = -5;
  EXPECT(lc_ingest(engine, &e, &r) == LC_OK);
  EXPECT(r.status == LC_INGEST_REJECTED && r.reason == LC_REJECT_NEGATIVE_AMOUNT);
  printf("rejected: %s\n", r.reason_text);
  e.kind = "purchse";
  EXPECT(lc_ingest(engine, &e, &r) == LC_BAD_KIND);
  printf("%s: %s\n", lc_status_name(LC_BAD_KIND), lc_engine_error(engine));

  /* The clock: time-driven changes reach the callback, and the engine's list. */
  EXPECT(lc_time_parse("2024-07-01", &july) == LC_OK);
  EXPECT(lc_advance(engine, july, &size) == LC_OK && size == 2);

  EXPECT(lc_profile_get(engine, "mina", &p) == LC_OK);
  EXPECT(p.stage == LC_STAGE_PASSIVE && p.purchases == 1 && p.spend == 1999);
  printf("mina: %s, %u purchase(s)\n", lc_stage_name(p.stage), p.purchases);
  EXPECT(lc_profile_get(engine, "nobody", &p) == LC_NOT_FOUND);

  /* Text of any length: ask for the size, allocate, call again. */
  size = 0;
  EXPECT(lc_history(engine, "mina", &size) == LC_OK && size == 4);
  {
    lc_transition first;
    size_t need = 0;
    EXPECT(lc_transition_at(engine, 0, &first) == LC_OK);
    EXPECT(lc_transition_text(&first, NULL, &need) == LC_BUFFER_TOO_SMALL);
    text = malloc(need);
    EXPECT(text != NULL);
    EXPECT(lc_transition_text(&first, text, &need) == LC_OK);
    printf("first change: %s\n", text);
    free(text);
  }

  /* A snapshot in memory (lc_engine_save writes one to a file, crash-safely). */
  size = 0;
  EXPECT(lc_engine_snapshot(engine, NULL, &size) == LC_BUFFER_TOO_SMALL);
  bytes = malloc(size);
  EXPECT(bytes != NULL);
  EXPECT(lc_engine_snapshot(engine, bytes, &size) == LC_OK);
  EXPECT(lc_engine_restore(bytes, size, &copy) == LC_OK);
  EXPECT(lc_profile_get(copy, "mina", &p) == LC_OK && p.stage == LC_STAGE_PASSIVE);
  ((unsigned char*)bytes)[size / 2] ^= 1;
  EXPECT(lc_engine_restore(bytes, size, &copy) == LC_INVALID_STATE);
  printf("%s\n", lc_last_error());
  free(bytes);

  lc_engine_destroy(copy);
  lc_engine_destroy(engine);
  return 0;
}
