// Structures, sectors and people's memberships over time (issue 12): every role against each
// route, bad input refused with nothing stored, and structures carried by agencies' pushes and
// history imports.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

}  // namespace

TEST_CASE("structures: only the coordinator creates them, anyone signed in reads them", "[api][structures]") {
  ApiFixture f;
  auto [pid, ptoken] = f.Participant("anne@ecole.lu");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto participant = f.Client();
  participant->set_token(ptoken);
  auto trainer = f.Client();
  trainer->set_token(ttoken);
  auto agency = f.Agency("IFEN");
  auto anonymous = f.Client();
  const json lycee = {{"name", "Lycée Michel Lucius"}, {"sector", "formal_education"}, {"kind", "school"}};

  CHECK(anonymous->Post("/api/v1/structures", lycee).status == 401);
  CHECK(participant->Post("/api/v1/structures", lycee).status == 403);
  CHECK(trainer->Post("/api/v1/structures", lycee).status == 403);
  CHECK(agency->Post("/api/v1/structures", lycee).status == 403);
  // Refused before the body is read: a malformed body from a participant is a 403 too.
  CHECK(participant->Post("/api/v1/structures", {{"nom", 1}}).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM structures") == 0);

  auto made = f.coordinator->Post("/api/v1/structures", lycee);
  REQUIRE(made.status == 201);
  const std::string id = made.json()["id"];
  CHECK(made.header("location") == "/api/v1/structures/" + id);
  CHECK(made.json()["sector"] == "formal_education");
  CHECK(made.json()["kind"] == "school");

  // The same name, case and accents aside, is taken; bad fields store nothing.
  auto taken = f.coordinator->Post("/api/v1/structures", {{"name", "LYCEE michel lucius"}, {"sector", "health"}});
  CHECK(taken.status == 409);
  CHECK(taken.header("content-type") == "application/problem+json");
  auto bad_sector = f.coordinator->Post("/api/v1/structures", {{"name", "Foyer Don Bosco"}, {"sector", "education"}});
  CHECK(bad_sector.status == 422);
  CHECK(bad_sector.json()["errors"][0]["field"] == "sector");
  CHECK(f.coordinator->Post("/api/v1/structures", {{"name", "Foyer"}, {"sector", "social"}, {"colour", "red"}}).status == 400);
  CHECK(f.coordinator->Post("/api/v1/structures", {{"name", ""}, {"sector", "social"}}).status == 422);
  CHECK(f.coordinator->Post("/api/v1/structures", {{"name", 12}, {"sector", "social"}}).status == 422);
  CHECK(f.coordinator->Request("POST", "/api/v1/structures", "{", {{"Content-Type", "application/json"}}).status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM structures") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'structure.created'") == 1);

  REQUIRE(f.coordinator->Post("/api/v1/structures", {{"name", "Foyer Don Bosco"}, {"sector", "social"}}).status == 201);
  for (auto* reader : {participant.get(), trainer.get(), agency.get(), f.coordinator.get()}) {
    auto list = reader->Get("/api/v1/structures");
    REQUIRE(list.status == 200);
    CHECK(list.json()["items"].size() == 2);
    CHECK(reader->Get("/api/v1/structures/" + id).json()["name"] == "Lycée Michel Lucius");
  }
  auto social = participant->Get("/api/v1/structures?sector=social");
  REQUIRE(social.status == 200);
  REQUIRE(social.json()["items"].size() == 1);
  CHECK(social.json()["items"][0]["name"] == "Foyer Don Bosco");
  auto paged = participant->Get("/api/v1/structures?limit=1");
  REQUIRE(paged.json()["next_cursor"].is_string());
  CHECK(participant->Get("/api/v1/structures?limit=1&cursor=" + paged.json()["next_cursor"].get<std::string>())
            .json()["items"][0]["name"] == "Foyer Don Bosco");
  CHECK(anonymous->Get("/api/v1/structures").status == 401);
  CHECK(anonymous->Get("/api/v1/structures/" + id).status == 401);
  CHECK(participant->Get("/api/v1/structures?sector=schools").status == 400);
  CHECK(participant->Get("/api/v1/structures?colour=red").status == 400);
  CHECK(participant->Get("/api/v1/structures/999999").status == 404);
  CHECK(participant->Get("/api/v1/structures/abc").status == 404);
}

TEST_CASE("structures: a person's memberships over time, kept by themself or the coordinator", "[api][structures]") {
  ApiFixture f;
  auto [anne, anne_token] = f.Participant("anne@ecole.lu", "Anne Klein");
  auto [marc, marc_token] = f.Participant("marc@foyer.lu", "Marc Weber");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto a = f.Client();
  a->set_token(anne_token);
  auto m = f.Client();
  m->set_token(marc_token);
  auto trainer = f.Client();
  trainer->set_token(ttoken);
  auto agency = f.Agency("FEDAS");
  const std::string school =
      f.coordinator->Post("/api/v1/structures", {{"name", "École Bonnevoie"}, {"sector", "formal_education"}}).json()["id"];
  const std::string foyer =
      f.coordinator->Post("/api/v1/structures", {{"name", "Foyer Don Bosco"}, {"sector", "social"}}).json()["id"];
  const std::string anne_path = "/api/v1/people/" + anne + "/memberships";

  // Anne joins her school herself; nobody else but the coordinator may add or read hers.
  auto joined = a->Post(anne_path, {{"structure_id", school}, {"profession", "institutrice"}, {"starts_on", "2019-09-15"}});
  REQUIRE(joined.status == 201);
  CHECK(joined.json()["structure"]["name"] == "École Bonnevoie");
  CHECK(joined.json()["profession"] == "institutrice");
  CHECK(joined.json()["ends_on"].is_null());
  for (auto* other : {m.get(), trainer.get(), agency.get()}) {
    CHECK(other->Post(anne_path, {{"structure_id", foyer}}).status == 403);
    CHECK(other->Post(anne_path, {{"bad", true}}).status == 403);  // refused before reading
    CHECK(other->Get(anne_path).status == 403);
  }
  CHECK(f.Client()->Get(anne_path).status == 401);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships") == 1);

  // Bad input stores nothing.
  CHECK(a->Post(anne_path, {{"structure_id", "999999"}}).status == 422);
  CHECK(a->Post(anne_path, {{"structure_id", foyer}, {"starts_on", "2024-02-30"}}).status == 422);
  CHECK(a->Post(anne_path, {{"structure_id", foyer}, {"starts_on", "2024-03-01"}, {"ends_on", "2024-02-01"}}).status == 422);
  CHECK(a->Post(anne_path, {{"structure_id", foyer}, {"role", "x"}}).status == 400);
  CHECK(a->Post(anne_path, json::object()).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships") == 1);

  // The coordinator adds a second structure (she works in both); she sees both, earliest first.
  auto second = f.coordinator->Post(anne_path, {{"structure_id", foyer}, {"profession", "éducatrice"}, {"starts_on", "2023-01-01"}});
  REQUIRE(second.status == 201);
  CHECK(f.coordinator->Post("/api/v1/people/999999/memberships", {{"structure_id", foyer}}).status == 404);
  auto mine = a->Get(anne_path);
  REQUIRE(mine.status == 200);
  REQUIRE(mine.json()["items"].size() == 2);
  CHECK(mine.json()["items"][0]["structure"]["sector"] == "formal_education");
  CHECK(mine.json()["items"][1]["profession"] == "éducatrice");

  // She leaves the foyer; Marc may not end her membership, nor an agency; ending twice is a 409.
  const std::string end = "/api/v1/memberships/" + second.json()["id"].get<std::string>() + "/end";
  CHECK(m->Post(end, {{"ends_on", "2024-06-30"}}).status == 403);
  CHECK(agency->Post(end, {{"ends_on", "2024-06-30"}}).status == 403);
  CHECK(a->Post(end, {{"ends_on", "2022-12-31"}}).status == 422);  // before its start
  CHECK(a->Post(end, {{"ends_on", "tomorrow"}}).status == 422);
  auto ended = a->Post(end, {{"ends_on", "2024-06-30"}});
  REQUIRE(ended.status == 200);
  CHECK(ended.json()["ends_on"] == "2024-06-30");
  CHECK(a->Post(end, {{"ends_on", "2024-07-30"}}).status == 409);
  CHECK(a->Post("/api/v1/memberships/999999/end", json::object()).status == 404);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships WHERE ends_on = '2024-06-30'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'membership.added' AND person_id = " + anne) == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'membership.ended' AND person_id = " + anne) == 1);

  // Her data export carries them.
  auto data = a->Get("/api/v1/me/data");
  REQUIRE(data.status == 200);
  CHECK(data.json()["memberships"].size() == 2);
}

TEST_CASE("structures: an agency's push and a history import carry the structure", "[api][structures]") {
  ApiFixture f;
  f.SetClock("2027-01-15T09:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto ifen = f.Agency("IFEN");
  auto module = f.Module("M1");
  auto session = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                          {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 20},
                                                          {"min_registrants", 0}, {"agency", "IFEN"}});
  REQUIRE(session.status == 201);
  const std::string sid = session.json()["id"];
  auto push = [&](const std::string& ext, const json& participant) {
    return ifen->Put("/api/v1/agencies/IFEN/enrolments/" + ext, {{"session_id", sid}, {"participant", participant}});
  };

  // A structure not yet known needs its sector: refused, nothing stored (no person, no place).
  auto refused = push("E1", {{"email", "paul@lycee.lu"}, {"name", "Paul"}, {"structure", "Lycée Technique"}});
  CHECK(refused.status == 422);
  CHECK(refused.json()["errors"][0]["field"] == "participant.sector");
  CHECK(push("E1", {{"email", "paul@lycee.lu"}, {"name", "Paul"}, {"structure", "LT"}, {"sector", "school"}}).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'paul@lycee.lu'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM structures") == 0);

  auto pushed = push("E1", {{"email", "paul@lycee.lu"}, {"name", "Paul"}, {"structure", "Lycée Technique"},
                            {"sector", "formal_education"}, {"profession", "enseignant"}});
  REQUIRE(pushed.status == 201);
  const std::string paul = pushed.json()["participant_id"];
  // A second person of the same structure, named otherwise (case): no second structure.
  REQUIRE(push("E2", {{"email", "lea@lycee.lu"}, {"name", "Léa"}, {"structure", "lycée technique"}}).status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM structures") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships") == 2);
  auto memberships = f.coordinator->Get("/api/v1/people/" + paul + "/memberships").json()["items"];
  REQUIRE(memberships.size() == 1);
  CHECK(memberships[0]["profession"] == "enseignant");
  CHECK(memberships[0]["starts_on"] == "2027-01-15");
  // The repeat changes nothing.
  CHECK(push("E1", {{"email", "paul@lycee.lu"}, {"name", "Paul"}, {"structure", "Lycée Technique"}}).status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships") == 2);

  // The history import: the membership from the row's date; a new structure needs its sector.
  auto import = [&](const std::string& csv) {
    return f.coordinator->Request("POST", "/api/v1/history/imports", csv, {{"Content-Type", "text/csv"}});
  };
  auto bad = import("email;name;module;date;status;structure;sector\nmia@sante.lu;Mia;M1;2026-05-04;present;Maison médicale;\n");
  CHECK(bad.status == 422);
  CHECK(bad.json()["errors"][0]["field"] == "rows[2].sector");
  CHECK(import("email;name;module;date;status;structure;sector\nmia@sante.lu;Mia;M1;2026-05-04;present;MM;santé\n").status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'mia@sante.lu'") == 0);
  auto ok = import("email;name;module;date;status;structure;sector;profession\n"
                   "mia@sante.lu;Mia;M1;2026-05-04;present;Maison médicale;health;infirmière\n");
  REQUIRE(ok.status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM memberships m JOIN structures s ON s.id = m.structure_id WHERE "
                   "s.sector = 'health' AND m.starts_on = '2026-05-04' AND m.profession = 'infirmière'") == 1);
}
