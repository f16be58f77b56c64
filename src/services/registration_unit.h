#pragma once
// The one registration unit (STYLE.md): every registration state change — by a person, an
// agency, the coordinator or the scheduler — is a transition of domain/registration_transitions.h
// applied here, inside the caller's transaction with the sessions involved already row-locked:
// the registration rows, the sessions' counters, then the audit rows, the outbox messages and
// the agencies' change feed, in the order the transition lists them.
#include <optional>
#include <string>

#include "domain/errors.h"
#include "domain/registration_transitions.h"
#include "domain/repositories.h"
#include "services/notifications.h"

namespace parcours {

// What an agency sent with an enrolment (kept with it: the agency sees this, never the
// account's own profile).
struct EnrolmentRecord {
  std::string agency;
  std::string external_id;
  std::string email, name, organisation;
};

class RegistrationUnit {
 public:
  explicit RegistrationUnit(NotificationSettings settings = {}) : settings_(std::move(settings)) {}

  // Each runs in the caller's transaction; `session` (and `from`/`to`) are row-locked and are
  // updated to their new state. `enrolment`: the agency enrolment the new registration answers.
  Result<Registration> Register(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                                const RegisterRequest& in, TimePoint now,
                                const std::optional<EnrolmentRecord>& enrolment = std::nullopt) const;
  Registration Withdraw(UnitOfWork& uow, const RequestContext& ctx, Session& session,
                        const Registration& reg, TimePoint now) const;
  Result<Registration> Transfer(UnitOfWork& uow, const RequestContext& ctx, Session& from, Session& to,
                                const Registration& reg, TimePoint now, const std::string& audit_action,
                                const std::optional<EnrolmentRecord>& enrolment = std::nullopt) const;
  void Cancel(UnitOfWork& uow, const RequestContext& ctx, Session& session, const CancelReason& reason,
              bool by_threshold, TimePoint now) const;
  void Remind(UnitOfWork& uow, const Session& session, TimePoint now) const;
  // A coordinator's edit of `session` (row-locked), as edited by ApplySessionEdit; promotions,
  // moves to the waiting list, messages and feed items as EditTransition says.
  Result<Session> Edit(UnitOfWork& uow, const RequestContext& ctx, Session& session, const Session& after,
                       bool move_to_waitlist, TimePoint now) const;
  // A walk-in at the door of `session` (row-locked): the person's confirmed registration.
  Result<Registration> WalkIn(UnitOfWork& uow, const RequestContext& ctx, Session& session, const WalkInRequest& in,
                              TimePoint now) const;
  // A past participation recorded in an imported session (row-locked).
  Result<Registration> Import(UnitOfWork& uow, const RequestContext& ctx, Session& session, Id participant_id,
                              const std::string& channel, TimePoint now) const;
  // A feed item about a registration outside these transitions (attendance marks).
  void RecordFeed(UnitOfWork& uow, const Registration& reg, const std::string& kind, const std::string& status,
                  TimePoint now) const;

  const NotificationSettings& settings() const { return settings_; }

 private:
  // Writes the transition; returns the inserted registration (if any) or the unique-key error.
  Result<std::optional<Registration>> Apply(UnitOfWork& uow, const RequestContext& ctx, Transition& t,
                                            TimePoint now, const std::optional<EnrolmentRecord>& enrolment) const;
  NotificationSettings settings_;
};

}  // namespace parcours
