#include "services/session_lifecycle.h"

#include "services/audit.h"
#include "services/registration_core.h"
#include "services/views.h"

namespace parcours {

SessionFacts LoadFacts(UnitOfWork& uow, const Session& s) {
  auto module = uow.catalogue().FindModule(s.module_id);
  return {s, module.value_or(Module{})};
}

void CancelLockedSession(UnitOfWork& uow, const RequestContext& ctx, Session& s,
                         const std::string& reason, bool by_threshold, TimePoint now) {
  const auto before = ToJson(s);
  s.status = SessionStatus::kCancelled;
  s.cancel_reason = reason;
  s.ics_sequence += 1;
  SessionFacts facts = LoadFacts(uow, s);
  const auto alternatives = uow.catalogue().OpenSessionsOfModule(s.module_id, s.id, now);
  Notifier notifier(uow);
  for (auto status : {RegistrationStatus::kConfirmed, RegistrationStatus::kWaitlisted}) {
    for (const auto& r : uow.registrations().WithStatus(s.id, status)) {
      uow.registrations().UpdateStatus(r.id, RegistrationStatus::kCancelled, now);
      Registration changed = r;
      changed.status = RegistrationStatus::kCancelled;
      changed.waitlist_position.reset();
      changed.updated_at = now;
      Audit(uow, ctx, now, "registration.cancelled", "registration", r.id, ToJson(r), ToJson(changed));
      notifier.Registration(NotificationKind::kSessionCancelled, r.participant_id, facts, now, reason,
                            alternatives);
      RecordAgencyChange(uow, changed, "enrolment", "cancelled", now);
    }
  }
  if (s.agency) {
    AgencyChange c;
    c.agency = *s.agency;
    c.kind = "session_cancelled";
    c.session_id = s.id;
    c.status = "cancelled";
    c.at = now;
    uow.agencies().AppendChange(c);
  }
  uow.catalogue().UpdateSessionStatus(s.id, SessionStatus::kCancelled, reason);
  uow.catalogue().MarkDecided(s.id, SessionStatus::kCancelled, by_threshold, now);
  uow.catalogue().BumpIcsSequence(s.id);
  uow.catalogue().UpdateSessionCounts(s.id, 0, 0);
  s.confirmed_count = s.waitlist_count = 0;
  Audit(uow, ctx, now, by_threshold ? "session.cancelled_by_threshold" : "session.cancelled",
        "session", s.id, before, ToJson(s));
}

}  // namespace parcours
