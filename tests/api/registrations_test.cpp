// Registrations through the real server: capacity, waiting list, withdrawal, access, idempotency.
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

TEST_CASE("registrations: capacity, waiting list, promotion on withdrawal", "[api][registrations]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 2);
  std::vector<std::unique_ptr<HttpClient>> people;
  std::vector<json> regs;
  for (int i = 0; i < 4; ++i) {
    auto [id, token] = f.Participant("p" + std::to_string(i) + "@ex.lu");
    people.push_back(f.Client());
    people.back()->set_token(token);
    auto r = people.back()->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    REQUIRE(r.status == 201);
    regs.push_back(r.json());
    CHECK(r.json()["participant_id"] == id);
    CHECK(r.json()["channel"] == "DIRECT");
  }
  CHECK(regs[0]["status"] == "confirmed");
  CHECK(regs[1]["status"] == "confirmed");
  CHECK(regs[2]["status"] == "waitlisted");
  CHECK(regs[2]["waitlist_position"] == 1);
  CHECK(regs[3]["waitlist_position"] == 2);
  CHECK(people[0]->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 409);

  auto withdrawn = people[1]->Delete("/api/v1/registrations/" + regs[1]["id"].get<std::string>());
  REQUIRE(withdrawn.status == 200);
  CHECK(withdrawn.json()["status"] == "withdrawn");
  CHECK(people[1]->Delete("/api/v1/registrations/" + regs[1]["id"].get<std::string>()).status == 409);
  // Someone else's registration looks like it does not exist.
  CHECK(people[0]->Delete("/api/v1/registrations/" + regs[3]["id"].get<std::string>()).status == 404);

  auto mine = people[2]->Get("/api/v1/me/registrations").json()["items"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["status"] == "confirmed");
  auto last = people[3]->Get("/api/v1/me/registrations").json()["items"][0];
  CHECK(last["waitlist_position"] == 1);
  auto s = f.Client()->Get("/api/v1/sessions/" + session).json();
  CHECK(s["confirmed_count"] == 2);
  CHECK(s["waitlist_count"] == 1);
  // The withdrawn person may come back, at the end of the queue.
  auto back = people[1]->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  REQUIRE(back.status == 201);
  CHECK(back.json()["waitlist_position"] == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.promoted'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'registration'") == 7);
}

TEST_CASE("registrations: closed once the session has started", "[api][registrations]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 5);
  auto [id, token] = f.Participant("p@ex.lu");
  auto c = f.Client();
  c->set_token(token);
  auto reg = c->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  REQUIRE(reg.status == 201);
  f.SetClock("2027-03-04T09:00:00+01:00");
  auto [id2, token2] = f.Participant("late@ex.lu");
  auto late = f.Client();
  late->set_token(token2);
  auto r = late->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  CHECK(r.status == 422);
  CHECK(r.json()["type"] == "/problems/session-not-open");
  c->set_token(f.Login("p@ex.lu", "a-long-password"));  // the clock jump expired the old token
  CHECK(c->Delete("/api/v1/registrations/" + reg.json()["id"].get<std::string>()).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
}

TEST_CASE("registrations: coordinators register others with a channel, participants may not", "[api][registrations]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 5);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "FEDAS"}, {"name", "FEDAS"}}).status == 201);
  auto [a, ta] = f.Participant("a@ex.lu");
  auto [b, tb] = f.Participant("b@ex.lu");
  auto r = f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", a}, {"channel", "FEDAS"}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["participant_id"] == a);
  CHECK(r.json()["channel"] == "FEDAS");
  CHECK(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", b}, {"channel", "NOPE"}}).status == 422);
  CHECK(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", "999999"}}).status == 422);
  auto cb = f.Client();
  cb->set_token(tb);
  CHECK(cb->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", a}}).status == 403);
  CHECK(cb->Post("/api/v1/sessions/" + session + "/registrations", {{"channel", "IFEN"}}).status == 422);
  // A person registering themself is DIRECT: no other channel, SPECIALISED included.
  auto special = cb->Post("/api/v1/sessions/" + session + "/registrations", {{"channel", "SPECIALISED"}});
  CHECK(special.status == 422);
  REQUIRE(special.json()["errors"].size() == 1);
  CHECK(special.json()["errors"][0]["field"] == "channel");
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE participant_id = " + b) == 0);
  auto direct = cb->Post("/api/v1/sessions/" + session + "/registrations", {{"channel", "DIRECT"}});
  REQUIRE(direct.status == 201);
  CHECK(direct.json()["channel"] == "DIRECT");
  // The coordinator sets any channel, SPECIALISED included.
  auto [c, tc] = f.Participant("c@ex.lu");
  auto by_coordinator = f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", c}, {"channel", "SPECIALISED"}});
  REQUIRE(by_coordinator.status == 201);
  CHECK(by_coordinator.json()["channel"] == "SPECIALISED");
  CHECK(cb->Post("/api/v1/sessions/999999/registrations", nullptr).status == 404);
}

TEST_CASE("registrations: the list is for the session's trainers and coordinators", "[api][registrations]") {
  ApiFixture f;
  auto module = f.Module("M");
  auto [t1, t1token] = f.Staff("t1@ex.lu", "trainer");
  auto [t2, t2token] = f.Staff("t2@ex.lu", "trainer");
  auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module},
                                                    {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                    {"ends_at", "2027-03-04T13:00:00+01:00"},
                                                    {"capacity", 10},
                                                    {"trainer_ids", {t1}}});
  REQUIRE(r.status == 201);
  std::string session = r.json()["id"];
  auto [p, ptoken] = f.Participant("p@ex.lu");
  auto own = f.Client(), other = f.Client(), participant = f.Client();
  own->set_token(t1token);
  other->set_token(t2token);
  participant->set_token(ptoken);
  REQUIRE(participant->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  CHECK(own->Get("/api/v1/sessions/" + session + "/registrations").json()["items"].size() == 1);
  CHECK(other->Get("/api/v1/sessions/" + session + "/registrations").status == 403);
  CHECK(participant->Get("/api/v1/sessions/" + session + "/registrations").status == 403);
  CHECK(f.Client()->Get("/api/v1/sessions/" + session + "/registrations").status == 401);
}

TEST_CASE("registrations: Idempotency-Key replays the first answer and registers once", "[api][registrations]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 5);
  auto [a, ta] = f.Participant("a@ex.lu");
  auto c = f.Client();
  c->set_token(ta);
  const std::string path = "/api/v1/sessions/" + session + "/registrations";
  auto first = c->Post(path, {{"channel", "DIRECT"}}, {{"Idempotency-Key", "enrol-42"}});
  REQUIRE(first.status == 201);
  auto again = c->Post(path, {{"channel", "DIRECT"}}, {{"Idempotency-Key", "enrol-42"}});
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.header("idempotent-replayed") == "true");
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
  auto changed = c->Post(path, {{"channel", "SPECIALISED"}}, {{"Idempotency-Key", "enrol-42"}});
  CHECK(changed.status == 422);
  CHECK(changed.json()["type"] == "/problems/idempotency-key-reused");
  // Without the key, the repeat is a conflict.
  CHECK(c->Post(path, {{"channel", "DIRECT"}}).status == 409);
  // Keys are per caller: another person's identical key is independent.
  auto [b, tb] = f.Participant("b@ex.lu");
  auto cb = f.Client();
  cb->set_token(tb);
  CHECK(cb->Post(path, {{"channel", "DIRECT"}}, {{"Idempotency-Key", "enrol-42"}}).status == 201);
}
