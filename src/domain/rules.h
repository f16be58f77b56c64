#pragma once
// The domain rules that need no I/O: defaults, input validation, and the registration
// decisions the services apply inside their transactions.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"

namespace parcours {

constexpr int kDefaultMinRegistrants = 10;
constexpr std::chrono::hours kDefaultDecisionLead{14 * 24};
constexpr int kMaxCapacity = 100000;
constexpr double kMaxModuleHours = 1000;

// Lower-cased, trimmed e-mail if it has a plausible shape, nullopt otherwise.
std::optional<std::string> NormaliseEmail(const std::string& raw);
bool IsSupportedLanguage(const std::string& lang);
// Codes of pathways, modules and agencies: 1–32 of [A-Za-z0-9_-].
bool IsValidCode(const std::string& code);
// Registration channels: DIRECT, SPECIALISED or an agency code.
bool IsBuiltinChannel(const std::string& channel);

// Field-level checks of a text value: non-empty after trimming, at most max code points.
void CheckText(const std::string& field, const std::string& value, std::size_t max,
               std::vector<FieldError>& errors, bool required = true);

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
// partial needs 0 < hours < module hours; other statuses take no hours.
struct AttendanceMark {
  AttendanceStatus status;
  std::optional<double> hours;
};
Expected<double, std::string> CreditedHours(const AttendanceMark& mark, double module_hours);
// Only presence for the full module hours counts toward a pathway.
bool CountsTowardPathway(const AttendanceRecord& r, double module_hours);
// May this caller mark attendance now? Coordinators at any time (backfilling); the
// session's trainers from its start on.
std::optional<DomainError> CheckCanMarkAttendance(const Principal& who, const Session& s,
                                                  TimePoint now);

}  // namespace parcours
