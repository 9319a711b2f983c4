// A lifecycle service that keeps no engine in memory: each person's state is a
// blob in a SQLite database. Per event, in one transaction: drop it if its id
// was seen, load the person's state, apply the event, store the state and its
// next deadline. Time-driven changes come from a query on the deadlines.
//
// The run replays a generated log this way and through an in-memory engine and
// requires the same profile for every person (exit 1 otherwise).
//
//   sql_state [--persons N] [--days D] [--db FILE]   (default: a temporary file)

#include <lifecycle/lifecycle.hpp>

#include <sqlite3.h>

#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using boost::posix_time::ptime;
using namespace lifecycle;

// --- a thin RAII layer over the SQLite C API ---------------------------------

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;
using statement = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db)));
}

statement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  check(db, sqlite3_prepare_v2(db, sql, -1, &s, nullptr), sql);
  return statement(s);
}

void exec(sqlite3* db, const char* sql) { check(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr), sql); }

void bind_text(sqlite3_stmt* s, int i, std::string_view t) {
  sqlite3_bind_text(s, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
}

std::int64_t micros(ptime t) { return (t - ptime(boost::gregorian::date(1970, 1, 1))).total_microseconds(); }

// --- the service ----------------------------------------------------------------

class sql_lifecycle_store {
 public:
  sql_lifecycle_store(const std::string& path, policy rules) : rules_(std::move(rules)) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open(path.c_str(), &raw);
    db_.reset(raw);
    check(raw, rc, "open");
    // WAL with synchronous=NORMAL: a commit is atomic and survives a crash of
    // the service; only a power loss may undo the last commits.
    exec(raw, "PRAGMA journal_mode=WAL");
    exec(raw, "PRAGMA synchronous=NORMAL");
    exec(raw,
         "CREATE TABLE IF NOT EXISTS person_state ("
         "  person TEXT PRIMARY KEY, state BLOB NOT NULL, next_deadline INTEGER);"
         "CREATE INDEX IF NOT EXISTS by_deadline ON person_state(next_deadline);"
         "CREATE TABLE IF NOT EXISTS seen_event (id TEXT PRIMARY KEY);"
         "CREATE TABLE IF NOT EXISTS service_clock (one INTEGER PRIMARY KEY CHECK (one = 1), us INTEGER);");
    seen_ = prepare(raw, "INSERT OR IGNORE INTO seen_event(id) VALUES (?)");
    load_ = prepare(raw, "SELECT state FROM person_state WHERE person = ?");
    store_ = prepare(raw,
                     "INSERT INTO person_state(person, state, next_deadline) VALUES (?, ?, ?) "
                     "ON CONFLICT(person) DO UPDATE SET state = excluded.state, next_deadline = excluded.next_deadline");
    due_ = prepare(raw, "SELECT person, state FROM person_state WHERE next_deadline <= ?");
    get_clock_ = prepare(raw, "SELECT us FROM service_clock WHERE one = 1");
    set_clock_ = prepare(raw, "INSERT INTO service_clock(one, us) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET us = excluded.us");
  }

  /// One event, in one transaction. The service clock is the latest event time
  /// seen (the replay clock), kept in the database beside the states.
  apply_status ingest(const event& e) {
    sqlite3* db = db_.get();
    exec(db, "BEGIN IMMEDIATE");
    try {
      const apply_status status = ingest_in_transaction(e);
      exec(db, "COMMIT");
      return status;
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  /// Moves every person whose deadline has passed to \p now.
  std::size_t advance_to(ptime now) {
    sqlite3* db = db_.get();
    exec(db, "BEGIN IMMEDIATE");
    std::vector<std::pair<std::string, person_state>> due;
    sqlite3_reset(due_.get());
    sqlite3_bind_int64(due_.get(), 1, micros(now));
    int rc;
    while ((rc = sqlite3_step(due_.get())) == SQLITE_ROW) {
      const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(due_.get(), 0));
      due.emplace_back(name, person_state::from_bytes(blob(due_.get(), 1)));
    }
    check(db, rc, "select due");
    for (auto& [name, state] : due) {
      state.advance_to(now, rules_);
      store(name, state);
    }
    write_clock(now);
    exec(db, "COMMIT");
    return due.size();
  }

  std::optional<profile> profile_of(std::string_view person) {
    auto state = load(person);
    if (!state) return std::nullopt;
    return state->to_profile(rules_);
  }

 private:
  apply_status ingest_in_transaction(const event& e) {
    sqlite3* db = db_.get();
    // person_state recognises repeated purchase ids itself; other repeats are ours to drop.
    if (!e.id.empty() && e.kind != event_kind::purchase) {
      sqlite3_reset(seen_.get());
      bind_text(seen_.get(), 1, e.id);
      check(db, sqlite3_step(seen_.get()), "remember id");
      if (sqlite3_changes(db) == 0) return apply_status::duplicate;
    }
    std::optional<ptime> clock = read_clock();
    const ptime now = clock ? std::max(*clock, e.time) : e.time;
    person_state state = load(e.person).value_or(person_state{});
    const apply_result r = state.apply(e, rules_, now);
    if (r.status == apply_status::accepted) {
      store(e.person, state);
      write_clock(now);
    }
    return r.status;
  }

  static std::span<const std::byte> blob(sqlite3_stmt* s, int column) {
    const auto* p = static_cast<const std::byte*>(sqlite3_column_blob(s, column));
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(s, column))};
  }

  std::optional<person_state> load(std::string_view person) {
    sqlite3_reset(load_.get());
    bind_text(load_.get(), 1, person);
    const int rc = sqlite3_step(load_.get());
    check(db_.get(), rc, "load state");
    if (rc != SQLITE_ROW) return std::nullopt;
    return person_state::from_bytes(blob(load_.get(), 0));
  }

  void store(std::string_view person, const person_state& state) {
    const std::vector<std::byte> bytes = state.to_bytes();
    sqlite3_reset(store_.get());
    bind_text(store_.get(), 1, person);
    sqlite3_bind_blob(store_.get(), 2, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    const ptime deadline = state.next_deadline(rules_);
    if (deadline.is_special()) {
      sqlite3_bind_null(store_.get(), 3);
    } else {
      sqlite3_bind_int64(store_.get(), 3, micros(deadline));
    }
    check(db_.get(), sqlite3_step(store_.get()), "store state");
  }

  std::optional<ptime> read_clock() {
    sqlite3_reset(get_clock_.get());
    const int rc = sqlite3_step(get_clock_.get());
    check(db_.get(), rc, "read clock");
    if (rc != SQLITE_ROW) return std::nullopt;
    return ptime(boost::gregorian::date(1970, 1, 1)) +
           boost::posix_time::microseconds(sqlite3_column_int64(get_clock_.get(), 0));
  }

  void write_clock(ptime t) {
    const std::optional<ptime> old = read_clock();
    if (old && *old >= t) return;
    sqlite3_reset(set_clock_.get());
    sqlite3_bind_int64(set_clock_.get(), 1, micros(t));
    check(db_.get(), sqlite3_step(set_clock_.get()), "write clock");
  }

  policy rules_;
  db_handle db_;
  statement seen_, load_, store_, due_, get_clock_, set_clock_;
};

}  // namespace

int main(int argc, char** argv) {
  generator_options g;
  g.persons = 300;
  g.days = 120;
  g.seed = 11;
  g.dupes = 0.05;
  g.late = 0.05;
  // A database file of its own in the temp directory, removed at the end.
  const std::string temp_db =
      (std::filesystem::temp_directory_path() / fmt::format("lifecycle-sql-state-{}.db", ::getpid())).string();
  std::string db_path = temp_db;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--persons") g.persons = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--days") g.days = std::atoi(argv[i + 1]);
    else if (flag == "--db") db_path = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: sql_state [--persons N] [--days D] [--db FILE]\n");
      return 2;
    }
  }
  try {
    std::ostringstream csv;
    const generator_stats stats = generate_events(g, csv);
    policy rules;
    engine memory(rules);
    sql_lifecycle_store sql(db_path, rules);

    auto reader = event_csv_reader::from_string(csv.str(), "generated.csv");
    std::vector<std::string> persons;
    std::size_t mismatched = 0, rows = 0;
    for (const csv_row* row = reader.next(); row != nullptr; row = reader.next()) {
      if (!row->ok()) continue;
      ++rows;
      const ingest_result a = memory.ingest(row->ev);
      const apply_status b = sql.ingest(row->ev);
      const bool same = (a.status == ingest_status::accepted) == (b == apply_status::accepted);
      if (!same && ++mismatched <= 5)
        std::fprintf(stderr, "line %llu: engine %s, database %s\n", static_cast<unsigned long long>(row->line),
                     std::string(to_string(a.status)).c_str(), std::string(to_string(b)).c_str());
    }
    // Compare on the log's last day, then again half a year later (everyone lapsed).
    std::size_t differing = 0, compared = 0, woken = 0;
    auto compare_at = [&](ptime now) {
      memory.advance_to(now);
      woken += sql.advance_to(now);
      for (std::uint32_t i = 0;; ++i) {
        std::string name;
        try {
          name = std::string(memory.name(person_id{i}));
        } catch (const error&) {
          break;
        }
        const auto a = memory.profile_of(name);
        if (!a) continue;
        const auto b = sql.profile_of(name);
        ++compared;
        const bool same = b && a->current_stage == b->current_stage && a->roles == b->roles &&
                          a->purchases == b->purchases && a->spend == b->spend &&
                          a->coupon_purchases == b->coupon_purchases && a->stage_since == b->stage_since;
        if (!same && ++differing <= 5)
          std::fprintf(stderr, "%s: engine %s, database %s\n", name.c_str(),
                       std::string(to_string(a->current_stage)).c_str(),
                       b ? std::string(to_string(b->current_stage)).c_str() : "missing");
      }
      fmt::print("as of {}: stages {}\n", boost::posix_time::to_iso_extended_string(now),
                 fmt::join(memory.stage_counts(), " "));
    };
    const ptime last = memory.clock();
    compare_at(last);
    compare_at(last + boost::posix_time::hours(24 * 200));
    fmt::print("{} rows ({} sent twice), {} profiles compared, {} persons woken by deadlines in the database\n",
               rows, stats.duplicates, compared, woken);
    fmt::print("{} profiles differ, {} statuses differ\n", differing, mismatched);
    if (db_path == temp_db)
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(temp_db + suffix);
    return differing == 0 && mismatched == 0 && compared > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sql_state: %s\n", e.what());
    return 1;
  }
}
