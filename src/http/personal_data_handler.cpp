// People's rights over their data (export, rectification, erasure) and the audit trail.
#include "common/time.h"
#include "http/handlers.h"
#include "services/csv.h"
#include "services/views.h"

namespace parcours::http {
namespace {

HttpResponse ExportResponse(const HttpRequest& req, const Result<PersonalData>& r) {
  auto resp = Reply(req, r, 200, PersonalDataJson);
  if (r)
    resp.extra_headers.push_back(
        {"Content-Disposition", "attachment; filename=\"parcours-data-" + IdString(r->account.id) + ".json\""});
  return resp;
}

json ErasureJson(const ErasureReport& e) {
  return {{"person_id", IdString(e.person_id)},
          {"erased", true},
          {"row_deleted", e.row_deleted},
          {"waitlisted_withdrawn", e.waitlisted_withdrawn},
          {"attestations_revoked", e.attestations_revoked},
          {"notifications_deleted", e.notifications_deleted},
          {"audit_rows_scrubbed", e.audit_rows_scrubbed},
          {"sign_in_rows_deleted", e.sign_in_rows_deleted}};
}

// A time bound of the audit filters: RFC 3339, or a date (the start of that day in
// Luxembourg; for `to`, the start of the next day, so that the day is included).
std::optional<TimePoint> ReadBound(const std::string& text, bool upper) {
  if (text.size() == 10) {
    auto day = LuxembourgDayStart(text);
    if (!day) return std::nullopt;
    return upper ? AddLuxembourgDays(*day, 1) : *day;
  }
  return ParseRfc3339(text);
}

Result<AuditQuery> ReadAuditQuery(const HttpRequest& req) {
  AuditQuery q;
  std::vector<FieldError> errors;
  auto id = [&](const char* name, std::optional<Id>& target) {
    if (auto v = req.Query(name)) {
      if (auto parsed = ParseId(*v)) target = *parsed;
      else errors.push_back({name, "must be an id"});
    }
  };
  id("person", q.person);
  id("session", q.session);
  if (auto action = req.Query("action")) {
    if (action->empty() || action->size() > 64) errors.push_back({"action", "must be an action name, e.g. user.erased"});
    else q.action = *action;
  }
  for (auto [name, upper, target] : {std::tuple{"from", false, &q.from}, std::tuple{"to", true, &q.to}}) {
    if (auto v = req.Query(name)) {
      *target = ReadBound(*v, upper);
      if (!*target) errors.push_back({name, "must be a date (YYYY-MM-DD) or an RFC 3339 time"});
    }
  }
  if (!errors.empty()) return Error(ErrorCode::kMalformed, "Invalid query parameters.", errors);
  return q;
}

}  // namespace

void AddPersonalDataRoutes(Router& router, Services& s) {
  if (!s.personal_data || !s.audit_trail) return;
  PersonalDataService& data = *s.personal_data;
  AuditTrailService& trail = *s.audit_trail;

  // Article 15 and 20: everything held about the caller, as one JSON document to download.
  router.Add(Method::kGet, "/api/v1/me/data", Access::kSignedIn, [&data](HttpRequest& req) {
    return ExportResponse(req, data.Export(req.ctx, req.ctx.principal.user_id));
  });

  // The same for a request made by letter, produced by a coordinator (audited).
  router.Add(Method::kGet, "/api/v1/users/{id}/data", Access::kSignedIn, CoordinatorOnly([&data](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "person");
    return ExportResponse(req, data.Export(req.ctx, *id));
  }));

  // Article 16: the caller corrects their name, organisation or language.
  router.Add(Method::kPatch, "/api/v1/me", Access::kSignedIn, [&data](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    ProfileChange change;
    change.name = f.String("name", false, 1000);
    change.organisation = f.String("organisation", false, 1000);
    change.language = f.String("language", false, 10);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The profile has invalid fields."), req.ctx.request_id);
    return Reply(req, data.Rectify(req.ctx, req.ctx.principal.user_id, change), 200,
                 [](const User& u) { return ToJson(u); });
  });

  // Article 17: a coordinator erases a person on request.
  router.Add(Method::kPost, "/api/v1/users/{id}/erasure", Access::kSignedIn, CoordinatorOnly([&data](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "person");
    if (!req.body.empty()) {  // nothing to send; an empty object is accepted
      HttpResponse bad;
      auto body = BodyObject(req, bad);
      if (!body) return bad;
      FieldReader f(*body);
      if (!f.ok()) return HttpResponse::Problem(f.Problem("An erasure takes no fields."), req.ctx.request_id);
    }
    return Reply(req, data.Erase(req.ctx, *id), 200, ErasureJson);
  }));

  router.Add(Method::kGet, "/api/v1/audit", Access::kSignedIn, CoordinatorOnly([&trail](HttpRequest& req) {
    auto query = ReadAuditQuery(req);
    if (!query) return HttpResponse::Problem(query.error(), req.ctx.request_id);
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    return ReplyPage(req, trail.List(req.ctx, *query, *page), AuditJson);
  }));

  router.Add(Method::kGet, "/api/v1/audit.csv", Access::kSignedIn, CoordinatorOnly([&trail](HttpRequest& req) {
    auto query = ReadAuditQuery(req);
    if (!query) return HttpResponse::Problem(query.error(), req.ctx.request_id);
    auto r = trail.Csv(req.ctx, *query);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    HttpResponse resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = *r;
    resp.extra_headers.push_back({"Content-Disposition", "attachment; filename=\"audit.csv\""});
    return resp;
  }));
}

}  // namespace parcours::http
