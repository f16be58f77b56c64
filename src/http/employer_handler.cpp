// The employer's view (issue 12): structures' contacts (the coordinator's), people's consents
// (their own), and the staff a contact sees.
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json PersonSummary(const User& u) {
  return {{"id", IdString(u.id)}, {"name", u.name}, {"email", u.email}, {"organisation", u.organisation}};
}

json ContactJson(const ContactView& c) {
  return {{"structure_id", IdString(c.contact.structure_id)}, {"person", PersonSummary(c.person)},
          {"granted_at", FormatLocal(c.contact.granted_at)}};
}

json ChoiceJson(const SharingChoice& c) {
  return {{"structure", ToJson(c.structure)}, {"member_now", c.member_now}, {"shared", c.shared_since.has_value()},
          {"shared_since", c.shared_since ? json(FormatLocal(*c.shared_since)) : json(nullptr)}};
}

json StaffJson(const StaffMember& m) {
  json progress = json::array();
  for (const auto& p : m.progress) progress.push_back(ProgressJson(p));
  json attestations = json::array();
  for (const auto& a : m.attestations)
    attestations.push_back({{"id", IdString(a.id)}, {"pathway_id", IdString(a.pathway_id)},
                            {"verification_code", a.verification_code}, {"issued_at", FormatLocal(a.issued_at)},
                            {"revoked", a.revoked_at.has_value()}});
  return {{"person", PersonSummary(m.person)}, {"profession", m.membership.profession},
          {"member_since", m.membership.starts_on}, {"progress", progress}, {"attestations", attestations}};
}

json StaffRecordJson(const StaffRecord& r) {
  json j = StaffJson(r.member);
  json registrations = json::array();
  for (const auto& x : r.registrations) registrations.push_back(RecordRegistrationJson(x));
  j["registrations"] = registrations;
  return j;
}

template <class T, class F>
json Items(const std::vector<T>& list, F to_json) {
  json items = json::array();
  for (const auto& x : list) items.push_back(to_json(x));
  return ListJson(items, std::nullopt);
}

HttpResponse NoContent(const HttpRequest& req, const Result<bool>& r) {
  if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
  HttpResponse resp;
  resp.status = 204;
  return resp;
}

}  // namespace

void AddEmployerRoutes(Router& router, Services& s) {
  EmployerService& employer = *s.employer;
  router.Add(Method::kPost, "/api/v1/structures/{id}/contacts", Access::kSignedIn,
             CoordinatorOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "structure");
               HttpResponse bad;
               auto body = BodyObject(req, bad);
               if (!body) return bad;
               FieldReader f(*body);
               auto person = f.IdString("person_id");
               if (!f.ok()) return HttpResponse::Problem(f.Problem("The contact has invalid fields."), req.ctx.request_id);
               return Reply(req, employer.GrantContact(req.ctx, *id, *person), 201, ContactJson);
             }));
  router.Add(Method::kGet, "/api/v1/structures/{id}/contacts", Access::kSignedIn,
             CoordinatorOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "structure");
               return Reply(req, employer.Contacts(req.ctx, *id), 200,
                            [](const auto& list) { return Items(list, ContactJson); });
             }));
  router.Add(Method::kDelete, "/api/v1/structures/{id}/contacts/{person_id}", Access::kSignedIn,
             CoordinatorOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               auto person = IdParam(req, 1);
               if (!id || !person) return NotFound(req, "contact");
               if (auto refused = RefuseBody(req)) return *refused;
               return NoContent(req, employer.WithdrawContact(req.ctx, *id, *person));
             }));

  router.Add(Method::kGet, "/api/v1/me/sharing", Access::kSignedIn, PeopleOnly([&employer](HttpRequest& req) {
    return Reply(req, employer.Sharing(req.ctx), 200, [](const auto& list) { return Items(list, ChoiceJson); });
  }));
  router.Add(Method::kPut, "/api/v1/me/sharing/{structure_id}", Access::kSignedIn,
             PeopleOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "structure");
               if (auto refused = RefuseBody(req)) return *refused;
               return Reply(req, employer.Share(req.ctx, *id), 200, ChoiceJson);
             }));
  router.Add(Method::kDelete, "/api/v1/me/sharing/{structure_id}", Access::kSignedIn,
             PeopleOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "consent");
               if (auto refused = RefuseBody(req)) return *refused;
               return NoContent(req, employer.StopSharing(req.ctx, *id));
             }));

  router.Add(Method::kGet, "/api/v1/me/contact-structures", Access::kSignedIn,
             PeopleOnly([&employer](HttpRequest& req) {
               return Reply(req, employer.ContactStructures(req.ctx), 200,
                            [](const auto& list) { return Items(list, [](const Structure& st) { return ToJson(st); }); });
             }));
  router.Add(Method::kGet, "/api/v1/structures/{id}/staff", Access::kSignedIn, PeopleOnly([&employer](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "structure");
    return Reply(req, employer.Staff(req.ctx, *id), 200, [](const auto& list) { return Items(list, StaffJson); });
  }));
  router.Add(Method::kGet, "/api/v1/structures/{id}/staff/{person_id}", Access::kSignedIn,
             PeopleOnly([&employer](HttpRequest& req) {
               auto id = IdParam(req, 0);
               auto person = IdParam(req, 1);
               if (!id || !person) return NotFound(req, "staff member");
               return Reply(req, employer.StaffMemberRecord(req.ctx, *id, *person), 200, StaffRecordJson);
             }));
}

}  // namespace parcours::http
