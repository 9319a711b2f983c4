// replay_csv: the loop between the event CSV reader and the engine. Rows are
// parsed a batch at a time and then ingested, so the two phases can be timed
// separately at the cost of two clock reads per batch, not per row.

#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "lifecycle/calendar.hpp"
#include "lifecycle/error.hpp"
#include "lifecycle/report.hpp"

namespace lifecycle {

namespace {

using steady = std::chrono::steady_clock;

double seconds_between(steady::time_point a, steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::int64_t to_us(boost::posix_time::ptime t) {
  static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return (t - epoch).total_microseconds();
}

void tally(replay_counts& c, const csv_row& r) {
  ++c.rejected;
  for (row_problem_tally& t : c.problems) {
    if (t.problem == r.problem) {
      ++t.count;
      return;
    }
  }
  row_problem_tally t;
  t.problem = r.problem;
  t.count = 1;
  t.first_line = r.line;
  t.first_detail = r.detail;
  auto at = c.problems.begin();
  while (at != c.problems.end() && at->problem < r.problem) ++at;
  c.problems.insert(at, std::move(t));
}

}  // namespace

replay_counts replay_csv(event_csv_reader& reader, engine& eng, const replay_options& options) {
  if (eng.rules().clock != clock_mode::replay)
    throw error(errc::invalid_argument, "replay_csv: the engine must run on the replay clock (policy clock = replay)");
  replay_counts c;
  const steady::time_point start = steady::now();
  std::int64_t last_us = std::numeric_limits<std::int64_t>::max();
  boost::posix_time::ptime at_end;
  if (options.at) {
    // The last microsecond of the business day.
    at_end = day_start(*options.at + boost::gregorian::days(1), eng.rules().utc_offset) -
             boost::posix_time::microseconds(1);
    last_us = to_us(at_end);
  }
  // Good rows go to the engine a batch at a time (`engine::ingest(span)` works
  // ahead and prefetches). Rows the engine would refuse are found first with
  // the engine's own check, so each keeps its line number; a row with an
  // unusually long person id is ingested alone, for the same reason.
  std::vector<event> pending;
  pending.reserve(options.batch_rows);
  csv_row refused;
  auto refuse = [&](const csv_row& r, reject_reason why) {
    refused.ev = r.ev;
    refused.time_us = r.time_us;
    refused.line = r.line;
    refused.problem = row_problem::rejected_by_engine;
    refused.detail = std::string(to_string(why));
    tally(c, refused);
    if (options.on_bad_row) options.on_bad_row(refused);
  };
  auto flush = [&] {
    if (pending.empty()) return;
    const steady::time_point t0 = steady::now();
    const batch_result b = eng.ingest(std::span<const event>(pending));
    c.ingest_seconds += seconds_between(t0, steady::now());
    c.accepted += b.accepted;
    c.duplicate += b.duplicate;
    if (b.rejected > 0) {
      // Not foreseen by check_fields: counted, without a line.
      csv_row unknown;
      unknown.problem = row_problem::rejected_by_engine;
      unknown.detail = "refused by the engine (in a batch, line unknown)";
      for (std::uint64_t k = 0; k < b.rejected; ++k) tally(c, unknown);
    }
    pending.clear();
  };
  // One batch through the engine; true when strict mode must stop.
  auto process = [&](std::span<const csv_row> batch) {
    bool stop = false;
    const double ingest_before = c.ingest_seconds;
    const steady::time_point t0 = steady::now();
    for (const csv_row& r : batch) {
      ++c.rows;
      if (!r.ok()) {
        tally(c, r);
        if (options.on_bad_row) options.on_bad_row(r);
        if (options.strict) stop = true;
      } else if (r.time_us > last_us) {
        ++c.after_at;
      } else if (const reject_reason why = check_fields(r.ev); why != reject_reason::none) {
        refuse(r, why);
        if (options.strict) stop = true;
      } else if (r.ev.person.size() > 4096) {
        flush();
        const steady::time_point t1 = steady::now();
        const ingest_result res = eng.ingest(r.ev);
        c.ingest_seconds += seconds_between(t1, steady::now());
        if (res.status == ingest_status::accepted) ++c.accepted;
        if (res.status == ingest_status::duplicate) ++c.duplicate;
        if (res.status == ingest_status::rejected) {
          refuse(r, res.why_rejected);
          if (options.strict) stop = true;
        }
      } else {
        pending.push_back(r.ev);
      }
      if (stop) break;
    }
    flush();
    // Sorting rows out before the engine sees them counts as reading.
    c.parse_seconds += seconds_between(t0, steady::now()) - (c.ingest_seconds - ingest_before);
    return stop;
  };

  bool stopped = false;
  if (!options.parallel_read) {
    for (;;) {
      const steady::time_point t0 = steady::now();
      const std::span<const csv_row> batch = reader.next_batch(options.batch_rows);
      c.parse_seconds += seconds_between(t0, steady::now());
      if (batch.empty()) break;
      stopped = process(batch);
      if (options.on_progress) options.on_progress(reader.bytes_read(), reader.total_bytes());
      if (stopped) break;
    }
  } else {
    // A reader thread parses ahead while this thread ingests. The reader keeps
    // `batches_kept` batches valid, so before asking for batch i the reader
    // thread waits until batch i - batches_kept is done with. Reading a few
    // batches ahead absorbs the scheduling hiccups of a busy machine.
    constexpr std::uint64_t ahead = event_csv_reader::batches_kept - 1;
    std::mutex m;
    std::condition_variable cv;
    std::array<std::pair<std::span<const csv_row>, std::uint64_t>, event_csv_reader::batches_kept> slots{};
    std::uint64_t produced = 0, finished = 0;
    bool end = false, stop = false;
    std::exception_ptr failure;
    double read_seconds = 0;
    std::thread producer([&] {
      for (std::uint64_t i = 0;; ++i) {
        {
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return stop || finished + ahead >= i; });
          if (stop) break;
        }
        std::span<const csv_row> batch;
        const steady::time_point t0 = steady::now();
        try {
          batch = reader.next_batch(options.batch_rows);
        } catch (...) {
          std::lock_guard lock(m);
          failure = std::current_exception();
          break;
        }
        read_seconds += seconds_between(t0, steady::now());
        const std::uint64_t bytes = reader.bytes_read();
        std::lock_guard lock(m);
        if (batch.empty()) break;
        slots[i % slots.size()] = {batch, bytes};
        ++produced;
        cv.notify_all();
      }
      std::lock_guard lock(m);
      end = true;
      cv.notify_all();
    });
    try {
      for (std::uint64_t i = 0;; ++i) {
        std::span<const csv_row> batch;
        std::uint64_t bytes = 0;
        {
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return produced > i || end; });
          if (produced <= i) break;
          std::tie(batch, bytes) = slots[i % slots.size()];
        }
        stopped = process(batch);
        {
          std::lock_guard lock(m);
          finished = i + 1;
          stop = stopped;
          cv.notify_all();
        }
        if (options.on_progress) options.on_progress(bytes, reader.total_bytes());
        if (stopped) break;
      }
    } catch (...) {
      // A callback threw: let the reader thread finish before passing it on.
      {
        std::lock_guard lock(m);
        stop = true;
        cv.notify_all();
      }
      producer.join();
      throw;
    }
    producer.join();
    c.parse_seconds += read_seconds;
    if (failure) std::rethrow_exception(failure);
  }
  const bool stop = stopped;
  if (options.at) eng.advance_to(at_end);  // also after a strict stop: the state as of the day
  c.bytes = reader.bytes_read();
  c.stopped = stop;
  c.seconds = seconds_between(start, steady::now());
  return c;
}

}  // namespace lifecycle
