#include "domain/rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/text.h"
#include "common/time.h"

namespace parcours {

std::optional<std::string> NormaliseEmail(const std::string& raw) {
  std::string e = AsciiLower(Trim(raw));
  if (e.size() < 3 || e.size() > 254) return std::nullopt;
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at != e.rfind('@') || at + 1 >= e.size())
    return std::nullopt;
  std::string domain = e.substr(at + 1);
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.')
    return std::nullopt;
  for (unsigned char c : e)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"')
      return std::nullopt;
  if (!IsValidUtf8(e)) return std::nullopt;
  for (std::size_t i = 0; i < e.size();)
    if (IsBlankOrInvisible(NextCodePoint(e, i))) return std::nullopt;
  return e;
}

bool IsSupportedLanguage(const std::string& lang) {
  return lang == "fr" || lang == "de" || lang == "en";
}

bool IsValidCode(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

bool IsBuiltinChannel(const std::string& c) { return c == "DIRECT" || c == "SPECIALISED"; }

void CheckText(const std::string& field, const std::string& value, std::size_t max,
               std::vector<FieldError>& errors, bool required) {
  bool forbidden = false;
  if (IsValidUtf8(value))
    for (std::size_t i = 0; i < value.size() && !forbidden;) forbidden = IsForbiddenInText(NextCodePoint(value, i));
  if (!IsValidUtf8(value)) {
    errors.push_back({field, "must be valid UTF-8"});
  } else if (forbidden) {
    errors.push_back({field, "must not contain control, line-separator, bidirectional or invisible characters"});
  } else if (required && Trim(value).empty()) {
    errors.push_back({field, "must not be empty"});
  } else if (Utf8Length(value) > max) {
    errors.push_back({field, "must be at most " + std::to_string(max) + " characters"});
  }
}

bool FitsStoredHours(double hours) {
  if (!std::isfinite(hours)) return false;
  const double scaled = hours * std::pow(10.0, kHoursDecimals);
  // The JSON number closest to a two-decimal value is within a few ulps of it.
  return std::fabs(scaled - std::round(scaled)) <= 1e-6 * std::max(1.0, std::fabs(scaled));
}

void CheckModuleHours(const std::string& field, double hours, std::vector<FieldError>& errors) {
  if (!(hours > 0 && hours <= kMaxModuleHours))
    errors.push_back({field, "must be more than 0 and at most 1000"});
  else if (!FitsStoredHours(hours))
    errors.push_back({field, "must have at most 2 decimals"});
}

void CheckNewSession(Session& s, bool decision_given, std::vector<FieldError>& errors) {
  if (s.ends_at <= s.starts_at) errors.push_back({"ends_at", "must be after starts_at"});
  if (s.ends_at - s.starts_at > std::chrono::hours(24 * 366))
    errors.push_back({"ends_at", "must be within a year of starts_at"});
  if (s.capacity < 1 || s.capacity > kMaxCapacity)
    errors.push_back({"capacity", "must be between 1 and 100000"});
  if (s.min_registrants < 0 || s.min_registrants > kMaxCapacity)
    errors.push_back({"min_registrants", "must be between 0 and 100000"});
  else if (s.capacity >= 1 && s.min_registrants > s.capacity)
    errors.push_back({"min_registrants", "must not exceed capacity"});
  // Fourteen calendar days before, at the same Luxembourg clock time (not 336 hours: a
  // summer-time change in between would move it by an hour).
  if (!decision_given) s.decision_at = AddLuxembourgDays(s.starts_at, -kDefaultDecisionLeadDays);
  else if (s.decision_at > s.starts_at)
    errors.push_back({"decision_at", "must not be after starts_at"});
}

std::optional<DomainError> CheckRegistrationOpen(const Session& s, TimePoint now) {
  if (s.status == SessionStatus::kCancelled)
    return DomainError{ErrorCode::kSessionNotOpen, "The session is cancelled.", {}};
  if (s.status == SessionStatus::kCompleted || now >= s.starts_at)
    return DomainError{ErrorCode::kSessionNotOpen, "The session has already started.", {}};
  return std::nullopt;
}

RegistrationStatus StatusForNewRegistration(const Session& s) {
  return s.confirmed_count < s.capacity ? RegistrationStatus::kConfirmed
                                        : RegistrationStatus::kWaitlisted;
}

bool IsActive(RegistrationStatus s) {
  return s == RegistrationStatus::kConfirmed || s == RegistrationStatus::kWaitlisted;
}

SessionStatus DecideSession(const Session& s) {
  return s.confirmed_count >= s.min_registrants ? SessionStatus::kConfirmed
                                                : SessionStatus::kCancelled;
}

Expected<double, std::string> CreditedHours(const AttendanceMark& mark, double module_hours) {
  switch (mark.status) {
    case AttendanceStatus::kPresent:
      if (mark.hours && *mark.hours != module_hours)
        return Fail(std::string("is only for partial attendance (present means the full hours)"));
      return module_hours;
    case AttendanceStatus::kPartial:
      if (!mark.hours) return Fail(std::string("is required for partial attendance"));
      if (!FitsStoredHours(*mark.hours)) return Fail(std::string("must have at most 2 decimals"));
      if (!(*mark.hours > 0 && *mark.hours < module_hours))
        return Fail("must be more than 0 and less than the module's " +
                    std::to_string(static_cast<int>(module_hours)) + " hours");
      return *mark.hours;
    default:
      if (mark.hours && *mark.hours != 0)
        return Fail(std::string("is only for partial attendance"));
      return 0.0;
  }
}

bool CountsTowardPathway(const AttendanceRecord& r, double module_hours) {
  return r.status == AttendanceStatus::kPresent && r.hours >= module_hours;
}

std::optional<DomainError> CheckCanMarkAttendance(const Principal& who, const Session& s,
                                                  TimePoint now) {
  if (!who.IsCoordinator() && (who.kind != Principal::Kind::kUser || !s.Teaches(who.user_id)))
    return DomainError{ErrorCode::kForbidden, "Only the session's trainers and coordinators mark attendance.", {}};
  if (now < s.starts_at)
    return DomainError{ErrorCode::kRuleViolation,
                       "Attendance is recorded from the session's start on (" + FormatLocal(s.starts_at) + "), by everyone.",
                       {}};
  return std::nullopt;
}

bool IsValidOnlineLink(const std::string& link) {
  if (link.empty()) return true;
  if (link.size() > 2000 || !IsValidUtf8(link)) return false;
  if (!(link.rfind("https://", 0) == 0 || link.rfind("http://", 0) == 0)) return false;
  const std::size_t host = link.find("://") + 3;
  if (host >= link.size() || link[host] == '/') return false;
  for (unsigned char c : link)
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  return true;
}

Result<Session> ApplySessionEdit(const Session& s, const SessionEdit& e, TimePoint now) {
  if (s.status == SessionStatus::kCancelled || s.status == SessionStatus::kCompleted)
    return Error(ErrorCode::kConflict, std::string("The session is ") + ToString(s.status) + ": it no longer changes.");
  std::vector<FieldError> errors;
  const bool started = now >= s.starts_at;
  const char* fixed = "cannot change once the session has started";
  Session after = s;
  if (e.starts_at && *e.starts_at != s.starts_at) {
    if (started) errors.push_back({"starts_at", fixed});
    else if (*e.starts_at <= now) errors.push_back({"starts_at", "must be in the future"});
    after.starts_at = *e.starts_at;
    if (!e.decision_at && s.status == SessionStatus::kScheduled) after.decision_at += after.starts_at - s.starts_at;
  }
  if (e.ends_at) after.ends_at = *e.ends_at;
  if (after.ends_at <= after.starts_at) errors.push_back({"ends_at", "must be after starts_at"});
  else if (after.ends_at - after.starts_at > std::chrono::hours(24 * 366))
    errors.push_back({"ends_at", "must be within a year of starts_at"});
  if (e.capacity && *e.capacity != s.capacity) {
    if (started) errors.push_back({"capacity", fixed});
    after.capacity = *e.capacity;
  }
  if (after.capacity < 1 || after.capacity > kMaxCapacity) errors.push_back({"capacity", "must be between 1 and 100000"});
  if (e.min_registrants && *e.min_registrants != s.min_registrants) {
    if (started) errors.push_back({"min_registrants", fixed});
    after.min_registrants = *e.min_registrants;
  }
  if (after.min_registrants < 0 || after.min_registrants > kMaxCapacity)
    errors.push_back({"min_registrants", "must be between 0 and 100000"});
  else if (after.capacity >= 1 && after.min_registrants > after.capacity)
    errors.push_back({e.min_registrants ? "min_registrants" : "capacity", "min_registrants must not exceed capacity"});
  if (e.decision_at && *e.decision_at != s.decision_at) {
    if (started) errors.push_back({"decision_at", fixed});
    else if (s.status != SessionStatus::kScheduled)
      errors.push_back({"decision_at", "cannot change: the session was already decided"});
    after.decision_at = *e.decision_at;
  }
  if (after.decision_at > after.starts_at) errors.push_back({"decision_at", "must not be after starts_at"});
  if (e.location) {
    CheckText("location", *e.location, 300, errors, false);
    after.location = std::string(Trim(*e.location));
  }
  if (e.online_link) {
    if (!IsValidOnlineLink(*e.online_link))
      errors.push_back({"online_link", "must be empty or an http(s) URL of at most 2000 characters"});
    after.online_link = *e.online_link;
  }
  if (e.mode) after.mode = *e.mode;
  if (e.trainer_ids) {
    if (e.trainer_ids->size() > 20) errors.push_back({"trainer_ids", "must list at most 20 trainers"});
    after.trainer_ids = *e.trainer_ids;
  }
  ApplyDescriptionEdit(after.description, e.description, errors);
  if (!errors.empty()) return Invalid(errors);
  return after;
}

bool ScheduleChanged(const Session& before, const Session& after) {
  return before.starts_at != after.starts_at || before.ends_at != after.ends_at ||
         before.location != after.location || before.mode != after.mode || before.online_link != after.online_link;
}

long long CheckInStep(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count() / kCheckInPeriod.count();
}

TimePoint CheckInStepEnd(long long step) {
  return TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(kCheckInPeriod * (step + 1)));
}

std::optional<DomainError> CheckCheckInOpen(const Session& s, TimePoint now) {
  if (s.status == SessionStatus::kCancelled)
    return DomainError{ErrorCode::kRuleViolation, "The session was cancelled.", {}};
  if (now < s.starts_at || now > s.ends_at)
    return DomainError{ErrorCode::kRuleViolation,
                       "Check-in is open while the session runs, from " + FormatLocal(s.starts_at) + " to " +
                           FormatLocal(s.ends_at) + ".",
                       {}};
  if (s.sheet_confirmed_at)
    return DomainError{ErrorCode::kConflict, "The attendance sheet was confirmed: check-in is closed.", {}};
  return std::nullopt;
}

}  // namespace parcours
