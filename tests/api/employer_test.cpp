// The employer's view (issue 12 item 2): the coordinator names a structure's contact people;
// each member of staff shares their record with a structure or not; a contact sees exactly the
// current members who share, and nothing of anyone else. Every role against every route.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::string MakeStructure(ApiFixture& f, const std::string& name, const std::string& sector) {
  auto made = f.coordinator->Post("/api/v1/structures", {{"name", name}, {"sector", sector}});
  REQUIRE(made.status == 201);
  return made.json()["id"];
}

// An open membership from 2020 (the person's id), returning the membership's id.
std::string Join(ApiFixture& f, const std::string& person, const std::string& structure) {
  auto joined = f.coordinator->Post("/api/v1/people/" + person + "/memberships",
                                    {{"structure_id", structure}, {"profession", "éducateur"}, {"starts_on", "2020-01-06"}});
  REQUIRE(joined.status == 201);
  return joined.json()["id"];
}

bool Mentions(const HttpResult& r, const std::string& text) { return r.body.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("employer: the coordinator grants and withdraws a structure's contact, audited, nobody else may",
          "[api][employer]") {
  ApiFixture f;
  const std::string school = MakeStructure(f, "École Bonnevoie", "formal_education");
  auto [boss, boss_token] = f.Participant("direction@ecole.lu", "Nadia Direction");
  auto [pid, ptoken] = f.Participant("anne@ecole.lu", "Anne Klein");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto agency = f.Agency("IFEN");
  auto anonymous = f.Client();
  auto participant = f.Client(ptoken);
  auto trainer = f.Client(ttoken);
  const std::string path = "/api/v1/structures/" + school + "/contacts";
  const json grant = {{"person_id", boss}};

  CHECK(anonymous->Post(path, grant).status == 401);
  for (auto* other : {participant.get(), trainer.get(), agency.get()}) {
    CHECK(other->Post(path, grant).status == 403);
    CHECK(other->Post(path, {{"nope", 1}}).status == 403);  // refused before the body is read
    CHECK(other->Get(path).status == 403);
    CHECK(other->Delete(path + "/" + boss).status == 403);
  }
  CHECK(anonymous->Get(path).status == 401);
  // Bad input stores nothing.
  CHECK(f.coordinator->Post(path, {{"person_id", "999999"}}).status == 422);
  CHECK(f.coordinator->Post(path, {{"person_id", 12}}).status == 422);
  CHECK(f.coordinator->Post(path, {{"person_id", boss}, {"role", "boss"}}).status == 400);
  CHECK(f.coordinator->Post(path, json::object()).status == 422);
  auto unknown = f.coordinator->Post("/api/v1/structures/999999/contacts", grant);
  CHECK(unknown.status == 404);
  CHECK(unknown.header("content-type") == "application/problem+json");
  CHECK(f.db.Count("SELECT COUNT(*) FROM structure_contacts") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'structure_contact.%'") == 0);

  auto granted = f.coordinator->Post(path, grant);
  REQUIRE(granted.status == 201);
  CHECK(granted.header("location") == path + "/" + boss);
  CHECK(granted.json()["person"]["name"] == "Nadia Direction");
  CHECK(f.coordinator->Post(path, grant).status == 409);
  auto list = f.coordinator->Get(path);
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["items"].size() == 1);
  CHECK(list.json()["items"][0]["person"]["id"] == boss);
  CHECK(f.Client(boss_token)->Get("/api/v1/me/contact-structures").json()["items"][0]["id"] == school);
  CHECK(participant->Get("/api/v1/me/contact-structures").json()["items"].empty());
  CHECK(agency->Get("/api/v1/me/contact-structures").status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM structure_contacts") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'structure_contact.granted' AND person_id = " + boss) == 1);

  CHECK(f.coordinator->Delete(path + "/" + boss).status == 204);
  CHECK(f.coordinator->Delete(path + "/" + boss).status == 404);
  CHECK(f.coordinator->Delete(path + "/abc").status == 404);
  CHECK(f.coordinator->Get(path).json()["items"].empty());
  CHECK(f.Client(boss_token)->Get("/api/v1/me/contact-structures").json()["items"].empty());
  CHECK(f.db.Count("SELECT COUNT(*) FROM structure_contacts") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'structure_contact.withdrawn' AND person_id = " + boss) == 1);
}

TEST_CASE("employer: a contact sees the current staff who share, never a non-consenting or former employee",
          "[api][employer]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/pathways",
                              {{"code", "LTAS"}, {"title", "LTAS"},
                               {"modules", {{{"code", "L-A"}, {"title", "A"}, {"hours", 4}},
                                            {{"code", "L-B"}, {"title", "B"}, {"hours", 8}}}}})
              .status == 201);
  const std::string school = MakeStructure(f, "École Bonnevoie", "formal_education");
  const std::string foyer = MakeStructure(f, "Foyer Don Bosco", "social");
  auto [boss, boss_token] = f.Participant("direction@ecole.lu", "Nadia Direction");
  auto [anne, anne_token] = f.Participant("anne@ecole.lu", "Anne Klein");
  auto [marc, marc_token] = f.Participant("marc@ecole.lu", "Marc Weber");
  auto [lea, lea_token] = f.Participant("lea@ecole.lu", "Léa Former");
  auto [paul, paul_token] = f.Participant("paul@foyer.lu", "Paul Foyer");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto agency = f.Agency("IFEN");
  Join(f, anne, school);
  Join(f, marc, school);
  const std::string lea_membership = Join(f, lea, school);
  Join(f, paul, foyer);
  // Everyone attended module A in 2025 (the import of past participation).
  REQUIRE(f.coordinator->Request("POST", "/api/v1/history/imports",
                                 "email,name,module,date,status\n"
                                 "anne@ecole.lu,Anne Klein,L-A,2025-03-04,present\n"
                                 "marc@ecole.lu,Marc Weber,L-A,2025-03-04,present\n"
                                 "lea@ecole.lu,Léa Former,L-A,2025-03-04,present\n"
                                 "paul@foyer.lu,Paul Foyer,L-A,2025-03-04,present\n",
                                 {{"Content-Type", "text/csv"}})
              .status == 200);
  REQUIRE(f.coordinator->Post("/api/v1/structures/" + school + "/contacts", {{"person_id", boss}}).status == 201);
  auto b = f.Client(boss_token);
  auto a = f.Client(anne_token);
  auto m = f.Client(marc_token);
  auto l = f.Client(lea_token);
  auto p = f.Client(paul_token);
  auto trainer = f.Client(ttoken);
  auto anonymous = f.Client();
  const std::string staff = "/api/v1/structures/" + school + "/staff";

  // Consent: the person's own, for a structure they belong to today.
  CHECK(anonymous->Request("PUT", "/api/v1/me/sharing/" + school).status == 401);
  CHECK(agency->Request("PUT", "/api/v1/me/sharing/" + school).status == 403);
  CHECK(p->Request("PUT", "/api/v1/me/sharing/" + school).status == 422);  // not a member of the school
  CHECK(a->Request("PUT", "/api/v1/me/sharing/999999").status == 422);
  CHECK(a->Put("/api/v1/me/sharing/" + school, {{"shared", true}}).status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM staff_sharing") == 0);
  auto shared = a->Request("PUT", "/api/v1/me/sharing/" + school);
  REQUIRE(shared.status == 200);
  CHECK(shared.json()["shared"] == true);
  CHECK(shared.json()["structure"]["id"] == school);
  CHECK(a->Request("PUT", "/api/v1/me/sharing/" + school).status == 200);  // again: nothing changes
  REQUIRE(l->Request("PUT", "/api/v1/me/sharing/" + school).status == 200);
  REQUIRE(p->Request("PUT", "/api/v1/me/sharing/" + foyer).status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM staff_sharing") == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff_sharing.given'") == 3);
  // Léa then leaves the school (her membership ends in the past): a former employee.
  REQUIRE(f.coordinator->Post("/api/v1/memberships/" + lea_membership + "/end", {{"ends_on", "2025-12-31"}}).status == 200);
  auto leas = l->Get("/api/v1/me/sharing");
  REQUIRE(leas.status == 200);
  REQUIRE(leas.json()["items"].size() == 1);
  CHECK(leas.json()["items"][0]["member_now"] == false);
  CHECK(leas.json()["items"][0]["shared"] == true);
  CHECK(anonymous->Get("/api/v1/me/sharing").status == 401);
  CHECK(agency->Get("/api/v1/me/sharing").status == 403);
  CHECK(anonymous->Get("/api/v1/me/contact-structures").status == 401);
  auto marcs = m->Get("/api/v1/me/sharing");
  REQUIRE(marcs.json()["items"].size() == 1);
  CHECK(marcs.json()["items"][0]["shared"] == false);
  CHECK(marcs.json()["items"][0]["shared_since"].is_null());

  // The contact sees Anne only: not Marc (no consent), not Léa (gone), not Paul (another structure).
  auto seen = b->Get(staff);
  REQUIRE(seen.status == 200);
  REQUIRE(seen.json()["items"].size() == 1);
  const json anne_seen = seen.json()["items"][0];  // a copy: json() returns a temporary
  CHECK(anne_seen["person"]["id"] == anne);
  CHECK(anne_seen["profession"] == "éducateur");
  REQUIRE(anne_seen["progress"].size() == 1);
  CHECK(anne_seen["progress"][0]["hours_completed"] == 4);
  for (const char* other : {"marc@", "lea@", "paul@", "Marc Weber", "Paul Foyer"}) CHECK_FALSE(Mentions(seen, other));
  auto record = b->Get(staff + "/" + anne);
  REQUIRE(record.status == 200);
  REQUIRE(record.json()["registrations"].size() == 1);
  CHECK(record.json()["registrations"][0]["attendance"]["status"] == "present");
  for (const std::string& hidden : {marc, lea, paul, std::string("999999")}) {
    auto none = b->Get(staff + "/" + hidden);
    CHECK(none.status == 404);
    CHECK(none.header("content-type") == "application/problem+json");
    for (const char* other : {"marc@", "lea@", "paul@", "Weber", "Former", "Foyer"}) CHECK_FALSE(Mentions(none, other));
  }
  // Nobody else reads the school's staff: other people, the staff themselves, the trainer, the
  // coordinator, an agency; nor does the contact read another structure's.
  CHECK(anonymous->Get(staff).status == 401);
  for (auto* other : {a.get(), m.get(), p.get(), trainer.get(), f.coordinator.get(), agency.get()}) {
    CHECK(other->Get(staff).status == 403);
    CHECK(other->Get(staff + "/" + anne).status == 403);
  }
  CHECK(b->Get("/api/v1/structures/" + foyer + "/staff").status == 403);
  CHECK(b->Get("/api/v1/structures/" + foyer + "/staff/" + paul).status == 403);

  // Anne withdraws: at once the contact sees nothing of her.
  CHECK(agency->Delete("/api/v1/me/sharing/" + school).status == 403);
  CHECK(a->Delete("/api/v1/me/sharing/" + school).status == 204);
  CHECK(a->Delete("/api/v1/me/sharing/" + school).status == 404);
  CHECK(b->Get(staff).json()["items"].empty());
  CHECK(b->Get(staff + "/" + anne).status == 404);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff_sharing.withdrawn' AND person_id = " + anne) == 1);
  // Léa withdraws from the school she left.
  CHECK(l->Delete("/api/v1/me/sharing/" + school).status == 204);

  // Anne shares again, then the coordinator withdraws the contact: the school's staff is closed to them.
  REQUIRE(a->Request("PUT", "/api/v1/me/sharing/" + school).status == 200);
  CHECK(b->Get(staff).json()["items"].size() == 1);
  REQUIRE(f.coordinator->Delete("/api/v1/structures/" + school + "/contacts/" + boss).status == 204);
  CHECK(b->Get(staff).status == 403);
  CHECK(b->Get(staff + "/" + anne).status == 403);
}
