// lifecycle generate: writes a realistic, messy event log (generator.hpp).

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/generator.hpp>

#include "commands.hpp"

namespace {

constexpr const char* usage_text =
    "usage: lifecycle generate [--persons N] [--days D] [--seed S] [--shuffle] [--dupes F]\n"
    "                          [--late F] [--start YYYY-MM-DD] [--out FILE]\n"
    "\n"
    "Writes a realistic, messy app event log as the event CSV `lifecycle replay` reads:\n"
    "every event kind, coupons, refunds (some arriving before their purchase), late\n"
    "rows and duplicated rows. The same options give the same bytes.\n"
    "\n"
    "  --persons N   persons who appear (default 1000; about 80 rows each over a year)\n"
    "  --days D      days covered (default 90)\n"
    "  --seed S      random seed (default 1)\n"
    "  --shuffle     rows in random order instead of order of arrival\n"
    "  --dupes F     share of rows sent twice, 0..1 (default 0.01)\n"
    "  --late F      share of rows arriving 1-3 days late, 0..1 (default 0.02)\n"
    "  --start DATE  the first day (default 2024-01-01)\n"
    "  --out FILE    write to FILE instead of standard output\n";

constexpr lifecycle::cli::command_errors errors{"generate"};

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

int lifecycle::cli::generate_command(args a) {
  lifecycle::generator_options o;
  std::optional<std::string> out_path;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage_text, stdout);
      return 0;
    }
    if (arg == "--shuffle") {
      o.shuffle = true;
      continue;
    }
    if (i + 1 >= a.size()) return errors.usage(fmt::format("unknown option or missing value: '{}'", arg));
    const std::string_view v = a[++i];
    bool ok = true;
    if (arg == "--persons") {
      ok = parse_number(v, o.persons);
    } else if (arg == "--days") {
      ok = parse_number(v, o.days);
    } else if (arg == "--seed") {
      ok = parse_number(v, o.seed);
    } else if (arg == "--dupes") {
      ok = parse_number(v, o.dupes);
    } else if (arg == "--late") {
      ok = parse_number(v, o.late);
    } else if (arg == "--start") {
      const auto us = lifecycle::parse_event_time_us(v);
      ok = us && v.size() == 10;
      if (ok) o.start = lifecycle::time_from_us(*us).date();
    } else if (arg == "--out") {
      out_path = std::string(v);
    } else {
      return errors.usage(fmt::format("unknown option '{}'", arg));
    }
    if (!ok) return errors.usage(fmt::format("bad value for {}: '{}'", arg, v));
  }

  std::FILE* out = stdout;
  if (out_path) {
    out = std::fopen(out_path->c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "lifecycle generate: cannot write %s\n", out_path->c_str());
      return 2;
    }
  }
  bool write_failed = false;
  lifecycle::generator_stats stats;
  try {
    stats = lifecycle::generate_events(o, [&](std::string_view chunk) {
      if (!write_failed && std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) write_failed = true;
    });
  } catch (const lifecycle::error& e) {
    if (out != stdout) std::fclose(out);
    return errors.usage(e.what());
  }
  if (std::fflush(out) != 0) write_failed = true;
  if (out != stdout && std::fclose(out) != 0) write_failed = true;
  if (write_failed) {
    std::fprintf(stderr, "lifecycle generate: error writing %s\n", out_path ? out_path->c_str() : "standard output");
    return 2;
  }
  std::fprintf(stderr,
               "lifecycle generate: %llu rows (%llu duplicates, %llu late, %llu refunds before their purchase)\n",
               static_cast<unsigned long long>(stats.rows), static_cast<unsigned long long>(stats.duplicates),
               static_cast<unsigned long long>(stats.late),
               static_cast<unsigned long long>(stats.refunds_before_purchase));
  return 0;
}
