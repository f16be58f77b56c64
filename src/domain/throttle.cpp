#include "domain/throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace parcours {

LoginBackoff AfterFailure(const std::optional<LoginBackoff>& before, TimePoint now, const BackoffPolicy& policy) {
  LoginBackoff next;
  const bool forgotten = !before || now - before->last_failure_at >= policy.forget_after;
  next.failures = (forgotten ? 0 : before->failures) + 1;
  next.last_failure_at = now;
  const int over = next.failures - policy.failures_before_wait;
  if (over >= 0) {
    // first_wait · 2^over, capped; the shift is bounded so it cannot overflow.
    const std::chrono::seconds wait = std::min<std::chrono::seconds>(
        policy.first_wait * (1LL << std::min(over, 20)), policy.max_wait);
    next.blocked_until = now + std::chrono::duration_cast<std::chrono::milliseconds>(wait);
  }
  return next;
}

std::optional<TimePoint> BlockedUntil(const std::optional<LoginBackoff>& state, TimePoint now) {
  if (state && state->blocked_until && *state->blocked_until > now) return state->blocked_until;
  return std::nullopt;
}

PaceDecision Pace(const std::optional<TimePoint>& tat, TimePoint now, const PacePolicy& policy) {
  using std::chrono::milliseconds;
  const milliseconds interval = std::chrono::duration_cast<milliseconds>(policy.period) / policy.burst;
  const milliseconds tolerance = interval * (policy.burst - 1);
  const TimePoint start = tat && *tat > now ? *tat : now;
  PaceDecision d;
  if (start - now > tolerance) {
    d.retry_after = SecondsUntil(start - tolerance, now);
    return d;
  }
  d.allowed = true;
  d.next_tat = start + interval;
  return d;
}

std::chrono::seconds SecondsUntil(TimePoint until, TimePoint now) {
  const auto ms = (until - now).count();
  return std::chrono::seconds(std::max<long long>(1, (ms + 999) / 1000));
}

std::string ClientAddressKey(const std::string& address) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[64];
    if (std::equal(kMapped, kMapped + 12, bytes)) {
      std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
      return text;
    }
    std::snprintf(text, sizeof text, "%x:%x:%x:%x::/64", bytes[0] << 8 | bytes[1], bytes[2] << 8 | bytes[3],
                  bytes[4] << 8 | bytes[5], bytes[6] << 8 | bytes[7]);
    return text;
  }
  return address;
}

}  // namespace parcours
