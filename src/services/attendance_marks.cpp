#include "services/attendance_marks.h"

#include "services/audit.h"
#include "services/views.h"

namespace parcours {

nlohmann::json MarkJson(const AttendanceRecord& r) {
  nlohmann::json j = {{"session_id", IdString(r.session_id)}, {"participant_id", IdString(r.participant_id)},
                      {"status", ToString(r.status)}, {"hours", r.hours}, {"source", ToString(r.source)}};
  if (r.import_id) j["import_id"] = IdString(*r.import_id);
  return j;
}

bool WriteMark(UnitOfWork& uow, const RegistrationUnit& unit, const RequestContext& ctx, const Registration& reg,
               const AttendanceRecord& mark, TimePoint now, bool feed) {
  auto before = uow.attendance().Find(mark.session_id, mark.participant_id);
  if (before && before->status == mark.status && before->hours == mark.hours) return false;
  uow.attendance().Upsert(mark);
  const char* action = mark.source == AttendanceSource::kImport ? "attendance.imported"
                       : before                                 ? "attendance.changed"
                                                                : "attendance.marked";
  Audit(uow, ctx, now, action, "attendance", mark.session_id, before ? MarkJson(*before) : nlohmann::json(),
        MarkJson(mark), mark.participant_id);
  if (feed) unit.RecordFeed(uow, reg, "attendance", ToString(mark.status), now);
  return true;
}

}  // namespace parcours
