#include "services/scheduler_service.h"

#include "domain/rules.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/session_lifecycle.h"
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
      CancelLockedSession(uow, ctx, *s,
                          "Moins de " + std::to_string(s->min_registrants) +
                              " inscrits à la date de décision / fewer than " +
                              std::to_string(s->min_registrants) + " registrants at the decision date",
                          true, now);
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
    SessionFacts facts = LoadFacts(uow, *s);
    Notifier notifier(uow);
    for (const auto& r : uow.registrations().WithStatus(s->id, RegistrationStatus::kConfirmed))
      notifier.Registration(NotificationKind::kReminder, r.participant_id, facts, now);
    uow.catalogue().MarkReminded(s->id, now);
    ++report.reminded;
    return true;
  });
  return report;
}

}  // namespace parcours
