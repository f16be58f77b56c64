#include "common/time.h"
#include "domain/rules.h"
#include "http/handlers.h"
#include "services/catalogue_cache.h"
#include "services/views.h"

namespace parcours::http {
namespace {

HttpResponse InvalidFields(const HttpRequest& req, FieldReader& f) {
  return HttpResponse::Problem(f.Problem("The request has invalid fields."), req.ctx.request_id);
}

std::optional<Module> ReadModule(FieldReader& f, const json& obj, const std::string& prefix) {
  FieldReader inner(obj);
  auto code = inner.String("code", true, 100);
  auto title = inner.String("title", true, 2000);
  auto hours = inner.Number("hours", true, -1e9, 1e9);
  f.Absorb(inner, prefix);
  if (!inner.ok()) return std::nullopt;
  Module m;
  m.code = *code;
  m.title = *title;
  m.hours = *hours;
  return m;
}

// GET /api/v1/sessions: the filters, then one page of the list.
HttpResponse ListSessions(const HttpRequest& req, Services& s) {
  auto page = ReadPage(req);
  if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
  SessionFilter filter;
  std::vector<FieldError> errors;
  if (auto v = req.Query("module_id")) {
    if (auto id = ParseId(*v)) filter.module_id = *id;
    else errors.push_back({"module_id", "must be an id"});
  }
  auto read_time = [&](const char* name, std::optional<TimePoint>& out) {
    auto v = req.Query(name);
    if (!v) return;
    // Dates (YYYY-MM-DD) are taken as the start of that day in Luxembourg.
    auto t = v->size() == 10 ? LuxembourgDayStart(*v) : ParseRfc3339(*v);
    if (t) out = *t;
    else errors.push_back({name, "must be a date (YYYY-MM-DD) or an RFC 3339 date-time"});
  };
  read_time("from", filter.from);
  read_time("to", filter.to);
  if (auto v = req.Query("status")) {
    if (auto st = SessionStatusFromString(*v)) filter.status = *st;
    else errors.push_back({"status", "must be scheduled, confirmed, cancelled or completed"});
  }
  if (auto v = req.Query("language")) {
    if (IsSessionLanguage(*v)) filter.language = *v;
    else errors.push_back({"language", "must be one of fr, de, lb, en, pt, it, nl, es"});
  }
  if (!errors.empty())
    return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", errors}, req.ctx.request_id);
  return ReplyPage(req, s.catalogue.ListSessions(filter, *page), [lang = PreferredLanguage(req)](const Session& v) { return ToJson(v, lang); });
}

// A public catalogue read, kept per language, path and query while the catalogue shows the
// same (catalogue_cache.h), with an ETag: the server answers 304 to an If-None-Match that
// names it. "no-cache": any cache may keep it but must ask again each time, since a
// cancellation must be seen at once.
HttpResponse KeptRead(const HttpRequest& req, Services& s, CatalogueCache<RenderedBody>& kept,
                      const std::function<HttpResponse()>& answer) {
  const CatalogueReading reading = s.catalogue.ReadVersion();
  std::string key = PreferredLanguage(req) + " " + req.path;
  for (const auto& [name, value] : req.query) key += "\n" + name + "=" + value;
  auto entry = kept.Find(key, reading);
  if (!entry) {
    HttpResponse r = answer();
    if (r.status != 200) return r;
    std::string etag = BodyEtag(r.body);
    entry = kept.Put(key, reading, RenderedBody{std::move(r.body), std::move(etag)});
  }
  HttpResponse out;
  out.body = entry->value.body;
  out.extra_headers = {{"ETag", entry->value.etag}, {"Cache-Control", "no-cache"}, {"Vary", "Accept-Language"}};
  out.kept_under = entry->stamp;  // the server may answer the same request itself while it holds
  return out;
}

}  // namespace

// The fields of a new session (POST /api/v1/sessions, and the first date of a series; `more`
// reads the caller's own fields before the check); nullopt when some are bad (errors in `f`).
std::optional<NewSession> ReadNewSession(FieldReader& f, const std::function<void()>& more) {
  NewSession in;
  Session& x = in.session;
  auto module_id = f.IdString("module_id");
  auto starts = f.Time("starts_at");
  auto ends = f.Time("ends_at");
  auto capacity = f.Integer("capacity", true, 1, kMaxCapacity);
  auto min_reg = f.Integer("min_registrants", false, 0, kMaxCapacity);
  auto decision = f.Time("decision_at", false);
  auto agency = f.String("agency", false, 100);
  auto location = f.String("location", false, 2000);
  auto mode = f.String("mode", false, 20);
  if (mode && !SessionModeFromString(*mode)) f.AddError("mode", "must be onsite, online or hybrid");
  auto online_link = f.String("online_link", false, 4000);
  auto trainers = f.Ids("trainer_ids", false, 20);
  in.description = ReadDescription(f);
  if (more) more();
  if (!f.ok()) return std::nullopt;
  x.module_id = *module_id;
  x.starts_at = *starts;
  x.ends_at = *ends;
  x.capacity = static_cast<int>(*capacity);
  if (min_reg) {
    x.min_registrants = static_cast<int>(*min_reg);
    in.min_registrants_given = true;
  }
  if (decision) {
    x.decision_at = *decision;
    in.decision_given = true;
  }
  x.agency = agency;
  x.location = location.value_or("");
  x.mode = mode ? *SessionModeFromString(*mode) : SessionMode::kOnsite;
  x.trainer_ids = trainers.value_or(std::vector<Id>{});
  x.online_link = online_link.value_or("");
  return in;
}

void AddCatalogueRoutes(Router& router, Services& s) {
  auto kept = std::make_shared<CatalogueCache<RenderedBody>>();
  router.Add(Method::kPost, "/api/v1/pathways", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    Pathway p;
    auto code = f.String("code", true, 100);
    auto title = f.String("title", true, 2000);
    if (const json* modules = f.Array("modules", true, 100)) {
      for (std::size_t i = 0; i < modules->size(); ++i) {
        std::string prefix = "modules[" + std::to_string(i) + "].";
        if (!(*modules)[i].is_object()) {
          f.AddError("modules[" + std::to_string(i) + "]", "must be an object");
          continue;
        }
        if (auto m = ReadModule(f, (*modules)[i], prefix)) p.modules.push_back(*m);
      }
    }
    if (!f.ok()) return InvalidFields(req, f);
    p.code = *code;
    p.title = *title;
    return Reply(req, s.catalogue.CreatePathway(req.ctx, p), 201, [](const Pathway& x) { return ToJson(x); });
  }));

  router.Add(Method::kGet, "/api/v1/pathways", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] {
      auto page = ReadPage(req);
      if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
      return ReplyPage(req, s.catalogue.ListPathways(*page), [](const Pathway& x) { return ToJson(x); });
    });
  });

  router.Add(Method::kGet, "/api/v1/pathways/{id}", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] {
      auto id = IdParam(req, 0);
      if (!id) return NotFound(req, "pathway");
      return Reply(req, s.catalogue.GetPathway(*id), 200, [](const Pathway& x) { return ToJson(x); });
    });
  });

  router.Add(Method::kPost, "/api/v1/modules", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto m = ReadModule(f, *body, "");
    if (!m) return InvalidFields(req, f);
    return Reply(req, s.catalogue.CreateModule(req.ctx, *m), 201, [](const Module& x) { return ToJson(x); });
  }));

  router.Add(Method::kGet, "/api/v1/modules", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] {
      auto page = ReadPage(req);
      if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
      return ReplyPage(req, s.catalogue.ListModules(*page), [](const Module& x) { return ToJson(x); });
    });
  });

  router.Add(Method::kGet, "/api/v1/modules/{id}", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] {
      auto id = IdParam(req, 0);
      if (!id) return NotFound(req, "module");
      return Reply(req, s.catalogue.GetModule(*id), 200, [](const Module& x) { return ToJson(x); });
    });
  });

  router.Add(Method::kPost, "/api/v1/sessions", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto in = ReadNewSession(f, {});
    if (!in) return InvalidFields(req, f);
    return Reply(req, s.catalogue.CreateSession(req.ctx, *in), 201, [lang = PreferredLanguage(req)](const Session& v) { return StaffJson(v, lang); });
  }));

  router.Add(Method::kGet, "/api/v1/sessions", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] { return ListSessions(req, s); });
  });

  router.Add(Method::kGet, "/api/v1/sessions/{id}", Access::kAnyone, [&s, kept](HttpRequest& req) {
    return KeptRead(req, s, *kept, [&] {
      auto id = IdParam(req, 0);
      if (!id) return NotFound(req, "session");
      return Reply(req, s.catalogue.GetSession(*id), 200,
                   [lang = PreferredLanguage(req)](const Session& v) { return ToJson(v, lang); });
    });
  });

  router.Add(Method::kPost, "/api/v1/sessions/{id}/cancel", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto reason = f.String("reason", true, 4000);
    if (!f.ok()) return InvalidFields(req, f);
    return Reply(req, s.catalogue.CancelSession(req.ctx, *id, *reason), 200,
                 [lang = PreferredLanguage(req)](const Session& v) { return ToJson(v, lang); });
  }));
}

}  // namespace parcours::http
