#include "services/scheduler_service.h"

#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr int kMaxPerPass = 10000;  // a bound, far above any real backlog

RequestContext SystemContext() {
  RequestContext ctx;
  ctx.principal.kind = Principal::Kind::kSystem;
  ctx.request_id = "scheduler";
  return ctx;
}

// Runs `step` in its own transaction until it reports that nothing was claimed.
template <class Step>
void Drain(Store& store, Step step) {
  for (int i = 0; i < kMaxPerPass; ++i) {
    bool claimed = false;
    store.Transact([&](UnitOfWork& uow) {
      claimed = step(uow);
      return claimed;
    });
    if (!claimed) return;
  }
}

}  // namespace

SchedulerReport SchedulerService::RunOnce(bool wait_for_locks) {
  SchedulerReport report;
  const TimePoint now = clock_.Now();
  const bool skip = !wait_for_locks;
  const RequestContext ctx = SystemContext();

  Drain(store_, [&](UnitOfWork& uow) {
    auto s = uow.catalogue().ClaimDueDecision(now, skip);
    if (!s) return false;
    if (DecideSession(*s) == SessionStatus::kConfirmed) {
      const auto before = ToJson(*s);
      uow.catalogue().UpdateSessionStatus(s->id, SessionStatus::kConfirmed, "");
      uow.catalogue().MarkDecided(s->id, SessionStatus::kConfirmed, false, now);
      s->status = SessionStatus::kConfirmed;
      Audit(uow, ctx, now, "session.confirmed", "session", s->id, before, ToJson(*s));
      ++report.confirmed;
    } else {
      CancelReason why;
      why.code = CancelReasonCode::kBelowThreshold;
      why.confirmed = s->confirmed_count;
      why.minimum = s->min_registrants;
      unit_.Cancel(uow, ctx, *s, why, true, now);
      ++report.cancelled;
    }
    return true;
  });

  Drain(store_, [&](UnitOfWork& uow) {
    auto s = uow.catalogue().ClaimDueCompletion(now, skip);
    if (!s) return false;
    const auto before = ToJson(*s);
    uow.catalogue().UpdateSessionStatus(s->id, SessionStatus::kCompleted, "");
    s->status = SessionStatus::kCompleted;
    Audit(uow, ctx, now, "session.completed", "session", s->id, before, ToJson(*s));
    ++report.completed;
    return true;
  });

  Drain(store_, [&](UnitOfWork& uow) {
    auto s = uow.catalogue().ClaimDueReminder(now, now + kReminderLead, skip);
    if (!s) return false;
    unit_.Remind(uow, *s, now);
    uow.catalogue().MarkReminded(s->id, now);
    ++report.reminded;
    return true;
  });
  return report;
}

}  // namespace parcours
