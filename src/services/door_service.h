#pragma once
// At the door of a session that runs: walk-ins recorded by its trainers or a coordinator, the
// participants' own check-in with a short-lived rotating code, and the trainer's confirmation
// of the sheet. Nobody records attendance before the session's start.
//
// Check-in codes: each session has a random secret (stored on first use, so every server
// process derives the same codes); the code of period n (kCheckInPeriod long) is the
// HMAC-SHA256 of the session id and n under that secret, as 10 characters of an unambiguous
// alphabet. A code is accepted only during its own period and for its own session: one shown
// for another session, or replayed after it rotated, is refused.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/attendance_service.h"
#include "services/registration_unit.h"

namespace parcours {

// Who walked in: an existing person (participant_id) or someone new (email, name, and
// organisation; an existing account with that e-mail is used as it is, else one is created
// without a password).
struct WalkInInput {
  std::optional<Id> participant_id;
  std::string email, name, organisation;
  std::string channel = "DIRECT";
  bool capacity_override = false;  // coordinators: beyond the capacity (raised to fit, audited)
  bool module_override = false;    // coordinators: although they hold a place at another date
};

struct WalkInResult {
  Registration registration;
  AttendanceRecord mark;
  bool person_created = false;
  // They were a confirmed registrant already: nothing was added, they are marked present.
  bool already_registered = false;
};

// What the trainer's screen shows: the code, the URL to encode as a QR code, when it expires.
struct CheckInCode {
  Id session_id = 0;
  std::string code;
  std::string url;  // {public_url}/sessions/{id}/check-in?code={code}
  TimePoint issued_at, expires_at;
  TimePoint opens_at, closes_at;  // the check-in window (the session's start and end)
  int checked_in = 0;             // participants who checked themselves in so far
  int confirmed = 0;              // confirmed registrants
};

struct CheckInLine {
  Id participant_id = 0;
  std::string name, organisation;
  TimePoint at;
};

struct CheckInList {
  Session session;
  std::vector<CheckInLine> items;
};

// The sheet at the door as the trainer's page shows it, read in one transaction: the session,
// its module, every registrant (any status, with name and organisation) and the marks.
struct DoorSheet {
  Session session;
  Module module;
  std::vector<Registrant> registrants;
  std::vector<AttendanceRecord> marks;
};

class DoorService {
 public:
  DoorService(Store& store, const Clock& clock, RandomSource& random, std::string public_url,
              NotificationSettings notify = {})
      : store_(store), clock_(clock), random_(random), public_url_(std::move(public_url)), unit_(std::move(notify)) {}

  // The session's trainers (until an hour after its end) and coordinators (any time after its
  // start) add someone at the door, on the channel they give, and mark them present.
  Result<WalkInResult> WalkIn(const RequestContext& ctx, Id session_id, const WalkInInput& in);
  // The current code, for the session's trainers and coordinators while the session runs.
  Result<CheckInCode> Code(const RequestContext& ctx, Id session_id);
  // A confirmed registrant, signed in, checks in with the code shown: marked present (a mark
  // they already have is kept).
  Result<AttendanceRecord> CheckIn(const RequestContext& ctx, Id session_id, const std::string& code);
  // Who checked themselves in, for the session's trainers and coordinators.
  Result<CheckInList> CheckIns(const RequestContext& ctx, Id session_id);
  // The session's trainers and coordinators (404 for an unknown session, 403 for others).
  Result<DoorSheet> Sheet(const RequestContext& ctx, Id session_id);
  // The trainer confirms the sheet: confirmed registrants still unmarked become absent, and
  // self check-in closes. Repeating it changes nothing.
  Result<AttendanceSheet> ConfirmSheet(const RequestContext& ctx, Id session_id);

  // The code of a period under a session's secret (exposed for tests).
  static std::string CodeFor(const std::string& secret, Id session_id, long long step);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::string public_url_;
  RegistrationUnit unit_;
};

}  // namespace parcours
