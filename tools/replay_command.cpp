// Placeholder until the replay command lands; its issue's owner replaces this file.
#include <cstdio>
#include "commands.hpp"
int lifecycle::cli::replay_command(args) {
  std::fputs("lifecycle replay: not built yet\n", stderr);
  return 2;
}
