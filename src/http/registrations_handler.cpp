#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {

void AddRegistrationRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/sessions/{id}/registrations", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    RegistrationRequest in;
    in.session_id = *id;
    if (!req.body.empty()) {  // the body is optional: self-registration needs none
      HttpResponse bad;
      auto body = BodyObject(req, bad);
      if (!body) return bad;
      FieldReader f(*body);
      in.participant_id = f.IdString("participant_id", false);
      in.channel = f.String("channel", false, 100);
      if (f.Has("module_override")) {
        if (!(*body)["module_override"].is_boolean()) f.AddError("module_override", "must be true or false");
        else in.module_override = (*body)["module_override"].get<bool>();
      }
      if (!f.ok())
        return HttpResponse::Problem(f.Problem("The registration has invalid fields."), req.ctx.request_id);
    }
    return Reply(req, s.registrations.Register(req.ctx, in), 201, [](const Registration& r) { return ToJson(r); });
  });

  router.Add(Method::kGet, "/api/v1/sessions/{id}/registrations", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    std::optional<RegistrationStatus> status;
    if (auto v = req.Query("status")) {
      status = RegistrationStatusFromString(*v);
      if (!status)
        return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.",
                                      {{"status", "must be confirmed, waitlisted, withdrawn or cancelled"}}},
                                     req.ctx.request_id);
    }
    return ReplyPage(req, s.registrations.ListForSession(req.ctx, *id, *page, status), [](const Registrant& r) {
      json j = ToJson(r.registration);
      j["name"] = r.name;
      j["email"] = r.email;
      j["organisation"] = r.organisation;
      return j;
    });
  });

  router.Add(Method::kGet, "/api/v1/me/registrations", Access::kSignedIn, [&s](HttpRequest& req) {
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    // Each registration with its session and module, so that a client needs no further call.
    return ReplyPage(req, s.registrations.ListMineDetailed(req.ctx, *page), [&req](const RegistrationDetail& d) {
      json j = ToJson(d.registration);
      // The online link and the replay only once confirmed (issue 12).
      j["session"] = d.registration.status == RegistrationStatus::kConfirmed
                         ? RegistrantJson(d.session, PreferredLanguage(req))
                         : ToJson(d.session, PreferredLanguage(req));
      j["module"] = ToJson(d.module);
      return j;
    });
  });

  router.Add(Method::kGet, "/api/v1/me/calendar.ics", Access::kSignedIn, [&s](HttpRequest& req) {
    auto ics = s.registrations.Calendar(req.ctx);
    if (!ics) return HttpResponse::Problem(ics.error(), req.ctx.request_id);
    HttpResponse r;
    r.content_type = "text/calendar; charset=utf-8";
    r.body = *ics;
    r.extra_headers.push_back({"Content-Disposition", "attachment; filename=\"parcours.ics\""});
    return r;
  });

  router.Add(Method::kPost, "/api/v1/registrations/{id}/transfer", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "registration");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto session = f.IdString("session_id");
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("Name the session to move to."), req.ctx.request_id);
    return Reply(req, s.registrations.Transfer(req.ctx, *id, *session), 201,
                 [](const Registration& r) { return ToJson(r); });
  });

  router.Add(Method::kDelete, "/api/v1/registrations/{id}", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "registration");
    return Reply(req, s.registrations.Withdraw(req.ctx, *id), 200, [](const Registration& r) { return ToJson(r); });
  });
}

}  // namespace parcours::http
