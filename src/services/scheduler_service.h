#pragma once
// The time-driven passes: at each session's decision date, confirm it (enough confirmed
// registrants) or cancel it; after its end, mark it completed; two days before its start,
// remind the registrants. Each session is claimed in the database (row lock, SKIP LOCKED)
// and its status changed in the same transaction, so every decision is taken exactly once
// even with several server processes; a decision missed while down is taken at the next pass.
//
// Failures are isolated per session: when a step throws on one session (anything but the
// database being unavailable), its transaction is rolled back, the failure is recorded
// (count, last error, next attempt with exponential backoff), the pass goes on with the other
// sessions, and later passes leave that session alone until its backoff ends. Coordinators
// read the sessions whose steps keep failing with Failures().
#include <chrono>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/registration_unit.h"

namespace parcours {

struct SchedulerReport {
  int confirmed = 0, cancelled = 0, completed = 0, reminded = 0;
  std::vector<SchedulerFailure> failures;  // recorded during this pass
};

class SchedulerService {
 public:
  SchedulerService(Store& store, const Clock& clock, NotificationSettings notify = {})
      : store_(store), clock_(clock), unit_(std::move(notify)) {}
  // wait_for_locks: wait for sessions another transaction holds instead of skipping them
  // (the test clock uses it so that the pass is complete when it returns). Throws only when
  // the database is unavailable (StoreUnavailable).
  SchedulerReport RunOnce(bool wait_for_locks = false);
  // The recorded failures, most repeated first (coordinators only).
  Result<std::vector<SchedulerFailure>> Failures(const RequestContext& ctx);
  // Wait after n failures of a step on a session: 1 min, 2, 4, ... capped at 1 h.
  static std::chrono::milliseconds Backoff(int failures);

 private:
  template <class Claim, class Apply>
  void RunStep(const char* step, TimePoint now, SchedulerReport& report, Claim claim, Apply apply);
  SchedulerFailure RecordFailure(const char* step, Id session_id, const std::string& error, TimePoint now);

  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;
};

}  // namespace parcours
