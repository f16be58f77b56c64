// Single resources that creations point at (the Location of a 201): a person, a
// registration, an agency.
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {

void AddResourceRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/api/v1/users/{id}", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "person");
    return Reply(req, s.accounts.GetUser(req.ctx, *id), 200, [](const User& u) { return ToJson(u); });
  });

  router.Add(Method::kGet, "/api/v1/registrations/{id}", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "registration");
    return Reply(req, s.registrations.Get(req.ctx, *id), 200, [](const Registration& r) { return ToJson(r); });
  });

  router.Add(Method::kGet, "/api/v1/agencies/{code}", Access::kSignedIn, [&s](HttpRequest& req) {
    return Reply(req, s.accounts.GetAgency(req.ctx, req.params[0]), 200, [](const Agency& a) { return ToJson(a); });
  });
}

// Where a 201 answer's resource lives, from the route that created it and the created body.
std::string LocationOf(const std::string& route, const HttpRequest& req, const json& created) {
  auto field = [&](const char* name) -> std::string {
    auto it = created.find(name);
    return it != created.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const std::string id = field("id");
  if (route == "POST /api/v1/accounts" || route == "POST /api/v1/users") return id.empty() ? "" : "/api/v1/users/" + id;
  if (route == "POST /api/v1/agencies") return "/api/v1/agencies/" + field("code");
  if (route == "POST /api/v1/agencies/{code}/keys") return "/api/v1/agencies/" + req.params[0] + "/keys/" + id;
  if (route == "POST /api/v1/agencies/{code}/webhooks") return "/api/v1/agencies/" + req.params[0] + "/webhooks/" + id;
  if (route == "PUT /api/v1/agencies/{code}/enrolments/{external_id}") return req.path;
  if (route == "POST /api/v1/pathways") return "/api/v1/pathways/" + id;
  if (route == "POST /api/v1/modules") return "/api/v1/modules/" + id;
  if (route == "POST /api/v1/sessions") return "/api/v1/sessions/" + id;
  if (route == "POST /api/v1/sessions/{id}/registrations") return "/api/v1/registrations/" + id;
  if (route == "POST /api/v1/attestations") return "/api/v1/attestations/" + id;
  if (route == "POST /api/v1/attestations/{id}/reissue") return "/api/v1/attestations/" + id;
  if (route == "POST /api/v1/structures") return "/api/v1/structures/" + id;
  if (route == "POST /api/v1/sessions/{id}/documents") return req.path + "/" + id;
  if (route == "POST /api/v1/series") return "/api/v1/series/" + id;
  if (route == "POST /api/v1/structures/{id}/contacts") return req.path + "/" + created.value("/person/id"_json_pointer, "");
  return "";
}

}  // namespace parcours::http
