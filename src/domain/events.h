#pragma once
// Events as they are held (issue 12, item 5): a session's language and description, its
// online link and replay for confirmed registrants.
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"

namespace parcours {

// The languages a session may be held in (ISO 639-1), in the order the catalogue offers them.
inline constexpr const char* kSessionLanguages[] = {"fr", "de", "lb", "en", "pt", "it", "nl", "es"};
bool IsSessionLanguage(const std::string& code);

// The description's fields, each optional (absent: unchanged); trimmed when applied.
struct DescriptionEdit {
  std::optional<std::string> language, audience, objectives, trainers_organisation, co_organisers;
  bool Empty() const { return !language && !audience && !objectives && !trainers_organisation && !co_organisers; }
};
// Applies the given fields to `d`, adding an error per bad field (language not one of
// kSessionLanguages; audience at most 1000 characters, objectives 2000, trainers' organisation
// 300, co-organisers 500).
void ApplyDescriptionEdit(SessionDescription& d, const DescriptionEdit& e, std::vector<FieldError>& errors);

// May this person see the session's online link and replay: its coordinators and trainers,
// and its confirmed registrants (`registration`: the person's active one, if any).
bool MaySeeLinks(const Principal& who, const Session& s, const std::optional<Registration>& registration);

// ---- Multi-part sessions ------------------------------------------------------------------

constexpr int kMaxParts = 10;
// The parts given for `s` (positions are set 1..n), or the field errors (parts[i].field): none
// (held in one go) or 2 to kMaxParts parts, each ending after it starts and starting at or after
// the previous one's end; the first starts when the session starts and the last ends when it
// ends; each counts for a positive number of hours (hundredths), together the module's hours.
Result<std::vector<SessionPart>> CheckParts(const Session& s, std::vector<SessionPart> parts, double module_hours);
// The session's mark of a person from their marks per part: present at every part: present
// (the module's hours); at some: partial, the hours of those parts; at none: absent.
struct PartsMark {
  AttendanceStatus status = AttendanceStatus::kAbsent;
  double hours = 0;
};
PartsMark AttendanceFromParts(const std::vector<SessionPart>& parts, const std::vector<PartAttendance>& marks,
                              double module_hours);

// ---- Series made from a rule ---------------------------------------------------------------

// weekly: every `interval` weeks on the first date's weekday; monthly: every `interval` months
// on the same weekday and week of the month as the first date (its 1st to 4th, or the last
// when the first date is the month's fifth such weekday). `count` dates in all, the first one
// included, at the first date's Luxembourg clock time.
struct SeriesRule {
  std::string frequency = "monthly";
  int count = 0;
  int interval = 1;
};
std::string SeriesRuleJson(const SeriesRule& r);
// The dates (start, end) of each occurrence, or the field errors (repeat.frequency: weekly
// or monthly; repeat.count: 2 to 24; repeat.interval: 1 to 12).
Result<std::vector<std::pair<TimePoint, TimePoint>>> SeriesDates(TimePoint first_start, TimePoint first_end,
                                                                 const SeriesRule& rule);

}  // namespace parcours
