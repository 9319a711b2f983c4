// Placeholder until the scenario command lands; its issue's owner replaces this file.
#include <cstdio>
#include "commands.hpp"
int lifecycle::cli::scenario_command(args) {
  std::fputs("lifecycle scenario: not built yet\n", stderr);
  return 2;
}
