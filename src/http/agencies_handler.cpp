#include "common/text.h"
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json EnrolmentJson(const EnrolmentResult& e) {
  json j = ToJson(e.registration);
  j["external_id"] = e.external_id;
  return j;
}

json ChangeJson(const AgencyChange& c) { return ToJson(c); }

}  // namespace

HttpResponse CsvAttachment(std::string body, const std::string& filename) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.extra_headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  return r;
}

std::optional<int> YearParam(const HttpRequest& req) {
  auto v = req.Query("year");
  if (!v) return std::nullopt;
  auto n = ParseId(*v);
  if (!n || *n < 2000 || *n > 2100) return std::nullopt;
  return static_cast<int>(*n);
}

HttpResponse BadYear(const HttpRequest& req) {
  return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.",
                                {{"year", "is required: a year from 2000 to 2100"}}},
                               req.ctx.request_id);
}


HttpResponse CsvRowsProblem(const HttpRequest& req, const std::vector<CsvRowError>& rows) {
  std::vector<FieldError> errors;
  for (const auto& e : rows)
    errors.push_back({"rows[" + std::to_string(e.row) + "]" + (e.field.empty() ? "" : "." + e.field), e.message});
  return HttpResponse::Problem({ErrorCode::kInvalidInput,
                                "The file has invalid rows; nothing was applied. Row numbers count the header as row 1.",
                                errors},
                               req.ctx.request_id);
}

void AddAgencyRoutes(Router& router, Services& s) {
  router.Add(Method::kPut, "/api/v1/agencies/{code}/enrolments/{external_id}", Access::kSignedIn,
             AgencyOrCoordinator([&s](HttpRequest& req) {
               HttpResponse bad;
               auto body = BodyObject(req, bad);
               if (!body) return bad;
               FieldReader f(*body);
               EnrolmentInput in;
               auto session = f.IdString("session_id");
               auto participant = f.Has("participant") ? &(*body)["participant"] : nullptr;
               if (!participant || !participant->is_object()) {
                 f.AddError("participant", "must be an object {email, name, organisation?}");
               } else {
                 FieldReader p(*participant);
                 auto email = p.String("email", true, 400);
                 auto name = p.String("name", true, 1000);
                 auto org = p.String("organisation", false, 1000);
                 auto structure = p.String("structure", false, 1000);
                 auto sector = p.String("sector", false, 100);
                 auto profession = p.String("profession", false, 1000);
                 f.Absorb(p, "participant.");
                 if (p.ok()) {
                   in.email = *email;
                   in.name = *name;
                   in.organisation = org.value_or("");
                   in.structure = {structure.value_or(""), sector.value_or(""), profession.value_or("")};
                 }
               }
               if (!f.ok())
                 return HttpResponse::Problem(f.Problem("The enrolment has invalid fields."), req.ctx.request_id);
               in.session_id = *session;
               auto r = s.agencies.Put(req.ctx, req.params[0], req.params[1], in);
               if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
               return HttpResponse::Json(r->created ? 201 : 200, EnrolmentJson(*r));
             }));

  router.Add(Method::kDelete, "/api/v1/agencies/{code}/enrolments/{external_id}", Access::kSignedIn,
             AgencyOrCoordinator([&s](HttpRequest& req) {
               return Reply(req, s.agencies.Delete(req.ctx, req.params[0], req.params[1]), 200, EnrolmentJson);
             }));

  router.Add(Method::kGet, "/api/v1/agencies/{code}/changes", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    auto since = req.Query("since");
    if (!since) since = page->cursor;
    return ReplyPage(req, s.agencies.Changes(req.ctx, req.params[0], since, page->limit), ChangeJson);
  }));

  router.Add(Method::kPost, "/api/v1/agencies/{code}/webhooks", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto url = f.String("url", true, 2000);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("Give the URL to call."), req.ctx.request_id);
    auto resp = Reply(req, s.webhooks.Create(req.ctx, req.params[0], *url), 201, [](const Webhook& w) {
      return json{{"id", IdString(w.id)}, {"url", w.url}, {"secret", w.secret}, {"created_at", FormatLocal(w.created_at)}};
    });
    resp.carries_secret = true;
    return resp;
  }));

  router.Add(Method::kGet, "/api/v1/agencies/{code}/webhooks", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    auto r = s.webhooks.List(req.ctx, req.params[0]);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json items = json::array();
    for (const auto& w : *r)
      items.push_back({{"id", IdString(w.id)}, {"url", w.url}, {"created_at", FormatLocal(w.created_at)},
                       {"delivered_cursor", EncodeCursor(w.delivered_seq)}, {"failed_attempts", w.attempts}});
    return HttpResponse::Json(200, ListJson(items, std::nullopt));
  }));

  router.Add(Method::kDelete, "/api/v1/agencies/{code}/webhooks/{id}", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    auto id = IdParam(req, 1);
    if (!id) return NotFound(req, "webhook");
    auto r = s.webhooks.Delete(req.ctx, req.params[0], *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    HttpResponse resp;
    resp.status = 204;
    return resp;
  }));

  router.Add(Method::kPost, "/api/v1/agencies/{code}/enrolments.csv", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    if (!HasMediaType(req, "text/csv"))
      return HttpResponse::Problem({ErrorCode::kUnsupportedMediaType, "Send the file as text/csv.", {}},
                                   req.ctx.request_id);
    auto r = s.agencies.ImportCsv(req.ctx, req.params[0], req.body);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    if (!r->errors.empty()) return CsvRowsProblem(req, r->errors);
    json items = json::array();
    for (const auto& e : r->applied) items.push_back(EnrolmentJson(e));
    return HttpResponse::Json(200, {{"applied", r->applied.size()}, {"items", items}});
  }));

  router.Add(Method::kGet, "/api/v1/agencies/{code}/enrolments.csv", Access::kSignedIn, AgencyOrCoordinator([&s](HttpRequest& req) {
    auto year = YearParam(req);
    if (!year) return BadYear(req);
    auto r = s.agencies.ExportCsv(req.ctx, req.params[0], *year);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return CsvAttachment(*r, req.params[0] + "-enrolments-" + std::to_string(*year) + ".csv");
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/registrations.csv", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    auto r = s.agencies.SessionCsv(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return CsvAttachment(*r, "session-" + req.params[0] + "-registrations.csv");
  }));

  router.Add(Method::kGet, "/api/v1/reports/participation", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto year = YearParam(req);
    if (!year) return BadYear(req);
    auto format = req.Query("format").value_or("json");
    if (format != "json" && format != "csv")
      return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", {{"format", "must be json or csv"}}},
                                   req.ctx.request_id);
    auto r = s.reports.Participation(req.ctx, *year);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    if (format == "csv") return CsvAttachment(ReportService::ParticipationCsv(*r), "participation-" + std::to_string(*year) + ".csv");
    auto row_json = [&](const ParticipationRow& row, auto&& self) -> json {
      json counts = json::object();
      for (const auto& ch : r->channels) counts[ch] = row.counts.count(ch) ? row.counts.at(ch) : 0;
      json j = {{"label", row.label}, {"counts", counts}, {"total", row.total}};
      if (row.module_id) j["module_id"] = IdString(*row.module_id);
      if (row.pathway_id) {
        j["pathway_id"] = IdString(*row.pathway_id);
        j["children"] = json::array();
        for (const auto& c : row.children) j["children"].push_back(self(c, self));
      }
      return j;
    };
    json rows = json::array();
    for (const auto& row : r->rows) rows.push_back(row_json(row, row_json));
    json totals = json::object();
    for (const auto& ch : r->channels) totals[ch] = r->totals.at(ch);
    totals["total"] = r->total;
    return HttpResponse::Json(200, {{"year", r->year}, {"channels", r->channels}, {"rows", rows}, {"totals", totals},
                                    {"people", r->reach.people}, {"sectors", r->reach.sectors},
                                    {"structures_reached", r->reach.structures}});
  }));

  router.Add(Method::kGet, "/api/v1/reports/sessions", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto year = YearParam(req);
    if (!year) return BadYear(req);
    auto r = s.reports.Sessions(req.ctx, *year);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json sessions = json::array();
    for (const auto& f : r->sessions) {
      std::string cancelled = f.session.status != SessionStatus::kCancelled ? ""
                              : f.cancelled_by_threshold                   ? "threshold"
                                                                           : "by_hand";
      sessions.push_back({{"session_id", IdString(f.session.id)},
                          {"module_id", IdString(f.session.module_id)},
                          {"module_title", r->module_titles.at(f.session.module_id)},
                          {"starts_at", FormatLocal(f.session.starts_at)},
                          {"status", ToString(f.session.status)},
                          {"cancelled", cancelled.empty() ? json(nullptr) : json(cancelled)},
                          {"registered", f.registered},
                          {"attended", f.attended}});
    }
    return HttpResponse::Json(200, {{"year", r->year},
                                    {"offered", r->offered},
                                    {"held", r->held},
                                    {"cancelled_by_threshold", r->cancelled_by_threshold},
                                    {"cancelled_by_hand", r->cancelled_by_hand},
                                    {"registered", r->registered},
                                    {"attended", r->attended},
                                    {"no_show_rate", r->no_show_rate},
                                    {"attestations_issued", r->attestations_issued},
                                    {"sessions", sessions}});
  }));
}

}  // namespace parcours::http
