#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {

json ProgressJson(const PathwayProgress& p) {
  json modules = json::array();
  for (const auto& m : p.modules) {
    json j = {{"module_id", IdString(m.module.id)}, {"code", m.module.code}, {"title", m.module.title},
              {"hours", m.module.hours}, {"completed", m.completed.has_value()}};
    if (m.completed) {
      j["session_id"] = IdString(m.completed->session_id);
      j["date"] = FormatLocal(m.completed->starts_at).substr(0, 10);
    }
    modules.push_back(j);
  }
  return {{"participant_id", IdString(p.participant_id)},
          {"pathway_id", IdString(p.pathway.id)},
          {"hours_completed", p.hours_completed},
          {"total_hours", p.pathway.TotalHours()},
          {"complete", p.complete},
          {"modules", modules}};
}

json SheetJson(const AttendanceSheet& sheet) {
  json records = json::array();
  for (const auto& line : sheet.lines) {
    json r = {{"participant_id", IdString(line.participant_id)}, {"name", line.name},
              {"organisation", line.organisation}};
    if (line.mark) {
      r["status"] = ToString(line.mark->status);
      r["hours"] = line.mark->hours;
      r["marked_at"] = FormatLocal(line.mark->marked_at);
      r["source"] = ToString(line.mark->source);
    } else {
      r["status"] = nullptr;
      r["hours"] = nullptr;
      r["marked_at"] = nullptr;
      r["source"] = nullptr;
    }
    records.push_back(r);
  }
  return {{"session_id", IdString(sheet.session.id)},
          {"module_hours", sheet.module_hours},
          {"sheet_confirmed_at",
           sheet.session.sheet_confirmed_at ? json(FormatLocal(*sheet.session.sheet_confirmed_at)) : json(nullptr)},
          {"records", records}};
}

void AddAttendanceRoutes(Router& router, Services& s) {
  router.Add(Method::kPut, "/api/v1/sessions/{id}/attendance", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    std::vector<AttendanceInput> records;
    if (const json* list = f.Array("records", true, 1000)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string prefix = "records[" + std::to_string(i) + "].";
        if (!(*list)[i].is_object()) {
          f.AddError("records[" + std::to_string(i) + "]", "must be an object");
          continue;
        }
        FieldReader item((*list)[i]);
        auto participant = item.IdString("participant_id");
        auto status = item.String("status", true, 20);
        auto hours = item.Number("hours", false, -1e6, 1e6);
        std::optional<AttendanceStatus> parsed;
        if (status && !(parsed = AttendanceStatusFromString(*status)))
          item.AddError("status", "must be present, absent, excused or partial");
        f.Absorb(item, prefix);
        if (item.ok()) records.push_back({*participant, *parsed, hours});
      }
    }
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("The attendance sheet has invalid records."), req.ctx.request_id);
    return Reply(req, s.attendance.Mark(req.ctx, *id, records), 200, SheetJson);
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/attendance", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.attendance.Sheet(req.ctx, *id), 200, SheetJson);
  });

  router.Add(Method::kGet, "/api/v1/participants/{id}/progress", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "participant");
    auto pathway = req.Query("pathway_id");
    std::optional<Id> pathway_id = pathway ? ParseId(*pathway) : std::nullopt;
    if (!pathway_id)
      return HttpResponse::Problem({ErrorCode::kMalformed, "Name the pathway: ?pathway_id=...",
                                    {{"pathway_id", "is required and must be an id"}}},
                                   req.ctx.request_id);
    return Reply(req, s.attendance.Progress(req.ctx, *id, *pathway_id), 200, ProgressJson);
  });
}

}  // namespace parcours::http
