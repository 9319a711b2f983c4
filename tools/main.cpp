// lifecycle: the project's one command-line tool.

#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include <lifecycle/version.hpp>

#include "commands.hpp"

namespace {

int usage(std::FILE* to, int code) {
  std::fputs(
      "usage: lifecycle <command> [arguments]\n"
      "\n"
      "commands:\n"
      "  scenario FILE...      run scenario scripts; exit 0 all hold, 1 a failure, 2 malformed\n"
      "  replay EVENTS.csv     replay an event log and print the lifecycle report\n"
      "  fit EVENTS.csv        fit the customer-base models (BG/NBD, Pareto/NBD, Gamma-Gamma)\n"
      "                        and check them on a holdout period\n"
      "  generate              write a realistic, messy event log\n"
      "  graph                 print the stage graph (--dot for Graphviz)\n"
      "  version               print the library version\n"
      "\n"
      "`lifecycle <command> --help` describes a command's options.\n",
      to);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> all(argv + 1, argv + argc);
  if (all.empty()) return usage(stderr, 2);
  const std::string_view command = all.front();
  const lifecycle::cli::args rest(all.data() + 1, all.size() - 1);
  try {
    if (command == "scenario") return lifecycle::cli::scenario_command(rest);
    if (command == "replay") return lifecycle::cli::replay_command(rest);
    if (command == "generate") return lifecycle::cli::generate_command(rest);
    if (command == "fit") return lifecycle::cli::fit_command(rest);
    if (command == "graph") return lifecycle::cli::graph_command(rest);
    if (command == "version" || command == "--version") {
      std::printf("lifecycle %s\n", lifecycle::version_string);
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") return usage(stdout, 0);
    std::fprintf(stderr, "lifecycle: unknown command '%.*s'\n", static_cast<int>(command.size()), command.data());
    return usage(stderr, 2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lifecycle: error: %s\n", e.what());
    return 2;
  }
}
