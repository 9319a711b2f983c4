// lifecycle graph: prints the stage graph the engine classifies transitions
// with (stage_graph.hpp), as a text table or as Graphviz DOT.

#include <cstdio>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <lifecycle/error.hpp>
#include <lifecycle/policy_file.hpp>
#include <lifecycle/stage_graph.hpp>

#include "commands.hpp"

namespace {

constexpr const char* usage_text =
    "usage: lifecycle graph [--dot] [--policy FILE]\n"
    "\n"
    "Prints the stage graph: the five customer stages and the moves between them,\n"
    "each normal (caused by events or time) or a correction (only late events and\n"
    "refunds take it), and the moves the policy forbids. The policy's allow_moves\n"
    "and forbid_moves edit the model's graph; the result is checked as an engine\n"
    "checks it.\n"
    "\n"
    "options:\n"
    "  --dot           print Graphviz DOT instead of the table (lifecycle graph --dot | dot -Tsvg > graph.svg)\n"
    "  --policy FILE   policy settings, `key = value` lines (default: the defaults)\n"
    "\n"
    "exit: 0 printed, 2 bad usage, or a policy that cannot be read or whose graph is invalid\n";

constexpr lifecycle::cli::command_errors errors{"graph"};

}  // namespace

int lifecycle::cli::graph_command(args a) {
  bool dot = false;
  std::optional<std::string> policy_path;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage_text, stdout);
      return 0;
    } else if (arg == "--dot") {
      dot = true;
    } else if (arg == "--policy") {
      if (i + 1 >= a.size()) return errors.usage("--policy needs a file");
      policy_path = std::string(a[++i]);
    } else {
      return errors.usage(fmt::format("unknown argument '{}'", arg));
    }
  }
  try {
    const lifecycle::policy rules = policy_path ? lifecycle::read_policy_file(*policy_path) : lifecycle::policy{};
    const lifecycle::stage_graph graph(rules);
    const std::string text = dot ? lifecycle::render_dot(graph) : lifecycle::render_text(graph);
    std::fwrite(text.data(), 1, text.size(), stdout);
  } catch (const lifecycle::error& e) {
    if (e.file().empty())
      std::fprintf(stderr, "lifecycle graph: %s\n", e.what());
    else
      std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
