/* Signals through the C API: a birthday and an opt-in set before the first
 * event, a view nobody answered, a tier reached, a contact due; then the
 * person's points and tier, and the counts. */
#include <lifecycle/lifecycle.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failed check exits non-zero, so CI notices when the page showing this file is wrong. */
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

/* Signals come through the one callback, with the stage and role changes. */
static void on_change(const lc_transition* t, void* user) {
  char line[256];
  size_t size = sizeof line;
  int* signals = (int*)user;
  if (t->change != LC_CHANGE_SIGNAL) return; /* this host acts on signals only */
  ++*signals;
  if (lc_transition_text(t, line, &size) == LC_OK) printf("%s: %s\n", t->person, line);
}

int main(void) {
  lc_engine* engine = NULL;
  lc_event e;
  lc_signal_profile p;
  lc_signal_counts c;
  int64_t june = 0;
  int signals = 0, k;

  EXPECT(lc_engine_create(NULL, LC_HISTORY_NONE, &engine) == LC_OK);
  EXPECT(lc_set_callback(engine, on_change, &signals) == LC_OK);

  /* The sign-up form gave a birthday and a marketing opt-in: set before any event of hers. */
  EXPECT(lc_engine_set_birthday(engine, "mina", 6, 1) == LC_OK);
  EXPECT(lc_engine_set_reachable(engine, "mina", 1) == LC_OK);
  EXPECT(lc_engine_set_birthday(engine, "mina", 2, 30) == LC_INVALID_ARGUMENT);
  printf("%s\n", lc_last_error());

  /* A view, and a purchase more than 24 hours later: the view's browse_no_buy comes
   * first (the purchase's time moved the clock past it), then the points' tier_up. */
  memset(&e, 0, sizeof e);
  e.time = "2024-05-06T09:15:00Z";
  e.person = "mina";
  e.kind = "view";
  EXPECT(lc_ingest(engine, &e, NULL) == LC_OK);
  e.time = "2024-05-07T10:00:00Z";
  e.kind = "purchase";
  e.amount = 55000; /* 550.00: 550 points, silver from 500 */
  e.id = "order-1";
  EXPECT(lc_ingest(engine, &e, NULL) == LC_OK);
  EXPECT(signals == 2);

  /* A month on: her birthday, and contact is due (reachable, not contacted for 30 days). */
  EXPECT(lc_time_parse("2024-06-10", &june) == LC_OK);
  EXPECT(lc_advance(engine, june, NULL) == LC_OK);
  EXPECT(signals == 4);

  EXPECT(lc_signal_profile_get(engine, "mina", &p) == LC_OK);
  EXPECT(p.points == 550 && p.tier == 1 && p.reachable == 1 && p.nps_score == -1);
  printf("mina: %lld points, tier %s, %s, birthday %02d-%02d\n", (long long)p.points, p.tier_name,
         p.reachable ? "reachable" : "not reachable", p.birthday_month, p.birthday_day);

  EXPECT(lc_signal_counts_get(engine, &c) == LC_OK);
  for (k = 0; k < LC_SIGNAL_COUNT; ++k)
    if (c.signals[k] > 0) printf("%s: %llu\n", lc_signal_name((lc_signal)k), (unsigned long long)c.signals[k]);
  EXPECT(c.signals[LC_SIGNAL_BIRTHDAY] == 1 && c.signals[LC_SIGNAL_CONTACT_DUE] == 1);

  lc_engine_destroy(engine);
  return 0;
}
