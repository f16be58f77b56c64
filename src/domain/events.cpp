#include "domain/events.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"

namespace parcours {

bool IsSessionLanguage(const std::string& code) {
  for (const char* l : kSessionLanguages)
    if (code == l) return true;
  return false;
}

void ApplyDescriptionEdit(SessionDescription& d, const DescriptionEdit& e, std::vector<FieldError>& errors) {
  if (e.language) {
    if (!IsSessionLanguage(*e.language)) errors.push_back({"language", "must be one of fr, de, lb, en, pt, it, nl, es"});
    d.language = *e.language;
  }
  auto text = [&](const char* field, const std::optional<std::string>& v, std::size_t max, std::string& out) {
    if (!v) return;
    CheckText(field, *v, max, errors, false);
    out = std::string(Trim(*v));
  };
  text("audience", e.audience, 1000, d.audience);
  text("objectives", e.objectives, 2000, d.objectives);
  text("trainers_organisation", e.trainers_organisation, 300, d.trainers_organisation);
  text("co_organisers", e.co_organisers, 500, d.co_organisers);
}

bool MaySeeLinks(const Principal& who, const Session& s, const std::optional<Registration>& registration) {
  if (who.kind != Principal::Kind::kUser) return false;
  if (who.IsCoordinator() || (who.Has(Role::kTrainer) && s.Teaches(who.user_id))) return true;
  return registration && registration->participant_id == who.user_id && registration->session_id == s.id &&
         registration->status == RegistrationStatus::kConfirmed;
}

Result<std::vector<SessionPart>> CheckParts(const Session& s, std::vector<SessionPart> parts, double module_hours) {
  std::vector<FieldError> errors;
  if (parts.size() == 1 || parts.size() > static_cast<std::size_t>(kMaxParts))
    return Invalid({{"parts", "must list no part or 2 to 10 parts"}});
  double total = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& p = parts[i];
    const std::string at = "parts[" + std::to_string(i) + "].";
    p.position = static_cast<int>(i) + 1;
    if (p.ends_at <= p.starts_at) errors.push_back({at + "ends_at", "must be after starts_at"});
    if (i > 0 && p.starts_at < parts[i - 1].ends_at)
      errors.push_back({at + "starts_at", "must not be before the previous part ends"});
    if (!(p.hours > 0) || p.hours > 1000 || std::abs(p.hours * 100 - std::round(p.hours * 100)) > 1e-6)
      errors.push_back({at + "hours", "must be a positive number of hours in hundredths"});
    total += p.hours;
  }
  if (!parts.empty()) {
    if (parts.front().starts_at != s.starts_at)
      errors.push_back({"parts[0].starts_at", "must be the session's starts_at"});
    if (parts.back().ends_at != s.ends_at)
      errors.push_back({"parts[" + std::to_string(parts.size() - 1) + "].ends_at", "must be the session's ends_at"});
    if (errors.empty() && std::abs(total - module_hours) > 0.005)
      errors.push_back({"parts", "the parts' hours must add up to the module's hours"});
  }
  if (!errors.empty()) return Invalid(errors);
  return parts;
}

PartsMark AttendanceFromParts(const std::vector<SessionPart>& parts, const std::vector<PartAttendance>& marks,
                              double module_hours) {
  double hours = 0;
  std::size_t present = 0;
  for (const auto& p : parts)
    for (const auto& m : marks)
      if (m.position == p.position && m.present) {
        hours += p.hours;
        ++present;
      }
  if (!parts.empty() && present == parts.size()) return {AttendanceStatus::kPresent, module_hours};
  if (present > 0) return {AttendanceStatus::kPartial, std::round(hours * 100) / 100};
  return {AttendanceStatus::kAbsent, 0};
}

std::string SeriesRuleJson(const SeriesRule& r) {
  return "{\"frequency\":\"" + r.frequency + "\",\"count\":" + std::to_string(r.count) +
         ",\"interval\":" + std::to_string(r.interval) + "}";
}

namespace {

using namespace std::chrono;

// The n-th (1-4) or last (n = 5) `wd` of a month.
year_month_day NthWeekday(year y, month m, weekday wd, unsigned n) {
  if (n >= 5) {
    const year_month_day last{year_month_day_last{y, month_day_last{m}}};
    const weekday last_wd{sys_days{last}};
    return year_month_day{sys_days{last} - days{(last_wd - wd).count()}};
  }
  return year_month_day{sys_days{year_month_weekday{y, m, weekday_indexed{wd, n}}}};
}

}  // namespace

Result<std::vector<std::pair<TimePoint, TimePoint>>> SeriesDates(TimePoint first_start, TimePoint first_end,
                                                                 const SeriesRule& rule) {
  std::vector<FieldError> errors;
  if (rule.frequency != "weekly" && rule.frequency != "monthly")
    errors.push_back({"repeat.frequency", "must be weekly or monthly"});
  if (rule.count < 2 || rule.count > 24) errors.push_back({"repeat.count", "must be between 2 and 24"});
  if (rule.interval < 1 || rule.interval > 12) errors.push_back({"repeat.interval", "must be between 1 and 12"});
  if (first_end <= first_start) errors.push_back({"ends_at", "must be after starts_at"});
  if (!errors.empty()) return Invalid(errors);
  std::vector<std::pair<TimePoint, TimePoint>> out;
  const auto length = first_end - first_start;
  if (rule.frequency == "weekly") {
    for (int k = 0; k < rule.count; ++k) {
      const TimePoint start = AddLuxembourgDays(first_start, 7 * rule.interval * k);
      out.push_back({start, start + length});
    }
    return out;
  }
  // The first date's Luxembourg calendar day and clock time.
  const std::string local = FormatLocal(first_start);  // YYYY-MM-DDTHH:MM:SS(.fff)±HH:MM
  int y = 0, mo = 0, d = 0, hh = 0, mi = 0, ss = 0;
  std::sscanf(local.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &hh, &mi, &ss);
  const year_month_day first{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  const weekday wd{sys_days{first}};
  const unsigned n = (static_cast<unsigned>(d) - 1) / 7 + 1;
  for (int k = 0; k < rule.count; ++k) {
    const year_month ym = year_month{year{y}, month{static_cast<unsigned>(mo)}} + months{rule.interval * k};
    const year_month_day date = NthWeekday(ym.year(), ym.month(), wd, n);
    const auto start = LuxembourgLocalToUtc(int(date.year()), unsigned(date.month()), unsigned(date.day()), hh, mi, ss);
    if (!start) return Invalid({{"starts_at", "cannot be repeated"}});
    out.push_back({*start, *start + length});
  }
  return out;
}

}  // namespace parcours
