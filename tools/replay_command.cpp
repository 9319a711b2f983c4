// lifecycle replay EVENTS.csv: replays an event log through an engine and
// prints the report. A thin layer: reading, replaying, collecting and
// rendering are library calls (event_csv.hpp, policy_file.hpp, report.hpp).

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include <unistd.h>

#include <fmt/format.h>

#include <lifecycle/engine.hpp>
#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/policy_file.hpp>
#include <lifecycle/report.hpp>

#include "commands.hpp"

namespace {

constexpr const char* usage_text =
    "usage: lifecycle replay EVENTS.csv [options]\n"
    "\n"
    "Replays an event log (CSV with a header: time,person,event required;\n"
    "amount,coupon,id,target,ref,score optional) and prints the lifecycle report.\n"
    "EVENTS.csv may be - for standard input.\n"
    "\n"
    "options:\n"
    "  --policy FILE        policy settings, `key = value` lines (default: the defaults)\n"
    "  --at DATE            replay events up to the end of DATE (YYYY-MM-DD) and report\n"
    "                       the state as of that day (default: the latest event's day)\n"
    "  --profiles OUT.csv   write one row per person\n"
    "  --transitions OUT.csv  write every stage and role transition with time, cause and reason\n"
    "  --signals OUT.csv    write every signal: person, signal, time, cause and reason\n"
    "  --json OUT.json      write the whole report as JSON\n"
    "  --dot OUT.dot        write the lifecycle as a Graphviz graph (dot -Tsvg OUT.dot)\n"
    "  --strict             stop at the first bad row (exit 2)\n"
    "  --max-warnings N     list at most N bad rows on stderr (default 100; 0 = all)\n"
    "\n"
    "exit: 0 done, 2 bad usage, unreadable file or policy, or a bad row with --strict\n"
    "docs/cli.md describes the formats and every section of the report.\n";

constexpr lifecycle::cli::command_errors errors{"replay"};

bool write_file(const std::string& path, const std::string& what, auto&& fill) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    // The system's reason (a missing directory, no permission), when the stream left one in errno.
    const int why = errno;
    std::fprintf(stderr, "lifecycle replay: cannot write %s to %s%s%s\n", what.c_str(), path.c_str(),
                 why ? ": " : "", why ? std::strerror(why) : "");
    return false;
  }
  fill(out);
  out.flush();
  if (!out) {
    std::fprintf(stderr, "lifecycle replay: error writing %s to %s\n", what.c_str(), path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int lifecycle::cli::replay_command(args a) {
  std::optional<std::string> events, policy_path, profiles, transitions, signals, json, dot;
  std::optional<boost::gregorian::date> at;
  bool strict = false;
  std::uint64_t max_warnings = 100;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    auto value = [&](std::optional<std::string>& into) -> bool {
      if (i + 1 >= a.size()) return false;
      into = std::string(a[++i]);
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage_text, stdout);
      return 0;
    } else if (arg == "--strict") {
      strict = true;
    } else if (arg == "--policy") {
      if (!value(policy_path)) return errors.usage("--policy needs a file");
    } else if (arg == "--profiles") {
      if (!value(profiles)) return errors.usage("--profiles needs a file");
    } else if (arg == "--transitions") {
      if (!value(transitions)) return errors.usage("--transitions needs a file");
    } else if (arg == "--signals") {
      if (!value(signals)) return errors.usage("--signals needs a file");
    } else if (arg == "--json") {
      if (!value(json)) return errors.usage("--json needs a file");
    } else if (arg == "--dot") {
      if (!value(dot)) return errors.usage("--dot needs a file");
    } else if (arg == "--at") {
      std::optional<std::string> text;
      if (!value(text)) return errors.usage("--at needs a date");
      const auto us = lifecycle::parse_event_time_us(*text);
      if (!us || text->size() != 10) return errors.usage(fmt::format("--at wants a date YYYY-MM-DD, got '{}'", *text));
      at = lifecycle::time_from_us(*us).date();
    } else if (arg == "--max-warnings") {
      std::optional<std::string> text;
      if (!value(text)) return errors.usage("--max-warnings needs a number");
      try {
        std::size_t used = 0;
        max_warnings = std::stoull(*text, &used);
        if (used != text->size()) throw std::invalid_argument("");
      } catch (const std::exception&) {
        return errors.usage(fmt::format("--max-warnings wants a number, got '{}'", *text));
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return errors.usage(fmt::format("unknown option '{}'", arg));
    } else if (events) {
      return errors.usage("give one events file");
    } else {
      events = std::string(arg);
    }
  }
  if (!events) return errors.usage("which events file?");

  lifecycle::policy rules;
  try {
    if (policy_path) rules = lifecycle::read_policy_file(*policy_path);
  } catch (const lifecycle::error& e) {
    return errors.fail(e);
  }
  if (rules.clock != lifecycle::clock_mode::replay) {
    std::fprintf(stderr, "lifecycle replay: the policy sets clock = %s; a replay runs on the replay clock\n",
                 std::string(to_string(rules.clock)).c_str());
    return 2;
  }

  std::optional<lifecycle::event_csv_reader> reader;
  try {
    reader.emplace(lifecycle::event_csv_reader::open(*events));
  } catch (const lifecycle::error& e) {
    return errors.fail(e);
  }

  lifecycle::engine_options eo;
  eo.history = transitions ? lifecycle::history_mode::full : lifecycle::history_mode::none;
  lifecycle::engine eng(rules, eo);
  // The collector keeps the signals for --signals: no history needed for them.
  lifecycle::report_collector collector(eng, signals.has_value());

  lifecycle::replay_options ro;
  ro.at = at;
  ro.strict = strict;
  std::uint64_t warned = 0;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bool progress_shown = false;
  auto clear_progress = [&] {
    if (progress_shown) std::fputs("\r\033[K", stderr);
    progress_shown = false;
  };
  ro.on_bad_row = [&](const lifecycle::csv_row& r) {
    if (!strict && max_warnings != 0 && warned >= max_warnings) {
      if (warned++ == max_warnings)
        std::fprintf(stderr, "%s: further bad rows are counted in the report but not listed (--max-warnings)\n",
                     events->c_str());
      return;
    }
    ++warned;
    clear_progress();
    std::fprintf(stderr, "%s:%llu: %s: %s\n", events->c_str(), static_cast<unsigned long long>(r.line),
                 strict ? "error" : "warning (row skipped)", r.detail.c_str());
  };
  auto last = std::chrono::steady_clock::now();
  const auto began = last;
  ro.on_progress = [&](std::uint64_t bytes, std::uint64_t total) {
    if (!tty) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(250) || now - began < std::chrono::milliseconds(500)) return;
    last = now;
    if (total > 0)
      std::fprintf(stderr, "\r\033[Kreading %s: %.0f%% (%.0f of %.0f MB)", events->c_str(), 100.0 * double(bytes) / double(total),
                   double(bytes) / 1e6, double(total) / 1e6);
    else
      std::fprintf(stderr, "\r\033[Kreading %s: %.0f MB", events->c_str(), double(bytes) / 1e6);
    progress_shown = true;
  };

  lifecycle::replay_counts counts;
  try {
    counts = lifecycle::replay_csv(*reader, eng, ro);
  } catch (const lifecycle::error& e) {
    clear_progress();
    return errors.fail(e);
  }
  clear_progress();

  lifecycle::replay_report rep = lifecycle::build_report(eng, collector, counts, *events);
  rep.as_of_given = at.has_value();
  const std::string text = lifecycle::render_text(rep);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);

  bool ok = true;
  if (profiles) ok &= write_file(*profiles, "profiles", [&](std::ostream& o) { lifecycle::write_profiles_csv(o, eng); });
  if (transitions)
    ok &= write_file(*transitions, "transitions", [&](std::ostream& o) {
      const auto all = eng.all_history();
      lifecycle::write_transitions_csv(o, eng, all);
    });
  if (signals)
    ok &= write_file(*signals, "signals", [&](std::ostream& o) { lifecycle::write_signals_csv(o, eng, collector.signals()); });
  if (json) ok &= write_file(*json, "the JSON report", [&](std::ostream& o) { o << lifecycle::render_json(rep); });
  if (dot) ok &= write_file(*dot, "the graph", [&](std::ostream& o) { o << lifecycle::render_dot(rep); });
  if (counts.stopped) return 2;
  return ok ? 0 : 2;
}
