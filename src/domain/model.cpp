#include "domain/model.h"

namespace parcours {

std::vector<std::string> RoleNames(unsigned roles) {
  std::vector<std::string> out;
  if (roles & RoleBit(Role::kParticipant)) out.push_back("participant");
  if (roles & RoleBit(Role::kTrainer)) out.push_back("trainer");
  if (roles & RoleBit(Role::kCoordinator)) out.push_back("coordinator");
  return out;
}

std::optional<Role> RoleFromName(const std::string& name) {
  if (name == "participant") return Role::kParticipant;
  if (name == "trainer") return Role::kTrainer;
  if (name == "coordinator") return Role::kCoordinator;
  return std::nullopt;
}

std::string Principal::Label() const {
  switch (kind) {
    case Kind::kUser: return "user:" + std::to_string(user_id);
    case Kind::kAgency: return "agency:" + agency_code;
    case Kind::kSystem: return "system";
    default: return "anonymous";
  }
}

double Pathway::TotalHours() const {
  double total = 0;
  for (const auto& m : modules) total += m.hours;
  return total;
}

const char* ToString(CancelReasonCode c) {
  switch (c) {
    case CancelReasonCode::kBelowThreshold: return "below_threshold";
    case CancelReasonCode::kByCoordinator: return "by_coordinator";
  }
  return "by_coordinator";
}

std::optional<CancelReasonCode> CancelReasonCodeFromString(const std::string& s) {
  if (s == "below_threshold") return CancelReasonCode::kBelowThreshold;
  if (s == "by_coordinator") return CancelReasonCode::kByCoordinator;
  return std::nullopt;
}

const char* ToString(SessionStatus s) {
  switch (s) {
    case SessionStatus::kScheduled: return "scheduled";
    case SessionStatus::kConfirmed: return "confirmed";
    case SessionStatus::kCancelled: return "cancelled";
    case SessionStatus::kCompleted: return "completed";
  }
  return "scheduled";
}

const char* ToString(SessionMode m) {
  switch (m) {
    case SessionMode::kOnsite: return "onsite";
    case SessionMode::kOnline: return "online";
    case SessionMode::kHybrid: return "hybrid";
  }
  return "onsite";
}

const char* ToString(RegistrationStatus s) {
  switch (s) {
    case RegistrationStatus::kConfirmed: return "confirmed";
    case RegistrationStatus::kWaitlisted: return "waitlisted";
    case RegistrationStatus::kWithdrawn: return "withdrawn";
    case RegistrationStatus::kCancelled: return "cancelled";
  }
  return "confirmed";
}

std::optional<SessionStatus> SessionStatusFromString(const std::string& s) {
  for (auto v : {SessionStatus::kScheduled, SessionStatus::kConfirmed, SessionStatus::kCancelled,
                 SessionStatus::kCompleted})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

std::optional<SessionMode> SessionModeFromString(const std::string& s) {
  for (auto v : {SessionMode::kOnsite, SessionMode::kOnline, SessionMode::kHybrid})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

std::optional<RegistrationStatus> RegistrationStatusFromString(const std::string& s) {
  for (auto v : {RegistrationStatus::kConfirmed, RegistrationStatus::kWaitlisted,
                 RegistrationStatus::kWithdrawn, RegistrationStatus::kCancelled})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

bool Session::Teaches(Id user) const {
  for (Id t : trainer_ids)
    if (t == user) return true;
  return false;
}

const char* ToString(AttendanceStatus s) {
  switch (s) {
    case AttendanceStatus::kPresent: return "present";
    case AttendanceStatus::kAbsent: return "absent";
    case AttendanceStatus::kExcused: return "excused";
    case AttendanceStatus::kPartial: return "partial";
  }
  return "absent";
}

std::optional<AttendanceStatus> AttendanceStatusFromString(const std::string& s) {
  for (auto v : {AttendanceStatus::kPresent, AttendanceStatus::kAbsent, AttendanceStatus::kExcused,
                 AttendanceStatus::kPartial})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

const char* ToString(NotificationKind k) {
  switch (k) {
    case NotificationKind::kRegistrationConfirmed: return "registration_confirmed";
    case NotificationKind::kPromoted: return "promoted";
    case NotificationKind::kSessionCancelled: return "session_cancelled";
    case NotificationKind::kReminder: return "reminder";
    case NotificationKind::kAccountClaim: return "account_claim";
    case NotificationKind::kLoginUnlock: return "login_unlock";
    case NotificationKind::kPasswordReset: return "password_reset";
    case NotificationKind::kSessionChanged: return "session_changed";
    case NotificationKind::kMovedToWaitlist: return "moved_to_waitlist";
    case NotificationKind::kDocumentAvailable: return "document_available";
    case NotificationKind::kEvaluationReminder: return "evaluation_reminder";
  }
  return "registration_confirmed";
}

std::optional<NotificationKind> NotificationKindFromString(const std::string& s) {
  for (auto k : kAllNotificationKinds)
    if (s == ToString(k)) return k;
  return std::nullopt;
}

bool IsErased(const User& u) { return u.email.starts_with(kErasedEmailPrefix); }
const char* ToString(AttendanceSource s) {
  switch (s) {
    case AttendanceSource::kSheet: return "sheet";
    case AttendanceSource::kCheckIn: return "check_in";
    case AttendanceSource::kWalkIn: return "walk_in";
    case AttendanceSource::kImport: return "import";
  }
  return "sheet";
}

std::optional<AttendanceSource> AttendanceSourceFromString(const std::string& s) {
  for (auto v : {AttendanceSource::kSheet, AttendanceSource::kCheckIn, AttendanceSource::kWalkIn,
                 AttendanceSource::kImport})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

}  // namespace parcours

namespace parcours {

const char* ToString(Sector s) {
  switch (s) {
    case Sector::kFormalEducation: return "formal_education";
    case Sector::kNonFormalEducation: return "non_formal_education";
    case Sector::kHealth: return "health";
    case Sector::kSocial: return "social";
    case Sector::kOther: return "other";
  }
  return "other";
}

std::optional<Sector> SectorFromString(const std::string& s) {
  for (auto v : {Sector::kFormalEducation, Sector::kNonFormalEducation, Sector::kHealth, Sector::kSocial, Sector::kOther})
    if (s == ToString(v)) return v;
  return std::nullopt;
}

}  // namespace parcours
