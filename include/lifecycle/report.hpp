#pragma once
/// \file report.hpp
/// The replay report: feed an event CSV to an engine, collect what a growth team
/// looks at (counts, the transition matrix, conversion, retention, time in each
/// stage, signals, tiers, NPS), and render it as text tables, JSON, a Graphviz
/// graph, or CSV.
///
/// ```
/// lifecycle::engine eng(rules, {lifecycle::history_mode::none});
/// lifecycle::report_collector collector(eng);        // before the first event
/// auto reader = lifecycle::event_csv_reader::open("events.csv");
/// const auto counts = lifecycle::replay_csv(reader, eng);
/// const auto rep = lifecycle::build_report(eng, collector, counts, "events.csv");
/// std::cout << lifecycle::render_text(rep);
/// ```

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "lifecycle/engine.hpp"
#include "lifecycle/event_csv.hpp"
#include "lifecycle/flows.hpp"
#include "lifecycle/nps.hpp"
#include "lifecycle/people_graph.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/transition.hpp"

namespace lifecycle {

// ---------------------------------------------------------------------------
// Replaying a file

/// How often a kind of bad row occurred, and where first.
struct row_problem_tally {
  row_problem problem = row_problem::none;
  std::uint64_t count = 0;
  std::uint64_t first_line = 0;  ///< the line of the first such row
  std::string first_detail;      ///< its reason
};

/// What became of the rows of an event file, and how long it took.
struct replay_counts {
  std::uint64_t rows = 0;       ///< data rows read (blank lines are no rows)
  std::uint64_t accepted = 0;   ///< ingested and new
  std::uint64_t duplicate = 0;  ///< ingested, but an event id already seen
  std::uint64_t rejected = 0;   ///< bad rows plus rows the engine refused
  std::uint64_t after_at = 0;   ///< good rows dated after the `at` day, not replayed
  std::vector<row_problem_tally> problems;  ///< rejected rows by problem, in enum order
  bool stopped = false;         ///< strict mode stopped at a bad row
  std::uint64_t bytes = 0;      ///< bytes read
  double parse_seconds = 0;     ///< reading and parsing (on its own thread when `parallel_read`)
  double ingest_seconds = 0;    ///< `engine::ingest` calls
  double seconds = 0;           ///< the whole replay, wall clock (less than the sum when parallel)
};

/// Options of `replay_csv`.
struct replay_options {
  /// Replay only events up to the end of this business day, then advance the
  /// clock to its last instant (the state as of that day).
  std::optional<boost::gregorian::date> at;
  /// Stop at the first bad row (after reporting it); rows before it stay ingested.
  bool strict = false;
  /// Rows parsed per batch before they are ingested.
  std::size_t batch_rows = 4096;
  /// Read and parse on a second thread while this one ingests (the engine is
  /// only ever touched by the calling thread; callbacks run on it too).
  bool parallel_read = true;
  /// Called for each bad row: unparsable, or refused by the engine
  /// (`row_problem::rejected_by_engine`, detail = the engine's reason).
  std::function<void(const csv_row&)> on_bad_row;
  /// Called after each batch with the bytes read so far and the input's size (0 if unknown).
  std::function<void(std::uint64_t bytes_read, std::uint64_t total_bytes)> on_progress;
};

/// Reads every row of \p reader into \p eng in file order. Good rows are
/// ingested; bad rows are counted (and passed to `on_bad_row`) and skipped.
/// The engine must run on the replay clock. Throws only what the reader throws
/// (a read error).
replay_counts replay_csv(event_csv_reader& reader, engine& eng, const replay_options& options = {});

// ---------------------------------------------------------------------------
// Collecting

/// Watches an engine (it subscribes to its transitions) and keeps, per person,
/// what the report needs beyond the engine's own counters: whether and when the
/// person converted, when they first became passive, how long each finished
/// stay in a stage lasted, the transitions by cause, and the person's path
/// through the stages with the times of the steps the flows measure; with
/// \p keep_signals also every signal (`change::signal`), in the order the
/// engine emitted them. Only stage transitions feed the matrix, the stays and
/// the flows: role changes and signals never do. Create it before the engine's
/// first event; it must not outlive the engine, and the engine must not be
/// moved while it watches. O(1) per transition (plus one `profile_of` at a
/// person's first stage change); about 70 bytes per person who changed stage,
/// plus `sizeof(transition)` per signal kept.
class report_collector {
 public:
  explicit report_collector(engine& eng, bool keep_signals = false);
  ~report_collector();
  report_collector(const report_collector&) = delete;
  report_collector& operator=(const report_collector&) = delete;

  /// Whether person \p p ever became a customer (as `engine::conversions` counts).
  bool converted(person_id p) const noexcept;
  /// The instant \p p first became passive since last leaving potential, if they did.
  std::optional<boost::posix_time::ptime> passive_since(person_id p) const;
  /// Durations, in days, of every stay in \p s that has ended.
  std::span<const float> finished_stays(stage s) const noexcept;
  /// Stage transitions by cause (indexed by `cause`), from (row) and to (column).
  const std::array<transition_matrix, 3>& matrix_by_cause() const noexcept;
  /// The flows of the transitions seen so far, as of the engine's clock: the
  /// Markov chain of the engine's transition matrix and current stages, the
  /// same outcomes by direct count, the \p top_paths most common paths and the
  /// durations (flows.hpp). O(persons who changed stage).
  flow_summary flows(std::size_t top_paths = 10) const;
  /// The signals seen so far, in emission order (empty unless constructed with keep_signals).
  std::span<const transition> signals() const noexcept;

 private:
  struct impl;
  engine* eng_;
  subscription sub_;
  std::unique_ptr<impl> impl_;
};

// ---------------------------------------------------------------------------
// The report

/// Persons and customers of one monthly cohort of first appearance.
struct cohort_conversion {
  boost::gregorian::date month;  ///< the first day of the month
  std::uint64_t persons = 0;
  std::uint64_t customers = 0;   ///< of them, converted at some point
};

/// The retention horizons: k months after the first purchase, in days
/// (k × 30.44 days, rounded): 1, 2, 3, 6 and 12 months.
inline constexpr std::array<int, 5> retention_months = {1, 2, 3, 6, 12};
inline constexpr std::array<int, 5> retention_days = {30, 61, 91, 183, 365};

/// One monthly cohort of first purchase.
struct retention_cohort {
  boost::gregorian::date month;  ///< the first day of the month
  std::uint64_t customers = 0;   ///< persons whose first (net) purchase fell in the month
  /// Per horizon: how many had not become passive by that day; empty when the
  /// horizon of the cohort's last day lies after the report day (not yet observable).
  std::array<std::optional<std::uint64_t>, retention_days.size()> not_passive;
};

/// Time spent in one stage.
struct stage_time {
  std::uint64_t persons = 0;     ///< persons who spent time in it (or are in it now)
  double median_days = 0;        ///< median over them of total days in it so far
  std::uint64_t finished = 0;    ///< stays that have ended
  double median_finished = 0;    ///< median length of those stays, days
};

/// The people graph in figures (people_graph.hpp).
struct people_summary {
  std::uint64_t purchases = 0;             ///< purchases of the known persons (net of refunds, plus the refunded)
  std::uint64_t purchases_for_others = 0;  ///< of them with a `target` other than the payer
  std::uint64_t payers = 0;                ///< persons who paid for someone else
  std::uint64_t beneficiaries = 0;         ///< persons someone else paid for
  std::uint64_t referrals = 0;             ///< referrals that name the person referred
  std::uint64_t referrers = 0;             ///< persons who referred someone
  std::uint64_t referred = 0;              ///< persons someone referred
  std::uint64_t graph_persons = 0;         ///< vertices (every handle, targets included)
  std::uint64_t graph_edges = 0;           ///< distinct links, both kinds
  double build_seconds = 0;                ///< building the graph from the engine's links
  std::size_t bytes = 0;                   ///< the graph's memory
};

/// One row of the `advocates` section.
struct advocate_entry {
  std::string person;  ///< the advocate's id
  advocate figures;
};

/// Everything the replay report shows. Plain data: render it, or read it.
struct replay_report {
  std::string source;            ///< the file replayed
  policy rules;
  boost::gregorian::date as_of;  ///< the business day the state is reported at
  bool as_of_given = false;      ///< from `--at`, or else the latest event's day
  replay_counts rows;
  std::uint64_t persons = 0;     ///< known persons
  std::array<std::uint64_t, stage_count> stages{};
  std::array<std::uint64_t, role_count> roles{};
  std::uint64_t no_role = 0;     ///< persons holding no role
  transition_matrix matrix{};    ///< every stage transition
  std::array<std::uint64_t, 3> by_cause{};  ///< stage transitions by `cause`
  std::array<transition_matrix, 3> matrix_by_cause{};
  std::uint64_t customers = 0;   ///< persons who converted (`engine::conversions`)
  std::vector<cohort_conversion> conversion_by_cohort;
  /// Conversions by primary role at the moment of conversion; last = no role.
  std::array<std::uint64_t, role_count + 1> conversion_by_role{};
  std::vector<retention_cohort> retention;
  std::array<stage_time, stage_count> stage_times{};
  /// Stage moves the policy's stage graph forbids (recorded as corrections).
  transition_matrix forbidden{};
  std::uint64_t forbidden_total = 0;
  flow_summary flows;
  people_summary people;
  /// The top ten advocates: most referred persons who became customers.
  std::vector<advocate_entry> advocates;
  /// Signals emitted during the replay, by kind (`engine::signal_counts`).
  std::array<std::uint64_t, signal_count> signals{};
  /// Known persons per tier, indexed like `rules.tiers` (`engine::tier_counts`);
  /// empty when the policy has no tiers. With one tier, every person is in it.
  std::vector<std::uint64_t> tiers;
  /// Each person's latest feedback score, overall, by stage and by primary role (`engine::nps`).
  nps_table nps;
};

/// Computes the report from the engine (as of its clock) and the collector.
/// Reads every known person's profile once and builds the people graph:
/// O(persons + links log links).
replay_report build_report(const engine& eng, const report_collector& collector, const replay_counts& rows,
                           std::string source);

/// The report as readable text tables (what `lifecycle replay` prints).
std::string render_text(const replay_report& r);
/// The whole report as one JSON object (see docs/cli.md for the fields).
std::string render_json(const replay_report& r);
/// The lifecycle as a Graphviz digraph: stages as nodes sized by persons,
/// transitions as edges labelled with counts (corrections dashed). `dot -Tsvg` renders it.
std::string render_dot(const replay_report& r);

/// One CSV row per known person, in order of first appearance, with the columns
/// `person,stage,roles,primary_role,purchases` first (roles `;`-separated in
/// report order, empty when none; purchases net of refunds), then
/// `coupon_purchases,refunded_purchases,spend,first_seen,first_purchase,last_purchase,stage_since`
/// and `days_<stage>` for each stage; with a customer-base model `p_alive,expected_purchases,clv`;
/// last, when the policy tracks signals, tiers or NPS, `points,tier,reachable,nps_score`
/// (tier by name, empty without tiers; reachable `true`/`false`; nps_score empty without one).
void write_profiles_csv(std::ostream& out, const engine& eng);

/// One CSV row per stage or role transition: `time,person,change,from,to,role,cause,reason`.
/// Signals among \p transitions are skipped: `write_signals_csv` writes them.
void write_transitions_csv(std::ostream& out, const engine& eng, std::span<const transition> transitions);

/// One CSV row per signal among \p transitions (others are skipped), in their
/// order: `person,signal,time,cause,reason`. Feed it `report_collector::signals()`
/// or `engine::all_history()`.
void write_signals_csv(std::ostream& out, const engine& eng, std::span<const transition> transitions);

}  // namespace lifecycle
