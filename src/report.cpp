// The replay report: collecting (a transition subscriber), computing (one pass
// over the profiles) and rendering (text tables, JSON, DOT, CSV).

#include "lifecycle/report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <ostream>
#include <unordered_map>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/format.h>

#include "lifecycle/calendar.hpp"

namespace lifecycle {

namespace {

constexpr std::int64_t no_time = std::numeric_limits<std::int64_t>::min();
constexpr double us_per_day = 86'400.0 * 1'000'000.0;

std::int64_t to_us(boost::posix_time::ptime t) {
  static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return (t - epoch).total_microseconds();
}

boost::posix_time::ptime from_us(std::int64_t us) {
  static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return epoch + boost::posix_time::microseconds(us);
}

boost::gregorian::date month_of(boost::gregorian::date d) {
  return boost::gregorian::date(d.year(), d.month(), 1);
}

std::string month_text(boost::gregorian::date m) { return fmt::format("{:04}-{:02}", int(m.year()), int(m.month())); }

std::string date_text(boost::gregorian::date d) {
  if (d.is_special()) return "-";
  return boost::gregorian::to_iso_extended_string(d);
}

std::string time_text(boost::posix_time::ptime t) {
  if (t.is_special()) return "";
  std::string s = boost::posix_time::to_iso_extended_string(t);
  return s + "Z";
}

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

double median(std::vector<float>& v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lo + hi) / 2.0;
}

std::string days_text(double d) { return fmt::format("{:.1f}", d); }

// An NPS score with one decimal, or "-" without answers.
std::string nps_text(const nps_counts& c) {
  const auto s = c.score();
  return s ? fmt::format("{:.1f}", *s) : std::string("-");
}

std::uint64_t sum(std::span<const std::uint64_t> v) {
  std::uint64_t n = 0;
  for (std::uint64_t x : v) n += x;
  return n;
}

/// A text table: the first column left-aligned, the others right-aligned
/// (the last one left-aligned too when it holds text).
class table {
 public:
  explicit table(std::vector<std::string> header, bool text_last = false)
      : rows_{std::move(header)}, text_last_(text_last) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render(std::string_view indent = "  ") const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        width[i] = std::max(width[i], row[i].size());
      }
    std::string out;
    for (const auto& row : rows_) {
      std::string line(indent);
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i == 0)
          line += fmt::format("{:<{}}", row[i], width[i]);
        else if (text_last_ && i + 1 == row.size())
          line += fmt::format("  {}", row[i]);
        else
          line += fmt::format("  {:>{}}", row[i], width[i]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
  bool text_last_ = false;
};

// --- JSON ------------------------------------------------------------------

// A JSON string; bytes that are not valid UTF-8 become U+FFFD so the output
// always parses.
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
      bool ok = len > 0 && i + len <= s.size();
      for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      if (ok && len == 3) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
      }
      if (ok && len == 4) {
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
      }
      if (ok) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        out += "\\ufffd";
        ++i;
      }
    }
  }
  out += '"';
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  return fmt::format("{:.6g}", v);
}

std::string csv_field(std::string_view v) {
  std::string out;
  append_csv_field(out, v);
  return out;
}

// Whether the engine ever issued handle p (ids are dense: 0, 1, 2, ...).
bool issued(const engine& eng, person_id p) {
  try {
    (void)eng.name(p);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string non_default_policy(const policy& p) {
  const policy defaults;
  std::string out;
  for (std::string_view key : policy::keys) {
    const std::string v = p.get(key);
    if (v == defaults.get(key)) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} = {}", key, v);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// report_collector

struct report_collector::impl {
  const engine* eng = nullptr;
  static constexpr std::uint8_t never = 0xff;
  static constexpr int path_slots = 21;  // 3 bits a stage in 63 bits; bit 63 marks a longer path
  struct person_record {
    std::int64_t entered_us = no_time;   // start of the current stay
    std::int64_t passive_us = no_time;   // first passive since leaving potential
    std::int64_t known_us = no_time;     // start of the first stay: when the person became known
    std::int64_t customer_us = no_time;  // first move into a customer stage
    std::int64_t new_us = no_time;       // first entry into new
    std::int64_t loyal_after_new_us = no_time;  // first entry into loyal after that
    std::uint64_t path = 0;              // stage + 1 per 3 bits, oldest lowest
    std::uint8_t steps = 0;              // stages on the path, saturating at never - 1
    std::array<std::uint8_t, stage_count> first_at{never, never, never, never, never};  // step of first entry
    std::uint8_t last_loyal_at = never;  // step of the latest entry into loyal
    std::uint8_t current = 0;            // the stage now
    bool converted = false;
  };
  std::vector<person_record> persons;
  std::uint64_t recorded = 0;  // persons with a record (at least one stage change)
  std::array<std::vector<float>, stage_count> stays;
  std::array<transition_matrix, 3> by_cause{};
  bool keep_signals = false;
  std::vector<transition> signals;  // with keep_signals, in emission order

  static void step(person_record& rec, stage s) {
    const std::uint8_t at = rec.steps;
    if (at < path_slots)
      rec.path |= static_cast<std::uint64_t>(static_cast<unsigned>(s) + 1) << (3 * at);
    else
      rec.path |= std::uint64_t{1} << 63;
    auto& first = rec.first_at[static_cast<std::size_t>(s)];
    if (first == never) first = at;
    if (s == stage::loyal) rec.last_loyal_at = at;
    rec.current = static_cast<std::uint8_t>(s);
    if (rec.steps < never - 1) ++rec.steps;
  }

  void on(const transition& t) {
    // Signals change no stage: kept aside when asked for, never in the matrix, stays or paths.
    if (t.what == change::signal) {
      if (keep_signals) signals.push_back(t);
      return;
    }
    if (t.what != change::stage || !t.person.valid()) return;
    ++by_cause[static_cast<std::size_t>(t.cause)][static_cast<std::size_t>(t.from)][static_cast<std::size_t>(t.to)];
    if (t.person.value >= persons.size()) persons.resize(t.person.value + 1);
    person_record& rec = persons[t.person.value];
    const std::int64_t when = to_us(t.when);
    double stay = 0;
    if (rec.entered_us != no_time) {
      stay = static_cast<double>(when - rec.entered_us) / us_per_day;
    } else {
      if (const auto pr = eng->profile_of(t.person)) {
        // The first stay began with the person's first event, which made no
        // transition; the engine has counted it.
        stay = pr->days_in_stage[static_cast<std::size_t>(t.from)];
      }
      ++recorded;
      rec.known_us = when - static_cast<std::int64_t>(std::max(0.0, stay) * us_per_day);
      step(rec, t.from);
    }
    stays[static_cast<std::size_t>(t.from)].push_back(static_cast<float>(std::max(0.0, stay)));
    rec.entered_us = when;
    step(rec, t.to);
    if (is_customer(t.to)) {
      if (!rec.converted) rec.customer_us = when;
      rec.converted = true;
    }
    if (t.to == stage::new_customer && rec.new_us == no_time) rec.new_us = when;
    if (t.to == stage::loyal && rec.new_us != no_time && rec.loyal_after_new_us == no_time)
      rec.loyal_after_new_us = when;
    if (t.to == stage::potential)
      rec.passive_us = no_time;
    else if (t.to == stage::passive && rec.passive_us == no_time)
      rec.passive_us = when;
  }
};

report_collector::report_collector(engine& eng, bool keep_signals) : eng_(&eng), impl_(std::make_unique<impl>()) {
  impl_->eng = &eng;
  impl_->keep_signals = keep_signals;
  impl* m = impl_.get();
  sub_ = eng.subscribe([m](const transition& t) { m->on(t); });
}

report_collector::~report_collector() { eng_->unsubscribe(sub_); }

bool report_collector::converted(person_id p) const noexcept {
  return p.valid() && p.value < impl_->persons.size() && impl_->persons[p.value].converted;
}

std::optional<boost::posix_time::ptime> report_collector::passive_since(person_id p) const {
  if (!p.valid() || p.value >= impl_->persons.size()) return std::nullopt;
  const std::int64_t us = impl_->persons[p.value].passive_us;
  if (us == no_time) return std::nullopt;
  return from_us(us);
}

std::span<const float> report_collector::finished_stays(stage s) const noexcept {
  return impl_->stays[static_cast<std::size_t>(s)];
}

const std::array<transition_matrix, 3>& report_collector::matrix_by_cause() const noexcept { return impl_->by_cause; }

std::span<const transition> report_collector::signals() const noexcept { return impl_->signals; }

namespace {

days_summary summarize_days(std::vector<float>& days) {
  days_summary d;
  d.persons = days.size();
  if (days.empty()) return d;
  double sum = 0;
  for (float x : days) sum += x;
  d.mean = sum / static_cast<double>(days.size());
  d.median = median(days);
  return d;
}

}  // namespace

flow_summary report_collector::flows(std::size_t top_paths) const {
  const impl& m = *impl_;
  flow_summary f;
  const auto now = eng_->stage_counts();
  const auto outcomes = markov_outcomes(eng_->matrix(), now);
  const std::uint64_t known = eng_->known_persons();
  // Persons who never changed stage hold the path [potential] and count for potential only.
  const std::uint64_t still = known - std::min<std::uint64_t>(known, m.recorded);
  std::array<std::uint64_t, stage_count> ever{}, reached_loyal{}, ended_passive{};
  ever[static_cast<std::size_t>(stage::potential)] = still;
  std::unordered_map<std::uint64_t, std::vector<float>> paths;
  std::vector<float> to_customer, new_to_loyal;
  constexpr std::size_t passive = static_cast<std::size_t>(stage::passive);
  for (const auto& rec : m.persons) {
    if (rec.steps == 0) continue;  // a handle that never changed stage
    for (std::size_t s = 0; s < stage_count; ++s) {
      const std::uint8_t first = rec.first_at[s];
      if (first == impl::never) continue;
      ++ever[s];
      if (rec.last_loyal_at != impl::never && rec.last_loyal_at >= first) ++reached_loyal[s];
      if (rec.current == passive) ++ended_passive[s];
    }
    paths[rec.path].push_back(static_cast<float>(static_cast<double>(rec.entered_us - rec.known_us) / us_per_day));
    if (rec.customer_us != no_time)
      to_customer.push_back(static_cast<float>(static_cast<double>(rec.customer_us - rec.known_us) / us_per_day));
    if (rec.loyal_after_new_us != no_time)
      new_to_loyal.push_back(static_cast<float>(static_cast<double>(rec.loyal_after_new_us - rec.new_us) / us_per_day));
  }
  for (std::size_t s = 0; s < stage_count; ++s) {
    stage_flow& sf = f.stages[s];
    sf.persons = ever[s];
    sf.markov = outcomes[s];
    if (ever[s] > 0) {
      sf.observed.reach_loyal = share(reached_loyal[s], ever[s]);
      sf.observed.end_passive = share(ended_passive[s], ever[s]);
    }
  }

  // Decode every path, then order: most persons first; ties shorter first, then in stage order.
  const std::uint64_t potential_only = static_cast<std::uint64_t>(static_cast<unsigned>(stage::potential) + 1);
  std::vector<std::pair<std::uint64_t, stage_path_count>> all;
  auto decode = [](std::uint64_t code, std::uint64_t persons) {
    stage_path_count pc;
    pc.persons = persons;
    pc.longer = (code >> 63) != 0;
    for (int i = 0; i < impl::path_slots; ++i) {
      const auto v = static_cast<unsigned>((code >> (3 * i)) & 7u);
      if (v == 0) break;
      pc.stages.push_back(static_cast<stage>(v - 1));
    }
    return pc;
  };
  for (const auto& [code, days] : paths) all.emplace_back(code, decode(code, days.size()));
  if (still > 0) all.emplace_back(potential_only, decode(potential_only, still));  // records hold two stages or more
  f.distinct_paths = all.size();
  auto before = [](const auto& a, const auto& b) {
    if (a.second.persons != b.second.persons) return a.second.persons > b.second.persons;
    if (a.second.stages.size() != b.second.stages.size()) return a.second.stages.size() < b.second.stages.size();
    if (a.second.stages != b.second.stages) return a.second.stages < b.second.stages;
    return a.first < b.first;
  };
  const std::size_t k = std::min(top_paths, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), before);
  all.resize(k);
  for (auto& [code, pc] : all) {
    if (pc.stages.size() > 1) {
      std::vector<float> days = paths.at(code);
      pc.median_days = median(days);
    }
    f.top_paths.push_back(std::move(pc));
  }
  f.to_first_purchase = summarize_days(to_customer);
  f.new_to_loyal = summarize_days(new_to_loyal);
  return f;
}

// ---------------------------------------------------------------------------
// build_report

replay_report build_report(const engine& eng, const report_collector& collector, const replay_counts& rows,
                           std::string source) {
  replay_report r;
  r.source = std::move(source);
  r.rules = eng.rules();
  r.rows = rows;
  const auto offset = r.rules.utc_offset;
  const boost::posix_time::ptime clock = eng.clock();
  if (!clock.is_special()) r.as_of = business_day(clock, offset);
  r.persons = eng.known_persons();
  r.stages = eng.stage_counts();
  r.roles = eng.role_counts();
  r.matrix = eng.matrix();
  r.matrix_by_cause = collector.matrix_by_cause();
  for (std::size_t c = 0; c < 3; ++c)
    for (const auto& row : r.matrix_by_cause[c])
      for (std::uint64_t n : row) r.by_cause[c] += n;
  r.customers = eng.conversions();
  r.conversion_by_role = eng.conversions_by_primary_role();

  std::map<boost::gregorian::date, cohort_conversion> appear;
  std::map<boost::gregorian::date, retention_cohort> bought;
  std::array<std::vector<float>, stage_count> per_person;
  const bool dated = !r.as_of.is_special();

  std::uint64_t found = 0, purchases_seen = 0;
  for (std::uint32_t i = 0; found < r.persons && i < std::numeric_limits<std::uint32_t>::max(); ++i) {
    const person_id id{i};
    const auto pr = eng.profile_of(id);
    if (!pr) {
      if (!issued(eng, id)) break;  // past the last handle
      continue;                     // interned, but no event reached them
    }
    ++found;
    if (pr->roles.empty()) ++r.no_role;
    purchases_seen += pr->purchases + pr->refunded_purchases;

    const auto am = month_of(pr->first_seen);
    cohort_conversion& a = appear[am];
    a.month = am;
    ++a.persons;
    if (collector.converted(id)) ++a.customers;

    if (pr->first_purchase && dated) {
      const auto bm = month_of(*pr->first_purchase);
      retention_cohort& b = bought[bm];
      b.month = bm;
      ++b.customers;
      const auto passive = collector.passive_since(id);
      std::optional<boost::gregorian::date> passive_day;
      if (passive) passive_day = business_day(*passive, offset);
      for (std::size_t k = 0; k < retention_days.size(); ++k) {
        const auto horizon = *pr->first_purchase + boost::gregorian::days(retention_days[k]);
        if (horizon > r.as_of) continue;
        auto& cell = b.not_passive[k];
        if (!cell) cell = 0;
        if (!passive_day || *passive_day > horizon) ++*cell;
      }
    }

    for (stage s : all_stages) {
      const double d = pr->days_in_stage[static_cast<std::size_t>(s)];
      if (d > 0 || pr->current_stage == s) per_person[static_cast<std::size_t>(s)].push_back(static_cast<float>(d));
    }
  }

  for (auto& [m, a] : appear) r.conversion_by_cohort.push_back(a);
  for (auto& [m, b] : bought) {
    // A horizon is shown only when the cohort's last day has reached it.
    const auto last_day = m.end_of_month();
    for (std::size_t k = 0; k < retention_days.size(); ++k) {
      if (last_day + boost::gregorian::days(retention_days[k]) > r.as_of)
        b.not_passive[k].reset();
      else if (!b.not_passive[k])
        b.not_passive[k] = 0;
    }
    r.retention.push_back(b);
  }
  for (stage s : all_stages) {
    const auto i = static_cast<std::size_t>(s);
    stage_time& st = r.stage_times[i];
    st.persons = per_person[i].size();
    st.median_days = median(per_person[i]);
    std::vector<float> finished(collector.finished_stays(s).begin(), collector.finished_stays(s).end());
    st.finished = finished.size();
    st.median_finished = median(finished);
  }

  r.forbidden = eng.forbidden_moves();
  for (const auto& row : r.forbidden)
    for (std::uint64_t n : row) r.forbidden_total += n;
  r.flows = collector.flows();

  const people_graph people(eng);
  people_summary& ps = r.people;
  ps.purchases = purchases_seen;
  ps.purchases_for_others = people.links(link_kind::paid_for);
  ps.payers = people.sources(link_kind::paid_for);
  ps.beneficiaries = people.targets(link_kind::paid_for);
  ps.referrals = people.links(link_kind::referred);
  ps.referrers = people.sources(link_kind::referred);
  ps.referred = people.targets(link_kind::referred);
  ps.graph_persons = people.persons();
  ps.graph_edges = people.edges(link_kind::paid_for) + people.edges(link_kind::referred);
  ps.build_seconds = people.build_seconds();
  ps.bytes = people.bytes();
  for (const advocate& a : people.top_advocates(10)) r.advocates.push_back({std::string(eng.name(a.who)), a});

  r.signals = eng.signal_counts();
  r.tiers = eng.tier_counts();
  // The engine counts tiers only when there are two or more; one tier holds everybody.
  if (r.tiers.empty() && r.rules.tiers.size() == 1) r.tiers = {r.persons};
  r.nps = eng.nps();
  return r;
}

// ---------------------------------------------------------------------------
// Text

std::string render_text(const replay_report& r) {
  std::string out;
  auto line = [&](std::string s) {
    out += s;
    out += '\n';
  };
  const std::string as_of = date_text(r.as_of);
  line(fmt::format("lifecycle replay of {}", r.source));
  const std::string changed = non_default_policy(r.rules);
  line(fmt::format("policy: {}", changed.empty() ? "the defaults" : changed + " (other keys at their defaults)"));
  line(fmt::format("state as of {} ({})", as_of, r.as_of_given ? "--at" : "the latest event's day"));

  line("\nRows");
  {
    table t({"", ""});
    t.add({"read", grouped(r.rows.rows)});
    t.add({"accepted", grouped(r.rows.accepted)});
    t.add({"duplicate", grouped(r.rows.duplicate)});
    t.add({"rejected", grouped(r.rows.rejected)});
    if (r.rows.after_at > 0) t.add({"after --at", grouped(r.rows.after_at)});
    std::string body = t.render();
    out += body.substr(body.find('\n') + 1);  // no header row
  }
  if (r.rows.stopped) line("  (stopped at the first bad row: --strict)");
  if (!r.rows.problems.empty()) {
    line("  rejected rows by reason:");
    table t({"problem", "rows", "first line", "first reason"}, true);
    for (const auto& p : r.rows.problems)
      t.add({std::string(to_string(p.problem)), grouped(p.count), std::to_string(p.first_line), p.first_detail});
    out += t.render("    ");
  }

  line(fmt::format("\nPersons: {}", grouped(r.persons)));

  line(fmt::format("\nStages (as of {})", as_of));
  {
    table t({"stage", "persons", "share"});
    for (stage s : all_stages) {
      const auto n = r.stages[static_cast<std::size_t>(s)];
      t.add({std::string(to_string(s)), grouped(n), percent(n, r.persons)});
    }
    out += t.render();
  }

  line(fmt::format("\nRoles (as of {}; a person may hold several)", as_of));
  {
    table t({"role", "persons", "share"});
    for (role ro : all_roles) {
      const auto n = r.roles[static_cast<std::size_t>(ro)];
      t.add({std::string(to_string(ro)), grouped(n), percent(n, r.persons)});
    }
    t.add({"(none)", grouped(r.no_role), percent(r.no_role, r.persons)});
    out += t.render();
  }

  const std::uint64_t moves = r.by_cause[0] + r.by_cause[1] + r.by_cause[2];
  line(fmt::format("\nTransitions: {} stage changes ({} on events, {} on time, {} by correction{})", grouped(moves),
                   grouped(r.by_cause[0]), grouped(r.by_cause[1]), grouped(r.by_cause[2]),
                   r.forbidden_total > 0
                       ? fmt::format(", of them {} forbidden by the policy's stage graph", grouped(r.forbidden_total))
                       : std::string()));
  {
    std::vector<std::string> head = {"from \\ to"};
    for (stage s : all_stages) head.emplace_back(to_string(s));
    head.emplace_back("total");
    table counts(head), shares(head);
    for (stage from : all_stages) {
      const auto& row = r.matrix[static_cast<std::size_t>(from)];
      std::uint64_t total = 0;
      for (std::uint64_t n : row) total += n;
      std::vector<std::string> c = {std::string(to_string(from))}, s = c;
      for (stage to : all_stages) {
        const auto n = row[static_cast<std::size_t>(to)];
        c.push_back(n == 0 ? "." : grouped(n));
        s.push_back(n == 0 ? "." : percent(n, total));
      }
      c.push_back(grouped(total));
      s.push_back(total == 0 ? "." : "100%");
      counts.add(c);
      shares.add(s);
    }
    line("  counts:");
    out += counts.render("    ");
    line("  shares of each row (where persons in the row's stage went):");
    out += shares.render("    ");
  }

  line("\nConversion (user -> customer)");
  line(fmt::format("  overall: {} of {} persons became customers ({})", grouped(r.customers), grouped(r.persons),
                   percent(r.customers, r.persons)));
  line("  by month of first appearance:");
  {
    table t({"cohort", "persons", "customers", "rate"});
    for (const auto& c : r.conversion_by_cohort)
      t.add({month_text(c.month), grouped(c.persons), grouped(c.customers), percent(c.customers, c.persons)});
    out += t.render("    ");
  }
  line("  by primary role at the moment of conversion:");
  {
    table t({"role", "conversions", "share"});
    std::uint64_t total = 0;
    for (std::uint64_t n : r.conversion_by_role) total += n;
    for (role ro : all_roles) {
      const auto n = r.conversion_by_role[static_cast<std::size_t>(ro)];
      t.add({std::string(to_string(ro)), grouped(n), percent(n, total)});
    }
    t.add({"(none)", grouped(r.conversion_by_role[role_count]), percent(r.conversion_by_role[role_count], total)});
    out += t.render("    ");
  }

  line("\nRetention of first-purchase cohorts (share not yet passive k months after the first purchase)");
  {
    std::vector<std::string> head = {"cohort", "customers"};
    for (std::size_t k = 0; k < retention_months.size(); ++k)
      head.push_back(fmt::format("{}m ({}d)", retention_months[k], retention_days[k]));
    table t(head);
    retention_cohort all;
    std::array<std::uint64_t, retention_days.size()> observed{};
    for (const auto& c : r.retention) {
      std::vector<std::string> row = {month_text(c.month), grouped(c.customers)};
      all.customers += c.customers;
      for (std::size_t k = 0; k < retention_days.size(); ++k) {
        if (c.not_passive[k]) {
          row.push_back(percent(*c.not_passive[k], c.customers));
          all.not_passive[k] = all.not_passive[k].value_or(0) + *c.not_passive[k];
          observed[k] += c.customers;
        } else {
          row.emplace_back("-");
        }
      }
      t.add(row);
    }
    if (r.retention.size() > 1) {
      std::vector<std::string> row = {"all", grouped(all.customers)};
      for (std::size_t k = 0; k < retention_days.size(); ++k)
        row.push_back(all.not_passive[k] ? percent(*all.not_passive[k], observed[k]) : "-");
      t.add(row);
    }
    out += t.render();
    line("  (- : not yet observable on the report day)");
  }

  line("\nDays in each stage (medians)");
  {
    table t({"stage", "persons", "days so far", "stays ended", "stay length"});
    for (stage s : all_stages) {
      const stage_time& st = r.stage_times[static_cast<std::size_t>(s)];
      t.add({std::string(to_string(s)), grouped(st.persons), st.persons ? days_text(st.median_days) : "-",
             grouped(st.finished), st.finished ? days_text(st.median_finished) : "-"});
    }
    out += t.render();
    line("  (days so far: per person who spent time in the stage, the current stay counted to the report day;");
    line("   stay length: of the stays that ended)");
  }

  line("\nFlows (an absorbing Markov chain of the observed transitions; the direct count beside it)");
  {
    table t({"stage", "persons", "reach loyal", "(counted)", "end passive", "(counted)"});
    auto pct = [](double v) { return std::isfinite(v) ? fmt::format("{:.1f}%", 100.0 * v) : std::string("-"); };
    for (stage s : all_stages) {
      const stage_flow& f = r.flows.stages[static_cast<std::size_t>(s)];
      t.add({std::string(to_string(s)), grouped(f.persons), pct(f.markov.reach_loyal), pct(f.observed.reach_loyal),
             pct(f.markov.end_passive), pct(f.observed.end_passive)});
    }
    out += t.render();
    line("  (persons: ever in the stage; reach loyal: ever enter loyal from there; end passive: passive now.");
    line("   Markov: from the transition probabilities; counted: the share of those persons who did)");
  }
  {
    line(fmt::format("  the {} most common paths from potential ({} different paths):", r.flows.top_paths.size(),
                     grouped(r.flows.distinct_paths)));
    table t({"path", "persons", "share", "median days"});
    for (const stage_path_count& p : r.flows.top_paths) {
      std::string path;
      for (stage s : p.stages) path += (path.empty() ? "" : " > ") + std::string(to_string(s));
      if (p.longer) path += " > ...";
      t.add({path, grouped(p.persons), percent(p.persons, r.persons), p.median_days ? days_text(*p.median_days) : "-"});
    }
    out += t.render("    ");
    line("    (median days: from becoming known to entering the path's last stage)");
  }
  auto days_line = [&](std::string_view what, const days_summary& d) {
    if (d.persons == 0)
      line(fmt::format("  {}: nobody yet", what));
    else
      line(fmt::format("  {}: mean {}, median {} days (n = {})", what, days_text(d.mean), days_text(d.median),
                       grouped(d.persons)));
  };
  days_line("days to the first purchase (from becoming known)", r.flows.to_first_purchase);
  days_line("days from new to loyal (first entry into each)", r.flows.new_to_loyal);

  line("\nPeople (who pays for whom, who brings whom)");
  {
    const people_summary& p = r.people;
    line(fmt::format("  purchases made for someone else: {} of {} ({}); {} payers, {} beneficiaries",
                     grouped(p.purchases_for_others), grouped(p.purchases), percent(p.purchases_for_others, p.purchases),
                     grouped(p.payers), grouped(p.beneficiaries)));
    line(fmt::format("  referrals that name the person referred: {}; {} referrers, {} persons referred",
                     grouped(p.referrals), grouped(p.referrers), grouped(p.referred)));
    line(fmt::format("  people graph: {} persons, {} distinct links, built in {:.1f} ms ({:.1f} MB)",
                     grouped(p.graph_persons), grouped(p.graph_edges), p.build_seconds * 1e3,
                     static_cast<double>(p.bytes) / 1e6));
  }

  line("\nAdvocates (who referred the most persons who became customers)");
  if (r.advocates.empty()) {
    line("  none: no referred person became a customer");
  } else {
    table t({"person", "referred", "customers", "reach", "reach customers"});
    for (const advocate_entry& a : r.advocates)
      t.add({a.person, grouped(a.figures.referred), grouped(a.figures.referred_customers),
             grouped(a.figures.reach.persons), grouped(a.figures.reach.customers)});
    out += t.render();
    line("  (reach: everyone their referrals reached, referrals of referrals included)");
  }

  line("\nSignals (moments to act; --signals writes each one)");
  if (r.rules.signals.empty()) {
    line("  none: the policy emits no signals (signals = none)");
  } else {
    const std::uint64_t total = sum(r.signals);
    table t({"signal", "emitted", "share"});
    for (signal_kind k : all_signals) {
      const auto n = r.signals[static_cast<std::size_t>(k)];
      if (r.rules.signals.contains(k))
        t.add({std::string(to_string(k)), grouped(n), percent(n, total)});
      else
        t.add({std::string(to_string(k)), "off", ""});
    }
    t.add({"total", grouped(total), total ? "100%" : "-"});
    out += t.render();
    if (r.rules.signals != signal_set::all()) line("  (off: not in the policy's signals)");
  }

  line(fmt::format("\nTiers (as of {}; points of the last {} days: {})", as_of, r.rules.points_window_days,
                   to_string(r.rules.points)));
  if (r.rules.tiers.empty()) {
    line("  none: the policy defines no tiers (tiers = none)");
  } else if (r.tiers.size() != r.rules.tiers.size()) {
    line("  not tracked");  // cannot happen with an engine of the same policy
  } else {
    table t({"tier", "min points", "persons", "share"});
    for (std::size_t i = 0; i < r.rules.tiers.size(); ++i)
      t.add({r.rules.tiers[i].name, grouped(static_cast<std::uint64_t>(r.rules.tiers[i].min_points)),
             grouped(r.tiers[i]), percent(r.tiers[i], r.persons)});
    out += t.render();
  }

  line(fmt::format("\nNPS (as of {}; each person's latest feedback score: promoters 9-10, passives 7-8, "
                   "detractors 0-6)",
                   as_of));
  if (!r.rules.nps) {
    line("  not tracked: the policy sets nps = false");
  } else if (r.nps.overall.responses() == 0) {
    line("  no feedback scores");
  } else {
    table t({"group", "responses", "promoters", "passives", "detractors", "NPS"});
    auto row = [&](std::string name, const nps_counts& c) {
      t.add({std::move(name), grouped(c.responses()), grouped(c.promoters), grouped(c.passives), grouped(c.detractors),
             nps_text(c)});
    };
    row("overall", r.nps.overall);
    for (stage s : all_stages) row(fmt::format("stage {}", to_string(s)), r.nps.by_stage[static_cast<std::size_t>(s)]);
    for (role ro : all_roles)
      row(fmt::format("role {}", to_string(ro)), r.nps.by_primary_role[static_cast<std::size_t>(ro)]);
    row("role (none)", r.nps.by_primary_role[role_count]);
    out += t.render();
    line("  (NPS: % promoters - % detractors; - : no answers. Stage and primary role as of the report day)");
  }

  line("\nTime");
  const double rate = r.rows.seconds > 0 ? static_cast<double>(r.rows.rows) / r.rows.seconds : 0.0;
  const std::string speed = rate >= 1e6 ? fmt::format("{:.2f} million rows/s", rate / 1e6)
                                       : fmt::format("{} rows/s", grouped(static_cast<std::uint64_t>(rate)));
  line(fmt::format("  {} rows ({:.1f} MB) in {:.3f} s: {} (reading and parsing {:.3f} s, engine {:.3f} s)",
                   grouped(r.rows.rows), static_cast<double>(r.rows.bytes) / 1e6, r.rows.seconds, speed,
                   r.rows.parse_seconds, r.rows.ingest_seconds));
  return out;
}

// ---------------------------------------------------------------------------
// JSON

std::string render_json(const replay_report& r) {
  std::string o = "{\n";
  auto field = [&](std::string_view key, const std::string& value, bool last = false) {
    o += fmt::format("  {}: {}{}\n", json_string(key), value, last ? "" : ",");
  };
  auto stage_object = [&](const std::array<std::uint64_t, stage_count>& v) {
    std::string s = "{";
    for (stage st : all_stages)
      s += fmt::format("{}{}: {}", st == stage::potential ? "" : ", ", json_string(to_string(st)),
                       v[static_cast<std::size_t>(st)]);
    return s + "}";
  };
  field("source", json_string(r.source));
  {
    std::string p = "{";
    for (std::string_view key : policy::keys)
      p += fmt::format("{}{}: {}", p.size() > 1 ? ", " : "", json_string(key), json_string(r.rules.get(key)));
    field("policy", p + "}");
  }
  field("as_of", r.as_of.is_special() ? "null" : json_string(date_text(r.as_of)));
  field("as_of_given", r.as_of_given ? "true" : "false");
  {
    std::string p = "[";
    for (const auto& t : r.rows.problems)
      p += fmt::format("{}{{\"problem\": {}, \"count\": {}, \"first_line\": {}, \"first_detail\": {}}}",
                       p.size() > 1 ? ", " : "", json_string(to_string(t.problem)), t.count, t.first_line,
                       json_string(t.first_detail));
    p += "]";
    field("rows", fmt::format("{{\"read\": {}, \"accepted\": {}, \"duplicate\": {}, \"rejected\": {}, \"after_at\": {}, "
                              "\"stopped\": {}, \"problems\": {}}}",
                              r.rows.rows, r.rows.accepted, r.rows.duplicate, r.rows.rejected, r.rows.after_at,
                              r.rows.stopped ? "true" : "false", p));
  }
  field("persons", std::to_string(r.persons));
  field("stages", stage_object(r.stages));
  {
    std::string s = "{";
    for (role ro : all_roles)
      s += fmt::format("{}: {}, ", json_string(to_string(ro)), r.roles[static_cast<std::size_t>(ro)]);
    field("roles", s + fmt::format("\"none\": {}}}", r.no_role));
  }
  {
    auto matrix = [&](const transition_matrix& m) {
      std::string s = "{";
      for (stage from : all_stages) {
        if (from != stage::potential) s += ", ";
        s += json_string(to_string(from)) + ": " + stage_object(m[static_cast<std::size_t>(from)]);
      }
      return s + "}";
    };
    std::string s = fmt::format("{{\"total\": {}, \"by_cause\": {{", r.by_cause[0] + r.by_cause[1] + r.by_cause[2]);
    for (std::size_t c = 0; c < 3; ++c)
      s += fmt::format("{}{}: {}", c ? ", " : "", json_string(cause_names[c]), r.by_cause[c]);
    s += "}, \"matrix\": " + matrix(r.matrix) + ", \"matrix_by_cause\": {";
    for (std::size_t c = 0; c < 3; ++c)
      s += fmt::format("{}{}: {}", c ? ", " : "", json_string(cause_names[c]), matrix(r.matrix_by_cause[c]));
    s += fmt::format("}}, \"forbidden\": {}, \"forbidden_matrix\": {}", r.forbidden_total, matrix(r.forbidden));
    field("transitions", s + "}");
  }
  {
    std::string s = fmt::format("{{\"persons\": {}, \"customers\": {}, \"rate\": {}, \"by_cohort\": [", r.persons,
                                r.customers, json_number(share(r.customers, r.persons)));
    bool first = true;
    for (const auto& c : r.conversion_by_cohort) {
      s += fmt::format("{}{{\"cohort\": {}, \"persons\": {}, \"customers\": {}, \"rate\": {}}}", first ? "" : ", ",
                       json_string(month_text(c.month)), c.persons, c.customers,
                       json_number(share(c.customers, c.persons)));
      first = false;
    }
    s += "], \"by_primary_role\": {";
    for (role ro : all_roles)
      s += fmt::format("{}: {}, ", json_string(to_string(ro)), r.conversion_by_role[static_cast<std::size_t>(ro)]);
    s += fmt::format("\"none\": {}}}}}", r.conversion_by_role[role_count]);
    field("conversion", s);
  }
  {
    std::string s = "{\"months\": [1, 2, 3, 6, 12], \"days\": [";
    for (std::size_t k = 0; k < retention_days.size(); ++k) s += fmt::format("{}{}", k ? ", " : "", retention_days[k]);
    s += "], \"cohorts\": [";
    bool first = true;
    for (const auto& c : r.retention) {
      std::string counts = "[", shares = "[";
      for (std::size_t k = 0; k < retention_days.size(); ++k) {
        const std::string sep = k ? ", " : "";
        counts += sep + (c.not_passive[k] ? std::to_string(*c.not_passive[k]) : "null");
        shares += sep + (c.not_passive[k] ? json_number(share(*c.not_passive[k], c.customers)) : "null");
      }
      s += fmt::format("{}{{\"cohort\": {}, \"customers\": {}, \"not_passive\": {}], \"share\": {}]}}", first ? "" : ", ",
                       json_string(month_text(c.month)), c.customers, counts, shares);
      first = false;
    }
    field("retention", s + "]}");
  }
  {
    std::string s = "{";
    for (stage st : all_stages) {
      const stage_time& t = r.stage_times[static_cast<std::size_t>(st)];
      s += fmt::format("{}{}: {{\"persons\": {}, \"median_days\": {}, \"stays_ended\": {}, \"median_stay_days\": {}}}",
                       st == stage::potential ? "" : ", ", json_string(to_string(st)), t.persons,
                       t.persons ? json_number(t.median_days) : "null", t.finished,
                       t.finished ? json_number(t.median_finished) : "null");
    }
    field("stage_days", s + "}");
  }
  {
    auto outcomes = [](const stage_outcomes& so) {
      return fmt::format("{{\"reach_loyal\": {}, \"end_passive\": {}}}", json_number(so.reach_loyal),
                         json_number(so.end_passive));
    };
    auto days = [](const days_summary& d) {
      return fmt::format("{{\"persons\": {}, \"mean\": {}, \"median\": {}}}", d.persons, json_number(d.mean),
                         json_number(d.median));
    };
    std::string s = "{\"method\": \"absorbing Markov chain of the transition counts; observed = direct count\", \"stages\": {";
    for (stage st : all_stages) {
      const stage_flow& f = r.flows.stages[static_cast<std::size_t>(st)];
      s += fmt::format("{}{}: {{\"persons\": {}, \"markov\": {}, \"observed\": {}}}", st == stage::potential ? "" : ", ",
                       json_string(to_string(st)), f.persons, outcomes(f.markov), outcomes(f.observed));
    }
    s += fmt::format("}}, \"distinct_paths\": {}, \"top_paths\": [", r.flows.distinct_paths);
    bool first = true;
    for (const stage_path_count& p : r.flows.top_paths) {
      std::string path = "[";
      for (stage st : p.stages) path += (path.size() > 1 ? ", " : "") + json_string(to_string(st));
      s += fmt::format("{}{{\"path\": {}], \"longer\": {}, \"persons\": {}, \"median_days\": {}}}", first ? "" : ", ",
                       path, p.longer ? "true" : "false", p.persons,
                       p.median_days ? json_number(*p.median_days) : "null");
      first = false;
    }
    s += fmt::format("], \"days_to_first_purchase\": {}, \"days_new_to_loyal\": {}}}", days(r.flows.to_first_purchase),
                     days(r.flows.new_to_loyal));
    field("flows", s);
  }
  {
    const people_summary& p = r.people;
    field("people",
          fmt::format("{{\"purchases\": {}, \"purchases_for_others\": {}, \"share_for_others\": {}, \"payers\": {}, "
                      "\"beneficiaries\": {}, \"referrals\": {}, \"referrers\": {}, \"referred\": {}, "
                      "\"graph_persons\": {}, \"graph_edges\": {}, \"graph_bytes\": {}}}",
                      p.purchases, p.purchases_for_others, json_number(share(p.purchases_for_others, p.purchases)),
                      p.payers, p.beneficiaries, p.referrals, p.referrers, p.referred, p.graph_persons, p.graph_edges,
                      p.bytes));
    std::string a = "[";
    for (const advocate_entry& e : r.advocates)
      a += fmt::format("{}{{\"person\": {}, \"referred\": {}, \"referred_customers\": {}, \"reach\": {}, "
                       "\"reach_customers\": {}}}",
                       a.size() > 1 ? ", " : "", json_string(e.person), e.figures.referred,
                       e.figures.referred_customers, e.figures.reach.persons, e.figures.reach.customers);
    field("advocates", a + "]");
  }
  {
    std::string counts = "{", enabled = "[";
    for (signal_kind k : all_signals) {
      counts += fmt::format("{}{}: {}", counts.size() > 1 ? ", " : "", json_string(to_string(k)),
                            r.signals[static_cast<std::size_t>(k)]);
      if (r.rules.signals.contains(k)) enabled += (enabled.size() > 1 ? ", " : "") + json_string(to_string(k));
    }
    field("signals", fmt::format("{{\"total\": {}, \"by_kind\": {}}}, \"enabled\": {}]}}", sum(r.signals), counts, enabled));
  }
  {
    std::string t = "[";
    if (r.tiers.size() == r.rules.tiers.size())
      for (std::size_t i = 0; i < r.tiers.size(); ++i)
        t += fmt::format("{}{{\"tier\": {}, \"min_points\": {}, \"persons\": {}, \"share\": {}}}", i ? ", " : "",
                         json_string(r.rules.tiers[i].name), r.rules.tiers[i].min_points, r.tiers[i],
                         json_number(share(r.tiers[i], r.persons)));
    field("tiers", fmt::format("{{\"points_window_days\": {}, \"tiers\": {}]}}", r.rules.points_window_days, t));
  }
  {
    auto counts = [](const nps_counts& c) {
      const auto score = c.score();
      return fmt::format("{{\"responses\": {}, \"promoters\": {}, \"passives\": {}, \"detractors\": {}, \"score\": {}}}",
                         c.responses(), c.promoters, c.passives, c.detractors, score ? json_number(*score) : "null");
    };
    std::string s = fmt::format("{{\"tracked\": {}, \"overall\": {}, \"by_stage\": {{", r.rules.nps ? "true" : "false",
                                counts(r.nps.overall));
    for (stage st : all_stages)
      s += fmt::format("{}{}: {}", st == stage::potential ? "" : ", ", json_string(to_string(st)),
                       counts(r.nps.by_stage[static_cast<std::size_t>(st)]));
    s += "}, \"by_primary_role\": {";
    for (role ro : all_roles)
      s += fmt::format("{}: {}, ", json_string(to_string(ro)), counts(r.nps.by_primary_role[static_cast<std::size_t>(ro)]));
    field("nps", s + fmt::format("\"none\": {}}}}}", counts(r.nps.by_primary_role[role_count])));
  }
  field("timing",
        fmt::format("{{\"seconds\": {}, \"parse_seconds\": {}, \"ingest_seconds\": {}, \"bytes\": {}, \"rows_per_second\": {}, "
                    "\"people_graph_seconds\": {}}}",
                    json_number(r.rows.seconds), json_number(r.rows.parse_seconds), json_number(r.rows.ingest_seconds),
                    r.rows.bytes,
                    json_number(r.rows.seconds > 0 ? static_cast<double>(r.rows.rows) / r.rows.seconds : 0.0),
                    json_number(r.people.build_seconds)),
        true);
  o += "}\n";
  return o;
}

// ---------------------------------------------------------------------------
// DOT

std::string render_dot(const replay_report& r) {
  std::string o = "digraph lifecycle {\n";
  o += fmt::format("  label=\"lifecycle as of {}: {} persons\";\n  labelloc=t;\n  fontname=\"Helvetica\";\n",
                   date_text(r.as_of), grouped(r.persons));
  o += "  rankdir=LR;\n  node [shape=circle, fixedsize=true, style=filled, fillcolor=\"#dbe8fb\", fontname=\"Helvetica\"];\n";
  o += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  std::uint64_t biggest = 1;
  for (std::uint64_t n : r.stages) biggest = std::max(biggest, n);
  for (stage s : all_stages) {
    const auto n = r.stages[static_cast<std::size_t>(s)];
    // Width grows with the square root of persons (area ~ persons), from 1.4
    // inches (room for "deal_hunter") to 3 inches.
    const double width = 1.4 + 1.6 * std::sqrt(static_cast<double>(n) / static_cast<double>(biggest));
    o += fmt::format("  \"{}\" [label=\"{}\\n{}\", width={:.2f}];\n", to_string(s), to_string(s), grouped(n), width);
  }
  std::uint64_t busiest = 1;
  for (const auto& row : r.matrix)
    for (std::uint64_t n : row) busiest = std::max(busiest, n);
  for (stage from : all_stages)
    for (stage to : all_stages) {
      const auto f = static_cast<std::size_t>(from), t = static_cast<std::size_t>(to);
      const std::uint64_t corrections = r.matrix_by_cause[2][f][t];
      const std::uint64_t normal = r.matrix[f][t] - std::min(r.matrix[f][t], corrections);
      auto pen = [&](std::uint64_t n) {
        return 1.0 + 4.0 * std::sqrt(static_cast<double>(n) / static_cast<double>(busiest));
      };
      if (normal > 0)
        o += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\", penwidth={:.2f}];\n", to_string(from), to_string(to),
                         grouped(normal), pen(normal));
      if (corrections > 0)
        o += fmt::format("  \"{}\" -> \"{}\" [label=\"{} (correction)\", style=dashed, color=\"#b04040\", penwidth={:.2f}];\n",
                         to_string(from), to_string(to), grouped(corrections), pen(corrections));
    }
  o += "}\n";
  return o;
}

// ---------------------------------------------------------------------------
// CSV

namespace {
// The CSV writers fill a buffer and hand it over a megabyte at a time.
void write_when_large(std::ostream& out, std::string& buf) {
  if (buf.size() <= (1u << 20)) return;
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.clear();
}
}  // namespace

void write_profiles_csv(std::ostream& out, const engine& eng) {
  std::string buf = "person,stage,roles,primary_role,purchases,coupon_purchases,refunded_purchases,spend,first_seen,"
                    "first_purchase,last_purchase,stage_since";
  for (stage s : all_stages) buf += fmt::format(",days_{}", to_string(s));
  // With a customer-base model: its figures, empty for a person without a net purchase.
  const bool model = eng.rules().lapse_model != lapse_kind::days;
  if (model) buf += ",p_alive,expected_purchases,clv";
  // With signals, tiers or NPS tracked: their per-person figures, last so the columns before keep their places.
  const bool signals = eng.rules().tracks_signals();
  const tier_list& tiers = eng.rules().tiers;
  if (signals) buf += ",points,tier,reachable,nps_score";
  buf += '\n';
  auto optional_field = [&buf](const std::optional<double>& v) {
    buf += ',';
    if (v) buf += fmt::format("{:.6f}", *v);
  };
  const std::size_t known = eng.known_persons();
  std::size_t found = 0;
  for (std::uint32_t i = 0; found < known && i < std::numeric_limits<std::uint32_t>::max(); ++i) {
    const auto p = eng.profile_of(person_id{i});
    if (!p) {
      if (!issued(eng, person_id{i})) break;
      continue;
    }
    ++found;
    append_csv_field(buf, eng.name(person_id{i}));
    buf += fmt::format(",{},{},{},{},{},{},{},{},{},{},{}", to_string(p->current_stage), to_string(p->roles, ";", ""),
                       p->primary_role ? to_string(*p->primary_role) : "", p->purchases, p->coupon_purchases,
                       p->refunded_purchases, to_string(p->spend), date_text(p->first_seen),
                       p->first_purchase ? date_text(*p->first_purchase) : "",
                       p->last_purchase ? date_text(*p->last_purchase) : "", time_text(p->stage_since));
    for (double d : p->days_in_stage) buf += fmt::format(",{:.2f}", d);
    if (model) {
      optional_field(p->p_alive);
      optional_field(p->expected_purchases);
      optional_field(p->clv);
    }
    if (signals) {
      buf += fmt::format(",{},", p->points);
      if (p->tier < tiers.size()) append_csv_field(buf, tiers[p->tier].name);
      buf += p->reachable ? ",true," : ",false,";
      if (p->nps_score) buf += std::to_string(*p->nps_score);
    }
    buf += '\n';
    write_when_large(out, buf);
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

void write_transitions_csv(std::ostream& out, const engine& eng, std::span<const transition> transitions) {
  std::string buf = "time,person,change,from,to,role,cause,reason\n";
  for (const transition& t : transitions) {
    if (t.what == change::signal) continue;  // write_signals_csv's
    buf += time_text(t.when);
    buf += ',';
    append_csv_field(buf, t.person.valid() ? eng.name(t.person) : std::string_view{});
    const bool st = t.what == change::stage;
    buf += fmt::format(",{},{},{},{},{},", to_string(t.what), st ? to_string(t.from) : "", st ? to_string(t.to) : "",
                       st ? "" : to_string(t.role_changed), to_string(t.cause));
    buf += csv_field(to_string(t.why));
    buf += '\n';
    write_when_large(out, buf);
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

void write_signals_csv(std::ostream& out, const engine& eng, std::span<const transition> transitions) {
  std::string buf = "person,signal,time,cause,reason\n";
  for (const transition& t : transitions) {
    if (t.what != change::signal) continue;
    append_csv_field(buf, t.person.valid() ? eng.name(t.person) : std::string_view{});
    buf += fmt::format(",{},{},{},", to_string(t.signal_raised), time_text(t.when), to_string(t.cause));
    buf += csv_field(to_string(t.why));
    buf += '\n';
    write_when_large(out, buf);
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

}  // namespace lifecycle
