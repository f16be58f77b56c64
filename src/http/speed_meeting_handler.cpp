// The speed-meeting planner of a session (issue 12 item 6): the plan as JSON and as a printed
// PDF, for the session's trainers and coordinators. Parameters in the query.
#include "common/text.h"
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

// Up to six decimal digits (0 included: the range is the service's to judge).
std::optional<int> WholeNumber(const std::string& v) {
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(v);
}

// round_minutes, duration_minutes and table_size: whole numbers, defaults 7, 90 and 2.
std::optional<SpeedMeetingParams> ReadParams(const HttpRequest& req, DomainError& error) {
  SpeedMeetingParams p;
  std::vector<FieldError> bad;
  auto read = [&](const char* name, int& into) {
    auto v = req.Query(name);
    if (!v) return;
    auto n = WholeNumber(*v);
    if (!n) bad.push_back({name, "must be a whole number"});
    else into = *n;
  };
  read("round_minutes", p.round_minutes);
  read("duration_minutes", p.duration_minutes);
  read("table_size", p.table_size);
  if (bad.empty()) return p;
  error = DomainError{ErrorCode::kMalformed, "Invalid query parameters.", bad};
  return std::nullopt;
}

json PlanJson(const SpeedMeetingView& v) {
  json people = json::array();
  for (const auto& p : v.people)
    people.push_back({{"id", IdString(p.id)}, {"name", p.name},
                      {"structure", p.structure.empty() ? json(nullptr) : json(p.structure)}});
  json rounds = json::array();
  for (std::size_t r = 0; r < v.plan.rounds.size(); ++r) {
    json tables = json::array();
    for (const auto& table : v.plan.rounds[r]) {
      json ids = json::array();
      for (int p : table) ids.push_back(IdString(v.people[p].id));
      tables.push_back(ids);
    }
    // Who waits: everyone not at a table this round.
    std::vector<bool> seated(v.people.size(), false);
    for (const auto& table : v.plan.rounds[r])
      for (int p : table) seated[p] = true;
    json waiting = json::array();
    for (std::size_t p = 0; p < v.people.size(); ++p)
      if (!seated[p]) waiting.push_back(IdString(v.people[p].id));
    rounds.push_back({{"number", r + 1}, {"starts_at", FormatLocal(v.starts_at + std::chrono::minutes(
                                                                           static_cast<int>(r) * v.params.round_minutes))},
                      {"tables", tables}, {"waiting", waiting}});
  }
  return {{"session_id", IdString(v.session_id)}, {"module_title", v.module_title},
          {"round_minutes", v.params.round_minutes}, {"duration_minutes", v.params.duration_minutes},
          {"table_size", v.params.table_size}, {"source", v.source}, {"rounds_wanted", v.rounds_wanted},
          {"upper_bound", v.upper_bound}, {"people", people}, {"rounds", rounds}};
}

}  // namespace

void AddSpeedMeetingRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/api/v1/sessions/{id}/speed-meeting", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    DomainError error;
    auto params = ReadParams(req, error);
    if (!params) return HttpResponse::Problem(error, req.ctx.request_id);
    return Reply(req, s.speed_meeting->Plan(req.ctx, *id, *params), 200, PlanJson);
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/speed-meeting/pdf", Access::kSignedIn,
             StaffOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "session");
               DomainError error;
               auto params = ReadParams(req, error);
               if (!params) return HttpResponse::Problem(error, req.ctx.request_id);
               auto pdf = s.speed_meeting->Pdf(req.ctx, *id, *params);
               if (!pdf) return HttpResponse::Problem(pdf.error(), req.ctx.request_id);
               HttpResponse r;
               r.content_type = "application/pdf";
               r.body = std::move(*pdf);
               r.extra_headers.push_back(
                   {"Content-Disposition", "attachment; filename=\"speed-meeting-" + IdString(*id) + ".pdf\""});
               r.extra_headers.push_back({"Cache-Control", "private, no-store"});
               return r;
             }));
}

}  // namespace parcours::http
