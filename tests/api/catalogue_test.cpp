// The catalogue through the real server: pathways, modules, sessions, cancellation.
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {
json Ltas() {
  return {{"code", "LTAS"},
          {"title", "Let's Talk about Sex !"},
          {"modules",
           {{{"code", "LTAS-PUB"}, {"title", "Puberté-anatomie"}, {"hours", 4}},
            {{"code", "LTAS-DIV"}, {"title", "Diversité corporelle, sexuelle et de genre"}, {"hours", 4}},
            {{"code", "LTAS-MED"}, {"title", "Nouveaux médias"}, {"hours", 4}},
            {{"code", "LTAS-CON"}, {"title", "Contraception"}, {"hours", 4}},
            {{"code", "LTAS-DRO"}, {"title", "Droits sexuels et violences"}, {"hours", 4}},
            {{"code", "LTAS-IST"}, {"title", "IST"}, {"hours", 4}},
            {{"code", "LTAS-TOOL"}, {"title", "Journée pratique « Toolkit LTAS »"}, {"hours", 8}}}}};
}
}  // namespace

TEST_CASE("catalogue: the LTAS pathway totals 32 hours and keeps module order", "[api][catalogue]") {
  ApiFixture f;
  auto r = f.coordinator->Post("/api/v1/pathways", Ltas());
  REQUIRE(r.status == 201);
  auto p = r.json();
  CHECK(p["total_hours"] == 32);
  REQUIRE(p["modules"].size() == 7);
  CHECK(p["modules"][6]["title"] == "Journée pratique « Toolkit LTAS »");
  auto anon = f.Client();
  auto got = anon->Get("/api/v1/pathways/" + p["id"].get<std::string>());
  REQUIRE(got.status == 200);
  CHECK(got.json() == p);
  CHECK(f.coordinator->Post("/api/v1/pathways", Ltas()).status == 409);
  CHECK(anon->Get("/api/v1/pathways/999999").status == 404);
  CHECK(anon->Get("/api/v1/pathways/abc").status == 404);
}

TEST_CASE("catalogue: pathway validation reports each bad module field", "[api][catalogue]") {
  ApiFixture f;
  json bad = {{"code", "bad code!"}, {"title", "T"},
              {"modules", {{{"code", "A"}, {"title", "x"}, {"hours", 0}}, {{"code", "A"}, {"title", ""}, {"hours", 4}}}}};
  auto r = f.coordinator->Post("/api/v1/pathways", bad);
  REQUIRE(r.status == 422);
  std::set<std::string> fields;
  const auto errors = r.json()["errors"];
  for (auto& e : errors) fields.insert(e["field"]);
  CHECK(fields == std::set<std::string>{"code", "modules[0].hours", "modules[1].code", "modules[1].title"});
  // Type errors are reported before the rules are looked at.
  bad["modules"].push_back(7);
  auto typed = f.coordinator->Post("/api/v1/pathways", bad);
  REQUIRE(typed.status == 422);
  CHECK(typed.json()["errors"][0]["field"] == "modules[2]");
  CHECK(f.db.Count("SELECT COUNT(*) FROM pathways") == 0);
  json empty = {{"code", "E"}, {"title", "T"}, {"modules", json::array()}};
  CHECK(f.coordinator->Post("/api/v1/pathways", empty).status == 422);
}

TEST_CASE("catalogue: list pagination with cursors returns every item once", "[api][catalogue]") {
  ApiFixture f;
  for (int i = 0; i < 5; ++i) f.Module("EV" + std::to_string(i));
  auto c = f.Client();
  std::vector<std::string> seen;
  std::string path = "/api/v1/modules?limit=2";
  for (int guard = 0; guard < 10; ++guard) {
    auto r = c->Get(path);
    REQUIRE(r.status == 200);
    const auto page = r.json();
    for (auto& m : page["items"]) seen.push_back(m["code"]);
    if (page["next_cursor"].is_null()) break;
    path = "/api/v1/modules?limit=2&cursor=" + r.json()["next_cursor"].get<std::string>();
  }
  CHECK(seen == std::vector<std::string>{"EV0", "EV1", "EV2", "EV3", "EV4"});
  CHECK(c->Get("/api/v1/modules?limit=0").status == 400);
  CHECK(c->Get("/api/v1/modules?limit=501").status == 400);
  CHECK(c->Get("/api/v1/modules?cursor=%25%25").status >= 400);
}

TEST_CASE("catalogue: sessions get defaults, validation, filters", "[api][catalogue]") {
  ApiFixture f;
  auto module = f.Module("CONTRA");
  auto [trainer_id, trainer_token] = f.Staff("trainer@planning.lu", "trainer");
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module},
                                                    {"starts_at", "2027-04-16T09:00:00+02:00"},
                                                    {"ends_at", "2027-04-24T17:00:00+02:00"},
                                                    {"capacity", 25},
                                                    {"agency", "IFEN"},
                                                    {"mode", "hybrid"},
                                                    {"location", "Luxembourg"},
                                                    {"trainer_ids", {trainer_id}}});
  REQUIRE(r.status == 201);
  auto s = r.json();
  CHECK(s["min_registrants"] == 10);
  CHECK(s["decision_at"] == "2027-04-02T09:00:00+02:00");
  CHECK(s["status"] == "scheduled");
  CHECK(s["trainer_ids"] == json::array({trainer_id}));
  CHECK(s["confirmed_count"] == 0);

  auto bad = f.coordinator->Post("/api/v1/sessions", {{"module_id", "999999"},
                                                      {"starts_at", "2027-04-16T09:00:00+02:00"},
                                                      {"ends_at", "2027-04-16T08:00:00+02:00"},
                                                      {"capacity", 0},
                                                      {"mode", "telepathy"}});
  REQUIRE(bad.status == 422);
  auto unknown_refs = f.coordinator->Post("/api/v1/sessions", {{"module_id", "999999"},
                                                               {"starts_at", "2027-04-16T09:00:00+02:00"},
                                                               {"ends_at", "2027-04-16T13:00:00+02:00"},
                                                               {"capacity", 10},
                                                               {"agency", "NOPE"},
                                                               {"trainer_ids", {"999999"}}});
  REQUIRE(unknown_refs.status == 422);
  CHECK(unknown_refs.json()["errors"].size() == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 1);

  f.Session(module, 10, "2027-01-10T09:00:00+01:00", "2027-01-10T13:00:00+01:00");
  auto c = f.Client();
  CHECK(c->Get("/api/v1/sessions").json()["items"].size() == 2);
  CHECK(c->Get("/api/v1/sessions?from=2027-02-01").json()["items"].size() == 1);
  CHECK(c->Get("/api/v1/sessions?to=2027-02-01").json()["items"].size() == 1);
  CHECK(c->Get("/api/v1/sessions?module_id=" + module + "&status=scheduled").json()["items"].size() == 2);
  CHECK(c->Get("/api/v1/sessions?status=cancelled").json()["items"].size() == 0);
  CHECK(c->Get("/api/v1/sessions?status=bogus").status == 400);
  CHECK(c->Get("/api/v1/sessions?from=yesterday").status == 400);
  CHECK(c->Get("/api/v1/sessions/" + s["id"].get<std::string>()).json()["mode"] == "hybrid");
}

TEST_CASE("catalogue: cancelling a session cancels its registrations, once", "[api][catalogue]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 1);
  auto [a, ta] = f.Participant("a@ex.lu");
  auto [b, tb] = f.Participant("b@ex.lu");
  auto ca = f.Client(), cb = f.Client();
  ca->set_token(ta);
  cb->set_token(tb);
  REQUIRE(ca->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["status"] == "confirmed");
  REQUIRE(cb->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["status"] == "waitlisted");
  CHECK(ca->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", "x"}}).status == 403);
  CHECK(f.coordinator->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", ""}}).status == 422);
  auto r = f.coordinator->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", "Moins de 10 inscrits"}});
  REQUIRE(r.status == 200);
  CHECK(r.json()["status"] == "cancelled");
  CHECK(r.json()["cancel_reason"] == "Moins de 10 inscrits");
  auto regs = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations").json()["items"];
  REQUIRE(regs.size() == 2);
  for (auto& reg : regs) CHECK(reg["status"] == "cancelled");
  CHECK(f.coordinator->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", "again"}}).status == 409);
  auto late = f.Participant("c@ex.lu");
  auto cc = f.Client();
  cc->set_token(late.second);
  CHECK(cc->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.cancelled'") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.cancelled'") == 1);
}
