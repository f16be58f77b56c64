#pragma once
// The time-driven passes: at each session's decision date, confirm it (enough confirmed
// registrants) or cancel it; after its end, mark it completed; two days before its start,
// remind the registrants. Each session is claimed in the database (row lock, SKIP LOCKED)
// and its status changed in the same transaction, so every decision is taken exactly once
// even with several server processes; a decision missed while down is taken at the next pass.
#include "common/clock.h"
#include "domain/repositories.h"
#include "services/registration_unit.h"

namespace parcours {

struct SchedulerReport {
  int confirmed = 0, cancelled = 0, completed = 0, reminded = 0;
};

class SchedulerService {
 public:
  SchedulerService(Store& store, const Clock& clock, NotificationSettings notify = {})
      : store_(store), clock_(clock), unit_(std::move(notify)) {}
  // wait_for_locks: wait for sessions another transaction holds instead of skipping them
  // (the test clock uses it so that the pass is complete when it returns).
  SchedulerReport RunOnce(bool wait_for_locks = false);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;
};

}  // namespace parcours
