// lifecycle scenario FILE...: runs scenario scripts (docs/scenarios.md) and
// reports each scenario as passed or failed. A thin layer over
// lifecycle/scenario.hpp: load, run, format.
//
// Exit codes: 0 every expectation holds, 1 an expectation failed, 2 a script
// is malformed (or cannot be read) or the command line is wrong. Well-formed
// files still run when another file is malformed.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include <lifecycle/error.hpp>
#include <lifecycle/scenario.hpp>

#include "commands.hpp"

namespace {

constexpr std::string_view help_text =
    "usage: lifecycle scenario [--quiet] FILE...\n"
    "\n"
    "Runs scenario scripts and prints each scenario as passed or failed; a failed\n"
    "expectation shows file:line, expected, got and the person's transitions.\n"
    "\n"
    "  -q, --quiet   print failed scenarios and the summary only\n"
    "  -h, --help    print this help\n"
    "\n"
    "exit status: 0 all expectations hold, 1 an expectation failed,\n"
    "             2 a script is malformed or cannot be read\n"
    "\n"
    "The language is described in docs/scenarios.md.\n";

int usage_error(std::string_view what) {
  fmt::print(stderr, "lifecycle scenario: {}\n{}", what, help_text);
  return 2;
}

}  // namespace

int lifecycle::cli::scenario_command(args a) {
  bool quiet = false;
  bool options_done = false;
  std::vector<std::string_view> files;
  for (std::string_view arg : a) {
    if (!options_done && (arg == "-h" || arg == "--help")) {
      fmt::print("{}", help_text);
      return 0;
    }
    if (!options_done && (arg == "-q" || arg == "--quiet")) {
      quiet = true;
    } else if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && arg.size() > 1 && arg.front() == '-') {
      return usage_error(fmt::format("unknown option '{}'", arg));
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) return usage_error("no scenario file given");

  std::size_t scenarios = 0, failed = 0, malformed = 0;
  for (std::string_view file : files) {
    lifecycle::script_result result;
    try {
      result = lifecycle::run_file(std::string(file));
    } catch (const lifecycle::error& e) {
      std::fflush(stdout);  // keep the report and the errors in order on a terminal
      fmt::print(stderr, "{}\n", e.what());
      ++malformed;
      continue;
    }
    scenarios += result.scenarios.size();
    failed += result.failed_scenarios();
    fmt::print("{}", lifecycle::format_report(
                         result, quiet ? lifecycle::report_detail::quiet : lifecycle::report_detail::failures));
  }

  std::string summary = fmt::format("{} scenario{}: {} passed, {} failed", scenarios, scenarios == 1 ? "" : "s",
                                    scenarios - failed, failed);
  if (malformed > 0) summary += fmt::format("; {} malformed file{}", malformed, malformed == 1 ? "" : "s");
  fmt::print("{}\n", summary);
  std::fflush(stdout);
  if (malformed > 0) return 2;
  return failed > 0 ? 1 : 0;
}
