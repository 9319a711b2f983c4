#pragma once
// The subcommands of the `lifecycle` tool. Each takes the arguments after its
// name and returns the process exit code.

#include <span>
#include <string_view>

namespace lifecycle::cli {

using args = std::span<const std::string_view>;

int scenario_command(args a);  // lifecycle scenario FILE...
int replay_command(args a);    // lifecycle replay EVENTS.csv [options]
int generate_command(args a);  // lifecycle generate --persons N --days D --seed S ...
int fit_command(args a);       // lifecycle fit EVENTS.csv --calibration-end DATE [options]
int graph_command(args a);     // lifecycle graph [--dot] [--policy FILE]

}  // namespace lifecycle::cli
