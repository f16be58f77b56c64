// Unit tests of OutboxService::Backoff (src/services/outbox_service): the delay before the
// next delivery attempt after n failures.
#include "services/outbox_service.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace parcours {
namespace {

using namespace std::chrono;

}  // namespace

TEST_CASE("outbox: the first retry comes one minute after the first failure", "[outbox]") {
  CHECK(OutboxService::Backoff(1) == minutes(1));
}

TEST_CASE("outbox: the backoff doubles with each failure", "[outbox]") {
  CHECK(OutboxService::Backoff(2) == minutes(2));
  CHECK(OutboxService::Backoff(3) == minutes(4));
  CHECK(OutboxService::Backoff(4) == minutes(8));
  CHECK(OutboxService::Backoff(10) == minutes(512));
  for (int n = 1; n < 10; ++n) {
    INFO(n);
    CHECK(OutboxService::Backoff(n + 1) == 2 * OutboxService::Backoff(n));
  }
}

TEST_CASE("outbox: the backoff is capped at 12 hours", "[outbox]") {
  CHECK(OutboxService::Backoff(11) == hours(12));  // 1024 min would be more
  CHECK(OutboxService::Backoff(OutboxService::kMaxAttempts) == hours(12));
  CHECK(OutboxService::Backoff(40) == hours(12));  // no overflow for large counts
  CHECK(OutboxService::Backoff(1000000) == hours(12));
  for (int n = 1; n <= 64; ++n) {
    INFO(n);
    CHECK(OutboxService::Backoff(n) <= hours(12));
    CHECK(OutboxService::Backoff(n) >= minutes(1));
    CHECK(OutboxService::Backoff(n + 1) >= OutboxService::Backoff(n));
  }
}

TEST_CASE("outbox: no failure yet (or a bad count) waits the minimum", "[outbox]") {
  CHECK(OutboxService::Backoff(0) == minutes(1));
  CHECK(OutboxService::Backoff(-5) == minutes(1));
}

TEST_CASE("outbox: the retries before the last attempt span about three days", "[outbox]") {
  milliseconds total{0};
  for (int n = 1; n < OutboxService::kMaxAttempts; ++n) total += OutboxService::Backoff(n);
  // kMaxAttempts - 1 waits: 1 + 2 + ... + 512 minutes, then 12 h four times (about 77 h).
  CHECK(total == minutes(1023 + 4 * 720));
}

}  // namespace parcours
