// Sessions at work: the coordinator edits a session or confirms it early; a trainer lists the
// sessions they teach.
#include "common/time.h"
#include "domain/rules.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

// PATCH /api/v1/sessions/{id}: every field optional; null or absent leaves it as it is.
std::optional<SessionEdit> ReadEdit(FieldReader& f) {
  SessionEdit e;
  e.starts_at = f.Time("starts_at", false);
  e.ends_at = f.Time("ends_at", false);
  e.decision_at = f.Time("decision_at", false);
  if (auto v = f.Integer("capacity", false, 1, kMaxCapacity)) e.capacity = static_cast<int>(*v);
  if (auto v = f.Integer("min_registrants", false, 0, kMaxCapacity)) e.min_registrants = static_cast<int>(*v);
  e.location = f.String("location", false, 2000);
  e.online_link = f.String("online_link", false, 4000);
  if (auto mode = f.String("mode", false, 20)) {
    if (auto m = SessionModeFromString(*mode)) e.mode = *m;
    else f.AddError("mode", "must be onsite, online or hybrid");
  }
  if (auto ids = f.Ids("trainer_ids", false, 20)) e.trainer_ids = std::vector<Id>(ids->begin(), ids->end());
  e.move_to_waitlist = f.Boolean("move_to_waitlist").value_or(false);
  e.description = ReadDescription(f);
  if (!f.ok()) return std::nullopt;
  return e;
}

json TaughtJson(const SessionWithModule& x, const std::string& lang) {
  json j = StaffJson(x.session, lang);
  j["module"] = ToJson(x.module);
  j["today"] = x.today;
  return j;
}

}  // namespace

void AddSessionRoutes(Router& router, Services& s) {
  router.Add(Method::kPatch, "/api/v1/sessions/{id}", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto edit = ReadEdit(f);
    if (!edit) return HttpResponse::Problem(f.Problem("The session's changes have invalid fields."), req.ctx.request_id);
    return Reply(req, s.catalogue.EditSession(req.ctx, *id, *edit), 200,
                 [lang = PreferredLanguage(req)](const Session& v) { return StaffJson(v, lang); });
  }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/confirm", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    if (auto refused = RefuseBody(req)) return *refused;
    return Reply(req, s.catalogue.ConfirmSession(req.ctx, *id), 200,
                 [lang = PreferredLanguage(req)](const Session& v) { return StaffJson(v, lang); });
  }));

  router.Add(Method::kGet, "/api/v1/me/sessions", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    const std::string when = req.Query("when").value_or("upcoming");
    if (when != "upcoming" && when != "past")
      return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", {{"when", "must be upcoming or past"}}},
                                   req.ctx.request_id);
    return ReplyPage(req, s.catalogue.TaughtSessions(req.ctx, when == "upcoming", *page),
                     [lang = PreferredLanguage(req)](const SessionWithModule& x) { return TaughtJson(x, lang); });
  }));
}

}  // namespace parcours::http
