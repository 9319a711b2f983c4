// lifecycle-bench: how fast the engine ingests a realistic year of events, how
// much memory a person costs, and what advancing the clock costs, printed beside
// a floor measured in the same run. It only prints; it is never a test.
//
//   lifecycle-bench [--persons N] [--events N] [--days D] [--seed S] [--quick] [--no-history]
//                   [--only strings,handles,floor,history,advance,people,signals] [--signals LIST]
//                   [--policy KEY=VALUE]... [--repeat N]
//
// Every event is generated into memory first (bench/event_generator.hpp); only
// the engine calls and the loop that builds each lifecycle::event are timed.
// Sections: 1 string ids (and memory, and advancing the real engine after the
// year; 1b the same without event ids), 2 handles, 3 the floor (and the memory
// latency a single call waits on, and how a call's time grows with the work
// that waits on its record), 4 history_mode::full, 5 advance_to controlled,
// 6 building the people graph (from the run's links, and a synthetic million-person graph),
// 7 every signal on.
// To profile one: perf record -g ./lifecycle-bench --quick --only handles

#include <lifecycle/lifecycle.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <fmt/core.h>

#include "event_generator.hpp"

namespace {

using namespace lifecycle;
using lifecycle_bench::bench_event;
using lifecycle_bench::stream;
using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

// ---------------------------------------------------------------------------
// Options.

struct options {
  lifecycle_bench::stream_options stream;
  bool quick = false;
  // Sections to run (--only picks some, e.g. to profile one of them).
  bool strings = true, handles = true, floor = true, history = true, advance = true, people = true,
       signals = true;
  // Section 7's policy: the defaults, with --signals and then each --policy
  // KEY=VALUE applied (e.g. tiers=none to see what one signal costs alone).
  policy signal_policy;
  int repeat = 1;                   // ingest runs: the fastest of this many (--repeat)
};

// The core runs measure the lifecycle alone: no signals, tiers or NPS (the
// policy's defaults keep them all). Section 7 runs the same streams with every
// signal on, to show what they cost.
policy core_policy() {
  policy p;
  p.signals = signal_set::none();
  p.tiers.clear();
  p.nps = false;
  return p;
}

void usage(std::FILE* to) {
  fmt::print(to,
             "usage: lifecycle-bench [--persons N] [--events N] [--days D] [--seed S] [--quick] [--no-history]\n"
             "                       [--only strings,handles,floor,history,advance,people,signals] [--signals LIST]\n"
             "                       [--policy KEY=VALUE]... [--repeat N]\n"
             "  --persons N    persons in the stream (default 1000000)\n"
             "  --events N     events in the stream (default 20000000; at least --persons)\n"
             "  --days D       days the stream spans (default 365)\n"
             "  --seed S       generator seed (default 1)\n"
             "  --quick        smoke run: 100000 persons, 2000000 events (flags after it still apply)\n"
             "  --no-history   skip the history_mode::full comparison run\n"
             "  --signals LIST the signals section 7 turns on (the policy key `signals`; default all)\n"
             "  --policy KEY=VALUE  another policy key for section 7, as a policy file sets it (repeatable;\n"
             "                 e.g. --signals usage_decline --policy tiers=none --policy nps=false: one signal alone)\n"
             "  --only LIST    run only these sections (for profiling one of them, e.g. --only handles)\n"
             "  --repeat N     time each ingest run N times, each on a fresh engine, and keep the fastest\n"
             "                 (as the floor keeps the best of 3; a shared machine's noise only adds time)\n"
             "N accepts a k or M suffix (20M = 20000000).\n");
}

std::optional<std::uint64_t> parse_count(std::string_view t) {
  std::uint64_t mult = 1;
  if (!t.empty() && (t.back() == 'k' || t.back() == 'K')) mult = 1000, t.remove_suffix(1);
  else if (!t.empty() && (t.back() == 'm' || t.back() == 'M')) mult = 1'000'000, t.remove_suffix(1);
  if (t.empty() || t.size() > 12) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v * mult;
}

std::optional<options> parse_options(int argc, char** argv) {
  options o;
  std::string signal_list = "all";
  std::vector<std::pair<std::string, std::string>> policy_keys;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::optional<std::uint64_t> {
      if (i + 1 >= argc) {
        fmt::print(stderr, "lifecycle-bench: {} needs a value\n", a);
        return std::nullopt;
      }
      const auto v = parse_count(argv[++i]);
      if (!v) fmt::print(stderr, "lifecycle-bench: {} needs a number, got '{}'\n", a, argv[i]);
      return v;
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--quick") {
      o.quick = true;
      o.stream.persons = 100'000;
      o.stream.events = 2'000'000;
    } else if (a == "--signals" && i + 1 < argc) {
      signal_list = argv[++i];
      if (!parse_signal_set(signal_list)) {
        fmt::print(stderr, "lifecycle-bench: --signals: not a list of signal names: '{}'\n", signal_list);
        return std::nullopt;
      }
    } else if (a == "--policy") {
      const std::string_view kv = i + 1 < argc ? std::string_view{argv[++i]} : std::string_view{};
      const auto eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        fmt::print(stderr, "lifecycle-bench: --policy needs KEY=VALUE, got '{}'\n", kv);
        return std::nullopt;
      }
      policy_keys.emplace_back(std::string{kv.substr(0, eq)}, std::string{kv.substr(eq + 1)});
    } else if (a == "--no-history") {
      o.history = false;
    } else if (a == "--only") {
      if (i + 1 >= argc) {
        fmt::print(stderr, "lifecycle-bench: --only needs a list\n");
        return std::nullopt;
      }
      o.strings = o.handles = o.floor = o.history = o.advance = o.people = o.signals = false;
      std::string_view list = argv[++i];
      while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (name == "strings") o.strings = true;
        else if (name == "handles") o.handles = true;
        else if (name == "floor") o.floor = true;
        else if (name == "history") o.history = true;
        else if (name == "advance") o.advance = true;
        else if (name == "people") o.people = true;
        else if (name == "signals") o.signals = true;
        else {
          fmt::print(stderr, "lifecycle-bench: --only: unknown section '{}'\n", name);
          return std::nullopt;
        }
      }
    } else if (a == "--repeat") {
      const auto v = value();
      if (!v) return std::nullopt;
      o.repeat = static_cast<int>(std::clamp<std::uint64_t>(*v, 1, 20));
    } else if (a == "--persons" || a == "--events" || a == "--days" || a == "--seed") {
      const auto v = value();
      if (!v) return std::nullopt;
      if (a == "--persons") o.stream.persons = *v;
      if (a == "--events") o.stream.events = *v;
      if (a == "--days") o.stream.days = static_cast<int>(std::min<std::uint64_t>(*v, 100000));
      if (a == "--seed") o.stream.seed = *v;
    } else {
      fmt::print(stderr, "lifecycle-bench: unknown argument '{}'\n", a);
      usage(stderr);
      return std::nullopt;
    }
  }
  // Section 7's policy, built and checked before the stream is generated.
  try {
    o.signal_policy.set("signals", signal_list);
    for (const auto& [key, value] : policy_keys) o.signal_policy.set(key, value);
    o.signal_policy.validate();
  } catch (const error& e) {
    fmt::print(stderr, "lifecycle-bench: --policy: {}\n", e.what());
    return std::nullopt;
  }
  return o;
}

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "unknown";
}

// ---------------------------------------------------------------------------
// Printing helpers.

// "12.34 M", for events per second.
std::string millions(double per_second) { return fmt::format("{:.2f} M", per_second / 1e6); }
std::string grouped(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}
std::string iso(boost::gregorian::date d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<int>(d.month().as_number()),
                     static_cast<int>(d.day()));
}
std::string mib(std::size_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

// ---------------------------------------------------------------------------
// The timed loops.

/// Kernel time and page faults of this process so far: growing tables fault
/// in fresh pages, and that cost lands in the timed runs.
struct os_usage {
  double sys_seconds = 0;
  long minor_faults = 0;
  static os_usage now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return {static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) * 1e-6, u.ru_minflt};
  }
  os_usage operator-(const os_usage& o) const { return {sys_seconds - o.sys_seconds, minor_faults - o.minor_faults}; }
};

struct ingest_run {
  double seconds = 0;
  os_usage os;  // during the run
  std::uint64_t events = 0, accepted = 0, duplicate = 0, rejected = 0, transitions = 0;
  double per_second() const { return static_cast<double>(events) / seconds; }
  double ns_per_event() const { return seconds * 1e9 / static_cast<double>(events); }
};

std::string os_note(const ingest_run& r) {
  return fmt::format("of it in the kernel {:.2f} s, {} page faults", r.os.sys_seconds,
                     grouped(static_cast<std::uint64_t>(std::max(0L, r.os.minor_faults))));
}

/// Keeps the fastest of the runs of the same work in `best`.
void keep_faster(std::optional<ingest_run>& best, const ingest_run& r) {
  if (!best || r.seconds < best->seconds) best = r;
}

void count(ingest_run& run, const ingest_result& r) {
  switch (r.status) {
    case ingest_status::accepted: ++run.accepted; break;
    case ingest_status::duplicate: ++run.duplicate; break;
    case ingest_status::rejected: ++run.rejected; break;
  }
  run.transitions += r.transitions.size();
}

void count(ingest_run& run, const batch_result& r) {
  run.accepted += r.accepted;
  run.duplicate += r.duplicate;
  run.rejected += r.rejected;
  run.transitions += r.transitions;
}

/// Events handed over in batches of this many (a host draining a queue).
constexpr std::size_t batch_size = 4096;

/// Builds the lifecycle::event of `b` in `e`, as a host builds one from its own
/// message: every field the kind uses is set, the others cleared. `names`: the
/// person's string id (else none, for the handle runs). `event_ids`: an event id
/// on every event (else only on purchases and refunds, which a refund names).
void fill(event& e, const bench_event& b, const char* text, bool names, bool event_ids) {
  using lifecycle_bench::event_id_length;
  using lifecycle_bench::person_name_length;
  const char* t = text + b.text;
  e.time = b.time;
  e.person = names ? std::string_view{t, person_name_length} : std::string_view{};
  e.kind = b.kind;
  e.amount = money{b.amount};
  e.coupon = b.has(bench_event::coupon);
  e.score = b.score;
  const bool money_event = b.kind == event_kind::purchase || b.kind == event_kind::refund;
  e.id = event_ids || money_event ? std::string_view{t + person_name_length, event_id_length} : std::string_view{};
  const char* extra = t + person_name_length + event_id_length;
  e.ref = b.kind == event_kind::refund ? std::string_view{extra, event_id_length} : std::string_view{};
  e.target = b.has(bench_event::has_target) ? std::string_view{extra, person_name_length} : std::string_view{};
}

/// Every event with its string person id and its event id: engine::ingest(const event&),
/// or with `batched`, engine::ingest(span<const event>) per batch, built in place.
/// Without `event_ids`, only purchases and refunds keep their ids and resent
/// copies are skipped (a host that dedupes upstream), as in the handle run.
ingest_run ingest_with_strings(engine& eng, const stream& s, bool batched = false, bool event_ids = true) {
  ingest_run run;
  event e;
  std::vector<event> batch(batch_size);
  std::size_t in_batch = 0;
  const char* text = s.text.data();
  const os_usage os0 = os_usage::now();
  const auto t0 = steady::now();
  for (const bench_event& b : s.events) {
    if (!event_ids && b.has(bench_event::resend)) continue;
    ++run.events;
    if (!batched) {
      fill(e, b, text, true, event_ids);
      count(run, eng.ingest(e));
      continue;
    }
    fill(batch[in_batch++], b, text, true, event_ids);
    if (in_batch == batch_size) {
      count(run, eng.ingest(std::span<const event>(batch)));
      in_batch = 0;
    }
  }
  if (in_batch > 0) count(run, eng.ingest(std::span<const event>(batch.data(), in_batch)));
  run.seconds = seconds_since(t0);
  run.os = os_usage::now() - os0;
  return run;
}

/// Through handles the host resolved once, without event ids (a host that
/// dedupes upstream). Purchases and refunds keep theirs: a refund names its
/// purchase by id. Resent copies are skipped, as upstream dedupe would.
/// A host that resolved its ids once keeps each handle with its own record of
/// the person, so the handle comes with the event: here the generator's person
/// number is the handle (persons were interned in that order, checked below),
/// as the floor uses it, and no lookup table is read per event.
ingest_run ingest_with_handles(engine& eng, const stream& s, const std::vector<person_id>& handle,
                               bool batched = false) {
  for (std::size_t p = 0; p < handle.size(); ++p)
    if (handle[p].value != p) {
      fmt::print(stderr, "lifecycle-bench: person {} was interned as handle {}, not {}\n", p, handle[p].value, p);
      std::exit(1);
    }
  ingest_run run;
  event e;
  std::vector<event> batch(batch_size);
  std::vector<person_id> who(batch_size);
  std::size_t in_batch = 0;
  const char* text = s.text.data();
  const os_usage os0 = os_usage::now();
  const auto t0 = steady::now();
  for (const bench_event& b : s.events) {
    if (b.has(bench_event::resend)) continue;
    ++run.events;
    if (!batched) {
      fill(e, b, text, false, false);
      count(run, eng.ingest(person_id{b.person}, e));
      continue;
    }
    fill(batch[in_batch], b, text, false, false);
    who[in_batch++] = person_id{b.person};
    if (in_batch == batch_size) {
      count(run, eng.ingest(std::span<const person_id>(who), std::span<const event>(batch)));
      in_batch = 0;
    }
  }
  if (in_batch > 0)
    count(run, eng.ingest(std::span<const person_id>(who.data(), in_batch), std::span<const event>(batch.data(), in_batch)));
  run.seconds = seconds_since(t0);
  run.os = os_usage::now() - os0;
  return run;
}

/// The floor: per event, one read-modify-write of the person's 64-byte record
/// in a flat table of as many persons, in the stream's order (the same events
/// the handle run ingests).
struct alignas(64) floor_record {
  std::uint64_t w[8];
};
static_assert(sizeof(floor_record) == 64);

/// Memory latency: one read per step whose address comes from the previous
/// read, over a table of `records` 64-byte lines linked in a random cycle. It
/// is what a single call waits for on each cold line it needs, when nothing
/// else is in flight to overlap with. Returns ns per read.
double dependent_read_ns(std::size_t records, std::size_t steps) {
  std::vector<floor_record> table(records);
  std::vector<std::uint32_t> order(records);
  for (std::size_t i = 0; i < records; ++i) order[i] = static_cast<std::uint32_t>(i);
  lifecycle::detail::rng r(42);
  for (std::size_t i = records; i > 1; --i) std::swap(order[i - 1], order[r.below(i)]);
  for (std::size_t i = 0; i < records; ++i) table[order[i]].w[0] = order[(i + 1) % records];
  std::uint64_t at = order[0];
  const auto t0 = steady::now();
  for (std::size_t i = 0; i < steps; ++i) at = table[at].w[0];
  const double seconds = seconds_since(t0);
  if (at >= records) std::abort();  // uses the result: the chase cannot be optimized away
  return seconds * 1e9 / static_cast<double>(steps);
}

ingest_run floor_pass(const stream& s, std::vector<floor_record>& table) {
  ingest_run run;
  const auto t0 = steady::now();
  for (const bench_event& b : s.events) {
    if (b.has(bench_event::resend)) continue;
    floor_record& r = table[b.person];
    r.w[0] += 1;
    r.w[1] += b.amount;
    r.w[2] = std::max<std::uint64_t>(r.w[2], b.text);
    r.w[3 + static_cast<std::size_t>(b.kind) % 5] += r.w[0];
    ++run.events;
  }
  run.seconds = seconds_since(t0);
  return run;
}

/// The floor with work: per event, one call (not inlined, as an ingest call
/// is not) that reads the person's record, does `steps` steps of arithmetic
/// on it (each step reads a field, with a branch the processor predicts) and
/// writes the result back. The processor overlaps one event's cache miss with
/// the next event's only while the work waiting on the miss fits in its
/// out-of-order window: the figures show what a call can afford.
[[gnu::noinline]] std::uint64_t work_on_record(floor_record& r, std::uint64_t seed, int steps) {
  std::uint64_t x = r.w[0] ^ seed, acc = 0;
  for (int k = 0; k < steps; ++k) {
    x = (x ^ r.w[k & 7]) + 0x9e3779b97f4a7c15ULL;
    if ((x & 0xff) == 0x5a) acc += x; else acc ^= static_cast<std::uint64_t>(k);
  }
  r.w[seed & 7] += acc + 1;
  return acc;
}

ingest_run floor_with_work(const stream& s, std::vector<floor_record>& table, int steps) {
  ingest_run run;
  std::uint64_t check = 0;
  const auto t0 = steady::now();
  for (const bench_event& b : s.events) {
    if (b.has(bench_event::resend)) continue;
    check += work_on_record(table[b.person], b.text, steps);
    ++run.events;
  }
  run.seconds = seconds_since(t0);
  if (check == 1) std::abort();  // uses the results
  return run;
}

// ---------------------------------------------------------------------------
// Advancing the clock.

boost::posix_time::ptime day_start(boost::gregorian::date d) { return boost::posix_time::ptime(d); }

/// A controlled engine: `held` persons, each with one visit. `due` persons per
/// day lose their spectator role on each of `days` consecutive days (their
/// visit leaves the 30-day role window); everyone else's deadline passed long
/// before. Returns the time of each one-day advance_to and its transitions.
struct day_probe {
  std::vector<double> seconds;
  std::vector<std::size_t> transitions;
  double empty_day_seconds = 0;  // one more day with nobody due
  double median() const {
    std::vector<double> v = seconds;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
};

day_probe probe_advance(std::size_t held, std::size_t due, int days, std::uint64_t seed) {
  engine eng(core_policy(), engine_options{history_mode::none, held});
  std::vector<person_id> handle(held);
  for (std::size_t i = 0; i < held; ++i) handle[i] = eng.intern(fmt::format("p{:09}", i));
  // Which persons are due: a random set, scattered over the table.
  lifecycle_bench::rng r(seed);
  std::vector<std::uint32_t> order(held);
  for (std::size_t i = 0; i < held; ++i) order[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = held; i > 1; --i) std::swap(order[i - 1], order[r.below(i)]);

  const boost::gregorian::date base(2024, 1, 1);
  const std::size_t due_total = due * static_cast<std::size_t>(days);
  event e;
  e.kind = event_kind::visit;
  e.time = day_start(base) + boost::posix_time::hours(12);
  for (std::size_t i = due_total; i < held; ++i) eng.ingest(handle[order[i]], e);  // due on day 30
  for (int d = 0; d < days; ++d) {
    e.time = day_start(base + boost::gregorian::days(40 + d)) + boost::posix_time::hours(12);
    for (std::size_t i = 0; i < due; ++i) eng.ingest(handle[order[static_cast<std::size_t>(d) * due + i]], e);
  }
  eng.advance_to(day_start(base + boost::gregorian::days(69)));

  day_probe probe;
  for (int d = 0; d < days; ++d) {
    const auto t = day_start(base + boost::gregorian::days(70 + d));
    const auto t0 = steady::now();
    const auto changed = eng.advance_to(t);
    probe.seconds.push_back(seconds_since(t0));
    probe.transitions.push_back(changed.size());
  }
  const auto t = day_start(base + boost::gregorian::days(70 + days));
  const auto t0 = steady::now();
  eng.advance_to(t);
  probe.empty_day_seconds = seconds_since(t0);
  return probe;
}

struct summary_row {
  std::string figure, measured, target, verdict;
};

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse_options(argc, argv);
  if (!parsed) return 2;
  const options opt = *parsed;
  const std::size_t n = opt.stream.persons;

  fmt::print("lifecycle-bench {} ({}), compiler {}{}\n", version_string,
             opt.quick ? "quick" : "full", __VERSION__,
#ifdef NDEBUG
             ", NDEBUG"
#else
             ", assertions ON (not a Release build: figures mean little)"
#endif
  );
  fmt::print("cpu: {}\n\n", cpu_name());

  // ---- the stream ---------------------------------------------------------
  fmt::print("generating {} events for {} persons over {} days (seed {}) ...\n",
             grouped(opt.stream.events), grouped(n), opt.stream.days, opt.stream.seed);
  auto t_gen = steady::now();
  stream s;
  try {
    s = lifecycle_bench::generate(opt.stream);
  } catch (const std::exception& ex) {
    fmt::print(stderr, "lifecycle-bench: {}\n", ex.what());
    return 2;
  }
  const double gen_seconds = seconds_since(t_gen);
  const auto& st = s.stats;
  const std::size_t events = s.events.size();
  auto share = [&](std::uint64_t k) { return 100.0 * static_cast<double>(k) / static_cast<double>(events); };
  fmt::print("generated in {:.1f} s; {} in memory (events {}, strings {})\n", gen_seconds,
             mib(s.events.size() * sizeof(bench_event) + s.text.size() + s.names.size()),
             mib(s.events.size() * sizeof(bench_event)), mib(s.text.size()));
  fmt::print("stream: {} to {}, in arrival order\n", iso(opt.stream.first_day),
             iso(opt.stream.first_day + boost::gregorian::days(opt.stream.days - 1)));
  fmt::print("  kinds:");
  for (event_kind k : all_event_kinds)
    fmt::print(" {} {:.2f}%{}", k, share(st.by_kind[static_cast<std::size_t>(k)]),
               k == event_kind::refund ? "\n        " : (k == event_kind::contact ? "\n" : ","));
  const auto purchases = st.by_kind[static_cast<std::size_t>(event_kind::purchase)];
  fmt::print("  purchases {}: {:.0f}% with a coupon, {} gifts; refunds {} ({} sent before their purchase)\n",
             grouped(purchases),
             100.0 * static_cast<double>(st.coupons) / static_cast<double>(std::max<std::uint64_t>(purchases, 1)),
             grouped(st.gifts), grouped(st.by_kind[static_cast<std::size_t>(event_kind::refund)]),
             grouped(st.refunds_before_purchase));
  fmt::print("  events per person: median {}, 99th percentile {}, max {}; top 1% of persons send {:.0f}%, top 10% {:.0f}%\n",
             st.events_median, st.events_p99, st.events_max, 100 * st.top1_share, 100 * st.top10_share);
  fmt::print("  every event has a 36-char UUID; resent copies {} ({:.2f}%)\n", grouped(st.resends), share(st.resends));
  fmt::print("  dated before an event already sent: {:.1f}% (mostly network jitter of a second or two);\n"
             "  late by more than a minute {:.2f}%, an hour {:.2f}%, a day {:.3f}%\n\n",
             share(st.late), share(st.late_minute), share(st.late_hour), share(st.late_day));

  const engine_options speed{history_mode::none, n};
  // With --repeat, each timed ingest runs again on fresh engines and keeps its fastest time.
  const std::string fastest = opt.repeat > 1 ? fmt::format(" (fastest of {} runs)", opt.repeat) : "";
  auto intern_all = [&](engine& eng) {
    for (std::uint32_t p = 0; p < n; ++p) eng.intern(s.person_name(p));
  };
  // The --repeat runs after the first: each on a fresh engine, keeping the fastest.
  auto repeat_runs = [&](std::optional<ingest_run>& best, auto&& run) {
    for (int i = 1; i < opt.repeat; ++i) {
      engine again(core_policy(), speed);
      keep_faster(best, run(again));
    }
  };
  fmt::print("speed runs use engine_options{{history_mode::none, expected_persons = {}}}, replay clock, the policy's\n"
             "defaults without signals, tiers or NPS (section 7 turns them on)\n\n",
             grouped(n));

  // ---- 1. string ids and event ids ----------------------------------------
  struct people_figure {
    std::size_t persons = 0, links = 0;
    double seconds = 0;
  };
  std::optional<people_figure> people_from_run, people_synthetic;
  std::optional<ingest_run> strings;
  memory_usage mem;
  std::size_t known = 0;
  std::array<std::uint64_t, stage_count> stages_strings{};
  std::array<std::uint64_t, role_count> roles_strings{};
  std::uint64_t conversions_strings = 0;
  std::string snapshot_figures;
  auto bpp = [&](std::size_t bytes) { return static_cast<double>(bytes) / static_cast<double>(known); };
  if (opt.strings) {
    engine eng(core_policy(), speed);
    strings = ingest_with_strings(eng, s);
    repeat_runs(strings, [&](engine& again) { return ingest_with_strings(again, s); });
    mem = eng.memory();
    known = eng.known_persons();
    stages_strings = eng.stage_counts();
    roles_strings = eng.role_counts();
    conversions_strings = eng.conversions();
    fmt::print("1. ingest(const event&), string person id + event id on every event{}\n", fastest);
    fmt::print("   {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})\n", grouped(strings->events),
               strings->seconds, millions(strings->per_second()), strings->ns_per_event(), os_note(*strings));
    fmt::print("   accepted {}, duplicate {}, rejected {}; {} transitions returned\n", grouped(strings->accepted),
               grouped(strings->duplicate), grouped(strings->rejected), grouped(strings->transitions));
    fmt::print("   at the end: {} known persons; stages", grouped(known));
    for (stage x : all_stages) fmt::print(" {} {}", x, grouped(stages_strings[static_cast<std::size_t>(x)]));
    fmt::print("\n                roles");
    for (role x : all_roles) fmt::print(" {} {}", x, grouped(roles_strings[static_cast<std::size_t>(x)]));
    fmt::print("; conversions {}\n", grouped(conversions_strings));
    fmt::print("   memory after the year (engine::memory() / known persons):\n");
    fmt::print("     state    {:7.1f} B/person  ({})  fixed records + pooled purchase and activity lists\n",
               bpp(mem.state), mib(mem.state));
    fmt::print("     index    {:7.1f} B/person  ({})  person id strings and their hash index\n", bpp(mem.index), mib(mem.index));
    fmt::print("     dedupe   {:7.1f} B/person  ({})  remembered event ids\n", bpp(mem.dedupe), mib(mem.dedupe));
    fmt::print("     schedule {:7.1f} B/person  ({})  deadline calendar\n", bpp(mem.schedule), mib(mem.schedule));
    fmt::print("     history  {:7.1f} B/person  ({})  (history_mode::none)\n", bpp(mem.history), mib(mem.history));
    fmt::print("     links    {:7.1f} B/person  ({})  person links (gifts, referrals)\n\n", bpp(mem.links), mib(mem.links));
    if (opt.people) {
      const people_graph g(eng);
      people_from_run = people_figure{g.persons(), eng.links().size(), g.build_seconds()};
      fmt::print("   people graph of the run's {} links ({} gifts, {} referrals) over {} handles: built in {:.1f} ms\n\n",
                 grouped(eng.links().size()), grouped(g.links(link_kind::paid_for)), grouped(g.links(link_kind::referred)),
                 grouped(g.persons()), g.build_seconds() * 1e3);
    }

    // Durable state: the whole engine to bytes and back.
    {
      const auto t0 = steady::now();
      const std::vector<std::byte> bytes = eng.snapshot();
      const double save_seconds = seconds_since(t0);
      const auto t1 = steady::now();
      const engine back = engine::restore(bytes);
      const double restore_seconds = seconds_since(t1);
      fmt::print("   snapshot(): {} ({:.1f} B/person) in {:.0f} ms; restore(): {:.0f} ms; restored counts {}\n\n",
                 mib(bytes.size()), bpp(bytes.size()), save_seconds * 1e3, restore_seconds * 1e3,
                 back.stage_counts() == eng.stage_counts() && back.role_counts() == eng.role_counts() ? "equal" : "DIFFER");
      snapshot_figures = fmt::format("{} in {:.0f} ms / {:.0f} ms", mib(bytes.size()), save_seconds * 1e3,
                                     restore_seconds * 1e3);
    }

    // The same engine after the year: advance a day at a time, nothing more ingested.
    fmt::print("   advance_to one day at a time after the year, nothing more ingested ({} persons held):\n",
               grouped(known));
    fmt::print("      {:>5} {:>12} {:>14} {:>12} {:>16}\n", "day", "transitions", "persons moved", "time",
               "per transition");
    const boost::gregorian::date last = eng.clock().date();
    std::vector<std::uint32_t> seen_on(n + 1, 0);
    std::uint64_t all_transitions = 0;
    double all_seconds = 0;
    static constexpr int shown[] = {1, 2, 7, 29, 30, 31, 60, 90, 91, 120, 180, 181, 182, 200};
    for (int d = 1; d <= 200; ++d) {
      const auto t = day_start(last + boost::gregorian::days(d));
      const auto t0 = steady::now();
      const auto changed = eng.advance_to(t);
      const double sec = seconds_since(t0);
      std::size_t moved = 0;
      for (const transition& x : changed)
        if (x.person.value < n && seen_on[x.person.value] != static_cast<std::uint32_t>(d)) {
          seen_on[x.person.value] = static_cast<std::uint32_t>(d);
          ++moved;
        }
      all_transitions += changed.size();
      all_seconds += sec;
      if (std::find(std::begin(shown), std::end(shown), d) == std::end(shown)) continue;
      fmt::print("      {:>5} {:>12} {:>14} {:>9.0f} us {:>13}\n", fmt::format("+{}", d), grouped(changed.size()),
                 grouped(moved), sec * 1e6,
                 changed.empty() ? "-" : fmt::format("{:.0f} ns", sec * 1e9 / static_cast<double>(changed.size())));
    }
    fmt::print("      all 200 days: {} transitions in {:.1f} ms\n\n", grouped(all_transitions), all_seconds * 1e3);
  }

  // ---- 1b. string ids without event ids: what the duplicate memory costs ----
  std::optional<ingest_run> strings_no_ids;
  if (opt.strings) {
    engine eng(core_policy(), speed);
    strings_no_ids = ingest_with_strings(eng, s, false, false);
    repeat_runs(strings_no_ids, [&](engine& again) { return ingest_with_strings(again, s, false, false); });
    fmt::print("1b. as run 1 without event ids (purchases and refunds keep theirs), resent copies skipped{}\n", fastest);
    fmt::print("   {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})\n", grouped(strings_no_ids->events),
               strings_no_ids->seconds, millions(strings_no_ids->per_second()), strings_no_ids->ns_per_event(),
               os_note(*strings_no_ids));
    if (strings)
      fmt::print("   the event ids' duplicate check costs run 1 {:.0f} ns/event: a random event id's slot is a trip\n"
                 "   to main memory that a single call cannot overlap with other events (see 3, memory latency)\n\n",
                 strings->ns_per_event() - strings_no_ids->ns_per_event());
  }

  // ---- 2. handles ---------------------------------------------------------
  std::optional<ingest_run> handles;
  if (opt.handles) {
    engine eng(core_policy(), speed);
    std::vector<person_id> handle(n);
    const auto t0 = steady::now();
    for (std::uint32_t p = 0; p < n; ++p) handle[p] = eng.intern(s.person_name(p));
    const double intern_seconds = seconds_since(t0);
    handles = ingest_with_handles(eng, s, handle);
    repeat_runs(handles, [&](engine& again) {
      intern_all(again);  // the same names in the same order: the same handles
      return ingest_with_handles(again, s, handle);
    });
    fmt::print("2. ingest(person_id, const event&), handles interned once (untimed: {:.0f} ms for {} names),\n"
               "   no event ids (purchases and refunds keep theirs), resent copies skipped{}\n",
               intern_seconds * 1e3, grouped(n), fastest);
    fmt::print("   {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})\n", grouped(handles->events),
               handles->seconds, millions(handles->per_second()), handles->ns_per_event(), os_note(*handles));
    fmt::print("   accepted {}, duplicate {}, rejected {}; {} transitions", grouped(handles->accepted),
               grouped(handles->duplicate), grouped(handles->rejected), grouped(handles->transitions));
    if (strings) {
      const bool same = eng.stage_counts() == stages_strings && eng.role_counts() == roles_strings &&
                        eng.conversions() == conversions_strings && eng.known_persons() == known;
      fmt::print("; final stages, roles and conversions {} run 1", same ? "equal" : "DIFFER FROM");
    }
    fmt::print("\n\n");
  }

  // ---- 2b. the same two runs through the batch calls ------------------------
  // A host draining a queue hands over many events at once; the batch calls
  // work a few events ahead and prefetch what those will touch.
  std::optional<ingest_run> strings_batched, handles_batched;
  if (opt.strings) {
    engine eng(core_policy(), speed);
    strings_batched = ingest_with_strings(eng, s, true);
    repeat_runs(strings_batched, [&](engine& again) { return ingest_with_strings(again, s, true); });
    fmt::print("2b. ingest(span<const event>) in batches of {}, string person id + event id on every event{}\n",
               batch_size, fastest);
    fmt::print("   {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})\n", grouped(strings_batched->events),
               strings_batched->seconds, millions(strings_batched->per_second()), strings_batched->ns_per_event(),
               os_note(*strings_batched));
    fmt::print("   final stages and roles {} run 1\n", eng.stage_counts() == stages_strings && eng.role_counts() == roles_strings ? "equal" : "DIFFER FROM");
  }
  if (opt.handles) {
    engine eng(core_policy(), speed);
    std::vector<person_id> handle(n);
    for (std::uint32_t p = 0; p < n; ++p) handle[p] = eng.intern(s.person_name(p));
    handles_batched = ingest_with_handles(eng, s, handle, true);
    repeat_runs(handles_batched, [&](engine& again) {
      intern_all(again);
      return ingest_with_handles(again, s, handle, true);
    });
    fmt::print("2c. ingest(span<const person_id>, span<const event>) in batches of {}, handles, no event ids{}\n",
               batch_size, fastest);
    fmt::print("   {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})\n\n", grouped(handles_batched->events),
               handles_batched->seconds, millions(handles_batched->per_second()), handles_batched->ns_per_event(),
               os_note(*handles_batched));
  }

  // ---- 3. the floor -------------------------------------------------------
  std::optional<ingest_run> floor;
  double latency_ns = 0;
  if (opt.floor) {
    std::vector<floor_record> table(n);  // value-initialized: its pages are touched before timing
    for (int rep = 0; rep < 3; ++rep) keep_faster(floor, floor_pass(s, table));
    std::uint64_t check = 0;
    for (const floor_record& r : table) check += r.w[0] + r.w[3];
    fmt::print("3. floor: one read-modify-write of a 64-byte record per event, {} records, the handle run's events in order\n",
               grouped(n));
    fmt::print("   best of 3: {} events/s, {:.1f} ns/event (checksum {})\n", millions(floor->per_second()),
               floor->ns_per_event(), check % 1000);
    if (handles)
      fmt::print("   handles / floor: {:.1f}x the floor's time per event\n", handles->ns_per_event() / floor->ns_per_event());
    latency_ns = dependent_read_ns(n, std::min<std::size_t>(events, 2'000'000));
    fmt::print("   memory latency: {:.0f} ns per read when each read's address comes from the one before, over the\n"
               "   same {} records (the floor's reads are independent, so the processor overlaps them)\n",
               latency_ns, grouped(n));
    fmt::print("   one call per event that works on the record before writing it back (best of 2):");
    for (const int steps : {0, 16, 32, 64}) {
      std::optional<ingest_run> best;
      for (int rep = 0; rep < 2; ++rep) keep_faster(best, floor_with_work(s, table, steps));
      fmt::print("{} {} steps {:.0f} ns", steps == 0 ? "" : ",", steps, best->ns_per_event());
    }
    fmt::print("\n   (a step is about 12 instructions of work that waits on the record; the floor is 0 steps)\n\n");
  }

  // ---- 4. history_mode::full, for comparison ------------------------------
  if (opt.history) {
    engine eng(core_policy(), engine_options{history_mode::full, n});
    std::vector<person_id> handle(n);
    for (std::uint32_t p = 0; p < n; ++p) handle[p] = eng.intern(s.person_name(p));
    const ingest_run full = ingest_with_handles(eng, s, handle);
    const memory_usage m = eng.memory();
    const double per = static_cast<double>(m.history) / static_cast<double>(eng.known_persons());
    fmt::print("4. for comparison, the handle run with history_mode::full: {} events/s, {:.0f} ns/event ({});\n"
               "   history {:.1f} B/person ({}) for {} transitions kept\n\n",
               millions(full.per_second()), full.ns_per_event(), os_note(full), per, mib(m.history),
               grouped(full.transitions));
  }

  // ---- 5. advancing the clock: cost follows the persons due ----------------
  struct probe_row {
    std::size_t held, due;
    day_probe p;
  };
  std::vector<probe_row> rows;
  const int probe_days = 4;
  const std::size_t big = n, small = n / 10, few = n / 1000, many = small / 5;  // many * probe_days <= small
  if (opt.advance && n < 10'000) {
    fmt::print("5. advance_to, controlled: skipped (needs --persons 10000 or more)\n\n");
  } else if (opt.advance) {
    fmt::print("5. advance_to by one day, controlled: every person has one visit; `due` of them leave the\n"
               "   30-day role window on each day (1 transition each); median of {} one-day advances\n", probe_days);
    fmt::print("      {:>10} {:>8} {:>12} {:>11} {:>15} {:>15}\n", "held", "due/day", "transitions", "per day",
               "per due person", "empty day");
    for (std::size_t held : {big, small})
      for (std::size_t due : {few, many}) {
        rows.push_back({held, due, probe_advance(held, due, probe_days, opt.stream.seed + held + due)});
        const probe_row& r = rows.back();
        const double med = r.p.median();
        fmt::print("      {:>10} {:>8} {:>12} {:>8.0f} us {:>12.0f} ns {:>12.1f} us\n", grouped(held), grouped(due),
                   grouped(r.p.transitions.front()), med * 1e6, med * 1e9 / static_cast<double>(due),
                   r.p.empty_day_seconds * 1e6);
      }
    fmt::print("      {}x the persons due: {:.1f}x the time; 10x the persons held, same due: {:.2f}x the time\n\n",
               many / few, rows[1].p.median() / rows[0].p.median(), rows[0].p.median() / rows[2].p.median());
  }

  // ---- 6. the people graph at scale ----------------------------------------
  if (opt.people) {
    // A million persons (or --persons, if more) with sparse links: each person
    // refers one other and a third of them pay for one other, at random.
    const std::size_t persons = std::max<std::size_t>(n, 1'000'000);
    std::vector<person_link> links;
    links.reserve(persons + persons / 3);
    std::uint64_t x = opt.stream.seed * 0x9e3779b97f4a7c15ULL + 1;
    auto next = [&x, persons] {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      return static_cast<std::uint32_t>(x % persons);
    };
    std::vector<person_id> customers;
    for (std::uint32_t p = 0; p < persons; ++p) {
      links.push_back({person_id{p}, person_id{next()}, link_kind::referred});
      if (p % 3 == 0) links.push_back({person_id{p}, person_id{next()}, link_kind::paid_for});
      if (p % 10 == 0) customers.push_back(person_id{p});
    }
    const people_graph g(persons, links, customers);
    people_synthetic = people_figure{persons, links.size(), g.build_seconds()};
    const auto t0 = steady::now();
    const auto top = g.top_advocates(10);
    const double top_seconds = seconds_since(t0);
    fmt::print("6. people graph, synthetic: {} persons, {} links (a referral each, a gift for every third)\n",
               grouped(persons), grouped(links.size()));
    fmt::print("   built in {:.0f} ms ({:.0f} ns/link), {}; top 10 advocates with their reach in {:.0f} ms\n",
               g.build_seconds() * 1e3, g.build_seconds() * 1e9 / static_cast<double>(links.size()), mib(g.bytes()),
               top_seconds * 1e3);
    if (!top.empty())
      fmt::print("   (the first reaches {} persons through referrals, {} of them customers)\n",
                 grouped(top.front().reach.persons), grouped(top.front().reach.customers));
    fmt::print("\n");
  }

  // ---- 7. every signal on ---------------------------------------------------
  // The same four runs with the policy's defaults: all eight signals, tiers and
  // NPS (--signals and --policy change them); every person also has a birthday
  // and every tenth opted in.
  std::optional<ingest_run> strings_signals, handles_signals, strings_batched_signals, handles_batched_signals;
  // Each signals run's core run again, timed just before it on the same kind of
  // engine (persons interned in the same order): the ratio compares runs made
  // under the same conditions, which a shared machine's drift over minutes
  // would not give the earlier section's.
  std::optional<ingest_run> strings_beside, handles_beside, strings_batched_beside, handles_batched_beside;
  if (opt.signals) {
    const policy& signal_policy = opt.signal_policy;
    const bool attributes = signal_policy.tracks_signals();  // else the engine takes no birthdays
    fmt::print("7. signals on (signals {}; tiers {}; nps {}){}\n", signal_policy.get("signals"),
               signal_policy.get("tiers"), signal_policy.get("nps"),
               attributes ? "; birthdays for all, every tenth person opted in (untimed)" : "", fastest);
    // One engine with the persons interned in generator order and their attributes set (untimed).
    std::vector<person_id> handle(n);
    auto fresh = [&] {
      engine eng(signal_policy, speed);
      for (std::uint32_t p = 0; p < n; ++p) {
        const person_id h = handle[p] = eng.intern(s.person_name(p));
        if (!attributes) continue;
        eng.set_birthday(h, month_day{static_cast<std::uint8_t>(1 + p % 12), static_cast<std::uint8_t>(1 + p % 28)});
        if (p % 10 == 0) eng.set_reachable(h, true);
      }
      return eng;
    };
    auto timed = [&](bool with_strings, bool batched, const char* label, const std::optional<ingest_run>& core,
                     std::optional<ingest_run>& beside, std::optional<ingest_run>& out, bool details) {
      auto run = [&](engine& eng) {
        return with_strings ? ingest_with_strings(eng, s, batched) : ingest_with_handles(eng, s, handle, batched);
      };
      for (int i = 0; i < opt.repeat; ++i) {
        {
          engine plain(core_policy(), speed);
          for (std::uint32_t p = 0; p < n; ++p) handle[p] = plain.intern(s.person_name(p));  // as fresh() does
          keep_faster(beside, run(plain));
        }
        engine eng = fresh();
        keep_faster(out, run(eng));
        if (i + 1 < opt.repeat || !details) continue;
        fmt::print("   signals:");
        const auto counts = eng.signal_counts();
        for (signal_kind x : all_signals) fmt::print(" {} {}", x, grouped(counts[static_cast<std::size_t>(x)]));
        fmt::print("\n   tiers:");
        const auto tiers = eng.tier_counts();
        for (std::size_t t = 0; t < tiers.size(); ++t) fmt::print(" {} {}", eng.rules().tiers[t].name, grouped(tiers[t]));
        const auto score = eng.nps().overall.score();
        fmt::print("; NPS {}\n", score ? fmt::format("{:.1f}", *score) : std::string("-"));
        const memory_usage m = eng.memory();
        const double k = static_cast<double>(std::max<std::size_t>(eng.known_persons(), 1));
        fmt::print("   memory: state {:.1f} B/person, signals {:.1f} B/person ({}), dedupe {:.1f} B/person\n",
                   static_cast<double>(m.state) / k, static_cast<double>(m.signals) / k, mib(m.signals),
                   static_cast<double>(m.dedupe) / k);
      }
      fmt::print("   {}: {} events in {:.2f} s: {} events/s, {:.0f} ns/event ({})", label, grouped(out->events),
                 out->seconds, millions(out->per_second()), out->ns_per_event(), os_note(*out));
      fmt::print(";\n      {:.2f}x its run without signals timed beside it ({:.0f} ns/event",
                 out->ns_per_event() / beside->ns_per_event(), beside->ns_per_event());
      if (core) fmt::print("; {:.0f} in its own section", core->ns_per_event());
      fmt::print(")\n");
    };
    if (opt.strings) {
      timed(true, false, "strings (as run 1)", strings, strings_beside, strings_signals, true);
      timed(true, true, "strings batched (as 2b)", strings_batched, strings_batched_beside, strings_batched_signals, false);
    }
    if (opt.handles || !opt.strings) {  // --only signals: the handle runs
      timed(false, false, "handles (as run 2)", handles, handles_beside, handles_signals, !opt.strings);
      timed(false, true, "handles batched (as 2c)", handles_batched, handles_batched_beside, handles_batched_signals, false);
    }
    fmt::print("\n");
  }

  // ---- summary ------------------------------------------------------------
  std::vector<summary_row> summary;
  auto verdict = [](bool ok) { return std::string(ok ? "ok" : "MISSED"); };
  auto rate = [](const ingest_run& r, int digits) {
    return fmt::format("{}/s ({:.{}f} ns)", millions(r.per_second()), r.ns_per_event(), digits);
  };
  if (strings)
    summary.push_back({"ingest, string ids + event ids", rate(*strings, 0), ">= 5 M/s",
                       verdict(strings->per_second() >= 5e6)});
  if (handles)
    summary.push_back({"ingest, handles, no event ids", rate(*handles, 0), ">= 15 M/s",
                       verdict(handles->per_second() >= 15e6)});
  if (strings_no_ids)
    summary.push_back({"  string ids, no event ids", rate(*strings_no_ids, 0), "-", ""});
  if (floor) summary.push_back({"floor, 64-byte RMW per event", rate(*floor, 1), "-", ""});
  if (floor) summary.push_back({"  memory latency, dependent reads", fmt::format("{:.0f} ns", latency_ns), "-", ""});
  if (strings_batched)
    summary.push_back({"  batched, string ids + event ids", rate(*strings_batched, 0), ">= 5 M/s",
                       verdict(strings_batched->per_second() >= 5e6)});
  if (handles_batched)
    summary.push_back({"  batched, handles, no event ids", rate(*handles_batched, 0), ">= 15 M/s",
                       verdict(handles_batched->per_second() >= 15e6)});
  if (handles && floor) {
    const double ratio = handles->ns_per_event() / floor->ns_per_event();
    summary.push_back({"handles / floor", fmt::format("{:.1f}x", ratio), "<= 4x", verdict(ratio <= 4.0)});
  }
  if (handles_batched && floor) {
    const double ratio = handles_batched->ns_per_event() / floor->ns_per_event();
    summary.push_back({"  batched handles / floor", fmt::format("{:.1f}x", ratio), "<= 4x", verdict(ratio <= 4.0)});
  }
  if (strings) {
    summary.push_back({"state per known person", fmt::format("{:.1f} B", bpp(mem.state)), "<= 96 B",
                       verdict(bpp(mem.state) <= 96.0)});
    summary.push_back({"snapshot save / restore", snapshot_figures, "-", ""});
    summary.push_back({"  index + dedupe + schedule", fmt::format("{:.0f} + {:.0f} + {:.0f} B", bpp(mem.index),
                                                                  bpp(mem.dedupe), bpp(mem.schedule)), "-", ""});
  }
  if (!rows.empty()) {
    for (std::size_t i : {std::size_t{1}, std::size_t{3}})
      summary.push_back({fmt::format("advance 1 day, {} held, {} due", grouped(rows[i].held), grouped(rows[i].due)),
                         fmt::format("{:.0f} us ({:.0f} ns/due)", rows[i].p.median() * 1e6,
                                     rows[i].p.median() * 1e9 / static_cast<double>(rows[i].due)),
                         "-", ""});
    // Following the persons due: 20x the due costs far more than 10x the held
    // (which only changes how much of the table stays in cache), and a day with
    // nobody due costs next to nothing however many are held.
    const double due_ratio = rows[1].p.median() / rows[0].p.median();
    const double held_ratio = rows[0].p.median() / rows[2].p.median();
    const double empty = std::max(rows[0].p.empty_day_seconds, rows[1].p.empty_day_seconds);
    summary.push_back({"advance: 20x due / 10x held / empty day",
                       fmt::format("{:.1f}x / {:.1f}x / {:.1f} us", due_ratio, held_ratio, empty * 1e6),
                       "follows due", verdict(due_ratio > 2 * held_ratio && empty < 50e-6)});
  }
  // The target is for the defaults, every signal on; another policy (--signals, --policy) only shows its ratio.
  const bool every_signal = opt.signal_policy == policy{};
  auto with_signals = [&](std::string name, const std::optional<ingest_run>& on, const std::optional<ingest_run>& off) {
    if (!on || !off) return;
    const double ratio = on->ns_per_event() / off->ns_per_event();
    summary.push_back({std::move(name), fmt::format("{} ({:.2f}x)", rate(*on, 0), ratio),
                       every_signal ? "<= 1.25x" : "-", every_signal ? verdict(ratio <= 1.25) : ""});
  };
  const std::string signals_on = every_signal ? "every signal on" : "section 7's signals";
  with_signals(signals_on + ", string ids", strings_signals, strings_beside);
  with_signals(signals_on + ", handles", handles_signals, handles_beside);
  with_signals("  batched, string ids", strings_batched_signals, strings_batched_beside);
  with_signals("  batched, handles", handles_batched_signals, handles_batched_beside);
  if (people_from_run)
    summary.push_back({fmt::format("people graph, the run's {} links", grouped(people_from_run->links)),
                       fmt::format("{:.1f} ms", people_from_run->seconds * 1e3), "-", ""});
  if (people_synthetic)
    summary.push_back({fmt::format("people graph, {} persons", grouped(people_synthetic->persons)),
                       fmt::format("{:.0f} ms", people_synthetic->seconds * 1e3), "<= 5 s",
                       verdict(people_synthetic->seconds <= 5.0)});
  fmt::print("summary ({} persons, {} events{})\n", grouped(n), grouped(events),
             opt.repeat > 1 ? fmt::format("; ingest figures: fastest of {} runs", opt.repeat) : "");
  fmt::print("  {:<38} {:>24}  {:<12} {}\n", "figure", "measured", "target", "");
  for (const summary_row& r : summary)
    fmt::print("  {:<38} {:>24}  {:<12} {}\n", r.figure, r.measured, r.target, r.verdict);
  return 0;
}
