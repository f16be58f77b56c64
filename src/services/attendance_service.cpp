#include "services/attendance_service.h"

#include <map>
#include <set>

#include "domain/rules.h"
#include "services/attendance_marks.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {

AttendanceSheet BuildSheet(UnitOfWork& uow, const Session& s) {
  AttendanceSheet sheet;
  sheet.session = s;
  sheet.module_hours = uow.catalogue().FindModule(s.module_id)->hours;
  std::map<Id, AttendanceRecord> marks;
  for (auto& m : uow.attendance().ForSession(s.id)) marks[m.participant_id] = m;
  for (const auto& r : uow.registrations().WithStatus(s.id, RegistrationStatus::kConfirmed)) {
    AttendanceLine line;
    line.participant_id = r.participant_id;
    if (auto it = marks.find(r.participant_id); it != marks.end()) {
      line.mark = it->second;
      marks.erase(it);
    }
    sheet.lines.push_back(std::move(line));
  }
  for (auto& [pid, m] : marks) sheet.lines.push_back({pid, "", m});  // marked, then withdrawn: still shown
  std::vector<Id> ids;
  for (const auto& line : sheet.lines) ids.push_back(line.participant_id);
  std::map<Id, User> people;
  for (auto& u : uow.users().FindMany(ids)) people[u.id] = std::move(u);
  for (auto& line : sheet.lines)
    if (auto it = people.find(line.participant_id); it != people.end()) {
      line.name = it->second.name;
      line.organisation = it->second.organisation;
    }
  return sheet;
}

bool MaySeeSheet(const Principal& who, const Session& s) {
  return who.IsCoordinator() || (who.kind == Principal::Kind::kUser && s.Teaches(who.user_id));
}

Result<AttendanceSheet> AttendanceService::Mark(const RequestContext& ctx, Id session_id,
                                                const std::vector<AttendanceInput>& records) {
  Result<AttendanceSheet> out;
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    auto s = uow.catalogue().FindSession(session_id, true);
    if (!s) {
      out = Error(ErrorCode::kNotFound, "No session has this id.");
      return false;
    }
    if (auto denied = CheckCanMarkAttendance(ctx.principal, *s, now)) {
      out = Fail(*denied);
      return false;
    }
    if (s->status == SessionStatus::kCancelled) {
      out = Error(ErrorCode::kRuleViolation, "The session was cancelled: there is no attendance to mark.");
      return false;
    }
    const double module_hours = uow.catalogue().FindModule(s->module_id)->hours;
    std::map<Id, Registration> confirmed;
    for (const auto& r : uow.registrations().WithStatus(s->id, RegistrationStatus::kConfirmed))
      confirmed[r.participant_id] = r;
    std::vector<FieldError> errors;
    std::set<Id> seen;
    std::vector<AttendanceRecord> changes;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& in = records[i];
      const std::string prefix = "records[" + std::to_string(i) + "].";
      if (!confirmed.count(in.participant_id))
        errors.push_back({prefix + "participant_id", "is not a confirmed registrant of this session"});
      if (!seen.insert(in.participant_id).second)
        errors.push_back({prefix + "participant_id", "is marked twice in this request"});
      auto hours = CreditedHours({in.status, in.hours}, module_hours);
      if (!hours) errors.push_back({prefix + "hours", hours.error()});
      else changes.push_back({s->id, in.participant_id, in.status, *hours, ctx.principal.user_id, now});
    }
    if (!errors.empty()) {
      out = Invalid(errors);
      return false;
    }
    for (const auto& change : changes) WriteMark(uow, unit_, ctx, confirmed[change.participant_id], change, now);
    out = BuildSheet(uow, *s);
    return true;
  });
  return out;
}

Result<AttendanceSheet> AttendanceService::Sheet(const RequestContext& ctx, Id session_id) {
  Result<AttendanceSheet> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) {
      out = Error(ErrorCode::kNotFound, "No session has this id.");
      return false;
    }
    if (!MaySeeSheet(ctx.principal, *s)) {
      out = Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators see its attendance.");
      return false;
    }
    out = BuildSheet(uow, *s);
    return true;
  });
  return out;
}

Result<PathwayProgress> AttendanceService::Progress(const RequestContext& ctx, Id participant_id,
                                                    Id pathway_id) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !(who.kind == Principal::Kind::kUser && who.user_id == participant_id))
    return Error(ErrorCode::kForbidden, "Only the participant and coordinators see this progress.");
  Result<PathwayProgress> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto pathway = uow.catalogue().FindPathway(pathway_id);
    if (!pathway) {
      out = Error(ErrorCode::kNotFound, "No pathway has this id.");
      return false;
    }
    if (!uow.users().FindById(participant_id)) {
      out = Error(ErrorCode::kNotFound, "No participant has this id.");
      return false;
    }
    out = ProgressOf(uow, participant_id, *pathway);
    return true;
  });
  return out;
}

Result<std::vector<PathwayProgress>> AttendanceService::MyProgress(const RequestContext& ctx,
                                                                  const std::vector<Pathway>& pathways) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Sign in to see your progress.");
  std::vector<PathwayProgress> out;
  store_.Transact([&](UnitOfWork& uow) {
    for (const auto& p : pathways) out.push_back(ProgressOf(uow, ctx.principal.user_id, p));
    return true;
  });
  return out;
}

PathwayProgress ProgressOf(UnitOfWork& uow, Id participant_id, const Pathway& pathway) {
  PathwayProgress p;
  p.participant_id = participant_id;
  p.pathway = pathway;
  std::map<Id, CompletedModule> done;
  for (auto& c : uow.attendance().CompletedModules(participant_id, pathway.modules)) done[c.module_id] = c;
  bool all = !pathway.modules.empty();
  for (const auto& m : pathway.modules) {
    ModuleProgress mp{m, std::nullopt};
    if (auto it = done.find(m.id); it != done.end()) {
      mp.completed = it->second;
      p.hours_completed += m.hours;
    } else {
      all = false;
    }
    p.modules.push_back(mp);
  }
  p.complete = all;
  return p;
}

}  // namespace parcours
