// Engine snapshots: a restored engine is the engine that was saved, and goes on
// exactly as it would have; bad bytes are refused with a clear error, never a
// crash; saving to a file survives a kill in the middle.

#include <catch2/catch.hpp>

#include <lifecycle/engine.hpp>
#include <lifecycle/snapshot.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "detail/hash.hpp"  // white-box: re-sealing bytes after an edit
#include "test_support.hpp"

using namespace lifecycle;
using namespace lctest;

namespace {

// A small world with something of everything: customers in several stages,
// roles, a refund waiting for its purchase, remembered ids, pending deadlines,
// and history.
engine small_world(history_mode h = history_mode::full) {
  engine eng(policy{}, engine_options{h, 0});
  eng.ingest(buy(at("2024-01-02 10:00:00"), "ana", "o1"));
  eng.ingest(coupon_buy(at("2024-01-05 10:00:00"), "ben", "o2"));
  eng.ingest(coupon_buy(at("2024-01-20 10:00:00"), "ben", "o3"));
  eng.ingest(ev(at("2024-01-21 09:00:00"), "cem", event_kind::post, "p1"));
  eng.ingest(ev(at("2024-01-21 09:30:00"), "cem", event_kind::join, "j1"));
  eng.ingest(refund(at("2024-01-22 08:00:00"), "dia", "o9", "r9"));  // its purchase comes later
  eng.ingest(ev(at("2024-01-22 12:00:00"), "eve", event_kind::view, "v1"));
  eng.ingest(buy(at("2024-01-23 12:00:00"), "ana", "o4"));
  eng.ingest(ev(at("2024-01-23 13:00:00"), "ana", event_kind::follow, "f1"));
  eng.ingest(buy(at("2024-01-24 12:00:00"), "ana", "o5"));
  event gift = buy(at("2024-01-25 12:00:00"), "ben", "o7");
  gift.target = "kid";  // a link: ben paid for kid
  eng.ingest(gift);
  event tip = ev(at("2024-01-25 13:00:00"), "ana", event_kind::referral, "ref1");
  tip.target = "eve";  // a link: ana referred eve
  eng.ingest(tip);
  eng.intern("fay");  // interned, never seen: not known, not counted
  return eng;
}

// Everything a host can observe of an engine, as comparable text.
std::string observable(const engine& e) {
  std::string s = fmt::format("clock={} known={} stages={} roles={} conv={} byrole={} acc={} dup={} rej={}\n",
                              when_text(e.clock()), e.known_persons(), fmt::join(e.stage_counts(), ","),
                              fmt::join(e.role_counts(), ","), e.conversions(),
                              fmt::join(e.conversions_by_primary_role(), ","), e.counts().accepted,
                              e.counts().duplicate, e.counts().rejected);
  for (const auto& row : e.matrix()) s += fmt::format("{}\n", fmt::join(row, ","));
  for (const auto& row : e.forbidden_moves()) s += fmt::format("forbidden {}\n", fmt::join(row, ","));
  for (const person_link& l : e.links()) s += fmt::format("link {} {} {}\n", e.name(l.from), l.kind, e.name(l.to));
  s += e.rules() == policy{} ? "default policy\n" : "custom policy\n";
  for (const transition& t : e.all_history()) s += fmt::format("{} {}\n", e.name(t.person), t);
  for (std::uint32_t i = 0;; ++i) {
    std::string_view name;
    try {
      name = e.name(person_id{i});
    } catch (const error&) {
      break;
    }
    const auto p = e.profile_of(person_id{i});
    s += fmt::format("{}: {}\n", name, p ? all_fields(*p) : std::string("unknown"));
  }
  return s;
}

std::vector<std::byte> reseal(std::vector<std::byte> b) {
  const std::size_t body = b.size() - 8;
  const std::uint64_t sum = lifecycle::detail::hash_bytes(reinterpret_cast<const char*>(b.data()), body, 0x53454c43);
  for (std::size_t i = 0; i < 8; ++i) b[body + i] = static_cast<std::byte>((sum >> (8 * i)) & 0xff);
  return b;
}

std::string refusal(std::span<const std::byte> bytes) {
  try {
    engine::restore(bytes);
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_state);
    return e.what();
  }
  return "accepted";
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("lifecycle-snapshot-{}", ::getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("snapshot: a restored engine is the engine that was saved", "[snapshot]") {
  for (history_mode h : {history_mode::full, history_mode::stages, history_mode::none}) {
    CAPTURE(h);
    const engine saved = small_world(h);
    const engine back = engine::restore(saved.snapshot());
    CHECK(observable(back) == observable(saved));
    CHECK(back.find("fay").has_value());
    CHECK_FALSE(back.profile_of("fay").has_value());
    // Bytes are a function of the state: saving the restored engine gives the same bytes.
    CHECK(back.snapshot() == saved.snapshot());
  }
}

TEST_CASE("snapshot: an engine before its first event round-trips", "[snapshot]") {
  policy p;
  p.clock = clock_mode::host;
  p.lapse_days = 45;
  const engine empty(p);
  const engine back = engine::restore(empty.snapshot());
  CHECK(back.rules() == p);
  CHECK(back.clock().is_not_a_date_time());
  CHECK(back.known_persons() == 0);
}

TEST_CASE("snapshot: the restored engine goes on exactly as the saved one", "[snapshot]") {
  engine a = small_world();
  engine b = engine::restore(a.snapshot());
  auto both = [&](const event& e) {
    const ingest_result ra = a.ingest(e);
    const ingest_result rb = b.ingest(e);
    CHECK(ra.status == rb.status);
    CHECK(briefs(ra.transitions) == briefs(rb.transitions));
    return rb.status;
  };
  // A remembered id is still a duplicate; the waiting refund still cancels its purchase.
  CHECK(both(buy(at("2024-01-25 10:00:00"), "ana", "o1")) == ingest_status::duplicate);
  CHECK(both(ev(at("2024-01-25 11:00:00"), "cem", event_kind::post, "p1")) == ingest_status::duplicate);
  CHECK(both(buy(at("2024-01-25 12:00:00"), "dia", "o9")) == ingest_status::accepted);
  CHECK(b.profile_of("dia")->purchases == 0);
  CHECK(b.profile_of("dia")->refunded_purchases == 1);
  // Deadlines filed before the snapshot fire after it.
  const auto ta = a.advance_to(at("2024-09-01 00:00:00"));
  const std::vector<transition> time_a(ta.begin(), ta.end());
  const auto tb = b.advance_to(at("2024-09-01 00:00:00"));
  CHECK_FALSE(tb.empty());
  CHECK(briefs(tb) == briefs(time_a));
  CHECK(observable(b) == observable(a));
}

TEST_CASE("snapshot: every truncation is refused, never a crash", "[snapshot]") {
  const std::vector<std::byte> bytes = small_world().snapshot();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    const std::string why = refusal(std::span(bytes).first(n));
    CHECK(why.find("engine snapshot: ") == 0);
  }
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  CHECK_THAT(refusal(longer), Catch::Contains("length does not match"));
}

TEST_CASE("snapshot: a changed byte anywhere is refused", "[snapshot]") {
  const std::vector<std::byte> bytes = small_world().snapshot();
  std::mt19937 rng(5);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::vector<std::byte> bad = bytes;
    bad[i] ^= static_cast<std::byte>(1 + rng() % 255);
    CAPTURE(i);
    CHECK(refusal(bad) != "accepted");
  }
}

TEST_CASE("snapshot: another format or another file is named as such", "[snapshot]") {
  std::vector<std::byte> bytes = small_world().snapshot();
  std::vector<std::byte> other_version = bytes;
  other_version[4] = std::byte{9};
  CHECK_THAT(refusal(reseal(other_version)), Catch::Contains("format version 9 (this library reads version 2)"));
  std::vector<std::byte> other_file = bytes;
  other_file[0] = std::byte{'{'};
  CHECK_THAT(refusal(other_file), Catch::Contains("not a lifecycle engine snapshot"));
  const std::string text = "person,stage\nana,loyal\n";
  CHECK_THAT(refusal(std::as_bytes(std::span(text))), Catch::Contains("engine snapshot"));
}

TEST_CASE("snapshot: sealed but inconsistent contents are refused by the field checks", "[snapshot]") {
  // With a valid checksum the field checks are what stands between bad bytes
  // and the engine: flip every byte of the body in turn and re-seal it. Each
  // result is either refused with a message or restores to an engine that works.
  const std::vector<std::byte> bytes = small_world().snapshot();
  std::size_t refused = 0;
  for (std::size_t i = 16; i + 8 < bytes.size(); ++i) {
    std::vector<std::byte> bad = bytes;
    bad[i] = ~bad[i];
    CAPTURE(i);
    try {
      engine e = engine::restore(reseal(bad));
      // Accepted (e.g. a changed amount or name): the engine must still work.
      e.ingest(ev(at("2024-02-01 00:00:00"), "zed", event_kind::visit));
      e.advance_to(at("2025-06-01 00:00:00"));
      (void)observable(e);
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_state);
      ++refused;
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("snapshot: files save and load, and errors name the file", "[snapshot]") {
  const auto dir = temp_dir();
  const auto file = dir / "engine.snap";
  const engine saved = small_world();
  save_snapshot(saved, file);
  CHECK_FALSE(std::filesystem::exists(dir / "engine.snap.tmp"));
  CHECK(observable(load_snapshot(file)) == observable(saved));

  try {
    load_snapshot(dir / "missing.snap");
    FAIL("loaded a missing file");
  } catch (const error& e) {
    CHECK(e.code() == errc::io_error);
    CHECK_THAT(e.what(), Catch::Contains("missing.snap"));
  }
  try {
    save_snapshot(saved, dir / "no-such-dir" / "engine.snap");
    FAIL("saved into a missing directory");
  } catch (const error& e) {
    CHECK(e.code() == errc::io_error);
  }
  {
    std::ofstream cut(dir / "cut.snap", std::ios::binary);
    const auto bytes = saved.snapshot();
    cut.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size() / 2));
  }
  try {
    load_snapshot(dir / "cut.snap");
    FAIL("loaded a truncated file");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_state);
    CHECK_THAT(e.what(), Catch::StartsWith((dir / "cut.snap").string() + ": engine snapshot: "));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("snapshot: kill -9 while saving leaves the previous file or the new one whole", "[snapshot][crash]") {
  const auto dir = temp_dir();
  const auto file = dir / "engine.snap";
  const engine before = small_world();
  save_snapshot(before, file);
  const std::string before_text = observable(before);

  // The child saves a bigger engine over and over; the parent kills it at
  // moments spread over the writes.
  engine big;
  for (int i = 0; i < 200000; ++i) {
    const std::string name = fmt::format("user{}", i);
    big.ingest(ev(at("2024-03-01 00:00:00") + pt::seconds(i), name, event_kind::view, fmt::format("v{}", i)));
  }
  const std::string big_text = fmt::format("known={}", big.known_persons());

  const auto aside = dir / "engine.snap.tmp";
  int killed_mid_write = 0;
  for (int round = 0; round < 6; ++round) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (;;) save_snapshot(big, file);
    }
    // Wait until a write is under way (the file aside exists), then kill.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!std::filesystem::exists(aside) && std::chrono::steady_clock::now() < give_up) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(300 * round));
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    // A finished save leaves nothing aside: if something is, the kill landed mid-write.
    killed_mid_write += std::filesystem::exists(aside) ? 1 : 0;
    // Whatever the moment, the file is one whole snapshot: the old or the new.
    const engine now = load_snapshot(file);
    const bool is_before = observable(now) == before_text;
    const bool is_big = fmt::format("known={}", now.known_persons()) == big_text;
    CHECK((is_before || is_big));
  }
  CHECK(killed_mid_write > 0);
  std::filesystem::remove_all(dir);
}
