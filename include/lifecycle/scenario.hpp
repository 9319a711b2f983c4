#pragma once
/// \file scenario.hpp
/// Scenario scripts: plain-text files that feed events to a fresh engine and
/// state what must then be true. This header holds the parsed form of a
/// script, the parser and the runner; docs/scenarios.md describes the language.
///
/// \code
///   const lifecycle::script_result r = lifecycle::run_file("stages.scn");
///   if (!r.passed()) std::fputs(lifecycle::format_report(r).c_str(), stderr);
/// \endcode

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/engine.hpp"
#include "lifecycle/event.hpp"
#include "lifecycle/event_kind.hpp"
#include "lifecycle/money.hpp"
#include "lifecycle/month_day.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/role.hpp"
#include "lifecycle/signal.hpp"
#include "lifecycle/stage.hpp"
#include "lifecycle/transition.hpp"

namespace lifecycle {

// ---------------------------------------------------------------------------
// The parsed form of a script. Every statement keeps its line, so results and
// errors can point back at the text.

/// An event line (`<time> <person> <kind> [amount=..] [coupon] [id=..] ...`):
/// an event whose strings the script owns.
struct script_event {
  boost::posix_time::ptime time;  ///< UTC
  std::string person;
  event_kind kind = event_kind::visit;
  money amount{};       ///< `amount=<decimal>`, in minor units; may be negative (the engine rejects it)
  bool coupon = false;  ///< `coupon`
  std::string id;       ///< `id=<id>`, empty when absent
  std::string target;   ///< `target=<person>`: a purchase's beneficiary, a referral's referred person
  std::string ref;      ///< `ref=<id>`: the purchase a refund cancels
  int score = -1;       ///< `score=<int>`, -1 when absent

  /// The event to ingest. It borrows this object's strings: keep the
  /// script_event alive while the event is in use.
  event to_event() const noexcept;
};

/// `advance <time>`: moves the engine's clock; time-driven changes happen.
struct script_advance {
  boost::posix_time::ptime to;  ///< UTC
};

/// `set <person> birthday <MM-DD>|none`: engine::set_birthday at the clock.
struct script_birthday {
  std::string person;
  std::optional<month_day> value;  ///< nullopt: `none` (clears it)
};

/// `set <person> reachable yes|no`: engine::set_reachable at the clock (an
/// opt-in or an opt-out).
struct script_reachable {
  std::string person;
  bool value = true;
};

/// `expect <person> stage <stage>`. `unknown` (no value) holds while no
/// accepted event has reached the person (e.g. a child named only as a
/// purchase's `target=`).
struct expect_stage {
  std::string person;
  std::optional<stage> value;  ///< nullopt: `unknown`
};

/// `expect <person> roles <role>[,<role>...]` or `none`: the exact set held.
struct expect_roles {
  std::string person;
  role_set value;
};

/// `expect <person> primary <role>` or `none`.
struct expect_primary {
  std::string person;
  std::optional<role> value;  ///< nullopt: `none`
};

/// `expect <person> path <stage>,<stage>,...`: every stage held, in order,
/// from potential, corrections included. `path none` holds for a person no
/// accepted event has reached.
struct expect_path {
  std::string person;
  std::vector<stage> value;  ///< empty: `none`
};

/// What `expect count corrections|forbidden <n>` counts: stage transitions
/// recorded as corrections, or those of them the stage graph forbids.
enum class move_tally : std::uint8_t { corrections, forbidden };

/// `expect count <stage|role> <n>`: persons in that stage, or holding that role;
/// `expect count corrections <n>` / `expect count forbidden <n>`: stage moves so far;
/// `expect count <signal> <n>`: signals of that kind emitted so far, all persons
/// together (`engine::signal_counts`).
struct expect_count {
  std::variant<stage, role, move_tally, signal_kind> of;
  std::uint64_t value = 0;
};

/// `expect <person> signal <name>`: the person has had that signal at least
/// once so far (from events, and from time up to the clock);
/// `expect <person> no-signal <name>`: never so far.
struct expect_signal {
  std::string person;
  signal_kind kind = signal_kind::browse_no_buy;
  bool emitted = true;  ///< false: `no-signal`
};

/// `expect <person> tier <name>`: the person's current tier, a name from the
/// policy's `tiers`. `unknown` holds while no accepted event has reached the person.
struct expect_tier {
  std::string person;
  std::optional<std::string> value;  ///< nullopt: `unknown`
};

/// `expect <person> points <n>`: the points in the last points_window_days.
struct expect_points {
  std::string person;
  std::int64_t value = 0;
};

/// `expect <person> reachable yes|no`: whether the person confirmed the
/// relationship (a follow, or an opt-in) and has not opted out since.
struct expect_reachable {
  std::string person;
  bool value = true;
};

/// `expect <person> nps <score>|none`: the person's latest feedback score, 0..10.
struct expect_person_nps {
  std::string person;
  std::optional<int> value;  ///< nullopt: `none`
};

/// `expect nps <score>|none`: the net promoter score of everyone's latest
/// answer, rounded to one decimal; `expect nps <stage|role> <score>|none`: that
/// of the persons in the stage, or with that primary role (`engine::nps`).
struct expect_nps {
  std::optional<std::variant<stage, role>> of;  ///< nullopt: overall
  std::optional<std::int32_t> value;            ///< in tenths (-1000 .. 1000); nullopt: `none`, no answers
};

/// Whose names `expect <person> beneficiaries|payers|referred ...` lists.
enum class people_relation : std::uint8_t {
  beneficiaries,  ///< whom the person paid for (purchases with `target=`)
  payers,         ///< who paid for the person
  referred        ///< whom the person referred (referrals with `target=`)
};

/// `expect <person> beneficiaries|payers|referred <person>[,<person>...]` or
/// `none`: exactly these persons, in any order (people_graph.hpp).
struct expect_people {
  std::string person;
  people_relation relation = people_relation::beneficiaries;
  std::vector<std::string> value;  ///< sorted; empty: `none`
};

/// `expect <person> reach <n>` / `expect <person> reach_customers <n>`: how many
/// persons the person's referrals reached (referrals of referrals included, the
/// person excluded), or how many of those became customers.
struct expect_reach {
  std::string person;
  bool customers = false;  ///< `reach_customers`
  std::uint64_t value = 0;
};

/// `expect rejected` (also `expect duplicate`, `expect accepted`): what became
/// of the event line just before this statement.
struct expect_outcome {
  ingest_status value = ingest_status::rejected;
};

/// One statement of a scenario, other than `scenario` and `policy` lines.
using script_step = std::variant<script_event, script_advance, expect_stage, expect_roles,
                                 expect_primary, expect_path, expect_count, expect_outcome,
                                 expect_people, expect_reach, script_birthday, script_reachable,
                                 expect_signal, expect_tier, expect_points, expect_reachable,
                                 expect_person_nps, expect_nps>;

/// A statement with where it was written.
struct script_statement {
  int line = 0;      ///< 1-based line in the scenario's file
  std::string text;  ///< the statement as written, comment and surrounding blanks removed
  script_step step;
};

/// One scenario: a title, the policy its `policy` lines set, and its statements
/// in order. Each scenario runs on a fresh engine.
struct scenario {
  std::string title;                      ///< the words after `scenario`
  std::string file;                       ///< the file name given to the parser
  int line = 0;                           ///< the line of the `scenario` statement
  policy rules;                           ///< model.md's defaults changed by the `policy` lines
  std::vector<script_statement> statements;
};

/// A parsed file: its scenarios in file order.
struct scenario_script {
  std::string file;  ///< the file name given to the parser
  std::vector<scenario> scenarios;
};

// ---------------------------------------------------------------------------
// Parsing.

/// Longest line a script may hold, in bytes (longer lines are malformed).
inline constexpr std::size_t max_script_line = 4096;
/// Largest script file `load_scenarios` reads, in bytes.
inline constexpr std::size_t max_script_bytes = std::size_t{64} << 20;

/// Parses the scenarios in \p text. \p file_name is used in messages and copied
/// into the result. Lines may end in LF or CRLF; a leading UTF-8 byte order
/// mark is skipped.
///
/// Throws `lifecycle::error` (errc::parse_error, with file and line) for a
/// malformed script: text that is not valid UTF-8, a control character such as
/// NUL, a line over `max_script_line` bytes, an unknown statement, a statement
/// before the first `scenario` line, a bad time, an unknown kind, field, stage,
/// role, signal or policy key, a tier the policy does not define, a bad policy
/// value, birthday (`02-30`), `reachable` value or NPS score, a `set` line under
/// a policy that tracks no signals, tiers or NPS, a `policy` line after the
/// scenario's first other statement, an expectation or `set` about a person no
/// earlier event line of the scenario names, `expect rejected` not right after
/// an event line, or a file with no scenario at all. What the engine would
/// refuse (a negative amount, a far-future event in host clock mode) is not
/// malformed: it is what `expect rejected` checks. Linear in the size of \p text.
scenario_script parse_scenarios(std::string_view text, std::string_view file_name = "<script>");

/// Reads and parses the file at \p path; names it in messages as given.
/// Throws `lifecycle::error` (errc::parse_error) when the file cannot be read,
/// is larger than `max_script_bytes`, or is malformed.
scenario_script load_scenarios(const std::filesystem::path& path);

// ---------------------------------------------------------------------------
// Running.

/// The outcome of one check: an expectation, or an event line that the engine
/// rejected while no outcome expectation followed it (such a line fails, with
/// expected "accepted (no `expect rejected` follows the line)" and actual
/// "rejected: <reason>").
struct check_result {
  std::string file;
  int line = 0;
  std::string statement;  ///< the line as written, e.g. "expect nazi stage loyal"
  std::string expected;   ///< e.g. "loyal", "creator,buyer", "3", "rejected"
  std::string actual;     ///< the same form, e.g. "deal_hunter"; "unknown" for a person no accepted event reached
  bool passed = false;
  std::string person;     ///< the person the check is about, or empty
  /// For a failed check about a person: that person's transitions up to the
  /// check, oldest first (format one with `to_string` or fmt). Empty otherwise.
  /// The transitions' `person` handles belong to the scenario's engine, which
  /// is gone; `person` above names them.
  std::vector<transition> history;
};

/// The checks of one scenario, in statement order.
struct scenario_result {
  std::string title;
  std::string file;
  int line = 0;  ///< of the `scenario` statement
  std::vector<check_result> checks;

  /// True when every check passed (also when there is none).
  bool passed() const noexcept;
  /// Number of failed checks.
  std::size_t failures() const noexcept;
};

/// The results of a script's scenarios, in file order.
struct script_result {
  std::vector<scenario_result> scenarios;

  /// True when every scenario passed.
  bool passed() const noexcept;
  /// Number of scenarios with at least one failed check.
  std::size_t failed_scenarios() const noexcept;
};

/// Runs \p s on a fresh engine built from `s.rules` (history kept in full) and
/// returns one result per expectation, plus one failed result per rejected
/// event line that no outcome expectation follows, and one per `set` the engine
/// refuses (only a hand-built scenario can hold one). Never throws for anything a
/// parsed script holds; throws `lifecycle::error` (errc::invalid_policy) when
/// a hand-built scenario's `rules` do not validate.
scenario_result run(const scenario& s);

/// Runs every scenario of \p script, each on its own fresh engine.
script_result run(const scenario_script& script);

/// `run(load_scenarios(path))`: throws as `load_scenarios` does.
script_result run_file(const std::filesystem::path& path);

// ---------------------------------------------------------------------------
// Reporting.

/// How much `format_report` writes.
enum class report_detail : std::uint8_t {
  failures,  ///< one line per scenario, details of each failed check (the default)
  quiet      ///< failed scenarios and their failed checks only
};

/// The human report of \p r, one scenario per line:
///
///     pass  stages.scn:3  coupons make a deal hunter
///     FAIL  stages.scn:12  a loyal customer lapses
///       stages.scn:19: expect sara stage passive
///         expected: passive
///         got:      loyal
///         history of sara:
///           2024-01-01T00:00:00 stage potential -> new (event): new: first purchase 0 days ago (< 30)
///
/// Ends with a newline; empty when \p r holds no scenario and \p detail is quiet.
std::string format_report(const script_result& r, report_detail detail = report_detail::failures);

/// The details of one check as `format_report` prints a failed one (the
/// `file:line: statement` line, expected, got, the person's history), each
/// line indented by \p indent spaces.
std::string format_check(const check_result& c, int indent = 0);

}  // namespace lifecycle
