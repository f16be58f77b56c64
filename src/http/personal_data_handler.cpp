// People's rights over their data (export, rectification, erasure) and the audit trail.
#include "common/time.h"
#include "http/handlers.h"
#include "services/csv.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json OptionalTime(const std::optional<TimePoint>& t) { return t ? json(FormatLocal(*t)) : json(nullptr); }
json OptionalId(const std::optional<Id>& id) { return id ? json(IdString(*id)) : json(nullptr); }

// An audit JSON document as stored, or its text when it does not parse.
json AuditDocument(const std::string& text) {
  if (text.empty()) return nullptr;
  auto doc = json::parse(text, nullptr, false);
  return doc.is_discarded() ? json(text) : doc;
}

json AuditJson(const AuditRecord& r) {
  const AuditEntry& e = r.entry;
  return {{"id", IdString(r.id)},          {"at", FormatLocal(e.at)},
          {"actor", e.actor},              {"action", e.action},
          {"entity_type", e.entity_type},  {"entity_id", IdString(e.entity_id)},
          {"person_id", OptionalId(e.person_id)}, {"session_id", OptionalId(e.session_id)},
          {"request_id", e.request_id},    {"before", AuditDocument(e.before_json)},
          {"after", AuditDocument(e.after_json)}};
}

// The session a record names, as the person knows it: module title and dates.
json SessionSummary(const PersonalData& d, Id session_id) {
  json j = {{"session_id", IdString(session_id)}};
  auto s = d.sessions.find(session_id);
  if (s == d.sessions.end()) return j;
  j["module_id"] = IdString(s->second.module_id);
  auto m = d.modules.find(s->second.module_id);
  j["module_title"] = m == d.modules.end() ? json(nullptr) : json(m->second.title);
  j["starts_at"] = FormatLocal(s->second.starts_at);
  j["ends_at"] = FormatLocal(s->second.ends_at);
  j["location"] = s->second.location;
  return j;
}

json ExportJson(const PersonalData& d) {
  json account = ToJson(d.account);
  account["created_at"] = FormatLocal(d.account.created_at);
  account["last_login_at"] = OptionalTime(d.last_login_at);
  json sign_ins = json::array();
  for (const auto& s : d.sign_ins)
    sign_ins.push_back({{"created_at", FormatLocal(s.created_at)}, {"expires_at", FormatLocal(s.expires_at)},
                        {"revoked", s.revoked}});
  json registrations = json::array();
  for (const auto& r : d.registrations) {
    json j = ToJson(r);
    j["session"] = SessionSummary(d, r.session_id);
    registrations.push_back(j);
  }
  json attendance = json::array();
  for (const auto& a : d.attendance) {
    json j = SessionSummary(d, a.session_id);
    j["status"] = ToString(a.status);
    j["hours"] = a.hours;
    j["marked_at"] = FormatLocal(a.marked_at);
    attendance.push_back(j);
  }
  json attestations = json::array();
  for (const auto& a : d.attestations)
    attestations.push_back({{"id", IdString(a.id)}, {"pathway_id", IdString(a.pathway_id)},
                            {"pathway_title", a.pathway_title}, {"holder_name", a.holder_name},
                            {"total_hours", a.total_hours}, {"language", a.language},
                            {"verification_code", a.verification_code}, {"issued_at", FormatLocal(a.issued_at)},
                            {"revoked", a.revoked_at.has_value()}, {"revoked_at", OptionalTime(a.revoked_at)},
                            {"revoke_reason", a.revoke_reason}, {"sha256", a.sha256}});
  json notifications = json::array();
  for (const auto& n : d.notifications)
    notifications.push_back({{"id", IdString(n.message.id)}, {"kind", ToString(n.message.kind)},
                             {"to_email", n.message.to_email}, {"language", n.message.language},
                             {"subject", n.message.subject}, {"body_text", n.message.body_text},
                             {"calendar", n.message.ics.empty() ? json(nullptr) : json(n.message.ics)},
                             {"status", n.status}, {"created_at", FormatLocal(n.message.created_at)},
                             {"sent_at", OptionalTime(n.sent_at)}});
  json enrolments = json::array();
  for (const auto& e : d.agency_enrolments)
    enrolments.push_back({{"agency", e.agency}, {"external_id", e.external_id},
                          {"registration_id", IdString(e.registration_id)}, {"email", e.email}, {"name", e.name},
                          {"organisation", e.organisation}});
  json memberships = json::array();
  for (const auto& [m, st] : d.memberships) memberships.push_back(ToJson(MembershipView{m, st}));
  json taught = json::array();
  for (Id id : d.sessions_taught) taught.push_back(SessionSummary(d, id));
  json audit = json::array();
  for (const auto& r : d.audit) audit.push_back(AuditJson(r));
  return {{"generated_at", FormatLocal(d.generated_at)},
          {"account", account},
          {"sign_ins", sign_ins},
          {"registrations", registrations},
          {"attendance", attendance},
          {"attestations", attestations},
          {"notifications", notifications},
          {"agency_enrolments", enrolments},
          {"sessions_taught", taught},
          {"audit", audit},
          {"memberships", memberships}};
}

HttpResponse ExportResponse(const HttpRequest& req, const Result<PersonalData>& r) {
  auto resp = Reply(req, r, 200, ExportJson);
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
