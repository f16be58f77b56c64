#pragma once
// The arithmetic of throttling, without I/O: the exponential backoff of failed logins per
// (e-mail, address), the pace of sign-ups per address (GCRA), and how a client address is
// keyed. The services keep the state in the database (several processes share it) and apply
// these rules inside their transactions.
#include <chrono>
#include <optional>
#include <string>

#include "common/clock.h"

namespace parcours {

// Failed logins for one (e-mail, client address): after failures_before_wait failures the pair
// waits first_wait, and each further failure doubles the wait, up to max_wait. A pair that has
// not failed for forget_after starts afresh.
struct BackoffPolicy {
  int failures_before_wait = 5;
  std::chrono::seconds first_wait{60};
  std::chrono::seconds max_wait{3600};
  std::chrono::seconds forget_after{24 * 3600};
};

struct LoginBackoff {
  int failures = 0;
  TimePoint last_failure_at;
  std::optional<TimePoint> blocked_until;
};

// The state after one more failure at `now`.
LoginBackoff AfterFailure(const std::optional<LoginBackoff>& before, TimePoint now, const BackoffPolicy& policy);
// Until when the pair must wait, or nullopt when it may try now.
std::optional<TimePoint> BlockedUntil(const std::optional<LoginBackoff>& state, TimePoint now);

// Sign-ups per client address: at most `burst` at once, then one per period/burst (the
// generic cell rate algorithm: one stored time per address, the "theoretical arrival time").
struct PacePolicy {
  int burst = 10;
  std::chrono::seconds period{3600};
};

struct PaceDecision {
  bool allowed = false;
  TimePoint next_tat;                // to store when allowed
  std::chrono::seconds retry_after{0};  // when refused
};
PaceDecision Pace(const std::optional<TimePoint>& tat, TimePoint now, const PacePolicy& policy);

// Whole seconds from now until `until`, rounded up, at least 1 (a Retry-After value).
std::chrono::seconds SecondsUntil(TimePoint until, TimePoint now);

// The key a client address is throttled by: an IPv4 address as it is (also when written as
// an IPv4-mapped IPv6 address), an IPv6 address by its /64 prefix, since one subscriber
// usually holds a whole /64 and could otherwise change address at every attempt.
std::string ClientAddressKey(const std::string& address);

}  // namespace parcours
