// The arithmetic of login backoff, sign-up pacing and address keys.
#include <catch2/catch.hpp>

#include "common/time.h"
#include "domain/throttle.h"
#include "test_values.h"

using namespace parcours;
using namespace std::chrono_literals;

TEST_CASE("throttle: five failures cost nothing, then 1 min doubling up to 1 h", "[throttle]") {
  BackoffPolicy policy;
  TimePoint now = Utc("2027-01-10T10:00:00Z");
  std::optional<LoginBackoff> state;
  for (int i = 1; i <= 4; ++i) {
    state = AfterFailure(state, now, policy);
    CHECK(state->failures == i);
    CHECK_FALSE(BlockedUntil(state, now));
  }
  state = AfterFailure(state, now, policy);  // the fifth
  REQUIRE(BlockedUntil(state, now));
  CHECK(*BlockedUntil(state, now) == now + 1min);
  CHECK(SecondsUntil(*BlockedUntil(state, now), now) == 60s);
  CHECK_FALSE(BlockedUntil(state, now + 1min));  // the wait is over exactly then
  std::vector<std::chrono::minutes> waits;
  for (int i = 0; i < 8; ++i) {
    now = *state->blocked_until;
    state = AfterFailure(state, now, policy);
    waits.push_back(std::chrono::duration_cast<std::chrono::minutes>(*state->blocked_until - now));
  }
  CHECK(waits == std::vector<std::chrono::minutes>{2min, 4min, 8min, 16min, 32min, 60min, 60min, 60min});
}

TEST_CASE("throttle: a pair that has not failed for a day starts afresh", "[throttle]") {
  BackoffPolicy policy;
  TimePoint now = Utc("2027-01-10T10:00:00Z");
  std::optional<LoginBackoff> state;
  for (int i = 0; i < 7; ++i) state = AfterFailure(state, now, policy);
  CHECK(state->failures == 7);
  state = AfterFailure(state, now + 24h, policy);
  CHECK(state->failures == 1);
  CHECK_FALSE(state->blocked_until);
  // A failure far beyond the cap does not overflow.
  for (int i = 0; i < 200; ++i) state = AfterFailure(state, now, policy);
  CHECK(*state->blocked_until - now == 1h);
}

TEST_CASE("throttle: sign-ups, ten at once, then one every six minutes", "[throttle]") {
  PacePolicy policy;  // 10 per hour
  TimePoint now = Utc("2027-01-10T10:00:00Z");
  std::optional<TimePoint> tat;
  for (int i = 0; i < 10; ++i) {
    auto d = Pace(tat, now, policy);
    REQUIRE(d.allowed);
    tat = d.next_tat;
  }
  auto refused = Pace(tat, now, policy);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 360s);
  CHECK_FALSE(Pace(tat, now + 5min + 59s, policy).allowed);
  auto later = Pace(tat, now + 6min, policy);
  REQUIRE(later.allowed);
  CHECK_FALSE(Pace(later.next_tat, now + 6min, policy).allowed);
  // An hour of quiet gives the whole burst back.
  tat = later.next_tat;
  for (int i = 0; i < 10; ++i) {
    auto d = Pace(tat, now + 2h, policy);
    REQUIRE(d.allowed);
    tat = d.next_tat;
  }
  CHECK_FALSE(Pace(tat, now + 2h, policy).allowed);
}

TEST_CASE("throttle: Retry-After rounds up and is at least one second", "[throttle]") {
  TimePoint now = Utc("2027-01-10T10:00:00Z");
  CHECK(SecondsUntil(now + 1ms, now) == 1s);
  CHECK(SecondsUntil(now + 1001ms, now) == 2s);
  CHECK(SecondsUntil(now - 5s, now) == 1s);
}

TEST_CASE("throttle: addresses are keyed by IPv4 address or IPv6 /64", "[throttle]") {
  CHECK(ClientAddressKey("127.0.0.2") == "127.0.0.2");
  CHECK(ClientAddressKey("::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(ClientAddressKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(ClientAddressKey("2001:db8:1:2::9") == ClientAddressKey("2001:db8:1:2:ffff::1"));
  CHECK(ClientAddressKey("2001:db8:1:3::9") != ClientAddressKey("2001:db8:1:2::9"));
  CHECK(ClientAddressKey("::1") == "0:0:0:0::/64");
  CHECK(ClientAddressKey("") == "");
}
