// The messy-log generator. Determinism: its own random generator
// (xoshiro256** seeded by splitmix64) and integer arithmetic for every draw
// that shapes the output, so a seed gives the same bytes wherever it runs.
// Streaming: sessions are filed by day and rows by day of arrival, so only a
// few days of rows are held at once.

#include "lifecycle/generator.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "detail/random.hpp"
#include "lifecycle/error.hpp"

namespace lifecycle {

namespace {

constexpr std::int64_t day_seconds = 86'400;
constexpr std::uint32_t nobody = std::numeric_limits<std::uint32_t>::max();

using detail::rng;

// What each kind of person tends to do in a session.
struct persona {
  double weight;
  int gap_days;    // mean days between sessions
  int life_days;   // mean days between first and last session
  int views;       // mean views per session
  double search, cart, buy_after_cart, buy_direct, coupon, post, review, join, follow;
};

constexpr std::array<persona, 7> personas = {{
    // weight gap life views search cart  buy|cart direct coupon post  review join  follow
    {0.33, 9, 60, 3, 0.05, 0.03, 0.30, 0.005, 0.10, 0.01, 0.01, 0.01, 0.01},  // browser
    {0.25, 7, 150, 2, 0.60, 0.35, 0.45, 0.020, 0.15, 0.01, 0.05, 0.01, 0.03},  // shopper
    {0.10, 6, 150, 2, 0.40, 0.40, 0.50, 0.030, 0.85, 0.00, 0.03, 0.01, 0.02},  // deal hunter
    {0.08, 4, 200, 1, 0.10, 0.05, 0.40, 0.010, 0.10, 0.55, 0.05, 0.05, 0.05},  // creator
    {0.08, 5, 150, 2, 0.20, 0.10, 0.50, 0.020, 0.10, 0.02, 0.55, 0.02, 0.03},  // critic
    {0.08, 5, 150, 1, 0.05, 0.05, 0.40, 0.010, 0.10, 0.02, 0.02, 0.60, 0.05},  // joiner
    {0.08, 4, 300, 1, 0.30, 0.30, 0.70, 0.050, 0.10, 0.02, 0.10, 0.05, 0.25},  // fan
}};

constexpr double refund_share = 0.05;        // of purchases
constexpr double refund_first_share = 0.25;  // of refunds: the purchase row arrives after the refund
constexpr double referral_share = 0.02, feedback_share = 0.03, contact_share = 0.08, gift_share = 0.03;

struct person_plan {
  std::uint8_t kind = 0;
  int end_day = 0;
};

struct row {
  std::int64_t arrival;  // seconds since the first day began
  std::int64_t time;     // seconds since the first day began
  std::uint64_t id;      // event serial
  std::uint64_t ref;     // refund: the purchase's serial
  std::uint32_t person;
  std::uint32_t target = nobody;
  std::int32_t amount = 0;  // cents
  event_kind kind;
  std::int8_t score = -1;
  bool coupon = false;
  bool duplicate = false;
};

class writer {
 public:
  writer(const std::function<void(std::string_view)>& sink, boost::gregorian::date start, int days)
      : sink_(sink) {
    out_.reserve(1 << 20);
    for (int d = 0; d < days + 16; ++d) {
      const auto date = start + boost::gregorian::days(d);
      day_text_.push_back(fmt::format("{:04}-{:02}-{:02}T", int(date.year()), int(date.month()), int(date.day())));
    }
  }
  ~writer() = default;

  void header() { out_ += "time,person,event,amount,coupon,id,target,ref,score\n"; }

  void put(const row& r) {
    const auto day = static_cast<std::size_t>(r.time / day_seconds);
    const auto sec = static_cast<int>(r.time % day_seconds);
    out_ += day_text_[std::min(day, day_text_.size() - 1)];
    two(sec / 3600);
    out_ += ':';
    two(sec / 60 % 60);
    out_ += ':';
    two(sec % 60);
    out_ += "Z,u";
    number(r.person);
    out_ += ',';
    out_ += to_string(r.kind);
    out_ += ',';
    if (r.kind == event_kind::purchase) {
      number(static_cast<std::uint64_t>(r.amount / 100));
      out_ += '.';
      two(r.amount % 100);
      out_ += r.coupon ? ",1," : ",0,";
    } else {
      out_ += ",,";
    }
    out_ += r.kind == event_kind::purchase ? 'o' : r.kind == event_kind::refund ? 'r' : 'e';
    base36(r.id);
    out_ += ',';
    if (r.target != nobody) {
      out_ += 'u';
      number(r.target);
    }
    out_ += ',';
    if (r.kind == event_kind::refund) {
      out_ += 'o';
      base36(r.ref);
    }
    out_ += ',';
    if (r.score >= 0) number(static_cast<std::uint64_t>(r.score));
    out_ += '\n';
    if (out_.size() >= (1 << 20)) flush();
  }

  void flush() {
    if (!out_.empty()) sink_(out_);
    out_.clear();
  }

 private:
  void two(int v) {
    out_ += static_cast<char>('0' + v / 10);
    out_ += static_cast<char>('0' + v % 10);
  }
  void number(std::uint64_t v) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, res.ptr);
  }
  void base36(std::uint64_t v) {
    char buf[16];
    char* p = buf + sizeof buf;
    do {
      const auto digit = static_cast<int>(v % 36);
      *--p = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
      v /= 36;
    } while (v != 0);
    out_.append(p, buf + sizeof buf);
  }

  const std::function<void(std::string_view)>& sink_;
  std::string out_;
  std::vector<std::string> day_text_;
};

class generator {
 public:
  explicit generator(const generator_options& o) : o_(o), rng_(o.seed), arrivals_(static_cast<std::size_t>(o.days) + 16) {}

  generator_stats run(const std::function<void(std::string_view)>& sink) {
    writer w(sink, o_.start, o_.days);
    w.header();
    plan_persons();
    std::vector<row> all;  // only when shuffling
    auto deliver = [&](std::vector<row>& bucket) {
      std::sort(bucket.begin(), bucket.end(), [](const row& a, const row& b) {
        if (a.arrival != b.arrival) return a.arrival < b.arrival;
        if (a.id != b.id) return a.id < b.id;
        return a.duplicate < b.duplicate;
      });
      for (const row& r : bucket) {
        if (o_.shuffle)
          all.push_back(r);
        else
          w.put(r);
      }
      stats_.rows += bucket.size();
      std::vector<row>().swap(bucket);
    };
    for (int d = 0; d < o_.days; ++d) {
      std::vector<std::uint32_t> today;
      today.swap(sessions_[static_cast<std::size_t>(d)]);
      for (std::uint32_t p : today) session(p, d);
      deliver(arrivals_[static_cast<std::size_t>(d)]);
    }
    for (std::size_t d = static_cast<std::size_t>(o_.days); d < arrivals_.size(); ++d) deliver(arrivals_[d]);
    if (o_.shuffle) {
      for (std::size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng_.below(i)]);
      for (const row& r : all) w.put(r);
    }
    w.flush();
    return stats_;
  }

 private:
  void plan_persons() {
    plans_.resize(o_.persons);
    sessions_.assign(static_cast<std::size_t>(o_.days), {});
    for (std::uint32_t p = 0; p < o_.persons; ++p) {
      double pick = rng_.uniform();
      std::uint8_t k = 0;
      while (std::size_t{k} + 1 < personas.size() && pick >= personas[k].weight) pick -= personas[k++].weight;
      const persona& pe = personas[k];
      const int first = static_cast<int>(rng_.below(static_cast<std::uint64_t>(o_.days)));
      const int life = static_cast<int>(rng_.below(static_cast<std::uint64_t>(2 * pe.life_days)));
      plans_[p] = {k, first + life + 1};
      sessions_[static_cast<std::size_t>(first)].push_back(p);
    }
  }

  // Files a row under its day of arrival: on time, late, and perhaps twice.
  void emit(row r, bool may_be_late = true) {
    ++stats_.by_kind[static_cast<std::size_t>(r.kind)];
    if (may_be_late && rng_.chance(o_.late)) {
      r.arrival = r.time + day_seconds * static_cast<std::int64_t>(1 + rng_.below(3)) +
                  static_cast<std::int64_t>(rng_.below(day_seconds));
      ++stats_.late;
    }
    file(r);
    if (rng_.chance(o_.dupes)) {
      row copy = r;
      copy.duplicate = true;
      copy.arrival = r.arrival + 1 + static_cast<std::int64_t>(rng_.below(2 * day_seconds));
      file(copy);
      ++stats_.duplicates;
    }
  }

  void file(const row& r) {
    const auto day = std::min<std::size_t>(static_cast<std::size_t>(r.arrival / day_seconds), arrivals_.size() - 1);
    arrivals_[day].push_back(r);
  }

  row make(std::uint32_t person, std::int64_t t, event_kind k) {
    row r{};
    r.arrival = r.time = t;
    r.id = serial_++;
    r.ref = 0;
    r.person = person;
    r.kind = k;
    return r;
  }

  std::uint32_t someone_else(std::uint32_t p) {
    if (o_.persons < 2) return p;
    auto q = static_cast<std::uint32_t>(rng_.below(o_.persons - 1));
    return q >= p ? q + 1 : q;
  }

  void purchase(std::uint32_t p, std::int64_t t, const persona& pe) {
    row r = make(p, t, event_kind::purchase);
    r.amount = static_cast<std::int32_t>(199 + rng_.below(4800) + (rng_.below(5) == 0 ? rng_.below(20000) : 0));
    r.coupon = rng_.chance(pe.coupon);
    if (rng_.chance(gift_share)) r.target = someone_else(p);
    if (!rng_.chance(refund_share)) {
      emit(r);
      return;
    }
    row refund = make(p, t + day_seconds * static_cast<std::int64_t>(1 + rng_.below(14)) +
                             static_cast<std::int64_t>(rng_.below(day_seconds)),
                      event_kind::refund);
    refund.ref = r.id;
    if (refund.time >= static_cast<std::int64_t>(o_.days) * day_seconds) {
      emit(r);  // the refund would fall after the period
      return;
    }
    if (rng_.chance(refund_first_share)) {
      // The purchase is held up on the device and arrives after its refund.
      r.arrival = refund.time + 3600 + static_cast<std::int64_t>(rng_.below(2 * day_seconds));
      ++stats_.late;
      ++stats_.refunds_before_purchase;
      emit(r, false);
      emit(refund, false);
    } else {
      emit(r);
      emit(refund);
    }
  }

  void session(std::uint32_t p, int day) {
    const person_plan plan = plans_[p];
    const persona& pe = personas[plan.kind];
    std::int64_t t = static_cast<std::int64_t>(day) * day_seconds + 7 * 3600 +
                     static_cast<std::int64_t>(rng_.below(16 * 3600));
    auto step = [&] {
      t += 10 + static_cast<std::int64_t>(rng_.below(110));
      return t;
    };
    emit(make(p, t, event_kind::visit));
    const auto views = rng_.below(static_cast<std::uint64_t>(2 * pe.views + 1));
    for (std::uint64_t i = 0; i < views; ++i) emit(make(p, step(), event_kind::view));
    if (rng_.chance(pe.search)) emit(make(p, step(), event_kind::search));
    if (rng_.chance(pe.cart)) {
      emit(make(p, step(), event_kind::cart));
      if (rng_.chance(pe.buy_after_cart)) purchase(p, step(), pe);
    } else if (rng_.chance(pe.buy_direct)) {
      purchase(p, step(), pe);
    }
    if (rng_.chance(pe.post)) emit(make(p, step(), event_kind::post));
    if (rng_.chance(pe.review)) emit(make(p, step(), event_kind::review));
    if (rng_.chance(pe.join)) {
      emit(make(p, step(), event_kind::join));
      if (rng_.chance(0.5)) emit(make(p, step(), event_kind::join));
    }
    if (rng_.chance(pe.follow)) emit(make(p, step(), event_kind::follow));
    if (rng_.chance(referral_share)) {
      row r = make(p, step(), event_kind::referral);
      r.target = someone_else(p);
      emit(r);
    }
    if (rng_.chance(feedback_share)) {
      row r = make(p, step(), event_kind::feedback);
      if (!rng_.chance(0.3)) r.score = static_cast<std::int8_t>(rng_.below(11));
      emit(r);
    }
    if (rng_.chance(contact_share)) {
      const std::int64_t at = static_cast<std::int64_t>(day) * day_seconds + static_cast<std::int64_t>(rng_.below(day_seconds));
      emit(make(p, at, event_kind::contact));
    }
    const int next = day + 1 + static_cast<int>(rng_.below(static_cast<std::uint64_t>(2 * pe.gap_days - 1)));
    if (next < plan.end_day && next < o_.days) sessions_[static_cast<std::size_t>(next)].push_back(p);
  }

  generator_options o_;
  rng rng_;
  std::vector<person_plan> plans_;
  std::vector<std::vector<std::uint32_t>> sessions_;
  std::vector<std::vector<row>> arrivals_;
  std::uint64_t serial_ = 1;
  generator_stats stats_;
};

}  // namespace

generator_stats generate_events(const generator_options& options,
                                const std::function<void(std::string_view)>& write) {
  if (options.persons < 1 || options.persons > 100'000'000)
    throw error(errc::invalid_argument, fmt::format("generate: persons must be 1..100000000, got {}", options.persons));
  if (options.days < 1 || options.days > 36'500)
    throw error(errc::invalid_argument, fmt::format("generate: days must be 1..36500, got {}", options.days));
  if (!(options.dupes >= 0.0 && options.dupes <= 1.0))
    throw error(errc::invalid_argument, fmt::format("generate: dupes must be in [0, 1], got {}", options.dupes));
  if (!(options.late >= 0.0 && options.late <= 1.0))
    throw error(errc::invalid_argument, fmt::format("generate: late must be in [0, 1], got {}", options.late));
  if (options.start.is_special()) throw error(errc::invalid_argument, "generate: start must be a date");
  generator g(options);
  return g.run(write);
}

generator_stats generate_events(const generator_options& options, std::ostream& out) {
  return generate_events(options, [&out](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  });
}

}  // namespace lifecycle
