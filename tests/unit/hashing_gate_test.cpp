// The process-wide bound on concurrent password hashing.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "services/hashing_gate.h"

using namespace parcours;
using namespace std::chrono_literals;

TEST_CASE("hashing gate: at most `slots` passes at once, the next caller waits, then gives up", "[gate]") {
  HashingGate gate(2, 50ms);
  auto a = gate.Enter();
  auto b = gate.Enter();
  REQUIRE(a);
  REQUIRE(b);
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(gate.Enter());  // both slots held: refused after the bounded wait
  CHECK(std::chrono::steady_clock::now() - start >= 50ms);
  a.reset();  // a slot given back is taken at once
  CHECK(gate.Enter());
}

TEST_CASE("hashing gate: a waiting caller gets the slot freed during its wait", "[gate]") {
  HashingGate gate(1, 5s);
  auto held = gate.Enter();
  REQUIRE(held);
  std::atomic<bool> entered{false};
  std::thread waiter([&] { entered = gate.Enter().has_value(); });
  std::this_thread::sleep_for(20ms);
  CHECK_FALSE(entered);
  held.reset();
  waiter.join();
  CHECK(entered);
}

TEST_CASE("hashing gate: many threads never exceed the slots", "[gate]") {
  HashingGate gate(2, 10s);
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto pass = gate.Enter();
        if (!pass) continue;
        int now = ++inside;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(100us);
        --inside;
        ++done;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(most <= 2);
  CHECK(most >= 1);
  CHECK(done == 160);
}

TEST_CASE("hashing gate: a gate needs a slot", "[gate]") {
  CHECK_THROWS_AS(HashingGate(0, 1ms), std::invalid_argument);
}
