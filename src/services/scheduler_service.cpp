#include "services/scheduler_service.h"

#include <algorithm>

#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr int kMaxPerPass = 10000;  // a bound, far above any real backlog
constexpr int kMaxListedFailures = 500;

RequestContext SystemContext() {
  RequestContext ctx;
  ctx.principal.kind = Principal::Kind::kSystem;
  ctx.request_id = "scheduler";
  return ctx;
}

// The claimed session, read under the claim's row lock.
Session LockedSession(UnitOfWork& uow, Id id) {
  auto s = uow.catalogue().FindSession(id, false);  // the claim holds the lock already
  if (!s) throw std::runtime_error("claimed session " + std::to_string(id) + " vanished");
  return *s;
}

}  // namespace

std::chrono::milliseconds SchedulerService::Backoff(int failures) {
  using namespace std::chrono;
  return std::min<milliseconds>(minutes(1) * (1 << std::clamp(failures - 1, 0, 6)), hours(1));
}

// Claims one session after another, each in its own transaction: `claim` returns the id of a
// due session (row-locked) or nullopt, `apply` does the step and returns the report counter
// to bump once committed. A session whose step throws is rolled back and recorded, and the
// loop goes on; its claim skips it until the recorded next attempt.
template <class Claim, class Apply>
void SchedulerService::RunStep(const char* step, TimePoint now, SchedulerReport& report, Claim claim,
                               Apply apply) {
  for (int i = 0; i < kMaxPerPass; ++i) {
    std::optional<Id> claimed;
    int SchedulerReport::*counter = nullptr;
    try {
      store_.Transact([&](UnitOfWork& uow) {
        claimed = claim(uow);
        if (!claimed) return false;
        counter = apply(uow, LockedSession(uow, *claimed));
        uow.catalogue().ClearSchedulerFailure(*claimed, step);
        return true;
      });
    } catch (const StoreUnavailable&) {
      throw;  // the database itself: no session is to blame, the next pass tries again
    } catch (const std::exception& e) {
      if (!claimed) throw;
      report.failures.push_back(RecordFailure(step, *claimed, e.what(), now));
      continue;
    }
    if (!claimed) return;
    ++(report.*counter);
  }
}

SchedulerFailure SchedulerService::RecordFailure(const char* step, Id session_id, const std::string& error,
                                                 TimePoint now) {
  SchedulerFailure f;
  store_.Transact([&](UnitOfWork& uow) {
    auto previous = uow.catalogue().FindSchedulerFailure(session_id, step);
    f = previous.value_or(SchedulerFailure{session_id, step, 0, "", now, now, now});
    f.failures += 1;
    f.last_error = error.substr(0, 1000);
    f.last_failed_at = now;
    f.next_attempt_at = now + Backoff(f.failures);
    uow.catalogue().SaveSchedulerFailure(f);
    return true;
  });
  return f;
}

SchedulerReport SchedulerService::RunOnce(bool wait_for_locks) {
  SchedulerReport report;
  const TimePoint now = clock_.Now();
  const bool skip = !wait_for_locks;
  const RequestContext ctx = SystemContext();

  RunStep(
      "decision", now, report, [&](UnitOfWork& uow) { return uow.catalogue().ClaimDueDecision(now, skip); },
      [&](UnitOfWork& uow, Session s) {
        if (DecideSession(s) == SessionStatus::kConfirmed) {
          const auto before = ToJson(s);
          uow.catalogue().UpdateSessionStatus(s.id, SessionStatus::kConfirmed, "");
          uow.catalogue().MarkDecided(s.id, SessionStatus::kConfirmed, false, now);
          s.status = SessionStatus::kConfirmed;
          Audit(uow, ctx, now, "session.confirmed", "session", s.id, before, ToJson(s));
          return &SchedulerReport::confirmed;
        }
        CancelReason why;
        why.code = CancelReasonCode::kBelowThreshold;
        why.confirmed = s.confirmed_count;
        why.minimum = s.min_registrants;
        unit_.Cancel(uow, ctx, s, why, true, now);
        return &SchedulerReport::cancelled;
      });

  RunStep(
      "completion", now, report, [&](UnitOfWork& uow) { return uow.catalogue().ClaimDueCompletion(now, skip); },
      [&](UnitOfWork& uow, Session s) {
        const auto before = ToJson(s);
        uow.catalogue().UpdateSessionStatus(s.id, SessionStatus::kCompleted, "");
        s.status = SessionStatus::kCompleted;
        Audit(uow, ctx, now, "session.completed", "session", s.id, before, ToJson(s));
        return &SchedulerReport::completed;
      });

  RunStep(
      "reminder", now, report,
      [&](UnitOfWork& uow) { return uow.catalogue().ClaimDueReminder(now, now + kReminderLead, skip); },
      [&](UnitOfWork& uow, const Session& s) {
        unit_.Remind(uow, s, now);
        uow.catalogue().MarkReminded(s.id, now);
        return &SchedulerReport::reminded;
      });
  return report;
}

Result<std::vector<SchedulerFailure>> SchedulerService::Failures(const RequestContext& ctx) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "Operations reports are for coordinators.");
  std::vector<SchedulerFailure> out;
  store_.Transact([&](UnitOfWork& uow) {
    out = uow.catalogue().SchedulerFailures(kMaxListedFailures);
    return true;
  });
  return out;
}

}  // namespace parcours
