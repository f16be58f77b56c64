// The shared catalogue version read (issue 13): one read in flight, a caller waits for the
// first read that started after it called, so a change committed before the call is seen.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "services/catalogue_cache.h"

using namespace parcours;
using namespace std::chrono_literals;

namespace {

// A database whose version read can be held open: the read takes the committed version when it
// starts, then waits at the gate while `hold` is set.
struct HeldDatabase {
  std::mutex mu;
  std::condition_variable cv;
  std::int64_t committed = 1;
  bool hold = false;
  int waiting_at_gate = 0;
  bool fail = false;

  std::optional<CatalogueVersion> Read() {
    std::unique_lock lock(mu);
    const std::int64_t seen = committed;  // what the statement's snapshot shows
    const bool failing = fail;
    ++waiting_at_gate;
    cv.notify_all();
    cv.wait(lock, [&] { return !hold; });
    --waiting_at_gate;
    if (failing) return std::nullopt;
    return CatalogueVersion{seen, seen};
  }
  void Commit(std::int64_t v) {
    std::lock_guard lock(mu);
    committed = v;
  }
  void WaitForReadAtGate() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return waiting_at_gate > 0; });
  }
  void Release() {
    std::lock_guard lock(mu);
    hold = false;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("version coalescer: a change committed before a caller arrives is seen, even with a read in flight",
          "[catalogue]") {
  HeldDatabase db;
  VersionCoalescer versions([&] { return db.Read(); });
  db.hold = true;
  auto first = std::async(std::launch::async, [&] { return versions.Get(); });
  db.WaitForReadAtGate();  // the first read has taken version 1 and is still in flight
  db.Commit(2);            // a session is cancelled...
  auto second = std::async(std::launch::async, [&] { return versions.Get(); });  // ...then a request arrives
  REQUIRE(second.wait_for(100ms) == std::future_status::timeout);  // it does not take the read under way
  db.Release();
  REQUIRE(first.get()->structure == 1);
  const auto seen = second.get();
  REQUIRE(seen);
  CHECK(seen->structure == 2);
  CHECK(versions.reads() == 2);
}

TEST_CASE("version coalescer: callers that arrive while a read runs share the next one", "[catalogue]") {
  HeldDatabase db;
  VersionCoalescer versions([&] { return db.Read(); });
  db.hold = true;
  auto first = std::async(std::launch::async, [&] { return versions.Get(); });
  db.WaitForReadAtGate();
  db.Commit(5);
  std::vector<std::future<std::optional<CatalogueVersion>>> later;
  for (int i = 0; i < 8; ++i) later.push_back(std::async(std::launch::async, [&] { return versions.Get(); }));
  while (versions.callers() < 9) std::this_thread::sleep_for(1ms);  // all wait for the first read to end
  db.Release();
  REQUIRE(first.get()->structure == 1);
  for (auto& f : later) {
    const auto v = f.get();
    REQUIRE(v);
    CHECK(v->structure == 5);
  }
  CHECK(versions.reads() == 2);  // the first read, and one shared by the eight
}

TEST_CASE("version coalescer: a failed read is no version, and the next caller reads again", "[catalogue]") {
  HeldDatabase db;
  int calls = 0;
  VersionCoalescer versions([&]() -> std::optional<CatalogueVersion> {
    if (++calls == 1) throw std::runtime_error("connection lost");
    return db.Read();
  });
  CHECK_FALSE(versions.Get());
  db.fail = true;
  CHECK_FALSE(versions.Get());
  db.fail = false;
  db.Commit(3);
  const auto v = versions.Get();
  REQUIRE(v);
  CHECK(v->structure == 3);
}

namespace {

// Callbacks of Await, with what they were given.
struct Awaited {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<CatalogueVersion>> got;
  VersionCoalescer::Done Callback() {
    return [this](std::optional<CatalogueVersion> v) {
      std::lock_guard lock(mu);
      got.push_back(v);
      cv.notify_all();
    };
  }
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 5s, [&] { return got.size() >= n; });
  }
  std::size_t Count() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

}  // namespace

TEST_CASE("version coalescer: an awaiting caller gets a read of its own thread when nobody reads", "[catalogue]") {
  HeldDatabase db;
  db.Commit(4);
  VersionCoalescer versions([&] { return db.Read(); });
  Awaited awaited;
  versions.Await(awaited.Callback());
  REQUIRE(awaited.WaitFor(1));
  REQUIRE(awaited.got[0]);
  CHECK(awaited.got[0]->structure == 4);
  CHECK(versions.reads() == 1);
}

TEST_CASE("version coalescer: awaiting callers that arrive during a read get the next one, shared with Get callers",
          "[catalogue]") {
  HeldDatabase db;
  VersionCoalescer versions([&] { return db.Read(); });
  db.hold = true;
  auto first = std::async(std::launch::async, [&] { return versions.Get(); });
  db.WaitForReadAtGate();  // version 1 taken, the read still in flight
  db.Commit(7);            // a cancellation commits, then requests are parked
  Awaited awaited;
  for (int i = 0; i < 5; ++i) versions.Await(awaited.Callback());
  std::this_thread::sleep_for(50ms);
  CHECK(awaited.Count() == 0);  // not served by the read under way
  db.Release();
  REQUIRE(first.get()->structure == 1);
  REQUIRE(awaited.WaitFor(5));
  for (const auto& v : awaited.got) {
    REQUIRE(v);
    CHECK(v->structure == 7);
  }
  CHECK(versions.reads() == 2);  // the Get's read, and one for the five
}

TEST_CASE("version coalescer: a failed read reaches awaiting callers as no version", "[catalogue]") {
  VersionCoalescer versions([]() -> std::optional<CatalogueVersion> { throw std::runtime_error("connection lost"); });
  Awaited awaited;
  versions.Await(awaited.Callback());
  REQUIRE(awaited.WaitFor(1));
  CHECK_FALSE(awaited.got[0]);
}
