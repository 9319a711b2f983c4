// Placeholder until the generate command lands; its issue's owner replaces this file.
#include <cstdio>
#include "commands.hpp"
int lifecycle::cli::generate_command(args) {
  std::fputs("lifecycle generate: not built yet\n", stderr);
  return 2;
}
