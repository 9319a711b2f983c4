#pragma once
/// \file event_csv.hpp
/// Reading the event CSV: a streaming RFC 4180 reader that turns rows into `event`s.
///
/// The file has a header row; columns are found by name: `time`, `person` and
/// `event` are required; `amount`, `coupon`, `id`, `target`, `ref` and `score`
/// are optional; any other column is ignored. Columns may come in any order.
/// See docs/cli.md for the format.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "lifecycle/detail/enum_text.hpp"
#include "lifecycle/event.hpp"

namespace lifecycle {

/// Parses an event time, UTC: `YYYY-MM-DD` (midnight), `YYYY-MM-DDTHH:MM` or
/// `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction of a second (`.5`, up to 6
/// digits) and a trailing `Z`; a space may stand for the `T`. Years 1400..9999.
/// Returns microseconds since 1970-01-01T00:00Z, or nullopt for anything else
/// (a day that does not exist, a month 13, stray characters). No allocation.
std::optional<std::int64_t> parse_event_time_us(std::string_view text) noexcept;

/// The same as a `ptime`.
std::optional<boost::posix_time::ptime> parse_event_time(std::string_view text) noexcept;

/// A `ptime` from microseconds since 1970-01-01T00:00Z.
boost::posix_time::ptime time_from_us(std::int64_t us);

/// Why a row of the event CSV was refused. Values are stable.
enum class row_problem : std::uint8_t {
  none,                ///< a good row
  column_count,        ///< the row has more or fewer fields than the header
  bad_quoting,         ///< a quote that is never closed, or text after a closing quote
  too_long,            ///< the row is longer than `event_csv_options::max_row_bytes`
  missing_field,       ///< `time`, `person` or `event` is empty
  bad_time,            ///< the time does not parse (see `parse_event_time_us`)
  unknown_kind,        ///< the event is not one of the thirteen kinds
  bad_amount,          ///< not a decimal with at most two decimals, or negative on a purchase
  bad_coupon,          ///< coupon is not 1, 0, true, false or empty
  bad_score,           ///< score is not an integer 0..10 or empty
  rejected_by_engine,  ///< the row parsed but `engine::ingest` refused it (replay only)
};

inline constexpr std::array<std::string_view, 11> row_problem_names = {
    "none",        "column_count", "bad_quoting", "too_long",   "missing_field",     "bad_time",
    "unknown_kind", "bad_amount",  "bad_coupon",  "bad_score",  "rejected_by_engine"};

/// The problem's short name, e.g. "bad_time".
constexpr std::string_view to_string(row_problem p) noexcept {
  return row_problem_names[static_cast<std::size_t>(p)];
}

/// Number of `row_problem` values.
inline constexpr std::size_t row_problem_count = row_problem_names.size();

/// One data row as read: an event, or the reason it is bad.
struct csv_row {
  /// The event (when `ok()`). Its string views point into the reader's buffer
  /// and stay valid until the reader's next call.
  event ev;
  std::int64_t time_us = 0;  ///< `ev.time` in microseconds since the epoch
  std::uint64_t line = 0;    ///< the 1-based line of the file the row starts on
  row_problem problem = row_problem::none;
  std::string detail;        ///< for a bad row: a sentence, e.g. "unknown event kind 'purchse'"
  bool ok() const noexcept { return problem == row_problem::none; }
};

/// Tuning knobs of the reader.
struct event_csv_options {
  /// A row (with its quoted line breaks) longer than this is bad; the reader
  /// then resumes at the next line. Must be well below `block_bytes`.
  std::size_t max_row_bytes = 64 * 1024;
  /// How much the reader asks the operating system for at a time.
  std::size_t block_bytes = 4 * 1024 * 1024;
};

/// A streaming reader of the event CSV (RFC 4180: fields separated by commas,
/// rows by LF or CRLF, `"` quotes fields, `""` inside quotes is one quote, a
/// quoted field may hold commas and line breaks). Reads big blocks and parses
/// in place: no allocation per good row. Not thread-safe: one thread calls it. Bad rows are results, never
/// exceptions: each comes back with its line and reason, and reading goes on
/// at the next row. A bad row that spans several lines (a quote never closed)
/// is reported at its first line, and reading resumes at the line after it,
/// so one stray quote never swallows good rows. Blank lines are skipped. Any
/// bytes are safe (NUL, invalid UTF-8, binary garbage). Unquoted fields are
/// trimmed of spaces and tabs; a UTF-8 byte order mark before the header is skipped.
class event_csv_reader {
 public:
  /// Opens \p path (`-` reads standard input) and reads the header. Throws
  /// `lifecycle::error` with errc::invalid_argument when the file cannot be
  /// opened or read, and errc::parse_error naming the file and line 1 when the
  /// file is empty or its header lacks `time`, `person` or `event` or repeats a name.
  static event_csv_reader open(const std::string& path, event_csv_options options = {});

  /// Reads CSV held in \p text (copied); \p name stands for the file in errors.
  static event_csv_reader from_string(std::string_view text, std::string name = "<string>",
                                      event_csv_options options = {});

  event_csv_reader(event_csv_reader&&) noexcept;
  event_csv_reader& operator=(event_csv_reader&&) noexcept;
  ~event_csv_reader();

  /// How many batches stay valid at once: the rows a call returns (and the
  /// string views in their events) stay valid through the next
  /// `batches_kept - 1` calls, so one thread may ingest batches while another
  /// reads ahead.
  static constexpr std::size_t batches_kept = 4;

  /// The next rows in file order, at most \p max_rows (at least 1 unless at
  /// the end); empty once the input is exhausted. Valid as `batches_kept`
  /// says. Throws `lifecycle::error` (errc::invalid_argument) only if the
  /// operating system reports a read error.
  std::span<const csv_row> next_batch(std::size_t max_rows = 4096);

  /// The next row, or nullptr at the end; valid as a batch of one is.
  const csv_row* next();

  /// The file name as given (or the `from_string` name).
  const std::string& name() const noexcept;
  /// The header's column names, in file order.
  const std::vector<std::string>& columns() const noexcept;
  /// Bytes consumed so far (for a progress display).
  std::uint64_t bytes_read() const noexcept;
  /// The input's size in bytes when known (a regular file), else 0.
  std::uint64_t total_bytes() const noexcept;

 private:
  struct impl;
  explicit event_csv_reader(std::unique_ptr<impl> m);
  std::unique_ptr<impl> impl_;
};

/// Writes \p field as a CSV field: as is, or quoted (with `"` doubled) when it
/// holds a comma, a quote, a line break or leading/trailing space.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace lifecycle

template <>
struct fmt::formatter<lifecycle::row_problem>
    : lifecycle::detail::enum_formatter<lifecycle::row_problem> {};
