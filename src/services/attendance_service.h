#pragma once
// Attendance sheets and pathway progress. Marks are per person and session (multi-day
// sessions have one record); re-marking replaces the record and is audited. Only presence
// for the full module hours counts toward a pathway, whatever the year or the channel.
#include <optional>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/registration_unit.h"

namespace parcours {

struct AttendanceInput {
  Id participant_id = 0;
  AttendanceStatus status = AttendanceStatus::kPresent;
  std::optional<double> hours;
};

struct AttendanceLine {
  Id participant_id = 0;
  std::string name;
  std::optional<AttendanceRecord> mark;  // nullopt: not marked yet
  std::string organisation{};
};

struct AttendanceSheet {
  Session session;
  double module_hours = 0;
  std::vector<AttendanceLine> lines;  // confirmed registrants, then anyone else marked
};

struct ModuleProgress {
  Module module;
  std::optional<CompletedModule> completed;
};

struct PathwayProgress {
  Id participant_id = 0;
  Pathway pathway;
  double hours_completed = 0;
  bool complete = false;
  std::vector<ModuleProgress> modules;
};

// The sheet as staff see it, read in the caller's transaction.
AttendanceSheet BuildSheet(UnitOfWork& uow, const Session& s);
// A person's progress along a pathway, read in the caller's transaction.
PathwayProgress ProgressOf(UnitOfWork& uow, Id participant_id, const Pathway& pathway);
// May this caller see the session's sheet and registrants (its trainers, coordinators)?
bool MaySeeSheet(const Principal& who, const Session& s);

// Attendance per part of a multi-part session (issue 12): one person's presence at one part.
struct PartInput {
  Id participant_id = 0;
  bool present = false;
};
// The marks per part with the sheet they make (each person's session mark sums their parts).
struct PartSheet {
  AttendanceSheet sheet;
  std::vector<PartAttendance> marks;
};

class AttendanceService {
 public:
  AttendanceService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<AttendanceSheet> Mark(const RequestContext& ctx, Id session_id,
                               const std::vector<AttendanceInput>& records);
  Result<AttendanceSheet> Sheet(const RequestContext& ctx, Id session_id);
  // Marks presence at part `position` (1-based) of a multi-part session, from that part's start
  // on (its trainers, coordinators); each person's session mark becomes AttendanceFromParts.
  Result<PartSheet> MarkPart(const RequestContext& ctx, Id session_id, int position, const std::vector<PartInput>& records);
  Result<PartSheet> PartMarks(const RequestContext& ctx, Id session_id);
  Result<PathwayProgress> Progress(const RequestContext& ctx, Id participant_id, Id pathway_id);
  // The signed-in person's own progress along pathways they already hold (from the catalogue
  // snapshot): one query for all of them.
  Result<std::vector<PathwayProgress>> MyProgress(const RequestContext& ctx, const std::vector<Pathway>& pathways);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;  // the attendance items of the agencies' feeds
};

}  // namespace parcours
