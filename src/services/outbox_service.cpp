#include "services/outbox_service.h"

#include <algorithm>

namespace parcours {

std::chrono::milliseconds OutboxService::Backoff(int failures) {
  using namespace std::chrono;
  const int exponent = std::clamp(failures - 1, 0, 10);
  return std::min<milliseconds>(minutes(1) * (1 << exponent), hours(12));
}

int OutboxService::DeliverDue(int batch) {
  int handled = 0;
  store_.Transact([&](UnitOfWork& uow) {
    handled = 0;
    const TimePoint now = clock_.Now();
    for (const auto& n : uow.notifications().ClaimDue(now, batch)) {
      ++handled;
      if (auto error = mailer_.Send(n)) {
        const int attempts = n.attempts + 1;
        uow.notifications().MarkRetry(n.id, attempts, now + Backoff(attempts), *error,
                                      attempts >= kMaxAttempts);
      } else {
        uow.notifications().MarkSent(n.id, now);
      }
    }
    return true;
  });
  return handled;
}

}  // namespace parcours
