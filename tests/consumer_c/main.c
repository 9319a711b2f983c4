/* A C program built against the installed package: with pkg-config
 * (scripts/test.sh) and with find_package(lifecycle) (CMakeLists.txt here).
 * Fails to build, or exits non-zero, if the package is incomplete. */
#include <lifecycle/lifecycle.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  lc_engine* engine = NULL;
  lc_event e;
  lc_ingest_result r;
  lc_profile p;
  int ok;
  if (lc_engine_create(NULL, LC_HISTORY_NONE, &engine) != LC_OK) return 1;
  memset(&e, 0, sizeof e);
  e.time = "2024-01-01T10:00:00Z";
  e.person = "ada";
  e.kind = "purchase";
  e.amount = 999;
  ok = lc_ingest(engine, &e, &r) == LC_OK && r.status == LC_INGEST_ACCEPTED &&
       lc_profile_get(engine, "ada", &p) == LC_OK && p.stage == LC_STAGE_NEW &&
       lc_version_number() >= 100;
  if (ok) printf("C consumer: lifecycle %s ok, ada is %s\n", lc_version(), lc_stage_name(p.stage));
  lc_engine_destroy(engine);
  return ok ? 0 : 1;
}
