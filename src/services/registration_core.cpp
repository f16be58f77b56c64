#include "services/registration_core.h"

#include "domain/rules.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/session_lifecycle.h"
#include "services/views.h"

namespace parcours {

void RecordAgencyChange(UnitOfWork& uow, const Registration& reg, const std::string& kind,
                        const std::string& status, TimePoint now) {
  if (IsBuiltinChannel(reg.channel)) return;
  AgencyChange c;
  c.agency = reg.channel;
  c.kind = kind;
  c.external_id = uow.agencies().ExternalIdOf(reg.id);
  c.session_id = reg.session_id;
  c.registration_id = reg.id;
  c.status = status;
  c.at = now;
  uow.agencies().AppendChange(c);
}

Result<Registration> RegisterInLockedSession(UnitOfWork& uow, const RequestContext& ctx,
                                             Session& session, Id participant,
                                             const std::string& channel, TimePoint now) {
  if (auto closed = CheckRegistrationOpen(session, now)) return Fail(*closed);
  Registration r;
  r.session_id = session.id;
  r.participant_id = participant;
  r.status = StatusForNewRegistration(session);
  r.channel = channel;
  r.created_at = r.updated_at = now;
  auto id = uow.registrations().Insert(r);
  if (!id)  // the unique key on active registrations: one per person and session
    return Error(ErrorCode::kAlreadyRegistered, "This person is already registered for this session.");
  r.id = *id;
  if (r.status == RegistrationStatus::kConfirmed) ++session.confirmed_count;
  else r.waitlist_position = ++session.waitlist_count;
  uow.catalogue().UpdateSessionCounts(session.id, session.confirmed_count, session.waitlist_count);
  Audit(uow, ctx, now, "registration.created", "registration", r.id, nullptr, ToJson(r));
  if (r.status == RegistrationStatus::kConfirmed)
    Notifier(uow).Registration(NotificationKind::kRegistrationConfirmed, participant,
                               LoadFacts(uow, session), now);
  return r;
}

Registration WithdrawInLockedSession(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                     const Registration& reg, TimePoint now) {
  uow.registrations().UpdateStatus(reg.id, RegistrationStatus::kWithdrawn, now);
  Registration after = reg;
  after.status = RegistrationStatus::kWithdrawn;
  after.waitlist_position.reset();
  after.updated_at = now;
  Audit(uow, ctx, now, "registration.withdrawn", "registration", reg.id, ToJson(reg), ToJson(after));
  RecordAgencyChange(uow, after, "enrolment", "withdrawn", now);
  if (reg.status == RegistrationStatus::kConfirmed) {
    --session.confirmed_count;
    if (session.status != SessionStatus::kCancelled && session.status != SessionStatus::kCompleted) {
      if (auto first = uow.registrations().FirstWaitlisted(session.id)) {
        uow.registrations().UpdateStatus(first->id, RegistrationStatus::kConfirmed, now);
        Registration promoted = *first;
        promoted.status = RegistrationStatus::kConfirmed;
        promoted.waitlist_position.reset();
        promoted.updated_at = now;
        ++session.confirmed_count;
        --session.waitlist_count;
        Audit(uow, ctx, now, "registration.promoted", "registration", first->id, ToJson(*first),
              ToJson(promoted));
        Notifier(uow).Registration(NotificationKind::kPromoted, first->participant_id,
                                   LoadFacts(uow, session), now);
        RecordAgencyChange(uow, promoted, "promoted", "confirmed", now);
      }
    }
  } else {
    --session.waitlist_count;
  }
  uow.catalogue().UpdateSessionCounts(session.id, session.confirmed_count, session.waitlist_count);
  return after;
}

}  // namespace parcours
