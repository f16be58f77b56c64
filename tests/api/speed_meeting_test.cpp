// The speed-meeting planner of a session (issue 12 item 6): from its confirmed registrants (or,
// once marked, the people present) and their structures on the day, a plan in which nobody
// meets their own structure and no pair meets twice, as JSON, PDF and page. Every role.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "api_fixture.h"
#include "browser_client.h"

using namespace parcours::testing;
using nlohmann::json;

TEST_CASE("speed-meeting: staff plan rounds without same-structure or repeated pairs", "[api][speed_meeting]") {
  ApiFixture f;
  f.SetClock("2027-03-04T08:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [oid, otoken] = f.Staff("other@pf.lu", "trainer");
  auto trainer = f.Client(ttoken);
  auto module = f.Module("SPEED");
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-03-04T11:00:00+01:00"}, {"capacity", 30},
                                                       {"min_registrants", 0}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  const std::string school =
      f.coordinator->Post("/api/v1/structures", {{"name", "École Bonnevoie"}, {"sector", "formal_education"}}).json()["id"];
  const std::string foyer = f.coordinator->Post("/api/v1/structures", {{"name", "Foyer Don Bosco"}, {"sector", "social"}}).json()["id"];
  // Ten people: four from the school, three from the foyer (one of whom left it before the
  // day), three with no structure.
  std::map<std::string, std::string> structure_of;  // person id -> structure id ("" none)
  std::vector<std::string> tokens, ids;
  for (int i = 0; i < 10; ++i) {
    auto [id, token] = f.Participant("p" + std::to_string(i) + "@ecole.lu", "Person " + std::to_string(i));
    tokens.push_back(token);
    ids.push_back(id);
    const std::string path = "/api/v1/people/" + id + "/memberships";
    std::string structure;
    if (i < 4) {
      REQUIRE(f.coordinator->Post(path, {{"structure_id", school}, {"starts_on", "2020-01-01"}}).status == 201);
      structure = school;
    } else if (i < 7) {
      json m = {{"structure_id", foyer}, {"starts_on", "2020-01-01"}};
      if (i == 6) m["ends_on"] = "2026-12-31";
      REQUIRE(f.coordinator->Post(path, m).status == 201);
      if (i != 6) structure = foyer;
    }
    structure_of[id] = structure;
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);
  }
  const std::string path = "/api/v1/sessions/" + session + "/speed-meeting";

  // Who: the session's trainers and coordinators.
  CHECK(f.Client()->Get(path).status == 401);
  CHECK(f.Client(tokens[0])->Get(path).status == 403);
  CHECK(f.Client(tokens[0])->Get(path + "?round_minutes=x").status == 403);  // refused before reading
  CHECK(f.Client(otoken)->Get(path).status == 403);
  CHECK(f.coordinator->Get("/api/v1/sessions/999999/speed-meeting").status == 404);
  // Bad parameters.
  CHECK(trainer->Get(path + "?round_minutes=seven").status == 400);
  CHECK(trainer->Get(path + "?round_minutes=-7").status == 400);
  CHECK(trainer->Get(path + "?rounds=3").status == 400);
  CHECK(trainer->Get(path + "?round_minutes=0").status == 422);
  CHECK(trainer->Get(path + "?table_size=13").status == 422);
  CHECK(trainer->Get(path + "?round_minutes=10&duration_minutes=5").status == 422);
  CHECK(trainer->Get(path + "/pdf?table_size=1").status == 422);

  auto plan = trainer->Get(path + "?round_minutes=7&duration_minutes=90");
  REQUIRE(plan.status == 200);
  const json p = plan.json();
  CHECK(p["source"] == "registrations");
  CHECK(p["rounds_wanted"] == 12);
  CHECK(p["people"].size() == 10);
  REQUIRE(p["rounds"].size() >= 1);
  // The bound counts rounds in which everybody sits (a school person can meet six others);
  // later rounds may seat some while others wait.
  CHECK(p["upper_bound"] == 6);
  std::size_t full_rounds = 0;
  for (const auto& round : p["rounds"]) full_rounds += round["waiting"].empty() ? 1 : 0;
  CHECK(full_rounds <= 6);
  CHECK(p["rounds"][0]["starts_at"] == "2027-03-04T09:00:00+01:00");
  CHECK(p["rounds"][1]["starts_at"] == "2027-03-04T09:07:00+01:00");
  for (const auto& person : p["people"]) {
    const std::string expected = structure_of[person["id"]];
    if (expected.empty()) CHECK(person["structure"].is_null());
    else CHECK(person["structure"] == (expected == school ? "École Bonnevoie" : "Foyer Don Bosco"));
  }
  // The constraints, checked on the answer itself.
  std::set<std::pair<std::string, std::string>> met;
  for (const auto& round : p["rounds"]) {
    std::set<std::string> seated;
    for (const auto& table : round["tables"]) {
      CHECK(table.size() >= 2);
      CHECK(table.size() <= 3);
      for (std::size_t a = 0; a < table.size(); ++a) {
        CHECK(seated.insert(table[a].get<std::string>()).second);
        for (std::size_t b = a + 1; b < table.size(); ++b) {
          const std::string x = table[a], y = table[b];
          if (!structure_of[x].empty()) CHECK(structure_of[x] != structure_of[y]);
          CHECK(met.insert({std::min(x, y), std::max(x, y)}).second);
        }
      }
    }
    CHECK(seated.size() + round["waiting"].size() == 10);
  }
  // The same people and parameters give the same plan; the coordinator sees it too.
  CHECK(f.coordinator->Get(path + "?round_minutes=7&duration_minutes=90").json()["rounds"] == p["rounds"]);

  auto pdf = trainer->Get(path + "/pdf?round_minutes=7&duration_minutes=90&table_size=3");
  REQUIRE(pdf.status == 200);
  CHECK(pdf.header("content-type") == "application/pdf");
  CHECK(pdf.body.rfind("%PDF-", 0) == 0);
  CHECK(pdf.header("content-disposition") == "attachment; filename=\"speed-meeting-" + session + ".pdf\"");
  CHECK(f.Client(tokens[0])->Get(path + "/pdf").status == 403);

  // Once marked, only the people present are planned.
  f.SetClock("2027-03-04T09:05:00+01:00");
  trainer->set_token(f.Login("trainer@pf.lu", "a-long-password"));
  json records = json::array();  // the school's four and two of the foyer are there
  for (std::size_t i = 0; i < ids.size(); ++i) records.push_back({{"participant_id", ids[i]}, {"status", i < 6 ? "present" : "absent"}});
  REQUIRE(trainer->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);
  auto marked = trainer->Get(path);
  REQUIRE(marked.status == 200);
  CHECK(marked.json()["source"] == "attendance");
  CHECK(marked.json()["people"].size() == 6);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'speed%'") == 0);  // nothing stored

  // The page: the plan by table and by person, the PDF link; others get 403, nobody the login.
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("trainer@pf.lu", "a-long-password"));
  const std::string page_path = "/trainer/sessions/" + session + "/speed-meeting";
  CHECK(t.Get("/trainer/sessions/" + session).body.find(page_path) != std::string::npos);
  auto page = t.Get(page_path + "?round_minutes=10&duration_minutes=30&table_size=2");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("École Bonnevoie") != std::string::npos);
  CHECK(page.body.find(page_path + ".pdf?round_minutes=10&amp;duration_minutes=30&amp;table_size=2") != std::string::npos);
  CHECK(t.Get(page_path + "?round_minutes=abc").status == 422);
  CHECK(t.Get(page_path + "?round_minutes=0").status == 422);
  auto printed = t.Get(page_path + ".pdf?round_minutes=10&duration_minutes=30");
  REQUIRE(printed.status == 200);
  CHECK(printed.header("content-type") == "application/pdf");
  BrowserClient pro(f.server->BaseUrl());
  REQUIRE(pro.LogIn("p0@ecole.lu", "a-long-password"));
  CHECK(pro.Get(page_path).status == 403);
  CHECK(pro.Get(page_path + ".pdf").status == 403);
  BrowserClient nobody(f.server->BaseUrl());
  CHECK(nobody.Get(page_path).status == 303);
}
