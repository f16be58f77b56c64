#include "services/registration_unit.h"

#include <map>

#include "domain/rules.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/views.h"

namespace parcours {
namespace {

nlohmann::json StateJson(const AuditEvent::State& state) {
  if (const auto* r = std::get_if<Registration>(&state)) return ToJson(*r);
  if (const auto* s = std::get_if<Session>(&state)) {
    nlohmann::json j = ToJson(*s);
    j["online_link"] = s->online_link;  // in the trail, not in the public view
    return j;
  }
  return nullptr;
}

// The person a registration's audit row concerns.
std::optional<Id> SubjectOf(const AuditEvent& a) {
  if (const auto* r = std::get_if<Registration>(&a.after)) return r->participant_id;
  if (const auto* r = std::get_if<Registration>(&a.before)) return r->participant_id;
  return std::nullopt;
}

// The new registration's id wherever the transition refers to it by 0.
void Resolve(Registration& r, Id inserted_id) {
  if (r.id == 0) r.id = inserted_id;
}

}  // namespace

Result<std::optional<Registration>> RegistrationUnit::Apply(UnitOfWork& uow, const RequestContext& ctx,
                                                            Transition& t, TimePoint now,
                                                            const std::optional<EnrolmentRecord>& enrolment) const {
  // External ids of the registrations the feed speaks of, read before an enrolment is repointed.
  std::map<Id, std::optional<std::string>> external_ids;
  for (const auto& f : t.feed)
    if (f.registration && f.registration->id != 0 && !IsBuiltinChannel(f.registration->channel) &&
        !external_ids.count(f.registration->id))
      external_ids[f.registration->id] = uow.agencies().ExternalIdOf(f.registration->id);

  for (const auto& r : t.changed) uow.registrations().UpdateStatus(r.id, r.status, now);
  std::optional<Registration> inserted;
  if (t.inserted) {
    auto id = uow.registrations().Insert(*t.inserted);
    if (!id) {
      if (id.error() == RegistrationConflict::kSameSession)
        return Error(ErrorCode::kAlreadyRegistered, "This person is already registered for this session.");
      return Error(ErrorCode::kAlreadyInModule, kAlreadyInModuleDetail);
    }
    inserted = *t.inserted;
    inserted->id = *id;
    if (enrolment) {
      uow.agencies().SaveEnrolment({enrolment->agency, enrolment->external_id, inserted->id, enrolment->email,
                                    enrolment->name, enrolment->organisation},
                                   now);
      external_ids[inserted->id] = enrolment->external_id;
    }
  }
  const Id new_id = inserted ? inserted->id : 0;

  for (const auto& s : t.sessions) {
    if (t.edited && s.id == t.sessions.front().id) uow.catalogue().UpdateSession(s, t.reset_reminder);
    if (t.cancellation && s.id == t.sessions.front().id) {
      uow.catalogue().UpdateSessionStatus(s.id, SessionStatus::kCancelled, s.cancel_reason);
      uow.catalogue().RecordCancellation(s.id, t.cancellation->reason);
      uow.catalogue().MarkDecided(s.id, SessionStatus::kCancelled, t.cancellation->by_threshold, now);
      uow.catalogue().BumpIcsSequence(s.id);
    }
    uow.catalogue().UpdateSessionCounts(s.id, s.confirmed_count, s.waitlist_count);
  }

  std::vector<AuditEntry> rows;
  for (auto& a : t.audit) {
    if (auto* r = std::get_if<Registration>(&a.after)) Resolve(*r, new_id);
    rows.push_back(AuditRow(ctx, now, a.action, a.entity_type, a.entity_id == 0 ? new_id : a.entity_id,
                            StateJson(a.before), StateJson(a.after), SubjectOf(a)));
  }
  if (!rows.empty()) uow.audit().AppendMany(rows);

  Notifier notifier(uow, settings_);
  std::map<Id, std::vector<Session>> alternatives;  // per module, read once
  std::map<Id, Module> modules;
  for (const auto& n : t.notices) {
    auto module = modules.find(n.session.module_id);
    if (module == modules.end())
      module = modules.emplace(n.session.module_id, uow.catalogue().FindModule(n.session.module_id).value_or(Module{}))
                   .first;
    const SessionFacts facts{n.session, module->second};
    std::vector<Session> others;
    if (n.list_alternatives) {
      auto it = alternatives.find(n.session.module_id);
      if (it == alternatives.end())
        it = alternatives
                 .emplace(n.session.module_id, uow.catalogue().OpenSessionsOfModule(n.session.module_id, n.session.id, now))
                 .first;
      others = it->second;
    }
    notifier.Registration(n.kind, n.participant_id, facts, now, n.reason, others, n.attendee_status);
  }

  for (auto& f : t.feed) {
    std::string agency;
    std::optional<std::string> external_id;
    std::optional<Id> registration_id;
    if (f.registration) {
      Resolve(*f.registration, new_id);
      if (IsBuiltinChannel(f.registration->channel)) continue;
      agency = f.registration->channel;
      registration_id = f.registration->id;
      auto known = external_ids.find(f.registration->id);
      external_id = known != external_ids.end() ? known->second : uow.agencies().ExternalIdOf(f.registration->id);
    } else if (f.session_agency) {
      agency = *f.session_agency;
    } else {
      continue;
    }
    uow.agencies().AppendChange(AgencyChange{agency, 0, f.kind, external_id, f.session_id, registration_id, f.status, now});
  }
  return inserted;
}

Result<Registration> RegistrationUnit::Register(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                                const RegisterRequest& in, TimePoint now,
                                                const std::optional<EnrolmentRecord>& enrolment) const {
  auto t = RegisterTransition(session, in, now);
  if (!t) return Fail(t.error());
  auto applied = Apply(uow, ctx, *t, now, enrolment);
  if (!applied) return Fail(applied.error());
  session = t->sessions.front();
  return **applied;
}

Registration RegistrationUnit::Withdraw(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                        const Registration& reg, TimePoint now) const {
  auto t = WithdrawTransition(session, reg, uow.registrations().FirstWaitlisted(session.id), now);
  Apply(uow, ctx, t, now, std::nullopt);  // inserts nothing: cannot meet a unique key
  session = t.sessions.front();
  return t.changed.front();
}

Result<Registration> RegistrationUnit::Transfer(UnitOfWork& uow, const RequestContext& ctx, Session& from,
                                                Session& to, const Registration& reg, TimePoint now,
                                                const std::string& audit_action,
                                                const std::optional<EnrolmentRecord>& enrolment) const {
  auto t = TransferTransition(from, to, reg, uow.registrations().FirstWaitlisted(from.id), now, audit_action);
  if (!t) return Fail(t.error());
  auto applied = Apply(uow, ctx, *t, now, enrolment);
  if (!applied) return Fail(applied.error());
  for (const auto& s : t->sessions) {
    if (s.id == from.id) from = s;
    if (s.id == to.id) to = s;
  }
  return **applied;
}

void RegistrationUnit::Cancel(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                              const CancelReason& reason, bool by_threshold, TimePoint now) const {
  std::vector<Registration> active = uow.registrations().WithStatus(session.id, RegistrationStatus::kConfirmed);
  for (auto& r : uow.registrations().WithStatus(session.id, RegistrationStatus::kWaitlisted))
    active.push_back(std::move(r));
  auto t = CancelTransition(session, active, reason, by_threshold, now);
  Apply(uow, ctx, t, now, std::nullopt);
  session = t.sessions.front();
}

void RegistrationUnit::Remind(UnitOfWork& uow, const Session& session, TimePoint now) const {
  auto t = RemindTransition(session, uow.registrations().WithStatus(session.id, RegistrationStatus::kConfirmed));
  Apply(uow, RequestContext{}, t, now, std::nullopt);
}

Result<Session> RegistrationUnit::Edit(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                       const Session& after, bool move_to_waitlist, TimePoint now) const {
  auto t = EditTransition(session, after, uow.registrations().WithStatus(session.id, RegistrationStatus::kConfirmed),
                          uow.registrations().WithStatus(session.id, RegistrationStatus::kWaitlisted),
                          move_to_waitlist, now);
  if (!t) return Fail(t.error());
  if (t->sessions.empty()) return session;  // nothing changed
  Apply(uow, ctx, *t, now, std::nullopt);  // inserts nothing: cannot meet a unique key
  session = t->sessions.front();
  return session;
}

Result<Registration> RegistrationUnit::WalkIn(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                              const WalkInRequest& in, TimePoint now) const {
  auto existing = uow.registrations().FindActive(session.id, in.participant_id);
  auto t = WalkInTransition(session, in, existing, now);
  if (!t) return Fail(t.error());
  if (t->sessions.empty()) return *existing;  // confirmed already
  auto applied = Apply(uow, ctx, *t, now, std::nullopt);
  if (!applied) return Fail(applied.error());
  session = t->sessions.front();
  if (*applied) return **applied;
  return t->changed.front();
}

Result<Registration> RegistrationUnit::Import(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                              Id participant_id, const std::string& channel, TimePoint now) const {
  auto t = ImportTransition(session, participant_id, channel, now);
  auto applied = Apply(uow, ctx, t, now, std::nullopt);
  if (!applied) return Fail(applied.error());
  session = t.sessions.front();
  return **applied;
}

void RegistrationUnit::RecordFeed(UnitOfWork& uow, const Registration& reg, const std::string& kind,
                                  const std::string& status, TimePoint now) const {
  Transition t;
  t.feed.push_back({kind, status, reg, reg.session_id, std::nullopt});
  Apply(uow, RequestContext{}, t, now, std::nullopt);
}

}  // namespace parcours
