// The messy-log generator: deterministic per seed, every kind, duplicates,
// late rows, refunds before their purchase, and a log the reader takes whole.

#include <catch2/catch.hpp>

#include <lifecycle/engine.hpp>
#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>
#include <lifecycle/generator.hpp>
#include <lifecycle/report.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace lifecycle;

namespace {

std::string generate(const generator_options& o, generator_stats* stats = nullptr) {
  std::ostringstream out;
  const generator_stats s = generate_events(o, out);
  if (stats != nullptr) *stats = s;
  return out.str();
}

generator_options small(std::uint64_t seed) {
  generator_options o;
  o.persons = 400;
  o.days = 60;
  o.seed = seed;
  o.dupes = 0.02;
  o.late = 0.03;
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("generator: the same seed gives the same bytes, another seed others", "[generator]") {
  const std::string a = generate(small(7));
  CHECK(a == generate(small(7)));
  CHECK(a != generate(small(8)));
  generator_options other_start = small(7);
  other_start.start = boost::gregorian::date(2023, 6, 1);
  CHECK(generate(other_start).find("2023-06-01T") != std::string::npos);
}

TEST_CASE("generator: every kind, coupons, gifts, duplicates, late rows, early refunds", "[generator]") {
  generator_stats stats;
  const std::string text = generate(small(3), &stats);
  for (std::size_t k = 0; k < event_kind_count; ++k) {
    INFO(to_string(all_event_kinds[k]));
    CHECK(stats.by_kind[k] > 0);
  }
  CHECK(stats.duplicates > 0);
  CHECK(stats.late > 0);
  CHECK(stats.refunds_before_purchase > 0);

  auto reader = event_csv_reader::from_string(text, "generated.csv");
  CHECK(reader.columns() == std::vector<std::string>{"time", "person", "event", "amount", "coupon", "id", "target", "ref", "score"});
  std::map<std::string, int> ids;
  std::set<event_kind> kinds;
  std::set<std::string> purchases_seen;
  std::uint64_t rows = 0, bad = 0, coupons = 0, gifts = 0, scores = 0, early_refunds = 0, late = 0;
  std::int64_t latest = 0;
  for (const csv_row* r = reader.next(); r != nullptr; r = reader.next()) {
    ++rows;
    if (!r->ok()) {
      ++bad;
      continue;
    }
    const std::string id(r->ev.id);
    if (id.empty()) ++bad;  // every row carries an id
    ++ids[id];
    kinds.insert(r->ev.kind);
    if (r->ev.kind == event_kind::purchase) {
      purchases_seen.insert(id);
      if (r->ev.coupon) ++coupons;
      if (!r->ev.target.empty()) ++gifts;
    }
    if (r->ev.kind == event_kind::refund && !purchases_seen.count(std::string(r->ev.ref))) ++early_refunds;
    if (r->ev.score >= 0) ++scores;
    if (r->time_us + 86'400'000'000LL < latest) ++late;
    latest = std::max(latest, r->time_us);
  }
  CHECK(bad == 0);
  CHECK(rows == stats.rows);
  CHECK(kinds.size() == event_kind_count);
  CHECK(coupons > 0);
  CHECK(gifts > 0);
  CHECK(scores > 0);
  CHECK(late > 0);
  CHECK(early_refunds >= stats.refunds_before_purchase);
  std::uint64_t twice = 0;
  for (const auto& [id, n] : ids) {
    CHECK(n <= 2);
    if (n == 2) ++twice;
  }
  CHECK(twice == stats.duplicates);
  CHECK(rows == ids.size() + stats.duplicates);
}

TEST_CASE("generator: the log replays and its duplicates are recognised", "[generator]") {
  generator_stats stats;
  const std::string text = generate(small(5), &stats);
  engine eng;
  report_collector collector(eng);
  auto reader = event_csv_reader::from_string(text, "generated.csv");
  const replay_counts c = replay_csv(reader, eng);
  CHECK(c.rows == stats.rows);
  CHECK(c.rejected == 0);
  CHECK(c.accepted + c.duplicate == c.rows);
  CHECK(c.duplicate > 0);
  CHECK(c.duplicate <= stats.duplicates);
  const replay_report rep = build_report(eng, collector, c, "generated.csv");
  CHECK(rep.persons > 300);
  CHECK(rep.customers > 0);
  for (stage s : {stage::potential, stage::new_customer, stage::passive}) CHECK(rep.stages[static_cast<std::size_t>(s)] > 0);
}

TEST_CASE("generator: --shuffle writes the same rows in another order", "[generator]") {
  generator_options o = small(9);
  const auto ordered = lines_of(generate(o));
  o.shuffle = true;
  const auto shuffled = lines_of(generate(o));
  CHECK(ordered != shuffled);
  CHECK(shuffled.front() == ordered.front());  // the header stays first
  auto a = ordered, b = shuffled;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
}

TEST_CASE("generator: no duplicates or late rows when asked for none", "[generator]") {
  generator_options o = small(4);
  o.dupes = 0;
  o.late = 0;
  generator_stats stats;
  generate(o, &stats);
  CHECK(stats.duplicates == 0);
  CHECK(stats.late == stats.refunds_before_purchase);  // only purchases held up behind their refund
}

TEST_CASE("generator: options out of range are errors", "[generator]") {
  auto fails = [](auto change) {
    generator_options o;
    change(o);
    std::ostringstream out;
    CHECK_THROWS_AS(generate_events(o, out), error);
  };
  fails([](generator_options& o) { o.persons = 0; });
  fails([](generator_options& o) { o.days = 0; });
  fails([](generator_options& o) { o.days = 40'000; });
  fails([](generator_options& o) { o.dupes = 1.5; });
  fails([](generator_options& o) { o.late = -0.1; });
}

TEST_CASE("generator: reading on a second thread replays exactly as reading in turn", "[generator]") {
  generator_options o = small(12);
  o.persons = 1500;
  o.days = 120;
  const std::string text = generate(o);
  const auto path = std::filesystem::temp_directory_path() / "lifecycle_generator_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  auto run = [&](bool parallel, std::size_t batch) {
    engine eng;
    report_collector collector(eng);
    event_csv_options small_blocks;
    small_blocks.max_row_bytes = 256;
    small_blocks.block_bytes = 4096;  // many refills, both buffers in play
    auto reader = event_csv_reader::open(path.string(), small_blocks);
    replay_options ro;
    ro.parallel_read = parallel;
    ro.batch_rows = batch;
    const replay_counts c = replay_csv(reader, eng, ro);
    replay_report rep = build_report(eng, collector, c, "x");
    rep.rows.parse_seconds = rep.rows.ingest_seconds = rep.rows.seconds = rep.people.build_seconds = 0;
    return render_json(rep);
  };
  const std::string sequential = run(false, 4096);
  CHECK(run(true, 64) == sequential);
  CHECK(run(true, 1) == sequential);
  CHECK(run(true, 4096) == sequential);
  std::filesystem::remove(path);
}
