#pragma once
// The subcommands of the `lifecycle` tool. Each takes the arguments after its
// name and returns the process exit code.

#include <span>
#include <string>
#include <string_view>

#include <lifecycle/error.hpp>

namespace lifecycle::cli {

using args = std::span<const std::string_view>;

/// How a subcommand reports problems, so every message reads "lifecycle <name>: ...".
struct command_errors {
  std::string_view name;
  /// Prints "lifecycle <name>: <message> (see lifecycle <name> --help)"; returns exit code 2.
  int usage(const std::string& message) const;
  /// Prints a library error: "file:line: error: ..." as it is, others after
  /// "lifecycle <name>: "; returns exit code 2.
  int fail(const lifecycle::error& e) const;
};

int scenario_command(args a);  // lifecycle scenario FILE...
int replay_command(args a);    // lifecycle replay EVENTS.csv [options]
int generate_command(args a);  // lifecycle generate --persons N --days D --seed S ...
int fit_command(args a);       // lifecycle fit EVENTS.csv --calibration-end DATE [options]
int graph_command(args a);     // lifecycle graph [--dot] [--policy FILE]

}  // namespace lifecycle::cli
