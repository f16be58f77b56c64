// Structures and people's memberships (issue 12).
#include "http/handlers.h"

namespace parcours::http {
namespace {

json MembershipsJson(const std::vector<MembershipView>& list) {
  json items = json::array();
  for (const auto& v : list) items.push_back(ToJson(v));
  return ListJson(items, std::nullopt);
}

json StructureJson(const Structure& st) { return ToJson(st); }
json MembershipJson(const MembershipView& v) { return ToJson(v); }

}  // namespace

void AddStructureRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/structures", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    StructureInput in;
    auto name = f.String("name", true, 1000);
    auto sector = f.String("sector", true, 100);
    auto kind = f.String("kind", false, 1000);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The structure has invalid fields."), req.ctx.request_id);
    in.name = *name;
    in.sector = *sector;
    in.kind = kind.value_or("");
    return Reply(req, s.structures->Create(req.ctx, in), 201, StructureJson);
  }));

  router.Add(Method::kGet, "/api/v1/structures", Access::kSignedIn, [&s](HttpRequest& req) {
    auto page = ReadPage(req);
    if (!page) return HttpResponse::Problem(page.error(), req.ctx.request_id);
    return ReplyPage(req, s.structures->List(req.ctx, req.Query("sector"), *page), StructureJson);
  });

  router.Add(Method::kGet, "/api/v1/structures/{id}", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "structure");
    return Reply(req, s.structures->Get(req.ctx, *id), 200, StructureJson);
  });

  router.Add(Method::kPost, "/api/v1/people/{id}/memberships", Access::kSignedIn,
             PersonOrCoordinator([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "person");
               HttpResponse bad;
               auto body = BodyObject(req, bad);
               if (!body) return bad;
               FieldReader f(*body);
               MembershipInput in;
               auto structure = f.IdString("structure_id");
               auto profession = f.String("profession", false, 1000);
               in.starts_on = f.String("starts_on", false, 20);
               in.ends_on = f.String("ends_on", false, 20);
               if (!f.ok())
                 return HttpResponse::Problem(f.Problem("The membership has invalid fields."), req.ctx.request_id);
               in.structure_id = *structure;
               in.profession = profession.value_or("");
               return Reply(req, s.structures->AddMembership(req.ctx, *id, in), 201, MembershipJson);
             }));

  router.Add(Method::kGet, "/api/v1/people/{id}/memberships", Access::kSignedIn,
             PersonOrCoordinator([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "person");
               return Reply(req, s.structures->Memberships(req.ctx, *id), 200, MembershipsJson);
             }));

  router.Add(Method::kPost, "/api/v1/memberships/{id}/end", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "membership");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto ends_on = f.String("ends_on", false, 20);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("Invalid fields."), req.ctx.request_id);
    return Reply(req, s.structures->EndMembership(req.ctx, *id, ends_on), 200, MembershipJson);
  }));
}

}  // namespace parcours::http
