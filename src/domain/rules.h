#pragma once
// The domain rules that need no I/O: defaults, input validation, and the registration
// decisions the services apply inside their transactions.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/events.h"
#include "domain/model.h"

namespace parcours {

constexpr int kDefaultMinRegistrants = 10;
constexpr int kDefaultDecisionLeadDays = 14;
constexpr int kMaxCapacity = 100000;
constexpr double kMaxModuleHours = 1000;
// Hours are stored as DECIMAL(7,2) (modules, attendance): a value with more decimals would be
// rounded by the database, so it is refused instead.
constexpr int kHoursDecimals = 2;

// The answer to a second active registration in a module, and to an agency push for a person
// it may not enrol (a staff account): the same words, so the agency cannot tell them apart.
inline constexpr const char* kAlreadyInModuleDetail =
    "This person already holds a registration in this module (another date), or cannot be enrolled this way. "
    "A person moves to another date by a transfer (POST /api/v1/registrations/{id}/transfer); an agency by "
    "pushing the same external id with the new session.";

// Lower-cased, trimmed e-mail if it has a plausible shape, nullopt otherwise.
std::optional<std::string> NormaliseEmail(const std::string& raw);
bool IsSupportedLanguage(const std::string& lang);
// Codes of pathways, modules and agencies: 1–32 of [A-Za-z0-9_-].
bool IsValidCode(const std::string& code);
// Registration channels: DIRECT, SPECIALISED or an agency code.
bool IsBuiltinChannel(const std::string& channel);

// Field-level checks of a text value: valid UTF-8 without control, line-separator,
// bidirectional or invisible characters (IsForbiddenInText), non-empty after trimming, at most
// max code points.
void CheckText(const std::string& field, const std::string& value, std::size_t max,
               std::vector<FieldError>& errors, bool required = true);

// True when `hours` is a whole number of hundredths (what DECIMAL(7,2) stores exactly).
bool FitsStoredHours(double hours);
// A module's hours: more than 0, at most kMaxModuleHours, in hundredths.
void CheckModuleHours(const std::string& field, double hours, std::vector<FieldError>& errors);

// A new session's times and sizes; fills defaults (decision date, threshold).
void CheckNewSession(Session& s, bool decision_given, std::vector<FieldError>& errors);

// Is the session open for new registrations at `now`?
std::optional<DomainError> CheckRegistrationOpen(const Session& s, TimePoint now);
// The status a new registrant gets: confirmed while places remain, else waitlisted.
RegistrationStatus StatusForNewRegistration(const Session& s);
bool IsActive(RegistrationStatus s);

// At the decision date: confirmed with at least min_registrants confirmed registrants,
// cancelled otherwise.
SessionStatus DecideSession(const Session& s);
constexpr std::chrono::hours kReminderLead{48};

// Hours credited for a mark; nullopt (with a message) when the mark is invalid:
// partial needs 0 < hours < module hours, in hundredths; other statuses take no hours.
struct AttendanceMark {
  AttendanceStatus status;
  std::optional<double> hours;
};
Expected<double, std::string> CreditedHours(const AttendanceMark& mark, double module_hours);
// Only presence for the full module hours counts toward a pathway.
bool CountsTowardPathway(const AttendanceRecord& r, double module_hours);
// May this caller mark attendance now? The session's trainers and coordinators, from its
// start on: nobody, coordinator included, records attendance in advance (later corrections
// are possible, and audited).
std::optional<DomainError> CheckCanMarkAttendance(const Principal& who, const Session& s,
                                                  TimePoint now);

// A coordinator's edit of a session: each field given replaces the session's; the others stay.
struct SessionEdit {
  std::optional<TimePoint> starts_at, ends_at, decision_at;
  std::optional<int> capacity, min_registrants;
  std::optional<std::string> location, online_link;
  std::optional<SessionMode> mode;
  std::optional<std::vector<Id>> trainer_ids;
  // Lowering the capacity below the confirmed registrants moves the last confirmed to the
  // waiting list only when the coordinator says so explicitly.
  bool move_to_waitlist = false;
  DescriptionEdit description;  // language, audience, objectives... (domain/events.h)
};
// The session as edited, or the field errors (422) or the state conflict (409: cancelled or
// completed). Once the session has started its start, capacity, threshold and decision date
// are fixed; a decision date changes only while undecided; a moved start moves an undecided
// session's decision date by as much, unless one is given.
Result<Session> ApplySessionEdit(const Session& s, const SessionEdit& e, TimePoint now);
// Did the date, the place, the mode or the link change (registrants get a new invitation)?
bool ScheduleChanged(const Session& before, const Session& after);
// An online link: empty, or an http(s) URL of at most 2000 characters without spaces.
bool IsValidOnlineLink(const std::string& link);

// Self check-in: the codes rotate every kCheckInPeriod; a code is accepted only in the period
// it was shown for (never after its rotation), and only while the session runs.
constexpr std::chrono::seconds kCheckInPeriod{60};
long long CheckInStep(TimePoint t);
TimePoint CheckInStepEnd(long long step);
// Is the check-in open at `now` (from the start to the end of the session)?
std::optional<DomainError> CheckCheckInOpen(const Session& s, TimePoint now);

}  // namespace parcours
