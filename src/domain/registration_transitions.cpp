#include "domain/registration_transitions.h"

#include "domain/rules.h"

namespace parcours {
namespace {

Registration WithStatus(Registration r, RegistrationStatus status, TimePoint now) {
  r.status = status;
  r.waitlist_position.reset();
  r.updated_at = now;
  return r;
}

// Replaces the state of the session already in `sessions`, or appends it.
void Keep(std::vector<Session>& sessions, const Session& s) {
  for (auto& known : sessions)
    if (known.id == s.id) {
      known = s;
      return;
    }
  sessions.push_back(s);
}

}  // namespace

void Transition::Append(Transition other) {
  for (auto& r : other.changed) changed.push_back(std::move(r));
  if (other.inserted) inserted = std::move(other.inserted);
  for (auto& s : other.sessions) Keep(sessions, s);
  if (other.cancellation) cancellation = std::move(other.cancellation);
  for (auto& a : other.audit) audit.push_back(std::move(a));
  for (auto& n : other.notices) notices.push_back(std::move(n));
  for (auto& f : other.feed) feed.push_back(std::move(f));
}

Result<Transition> RegisterTransition(const Session& session, const RegisterRequest& in, TimePoint now) {
  if (auto closed = CheckRegistrationOpen(session, now)) return Fail(*closed);
  Session after = session;
  Registration r;
  r.session_id = session.id;
  r.module_id = session.module_id;
  r.participant_id = in.participant_id;
  r.status = StatusForNewRegistration(session);
  r.channel = in.channel;
  r.module_override = in.module_override;
  r.created_at = r.updated_at = now;
  if (r.status == RegistrationStatus::kConfirmed) ++after.confirmed_count;
  else r.waitlist_position = ++after.waitlist_count;

  Transition t;
  t.inserted = r;
  t.sessions.push_back(after);
  t.audit.push_back({"registration.created", "registration", 0, {}, r});
  if (in.module_override)
    t.audit.push_back({"registration.module_override", "registration", 0, {}, r});
  if (r.status == RegistrationStatus::kConfirmed)
    t.notices.push_back({NotificationKind::kRegistrationConfirmed, r.participant_id, after,
                         RegistrationStatus::kConfirmed, std::nullopt, false});
  t.feed.push_back({"enrolment", ToString(r.status), r, session.id, std::nullopt});
  return t;
}

Transition WithdrawTransition(const Session& session, const Registration& reg,
                              const std::optional<Registration>& first_waitlisted, TimePoint now) {
  Transition t;
  Session after = session;
  const Registration withdrawn = WithStatus(reg, RegistrationStatus::kWithdrawn, now);
  t.changed.push_back(withdrawn);
  t.audit.push_back({"registration.withdrawn", "registration", reg.id, reg, withdrawn});
  t.feed.push_back({"enrolment", "withdrawn", withdrawn, session.id, std::nullopt});
  if (reg.status == RegistrationStatus::kConfirmed) {
    --after.confirmed_count;
    const bool runs = session.status != SessionStatus::kCancelled && session.status != SessionStatus::kCompleted;
    if (runs && first_waitlisted) {
      // The promotion: the first waiting person takes the freed place at once.
      const Registration promoted = WithStatus(*first_waitlisted, RegistrationStatus::kConfirmed, now);
      ++after.confirmed_count;
      --after.waitlist_count;
      t.changed.push_back(promoted);
      t.audit.push_back({"registration.promoted", "registration", promoted.id, *first_waitlisted, promoted});
      t.notices.push_back({NotificationKind::kPromoted, promoted.participant_id, after,
                           RegistrationStatus::kConfirmed, std::nullopt, false});
      t.feed.push_back({"promoted", "confirmed", promoted, session.id, std::nullopt});
    }
  } else {
    --after.waitlist_count;
  }
  t.sessions.push_back(after);
  return t;
}

Result<Transition> TransferTransition(const Session& from, const Session& to, const Registration& reg,
                                      const std::optional<Registration>& first_waitlisted_in_from,
                                      TimePoint now, const std::string& audit_action) {
  if (to.module_id != from.module_id)
    return Invalid({{"session_id", "a transfer must stay within the same module"}});
  if (to.id == from.id) return Invalid({{"session_id", "is the session of this registration already"}});
  if (!IsActive(reg.status))
    return Error(ErrorCode::kConflict, std::string("The registration is already ") + ToString(reg.status) + ".");
  RegisterRequest in;
  in.participant_id = reg.participant_id;
  in.channel = reg.channel;
  auto registered = RegisterTransition(to, in, now);
  if (!registered) return Fail(registered.error());
  Transition t = WithdrawTransition(from, reg, first_waitlisted_in_from, now);
  Registration moved_to = *registered->inserted;
  t.Append(std::move(*registered));
  t.audit.push_back({audit_action, "registration", 0, reg, moved_to});
  return t;
}

Transition CancelTransition(const Session& session, const std::vector<Registration>& active,
                            const CancelReason& reason, bool by_threshold, TimePoint now) {
  Transition t;
  Session after = session;
  after.status = SessionStatus::kCancelled;
  after.cancellation = reason;
  after.cancel_reason = reason.code == CancelReasonCode::kByCoordinator ? reason.text : "";
  after.ics_sequence += 1;
  after.confirmed_count = after.waitlist_count = 0;
  for (const auto& r : active) {
    const Registration cancelled = WithStatus(r, RegistrationStatus::kCancelled, now);
    t.changed.push_back(cancelled);
    t.audit.push_back({"registration.cancelled", "registration", r.id, r, cancelled});
    t.notices.push_back({NotificationKind::kSessionCancelled, r.participant_id, after, r.status, reason, true});
    t.feed.push_back({"enrolment", "cancelled", cancelled, session.id, std::nullopt});
  }
  if (session.agency) t.feed.push_back({"session_cancelled", "cancelled", std::nullopt, session.id, session.agency});
  t.sessions.push_back(after);
  t.cancellation = SessionCancellation{reason, by_threshold};
  t.audit.push_back({by_threshold ? "session.cancelled_by_threshold" : "session.cancelled", "session", session.id,
                     session, after});
  return t;
}

Transition RemindTransition(const Session& session, const std::vector<Registration>& confirmed) {
  Transition t;
  for (const auto& r : confirmed)
    t.notices.push_back({NotificationKind::kReminder, r.participant_id, session, RegistrationStatus::kConfirmed,
                         std::nullopt, false});
  return t;
}

}  // namespace parcours
