#pragma once
// Delivers the notification outbox: claims due messages (row locks, SKIP LOCKED, so several
// processes share the work), hands each to the Mailer, and records success or schedules a
// retry with exponential backoff. Runs on its own thread: delivery never blocks a request.
#include <optional>
#include <string>

#include "common/clock.h"
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

  OutboxService(Store& store, const Clock& clock, Mailer& mailer)
      : store_(store), clock_(clock), mailer_(mailer) {}
  // Delivers what is due now; returns how many messages were handled (sent or deferred).
  int DeliverDue(int batch = 20);
  // Backoff before attempt n+1 after n failures: 1 min, 2, 4, ... capped at 12 h.
  static std::chrono::milliseconds Backoff(int failures);

 private:
  Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
};

}  // namespace parcours
