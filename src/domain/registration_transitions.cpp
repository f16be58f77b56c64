#include "domain/registration_transitions.h"

#include <algorithm>
#include <set>

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
  edited = edited || other.edited;
  reset_reminder = reset_reminder || other.reset_reminder;
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

namespace {

std::vector<Id> Sorted(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

// What agencies see of a session (its public fields, the online link aside).
bool PublicFieldsChanged(const Session& a, const Session& b) {
  return a.starts_at != b.starts_at || a.ends_at != b.ends_at || a.decision_at != b.decision_at ||
         a.capacity != b.capacity || a.min_registrants != b.min_registrants || a.location != b.location ||
         a.mode != b.mode || Sorted(a.trainer_ids) != Sorted(b.trainer_ids);
}

}  // namespace

Result<Transition> EditTransition(const Session& before, Session after, const std::vector<Registration>& confirmed,
                                  const std::vector<Registration>& waitlisted, bool move_to_waitlist, TimePoint now) {
  after.trainer_ids = Sorted(after.trainer_ids);
  const bool reschedule = ScheduleChanged(before, after);
  const bool visible = PublicFieldsChanged(before, after);
  Transition t;
  if (!reschedule && !visible && before.online_link == after.online_link && before.description == after.description)
    return t;  // nothing changes

  std::vector<Registration> moved, promoted;
  if (after.capacity < before.confirmed_count) {
    if (!move_to_waitlist)
      return Invalid({{"capacity", "is below the " + std::to_string(before.confirmed_count) +
                                       " confirmed registrants: give move_to_waitlist: true to move the last "
                                       "confirmed to the waiting list"}});
    const int excess = before.confirmed_count - after.capacity;
    for (int k = 0; k < excess && k < static_cast<int>(confirmed.size()); ++k)
      moved.push_back(confirmed[confirmed.size() - 1 - k]);
    std::reverse(moved.begin(), moved.end());  // in arrival order
  } else if (after.capacity > before.confirmed_count) {
    const int free = after.capacity - before.confirmed_count;
    for (int k = 0; k < free && k < static_cast<int>(waitlisted.size()); ++k) promoted.push_back(waitlisted[k]);
  }
  after.confirmed_count = before.confirmed_count - static_cast<int>(moved.size()) + static_cast<int>(promoted.size());
  after.waitlist_count = before.waitlist_count + static_cast<int>(moved.size()) - static_cast<int>(promoted.size());
  after.ics_sequence = before.ics_sequence + (reschedule ? 1 : 0);

  std::set<Id> changed_ids;
  for (const auto& r : moved) {
    const Registration waiting = WithStatus(r, RegistrationStatus::kWaitlisted, now);
    changed_ids.insert(r.id);
    t.changed.push_back(waiting);
    t.audit.push_back({"registration.moved_to_waitlist", "registration", r.id, r, waiting});
    t.notices.push_back({NotificationKind::kMovedToWaitlist, r.participant_id, after, RegistrationStatus::kWaitlisted,
                         std::nullopt, false});
    t.feed.push_back({"enrolment", "waitlisted", waiting, before.id, std::nullopt});
  }
  for (const auto& r : promoted) {
    const Registration confirmed_now = WithStatus(r, RegistrationStatus::kConfirmed, now);
    changed_ids.insert(r.id);
    t.changed.push_back(confirmed_now);
    t.audit.push_back({"registration.promoted", "registration", r.id, r, confirmed_now});
    t.notices.push_back({NotificationKind::kPromoted, r.participant_id, after, RegistrationStatus::kConfirmed,
                         std::nullopt, false});
    t.feed.push_back({"promoted", "confirmed", confirmed_now, before.id, std::nullopt});
  }
  std::set<std::string> agencies;
  if (before.agency) agencies.insert(*before.agency);
  for (const auto* list : {&confirmed, &waitlisted})
    for (const auto& r : *list) {
      if (!IsBuiltinChannel(r.channel)) agencies.insert(r.channel);
      if (reschedule && !changed_ids.count(r.id))
        t.notices.push_back({NotificationKind::kSessionChanged, r.participant_id, after, r.status, std::nullopt, false});
    }
  if (visible)
    for (const auto& code : agencies)
      t.feed.push_back({"session_changed", ToString(after.status), std::nullopt, before.id, code});
  t.audit.push_back({"session.updated", "session", before.id, before, after});
  t.edited = true;
  t.reset_reminder = before.starts_at != after.starts_at;
  t.sessions.push_back(after);
  return t;
}

Result<Transition> WalkInTransition(const Session& session, const WalkInRequest& in,
                                    const std::optional<Registration>& existing, TimePoint now) {
  if (session.status == SessionStatus::kCancelled)
    return Error(ErrorCode::kSessionNotOpen, "The session is cancelled.");
  Transition t;
  if (existing && existing->status == RegistrationStatus::kConfirmed) return t;  // already in: nothing changes
  Session after = session;
  if (after.confirmed_count >= after.capacity) {
    if (!in.capacity_override)
      return Error(ErrorCode::kConflict, "The session is full (" + std::to_string(session.capacity) +
                                             " places): only a coordinator lets someone in beyond its capacity.");
    after.capacity = after.confirmed_count + 1;
    t.audit.push_back({"session.capacity_override", "session", session.id, session, after});
  }
  ++after.confirmed_count;
  if (existing) {  // waiting: confirmed at the door
    --after.waitlist_count;
    const Registration confirmed = WithStatus(*existing, RegistrationStatus::kConfirmed, now);
    t.changed.push_back(confirmed);
    t.audit.push_back({"registration.walk_in", "registration", existing->id, *existing, confirmed});
    t.feed.push_back({"promoted", "confirmed", confirmed, session.id, std::nullopt});
  } else {
    Registration r;
    r.session_id = session.id;
    r.module_id = session.module_id;
    r.participant_id = in.participant_id;
    r.status = RegistrationStatus::kConfirmed;
    r.channel = in.channel;
    r.module_override = in.module_override;
    r.created_at = r.updated_at = now;
    t.inserted = r;
    t.audit.push_back({"registration.walk_in", "registration", 0, {}, r});
    if (in.module_override) t.audit.push_back({"registration.module_override", "registration", 0, {}, r});
    t.feed.push_back({"enrolment", "confirmed", r, session.id, std::nullopt});
  }
  if (after.capacity != session.capacity) {
    t.edited = true;  // the capacity is written with the session's other fields
  }
  t.sessions.push_back(after);
  return t;
}

Transition ImportTransition(const Session& session, Id participant_id, const std::string& channel, TimePoint now) {
  Transition t;
  Session after = session;
  Registration r;
  r.session_id = session.id;
  r.module_id = session.module_id;
  r.participant_id = participant_id;
  r.status = RegistrationStatus::kConfirmed;
  r.channel = channel;
  r.imported = true;
  r.created_at = r.updated_at = now;
  ++after.confirmed_count;
  after.capacity = std::max(after.capacity, after.confirmed_count);
  t.inserted = r;
  t.audit.push_back({"registration.imported", "registration", 0, {}, r});
  t.edited = after.capacity != session.capacity;
  t.sessions.push_back(after);
  return t;
}

}  // namespace parcours
