// The event CSV reader: formats, quoting, line numbers, bad rows, any bytes.

#include <catch2/catch.hpp>

#include <lifecycle/error.hpp>
#include <lifecycle/event_csv.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace lifecycle;
using namespace std::string_literals;

namespace {

struct read_result {
  struct good {
    std::uint64_t line;
    std::int64_t time_us;
    std::string person, id, target, ref;
    event_kind kind;
    std::int64_t amount;
    bool coupon;
    int score;
    bool operator==(const good&) const = default;
  };
  struct bad {
    std::uint64_t line;
    row_problem problem;
    std::string detail;
  };
  std::vector<good> rows;
  std::vector<bad> bad_rows;
};

read_result drain(event_csv_reader& r, std::size_t batch = 4096) {
  read_result out;
  for (;;) {
    const auto b = r.next_batch(batch);
    if (b.empty()) break;
    for (const csv_row& row : b) {
      if (row.ok())
        out.rows.push_back({row.line, row.time_us, std::string(row.ev.person), std::string(row.ev.id),
                            std::string(row.ev.target), std::string(row.ev.ref), row.ev.kind, row.ev.amount.minor,
                            row.ev.coupon, row.ev.score});
      else
        out.bad_rows.push_back({row.line, row.problem, row.detail});
    }
  }
  return out;
}

read_result read_text(std::string_view text, event_csv_options o = {}) {
  auto r = event_csv_reader::from_string(text, "test.csv", o);
  return drain(r);
}

std::int64_t us(const char* text) {
  const auto v = parse_event_time_us(text);
  REQUIRE(v);
  return *v;
}

std::filesystem::path temp_file(const std::string& name, std::string_view content) {
  const auto path = std::filesystem::temp_directory_path() / ("lifecycle_event_csv_test_" + name);
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return path;
}

}  // namespace

TEST_CASE("event times: the accepted forms", "[event_csv]") {
  const std::int64_t day = 86'400'000'000LL;
  CHECK(parse_event_time_us("1970-01-01") == 0);
  CHECK(parse_event_time_us("1970-01-02") == day);
  CHECK(parse_event_time_us("2024-03-05") == us("2024-03-05T00:00"));
  CHECK(parse_event_time_us("2024-03-05T10:20") == us("2024-03-05") + (10 * 3600 + 20 * 60) * 1'000'000LL);
  CHECK(parse_event_time_us("2024-03-05T10:20:30") == us("2024-03-05T10:20") + 30'000'000LL);
  CHECK(parse_event_time_us("2024-03-05T10:20:30Z") == us("2024-03-05T10:20:30"));
  CHECK(parse_event_time_us("2024-03-05 10:20:30") == us("2024-03-05T10:20:30"));
  CHECK(parse_event_time_us("2024-03-05T10:20Z") == us("2024-03-05T10:20"));
  CHECK(parse_event_time_us("2024-03-05Z") == us("2024-03-05"));
  CHECK(parse_event_time_us("2024-03-05T10:20:30.5") == us("2024-03-05T10:20:30") + 500'000);
  CHECK(parse_event_time_us("2024-03-05T10:20:30.123456Z") == us("2024-03-05T10:20:30") + 123'456);
  CHECK(parse_event_time_us("2024-02-29"));  // a leap day
  CHECK(parse_event_time_us("2000-02-29"));
  CHECK(parse_event_time("1997-01-01T12:00") ==
        boost::posix_time::ptime(boost::gregorian::date(1997, 1, 1), boost::posix_time::hours(12)));
  CHECK(parse_event_time_us("1400-01-01"));
  CHECK(parse_event_time_us("9999-12-31T23:59:59"));
}

TEST_CASE("event times: everything else is refused", "[event_csv]") {
  for (const char* bad : {"", "2024", "2024-03", "2024-3-05", "2024/03/05", "2023-02-29", "1900-02-29",
                          "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-01T24:00",
                          "2024-01-01T10:60", "2024-01-01T10:00:60", "2024-01-01T10", "2024-01-01T1:00",
                          "2024-01-01x", "2024-01-01T10:00:00.", "2024-01-01T10:00:00.1234567", "2024-01-01T10:00:00+01:00",
                          "1399-12-31", "0000-01-01", "2024-01-01ZZ", " 2024-01-01", "2024-01-01T10:00 ",
                          "abcd-ef-gh"}) {
    INFO(bad);
    CHECK_FALSE(parse_event_time_us(bad));
  }
  CHECK_FALSE(parse_event_time_us(std::string_view("2024-01-01\0", 11)));
}

TEST_CASE("a good file: every column, the events as written", "[event_csv]") {
  const auto r = read_text(
      "time,person,event,amount,coupon,id,target,ref,score\n"
      "2024-01-01T09:00:00Z,ann,visit,,,e1,,,\n"
      "2024-01-01T09:05,ann,purchase,12.50,1,o1,kid,,\n"
      "2024-01-02,ann,refund,,,r1,,o1,\n"
      "2024-01-03,bob,feedback,,,,,,7\n"
      "2024-01-03,bob,referral,,false,,cy,,\n"
      "2024-01-04,bob,purchase,3,TRUE,o2,,,\n");
  REQUIRE(r.bad_rows.empty());
  REQUIRE(r.rows.size() == 6);
  CHECK(r.rows[0].line == 2);
  CHECK(r.rows[0].time_us == us("2024-01-01T09:00"));
  CHECK(r.rows[0].person == "ann");
  CHECK(r.rows[0].kind == event_kind::visit);
  CHECK(r.rows[0].id == "e1");
  CHECK(r.rows[0].score == -1);
  CHECK(r.rows[1].kind == event_kind::purchase);
  CHECK(r.rows[1].amount == 1250);
  CHECK(r.rows[1].coupon);
  CHECK(r.rows[1].target == "kid");
  CHECK(r.rows[2].kind == event_kind::refund);
  CHECK(r.rows[2].ref == "o1");
  CHECK(r.rows[3].score == 7);
  CHECK(r.rows[3].id.empty());
  CHECK_FALSE(r.rows[4].coupon);
  CHECK(r.rows[4].target == "cy");
  CHECK(r.rows[5].amount == 300);
  CHECK(r.rows[5].coupon);
  CHECK(r.rows[5].line == 7);
}

TEST_CASE("columns in any order, unknown ones ignored, optional ones absent", "[event_csv]") {
  const auto r = read_text(
      "Event,extra,PERSON,time\n"
      "view,whatever,ann,2024-05-01\n"
      "search,\"x,y\",bob,2024-05-02T10:00\n");
  REQUIRE(r.bad_rows.empty());
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].kind == event_kind::view);
  CHECK(r.rows[0].person == "ann");
  CHECK(r.rows[1].person == "bob");
  CHECK(r.rows[1].amount == 0);

  auto reader = event_csv_reader::from_string("time,person,event,note\n", "x.csv");
  CHECK(reader.columns() == std::vector<std::string>{"time", "person", "event", "note"});
  CHECK(reader.next() == nullptr);
}

TEST_CASE("CRLF line ends, a missing final line end, blank lines and a BOM", "[event_csv]") {
  const auto r = read_text(
      "\xEF\xBB\xBFtime,person,event\r\n"
      "2024-01-01,ann,visit\r\n"
      "\r\n"
      "\n"
      "   \n"
      "2024-01-02,bob,view\r\n"
      "2024-01-03,cy,post");
  REQUIRE(r.bad_rows.empty());
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0].kind == event_kind::visit);
  CHECK(r.rows[1].line == 6);
  CHECK(r.rows[1].kind == event_kind::view);
  CHECK(r.rows[2].line == 7);
  CHECK(r.rows[2].kind == event_kind::post);
  CHECK(r.rows[2].person == "cy");
}

TEST_CASE("RFC 4180 quoting: commas, doubled quotes, line breaks inside quotes", "[event_csv]") {
  const auto r = read_text(
      "time,person,event,id\n"
      "\"2024-01-01\",\"ann, the first\",\"visit\",\"say \"\"hi\"\"\"\n"
      "2024-01-02,\"two\nlines\",view,\"a\r\nb\"\r\n"
      "2024-01-03,  spaced  ,\"post\"  ,\"\"\n"
      "2024-01-04,cy,view,\"\"\"\"\n");
  REQUIRE(r.bad_rows.empty());
  REQUIRE(r.rows.size() == 4);
  CHECK(r.rows[0].person == "ann, the first");
  CHECK(r.rows[0].id == "say \"hi\"");
  CHECK(r.rows[1].line == 3);
  CHECK(r.rows[1].person == "two\nlines");
  CHECK(r.rows[1].id == "a\r\nb");
  CHECK(r.rows[2].line == 6);  // the row before spans lines 3 to 5
  CHECK(r.rows[2].person == "spaced");
  CHECK(r.rows[2].kind == event_kind::post);
  CHECK(r.rows[2].id.empty());
  CHECK(r.rows[3].id == "\"");
}

TEST_CASE("bad rows are reported with their line and reason, and skipped", "[event_csv]") {
  const auto r = read_text(
      "time,person,event,amount,coupon,score,ref\n"
      "2024-01-01,ann,visit,,,,\n"        // 2 good
      "2024-01-01,ann,vist,,,,\n"         // 3 unknown kind
      "2024-13-01,ann,visit,,,,\n"        // 4 bad time
      "2024-01-01,ann,purchase,12.345,,,\n"  // 5 bad amount
      "2024-01-01,ann,purchase,-1,,,\n"   // 6 negative purchase
      "2024-01-01,ann,purchase,1,maybe,,\n"  // 7 bad coupon
      "2024-01-01,ann,feedback,,,11,\n"   // 8 bad score
      "2024-01-01,,visit,,,,\n"           // 9 no person
      ",ann,visit,,,,\n"                  // 10 no time
      "2024-01-01,ann,,,,,\n"             // 11 no event
      "2024-01-01,ann,visit,,,\n"         // 12 too few columns
      "2024-01-01,ann,visit,,,,,\n"       // 13 too many columns
      "2024-01-01,ann,refund,,,,\n"       // 14 refund without ref
      "2024-01-01,ann,feedback,,,x,\n"    // 15 bad score
      "2024-01-01,ann,purchase,$5,,,\n"   // 16 bad amount
      "2024-01-02,bob,view,,,,\n");       // 17 good
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].line == 2);
  CHECK(r.rows[1].line == 17);
  CHECK(r.rows[1].person == "bob");
  REQUIRE(r.bad_rows.size() == 14);
  const std::vector<std::pair<std::uint64_t, row_problem>> expected = {
      {3, row_problem::unknown_kind},   {4, row_problem::bad_time},       {5, row_problem::bad_amount},
      {6, row_problem::bad_amount},     {7, row_problem::bad_coupon},     {8, row_problem::bad_score},
      {9, row_problem::missing_field},  {10, row_problem::missing_field}, {11, row_problem::missing_field},
      {12, row_problem::column_count},  {13, row_problem::column_count},  {14, row_problem::missing_field},
      {15, row_problem::bad_score},     {16, row_problem::bad_amount}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("bad row " << i << ": " << r.bad_rows[i].detail);
    CHECK(r.bad_rows[i].line == expected[i].first);
    CHECK(r.bad_rows[i].problem == expected[i].second);
    CHECK_FALSE(r.bad_rows[i].detail.empty());
  }
  CHECK(r.bad_rows[0].detail == "unknown event kind 'vist'");
  CHECK(r.bad_rows[9].detail == "expected 7 columns, found 6");
  CHECK(r.bad_rows[1].detail.find("'2024-13-01'") != std::string::npos);
}

TEST_CASE("a stray quote never swallows the good rows after it", "[event_csv]") {
  SECTION("a quote never closed") {
    const auto r = read_text(
        "time,person,event\n"
        "2024-01-01,ann,\"visit\n"
        "2024-01-02,bob,view\n"
        "2024-01-03,cy,post\n");
    REQUIRE(r.bad_rows.size() == 1);
    CHECK(r.bad_rows[0].line == 2);
    CHECK(r.bad_rows[0].problem == row_problem::bad_quoting);
    REQUIRE(r.rows.size() == 2);
    CHECK(r.rows[0].line == 3);
    CHECK(r.rows[1].line == 4);
  }
  SECTION("a quote closed rows later makes a bad row; the lines after it are read again") {
    const auto r = read_text(
        "time,person,event\n"
        "2024-01-01,ann,\"visit\n"
        "2024-01-02,bob,view\n"
        "2024-01-03,cy,post\"\n"
        "2024-01-04,dee,join\n");
    REQUIRE(r.bad_rows.size() == 2);
    CHECK(r.bad_rows[0].line == 2);
    CHECK(r.bad_rows[1].line == 4);  // `post"` on its own
    REQUIRE(r.rows.size() == 2);
    CHECK(r.rows[0].person == "bob");
    CHECK(r.rows[1].person == "dee");
  }
  SECTION("text after a closing quote") {
    const auto r = read_text(
        "time,person,event\n"
        "2024-01-01,\"ann\"x,visit\n"
        "2024-01-02,bob,view\n");
    REQUIRE(r.bad_rows.size() == 1);
    CHECK(r.bad_rows[0].line == 2);
    CHECK(r.bad_rows[0].problem == row_problem::bad_quoting);
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].line == 3);
  }
  SECTION("a quote inside an unquoted field is kept as a character") {
    const auto r = read_text("time,person,event\n2024-01-01,12\" vinyl,visit\n");
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].person == "12\" vinyl");
  }
}

TEST_CASE("rows longer than the limit are bad, and reading goes on", "[event_csv]") {
  event_csv_options o;
  o.max_row_bytes = 100;
  o.block_bytes = 256;
  const std::string long_person(400, 'p');
  const std::string text = "time,person,event\n2024-01-01,ann,visit\n2024-01-01," + long_person +
                           ",visit\n2024-01-02,bob,view\n2024-01-03,\"" + long_person + "\n" + long_person +
                           "\",view\n2024-01-04,cy,post\n";
  SECTION("from a string") {
    const auto r = read_text(text, o);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[1].person == "bob");
    CHECK(r.rows[1].line == 4);
    CHECK(r.rows[2].person == "cy");
    CHECK(r.rows[2].line == 7);
    // Line 5 opens a quote that would run past the limit; line 6, read again
    // on its own, is too long too.
    REQUIRE(r.bad_rows.size() == 3);
    CHECK(r.bad_rows[0].problem == row_problem::too_long);
    CHECK(r.bad_rows[0].line == 3);
    CHECK(r.bad_rows[1].line == 5);
    CHECK(r.bad_rows[2].line == 6);
    CHECK(r.bad_rows[2].detail == "row longer than 100 bytes");
  }
  SECTION("from a file read in small blocks") {
    const auto path = temp_file("long.csv", text);
    auto reader = event_csv_reader::open(path.string(), o);
    const auto r = drain(reader, 2);
    std::filesystem::remove(path);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[2].line == 7);
    REQUIRE(r.bad_rows.size() == 3);
    CHECK(r.bad_rows[1].line == 5);
    CHECK(r.bad_rows[2].line == 6);
  }
}

TEST_CASE("a file read in small blocks gives what the whole text gives", "[event_csv]") {
  std::string text = "time,person,event,amount,id\n";
  std::mt19937 gen(7);
  for (int i = 0; i < 3000; ++i) {
    const int k = static_cast<int>(gen() % 7);
    if (k == 0)
      text += "2024-01-01T10:00:00Z,\"quoted, \"\"person\"\"\nacross lines\",view,,q" + std::to_string(i) + "\r\n";
    else if (k == 1)
      text += "2024-01-02,u" + std::to_string(i) + ",nonsense,,x\n";
    else if (k == 2)
      text += "\n";
    else
      text += "2024-01-0" + std::to_string(1 + i % 9) + "T08:0" + std::to_string(i % 10) + ",u" + std::to_string(i % 97) +
              ",purchase," + std::to_string(i) + ".5,o" + std::to_string(i) + "\n";
  }
  const auto whole = read_text(text);
  event_csv_options small;
  small.max_row_bytes = 128;
  small.block_bytes = 300;
  const auto path = temp_file("blocks.csv", text);
  auto reader = event_csv_reader::open(path.string(), small);
  CHECK(reader.total_bytes() == text.size());
  const auto pieces = drain(reader, 7);
  CHECK(reader.bytes_read() == text.size());
  std::filesystem::remove(path);
  REQUIRE(whole.rows.size() == pieces.rows.size());
  CHECK(whole.rows == pieces.rows);
  REQUIRE(whole.bad_rows.size() == pieces.bad_rows.size());
  for (std::size_t i = 0; i < whole.bad_rows.size(); ++i) CHECK(whole.bad_rows[i].line == pieces.bad_rows[i].line);
  CHECK(whole.rows.size() > 1500);
}

TEST_CASE("the header: required columns, repeats, an empty file", "[event_csv]") {
  auto error_of = [](std::string_view text) -> std::string {
    try {
      event_csv_reader::from_string(text, "h.csv");
    } catch (const error& e) {
      CHECK(e.code() == errc::parse_error);
      CHECK(e.file() == "h.csv");
      CHECK(e.line() >= 1);
      return e.what();
    }
    return "";
  };
  CHECK(error_of("").find("h.csv:1: error: empty file") == 0);
  CHECK(error_of("\n\n").find("empty file") != std::string::npos);
  CHECK(error_of("time,person\n2024-01-01,ann\n").find("'event'") != std::string::npos);
  CHECK(error_of("time,event,who\n").find("'person'") != std::string::npos);
  CHECK(error_of("time,person,event,time\n").find("twice") != std::string::npos);
  CHECK(error_of("\"time,person,event\n").find("h.csv:1:") == 0);
  CHECK(error_of("\ntime,person\n").find("h.csv:2:") == 0);
}

TEST_CASE("a file that cannot be read is an error, not a crash", "[event_csv]") {
  CHECK_THROWS_AS(event_csv_reader::open("/nonexistent/dir/events.csv"), error);
  try {
    event_csv_reader::open(std::filesystem::temp_directory_path().string());
    FAIL("a directory opened");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
}

TEST_CASE("any bytes: NUL, invalid UTF-8, binary garbage never crash", "[event_csv]") {
  SECTION("NUL and invalid UTF-8 inside fields are just bytes") {
    const std::string text = "time,person,event\n2024-01-01,a\0b,visit\n2024-01-01,\xff\xfe\xc3,view\n"s;
    const auto r = read_text(text);
    REQUIRE(r.rows.size() == 2);
    CHECK(r.rows[0].person == "a\0b"s);
    CHECK(r.rows[1].person == "\xff\xfe\xc3");
    const auto bad = read_text("time,person,event\n2024-01-01,ann,vi\0sit\n"s);
    REQUIRE(bad.bad_rows.size() == 1);
    CHECK(bad.bad_rows[0].detail == "unknown event kind 'vi\\x00sit'");
  }
  SECTION("random bytes after a header, whole and in small blocks") {
    std::mt19937_64 gen(2024);
    const std::string alphabet = "0123456789-T:Z ,\"\r\n\nabcdefghijklmnopqrstuvwxyz.\0\xff\xc3"s;
    for (int round = 0; round < 200; ++round) {
      std::string text = round % 2 == 0 ? "time,person,event,amount,coupon,id,target,ref,score\n" : "";
      const std::size_t n = gen() % 2000;
      for (std::size_t i = 0; i < n; ++i) {
        const auto pick = gen();
        text += (pick & 1) != 0 ? alphabet[(pick >> 8) % alphabet.size()] : static_cast<char>(pick >> 16);
      }
      INFO("round " << round);
      try {
        auto r = event_csv_reader::from_string(text, "fuzz.csv");
        std::uint64_t last_line = 0;
        for (;;) {
          const auto b = r.next_batch(1 + gen() % 50);
          if (b.empty()) break;
          for (const csv_row& row : b) {
            CHECK(row.line > last_line);
            last_line = row.line;
          }
        }
      } catch (const error& e) {
        CHECK(e.code() == errc::parse_error);
      }
      event_csv_options small;
      small.max_row_bytes = 64;
      small.block_bytes = 128;
      const auto path = temp_file("fuzz.csv", text);
      try {
        auto r = event_csv_reader::open(path.string(), small);
        while (!r.next_batch(3).empty()) {
        }
      } catch (const error& e) {
        CHECK(e.code() == errc::parse_error);
      }
      std::filesystem::remove(path);
    }
  }
}

TEST_CASE("append_csv_field quotes only when it must, and the reader reads it back", "[event_csv]") {
  std::string line;
  append_csv_field(line, "plain");
  line += ',';
  append_csv_field(line, "a,b");
  line += ',';
  append_csv_field(line, "say \"x\"");
  CHECK(line == "plain,\"a,b\",\"say \"\"x\"\"\"");
  std::string text = "time,person,event,id\n2024-01-01,";
  append_csv_field(text, " two\nlines, \"q\" ");
  text += ",visit,";
  append_csv_field(text, "");
  text += "\n";
  const auto r = read_text(text);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].person == " two\nlines, \"q\" ");
}

TEST_CASE("a batch stays valid through the next batches_kept - 1 calls", "[event_csv]") {
  std::string text = "time,person,event,id\n";
  for (int i = 0; i < 5000; ++i)
    text += "2024-01-01T10:00:00Z,\"person \"\"" + std::to_string(i) + "\"\"\",view,id" + std::to_string(i) + "\n";
  const auto path = temp_file("kept.csv", text);
  event_csv_options small;
  small.max_row_bytes = 100;
  small.block_bytes = 1000;  // a refill every few calls
  auto reader = event_csv_reader::open(path.string(), small);
  struct seen {
    std::span<const csv_row> rows;
    std::vector<std::string> persons;
  };
  std::vector<seen> window;
  std::uint64_t total = 0, stale = 0;
  for (;;) {
    const auto b = reader.next_batch(5);
    // Every batch still kept must read as it did when it came.
    for (const seen& s : window)
      for (std::size_t k = 0; k < s.rows.size(); ++k)
        if (std::string(s.rows[k].ev.person) != s.persons[k]) ++stale;
    if (b.empty()) break;
    seen s{b, {}};
    for (const csv_row& r : b) s.persons.emplace_back(r.ev.person);
    total += b.size();
    window.push_back(std::move(s));
    if (window.size() > event_csv_reader::batches_kept - 1) window.erase(window.begin());
  }
  std::filesystem::remove(path);
  CHECK(total == 5000);
  CHECK(stale == 0);
}
