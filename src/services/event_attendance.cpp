// Attendance per part of a multi-part session (issue 12): a session held over several dates
// (two days a month apart) is marked part by part; each person's session mark, the one that
// counts toward pathways and certificates, is made from their parts (AttendanceFromParts).
#include <map>
#include <set>

#include "common/time.h"
#include "domain/events.h"
#include "domain/rules.h"
#include "services/attendance_marks.h"
#include "services/attendance_service.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {

Result<PartSheet> AttendanceService::MarkPart(const RequestContext& ctx, Id session_id, int position,
                                              const std::vector<PartInput>& records) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<PartSheet> {
    const TimePoint now = clock_.Now();
    auto s = uow.catalogue().FindSession(session_id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!MaySeeSheet(ctx.principal, *s))
      return Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators mark attendance.");
    if (s->parts.empty()) return Error(ErrorCode::kNotFound, "This session is held in one go: it has no parts.");
    if (position < 1 || position > static_cast<int>(s->parts.size()))
      return Error(ErrorCode::kNotFound, "The session has no part with this number.");
    const SessionPart& part = s->parts[position - 1];
    if (s->status == SessionStatus::kCancelled)
      return Error(ErrorCode::kRuleViolation, "The session was cancelled: there is no attendance to mark.");
    if (now < part.starts_at)
      return Error(ErrorCode::kRuleViolation,
                   "Attendance at a part is recorded from its start on (" + FormatLocal(part.starts_at) + ").");
    std::map<Id, Registration> confirmed;
    for (const auto& r : uow.registrations().WithStatus(s->id, RegistrationStatus::kConfirmed))
      confirmed[r.participant_id] = r;
    std::vector<FieldError> errors;
    std::set<Id> seen;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string prefix = "records[" + std::to_string(i) + "].";
      if (!confirmed.count(records[i].participant_id))
        errors.push_back({prefix + "participant_id", "is not a confirmed registrant of this session"});
      if (!seen.insert(records[i].participant_id).second)
        errors.push_back({prefix + "participant_id", "is marked twice in this request"});
    }
    if (!errors.empty()) return Invalid(errors);
    const double module_hours = uow.catalogue().FindModule(s->module_id)->hours;
    for (const auto& in : records) {
      PartAttendance m{s->id, in.participant_id, position, in.present, ctx.principal.user_id, now};
      uow.attendance().UpsertPart(m);
      Audit(uow, ctx, now, "attendance.part_marked", "attendance", s->id, nullptr,
            {{"participant_id", IdString(in.participant_id)}, {"part", position}, {"present", in.present}},
            in.participant_id);
    }
    std::map<Id, std::vector<PartAttendance>> by_person;
    for (auto& m : uow.attendance().PartsForSession(s->id)) by_person[m.participant_id].push_back(m);
    for (const auto& in : records) {
      const PartsMark made = AttendanceFromParts(s->parts, by_person[in.participant_id], module_hours);
      AttendanceRecord mark{s->id, in.participant_id, made.status, made.hours, ctx.principal.user_id, now};
      WriteMark(uow, unit_, ctx, confirmed[in.participant_id], mark, now);
    }
    PartSheet out;
    out.sheet = BuildSheet(uow, *s);
    out.marks = uow.attendance().PartsForSession(s->id);
    return out;
  });
}

Result<PartSheet> AttendanceService::PartMarks(const RequestContext& ctx, Id session_id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<PartSheet> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!MaySeeSheet(ctx.principal, *s))
      return Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators see its attendance.");
    PartSheet out;
    out.sheet = BuildSheet(uow, *s);
    out.marks = uow.attendance().PartsForSession(s->id);
    return out;
  });
}

}  // namespace parcours
