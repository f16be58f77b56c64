#pragma once
// Delivers the notification outbox. A short transaction claims due messages with a lease
// (a claim token and claimed_until; SKIP LOCKED, so several processes share the work) and
// commits; the Mailer then runs with no database connection held; a second short
// transaction per message records success or schedules a retry with exponential backoff,
// only if the claim still holds. A retried transaction therefore never sends again, and a
// dispatcher that dies after its claim gives its messages back when the lease runs out
// (delivery is at least once). Runs on its own thread: delivery never blocks a request.
#include <chrono>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "domain/repositories.h"

namespace parcours {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // nullopt when the relay accepted the message, else the reason it did not.
  virtual std::optional<std::string> Send(const Notification& n) = 0;
};

class OutboxService {
 public:
  static constexpr int kMaxAttempts = 15;  // about 3 days of backoff (77 h), then "failed"
  // A claim keeps other dispatchers off its messages this long. A batch (20 messages, each
  // bounded by the relay's 20 s timeout) fits in it with room to spare; messages not yet sent
  // when less than kLeaseMargin is left go back unsent.
  static constexpr std::chrono::minutes kLease{15};
  static constexpr std::chrono::minutes kLeaseMargin{5};

  OutboxService(Store& store, const Clock& clock, Mailer& mailer, RandomSource& random)
      : store_(store), clock_(clock), mailer_(mailer), random_(random) {}
  // Delivers what is due now; returns how many messages were handled (sent or deferred).
  int DeliverDue(int batch = 20);
  // Backoff before attempt n+1 after n failures: 1 min, 2, 4, ... capped at 12 h.
  static std::chrono::milliseconds Backoff(int failures);

 private:
  Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
  RandomSource& random_;
};

}  // namespace parcours
