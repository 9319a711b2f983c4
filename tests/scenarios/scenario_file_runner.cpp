// Runs one scenario script as a Catch2 test: the file named by the environment
// variable LIFECYCLE_SCENARIO_FILE (tests/scenarios/CMakeLists.txt registers
// one CTest entry per .scn file). Each expectation is a CHECK, so every failed
// one is reported with file:line, expected, got and the person's history.
// Hosts can copy this file to run their own scripts from their test suite.

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <lifecycle/error.hpp>
#include <lifecycle/scenario.hpp>

TEST_CASE("scenario file") {
  const char* path = std::getenv("LIFECYCLE_SCENARIO_FILE");
  if (path == nullptr || *path == '\0') FAIL("set LIFECYCLE_SCENARIO_FILE to the .scn file to run");

  lifecycle::scenario_script script;
  try {
    script = lifecycle::load_scenarios(path);
  } catch (const lifecycle::error& e) {
    FAIL("malformed script: " << e.what());
  }
  REQUIRE_FALSE(script.scenarios.empty());

  for (const lifecycle::scenario& s : script.scenarios) {
    const lifecycle::scenario_result r = lifecycle::run(s);
    for (const lifecycle::check_result& c : r.checks) {
      INFO("scenario: " << r.title << " (" << r.file << ":" << r.line << ")\n" << lifecycle::format_check(c));
      CHECK(c.passed);
    }
  }
}
