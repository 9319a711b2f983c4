#pragma once
// The CDNOW data the model tests share: the 2,357-customer sample of Fader,
// Hardie & Lee (2005) as shipped in examples/data/, summarized through the
// library for the papers' calibration period (1997-01-01..1997-09-30, 39
// weeks), and an independent count of the raw file to check the summary by.

#include <lifecycle/customer_summary.hpp>
#include <lifecycle/event_csv.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace lctest {

inline std::filesystem::path model_data_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "examples" / "data";
}

inline const boost::gregorian::date cdnow_calibration_end(1997, 9, 30);

/// The sample's event CSV (made from CDNOW_sample.txt by scripts/cdnow-to-csv.sh), summarized.
inline lifecycle::calibration_summary cdnow_sample(lifecycle::time_unit unit = lifecycle::time_unit::week) {
  auto reader = lifecycle::event_csv_reader::open((model_data_dir() / "cdnow_sample.csv").string());
  lifecycle::summary_options options;
  options.calibration_end = cdnow_calibration_end;
  options.unit = unit;
  return lifecycle::summarize_event_csv(reader, options);
}

/// The full log (23,570 customers), summarized the same way.
inline lifecycle::calibration_summary cdnow_full() {
  auto reader = lifecycle::event_csv_reader::open((model_data_dir() / "cdnow.csv").string());
  lifecycle::summary_options options;
  options.calibration_end = cdnow_calibration_end;
  return lifecycle::summarize_event_csv(reader, options);
}

/// The raw sample file, read the simple way: `master_id sample_id yyyymmdd cds dollars`.
struct raw_sample {
  std::map<std::string, std::set<int>> days;  // by customer: distinct purchase days, as yyyymmdd
  std::uint64_t rows = 0;
};

inline raw_sample read_raw_sample() {
  std::ifstream in(model_data_dir() / "CDNOW_sample.txt", std::ios::binary);
  REQUIRE(in);
  raw_sample raw;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string master, sample, dollars;
    int date = 0, cds = 0;
    if (!(fields >> master >> sample >> date >> cds >> dollars)) continue;
    raw.days[master].insert(date);
    ++raw.rows;
  }
  return raw;
}

}  // namespace lctest
