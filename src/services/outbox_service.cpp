#include "services/outbox_service.h"

#include <algorithm>

#include "services/crypto.h"

namespace parcours {

std::chrono::milliseconds OutboxService::Backoff(int failures) {
  using namespace std::chrono;
  const int exponent = std::clamp(failures - 1, 0, 10);
  return std::min<milliseconds>(minutes(1) * (1 << exponent), hours(12));
}

int OutboxService::DeliverDue(int batch) {
  const std::string token = NewSecret(random_, "claim_");
  std::vector<Notification> claimed;
  TimePoint lease_until;
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    lease_until = now + kLease;
    claimed = uow.notifications().Claim(now, batch, token, lease_until);
    return true;
  });
  int handled = 0;
  for (std::size_t i = 0; i < claimed.size(); ++i) {
    const Notification& n = claimed[i];
    if (clock_.Now() + kLeaseMargin > lease_until) {
      // Too little of the lease is left to be sure that nobody else takes these over while
      // they are being sent: give them back unsent.
      store_.Transact([&](UnitOfWork& uow) {
        for (std::size_t j = i; j < claimed.size(); ++j) uow.notifications().Release(claimed[j].id, token);
        return true;
      });
      break;
    }
    auto error = mailer_.Send(n);  // no connection held: the claim is committed
    const TimePoint now = clock_.Now();
    // Recorded only while the claim holds: if the lease ran out and another dispatcher took
    // the message over, the outcome is that dispatcher's to record.
    store_.Transact([&](UnitOfWork& uow) {
      if (!error) {
        uow.notifications().MarkSent(n.id, token, now);
      } else {
        const int attempts = n.attempts + 1;
        uow.notifications().MarkRetry(n.id, token, attempts, now + Backoff(attempts), *error,
                                      attempts >= kMaxAttempts);
      }
      return true;
    });
    ++handled;
  }
  return handled;
}

}  // namespace parcours
