#pragma once
// The registration unit's transitions (STYLE.md, "one registration unit"): register, withdraw
// (with the promotion it causes), transfer, cancel and remind, as pure functions of the state
// read under the sessions' row locks. Each returns the rows to write and the events the change
// causes — audit rows, notifications, agency feed items — in the order they happen;
// RegistrationUnit (src/services/registration_unit.h) applies a transition in the caller's
// transaction. No I/O here.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"

namespace parcours {

// An audit row: what happened to which entity, before → after.
struct AuditEvent {
  using State = std::variant<std::monostate, Registration, Session>;
  std::string action;
  std::string entity_type;  // "registration" or "session"
  Id entity_id = 0;         // 0: the registration this transition inserts
  State before, after;
};

// A message to a registrant about a session (rendered in their language when applied).
struct NoticeEvent {
  NotificationKind kind = NotificationKind::kRegistrationConfirmed;
  Id participant_id = 0;
  Session session;                      // as the message describes it
  RegistrationStatus attendee_status = RegistrationStatus::kConfirmed;  // the calendar PARTSTAT
  std::optional<CancelReason> reason;   // cancellations
  bool list_alternatives = false;       // cancellations: the module's other open dates
};

// An item of an agency's change feed: for the registration's channel when it is an agency's
// (ignored for DIRECT/SPECIALISED), or for the session's agency (`session_agency`).
struct FeedEvent {
  std::string kind;  // enrolment, promoted, attendance, session_cancelled
  std::string status;
  std::optional<Registration> registration;  // id 0: the registration this transition inserts
  Id session_id = 0;
  std::optional<std::string> session_agency;  // session_cancelled items
};

// A session's cancellation: its new state and why.
struct SessionCancellation {
  CancelReason reason;
  bool by_threshold = false;
};

struct Transition {
  // Existing registrations whose status changes, in order; then the new registration, if any
  // (after the changes, so that a withdrawn place in the module frees the module's unique key).
  std::vector<Registration> changed;
  std::optional<Registration> inserted;
  // Sessions whose counters (or status) changed, as they are after the transition.
  std::vector<Session> sessions;
  std::optional<SessionCancellation> cancellation;  // of sessions.front()
  // An edit of sessions.front()'s own fields (times, sizes, place, link, trainers), written in
  // full; reset_reminder: its start moved, so its reminder is due again.
  bool edited = false;
  bool reset_reminder = false;
  std::vector<AuditEvent> audit;
  std::vector<NoticeEvent> notices;
  std::vector<FeedEvent> feed;

  void Append(Transition other);
};

struct RegisterRequest {
  Id participant_id = 0;
  std::string channel = "DIRECT";
  // The coordinator's explicit override of "one active registration per person and module".
  bool module_override = false;
};

// A new registration: confirmed while places remain, else waitlisted. Fails when the session
// does not take registrations (cancelled, completed, started).
Result<Transition> RegisterTransition(const Session& session, const RegisterRequest& in, TimePoint now);

// Withdraws an active registration; when it held a place of a session that still runs, the
// first waiting person (`first_waitlisted`, read under the session's lock) is promoted.
Transition WithdrawTransition(const Session& session, const Registration& reg,
                              const std::optional<Registration>& first_waitlisted, TimePoint now);

// Moves an active registration to another date of the same module: the withdrawal (and the
// promotion it causes) and the new registration, one transition. `audit_action` names it in
// the audit trail ("registration.transferred", "enrolment.transferred").
Result<Transition> TransferTransition(const Session& from, const Session& to, const Registration& reg,
                                      const std::optional<Registration>& first_waitlisted_in_from,
                                      TimePoint now, const std::string& audit_action);

// Cancels the session and each of its active registrations (`active`: confirmed, then
// waitlisted, in arrival order); every registrant is told why, with the module's other dates.
Transition CancelTransition(const Session& session, const std::vector<Registration>& active,
                            const CancelReason& reason, bool by_threshold, TimePoint now);

// Reminds the confirmed registrants of a session that starts soon.
Transition RemindTransition(const Session& session, const std::vector<Registration>& confirmed);

// A coordinator's edit of a session (`after`: the edited session, see ApplySessionEdit) with
// what it causes, given the session's confirmed and waitlisted registrations in arrival order:
// - a capacity below the confirmed count moves the last confirmed to the waiting list, told by
//   message, only with `move_to_waitlist` (else a 422 on capacity);
// - a capacity above it promotes the first waiting, in order, as a withdrawal does;
// - a changed date, place, mode or link gives every other registrant an updated invitation
//   (same UID, SEQUENCE + 1);
// - the session's agency, and any agency with registrants in it, get a session_changed item.
// Nothing changed: an empty transition.
Result<Transition> EditTransition(const Session& before, Session after, const std::vector<Registration>& confirmed,
                                  const std::vector<Registration>& waitlisted, bool move_to_waitlist, TimePoint now);

struct WalkInRequest {
  Id participant_id = 0;
  std::string channel = "DIRECT";
  bool module_override = false;
  // The coordinator lets the person in beyond the capacity, which is raised to fit (audited).
  bool capacity_override = false;
};
// Someone at the door of a session that runs: a new confirmed registration, or their waiting
// one confirmed; beyond the capacity only with the coordinator's override. Nobody is sent a
// message (the person is in the room). `existing`: the person's active registration in this
// session, if any (confirmed: nothing changes). Fails when the session is cancelled, or with
// 409 when it is full and not overridden.
Result<Transition> WalkInTransition(const Session& session, const WalkInRequest& in,
                                    const std::optional<Registration>& existing, TimePoint now);

// Participation from before Parcours, recorded in an imported past session: a confirmed
// registration marked imported (history, not a place: it never holds the module's unique key),
// with no message and no agency feed item. The session's capacity grows to fit.
Transition ImportTransition(const Session& session, Id participant_id, const std::string& channel, TimePoint now);

}  // namespace parcours
