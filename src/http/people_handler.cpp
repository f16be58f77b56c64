// The coordinator's people: search, a person's record and audit trail; and the import of past
// participation (history), which records people too.
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json PersonJson(const User& u) {
  json j = ToJson(u);
  j["claimed"] = !u.password_hash.empty();  // false: created by an agency, a walk-in or an import
  return j;
}

json AuditJson(const AuditEntry& e) {
  auto parse = [](const std::string& text) {
    return text.empty() ? json(nullptr) : json::parse(text, nullptr, false);
  };
  return {{"id", IdString(e.id)}, {"at", FormatLocal(e.at)}, {"actor", e.actor}, {"action", e.action},
          {"entity_type", e.entity_type}, {"entity_id", IdString(e.entity_id)}, {"before", parse(e.before_json)},
          {"after", parse(e.after_json)}, {"request_id", e.request_id}};
}

json AttestationSummary(const Attestation& a) {
  return {{"id", IdString(a.id)}, {"pathway_id", IdString(a.pathway_id)}, {"verification_code", a.verification_code},
          {"issued_at", FormatLocal(a.issued_at)}, {"revoked", a.revoked_at.has_value()},
          {"revoked_at", a.revoked_at ? json(FormatLocal(*a.revoked_at)) : json(nullptr)},
          {"revoke_reason", a.revoke_reason}};
}

json RecordJson(const PersonRecord& r) {
  json registrations = json::array();
  for (const auto& x : r.registrations) registrations.push_back(RecordRegistrationJson(x));
  json progress = json::array();
  for (const auto& p : r.progress) progress.push_back(ProgressJson(p));
  json attestations = json::array();
  for (const auto& a : r.attestations) attestations.push_back(AttestationSummary(a));
  json audit = json::array();
  for (const auto& e : r.audit) audit.push_back(AuditJson(e));
  return {{"person", PersonJson(r.person)}, {"registrations", registrations}, {"progress", progress},
          {"attestations", attestations}, {"audit", audit}, {"audit_more", r.audit_more}};
}

}  // namespace

json RecordRegistrationJson(const RecordRegistration& x) {
  json j = ToJson(x.registration);
  j["module"] = ToJson(x.module);
  j["starts_at"] = FormatLocal(x.session.starts_at);
  j["ends_at"] = FormatLocal(x.session.ends_at);
  j["session_status"] = ToString(x.session.status);
  j["attendance"] = x.mark ? json{{"status", ToString(x.mark->status)}, {"hours", x.mark->hours},
                                  {"source", ToString(x.mark->source)}, {"marked_at", FormatLocal(x.mark->marked_at)}}
                           : json(nullptr);
  return j;
}

void AddPeopleRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/api/v1/people", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    std::optional<Role> role;
    if (auto v = req.Query("role")) {
      role = RoleFromName(*v);
      if (!role)
        return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.",
                                      {{"role", "must be participant, trainer or coordinator"}}},
                                     req.ctx.request_id);
    }
    return ReplyPage(req, s.people->Search(req.ctx, req.Query("q").value_or(""), role, *page), PersonJson);
  }));

  router.Add(Method::kGet, "/api/v1/people/{id}", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "person");
    return Reply(req, s.people->Record(req.ctx, *id), 200, RecordJson);
  }));

  router.Add(Method::kGet, "/api/v1/people/{id}/audit", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "person");
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    return ReplyPage(req, s.people->Trail(req.ctx, *id, *page), AuditJson);
  }));

  router.Add(Method::kPost, "/api/v1/history/imports", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    if (!HasMediaType(req, "text/csv"))
      return HttpResponse::Problem({ErrorCode::kUnsupportedMediaType, "Send the file as text/csv.", {}},
                                   req.ctx.request_id);
    auto r = s.history->Import(req.ctx, req.body);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    if (!r->errors.empty()) return CsvRowsProblem(req, r->errors);
    return HttpResponse::Json(200, {{"import_id", IdString(r->import_id)}, {"rows", r->rows},
                                    {"recorded", r->recorded}, {"unchanged", r->unchanged},
                                    {"people_created", r->people_created}, {"sessions_created", r->sessions_created}});
  }));
}

}  // namespace parcours::http
