// Evaluations after a training (issue 12): the coordinator writes the module's questionnaire;
// people who attended answer once the session has ended, once each, anonymously; the session's
// trainers and the coordinator read the results, also as CSV. Every role against each route.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "services/csv.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

json Label(const std::string& fr, const std::string& de, const std::string& en) {
  return {{"fr", fr}, {"de", de}, {"en", en}};
}

const json kQuestions = json::array(
    {{{"id", "overall"}, {"kind", "scale"}, {"min", 1}, {"max", 5}, {"label", Label("Satisfaction", "Zufriedenheit", "Satisfaction")}},
     {{"id", "comment"}, {"kind", "text"}, {"label", Label("Remarques", "Bemerkungen", "Comments")}}});

}  // namespace

TEST_CASE("evaluations: attended people answer once after the end, anonymously, and staff read the results", "[api][evaluations]") {
  ApiFixture f;
  f.SetClock("2027-02-01T09:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [other_tid, other_ttoken] = f.Staff("other@pf.lu", "trainer");
  auto trainer = f.Client(ttoken);
  auto other_trainer = f.Client(other_ttoken);
  std::vector<std::pair<std::string, std::string>> people;
  for (int i = 0; i < 4; ++i) people.push_back(f.Participant("p" + std::to_string(i) + "@ecole.lu"));
  auto module = f.Module("EVAL");
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 20},
                                                       {"min_registrants", 0}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  for (auto& [id, token] : people)
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);

  // The questionnaire: the coordinator only; bad questions store nothing.
  const std::string qpath = "/api/v1/modules/" + module + "/questionnaire";
  CHECK(trainer->Put(qpath, {{"questions", kQuestions}}).status == 403);
  CHECK(f.Client(people[0].second)->Put(qpath, {{"questions", kQuestions}}).status == 403);
  CHECK(f.Client()->Put(qpath, {{"questions", kQuestions}}).status == 401);
  CHECK(f.coordinator->Put(qpath, {{"questions", json::array()}}).status == 422);
  CHECK(f.coordinator->Put(qpath, {{"questions", {{{"id", "x"}, {"kind", "scale"}, {"label", Label("a", "b", "")}}}}}).status == 422);
  CHECK(f.coordinator->Put(qpath, {{"questions", {{{"id", "x"}, {"kind", "stars"}, {"label", Label("a", "b", "c")}}}}}).status == 422);
  CHECK(f.coordinator->Put(qpath, {{"questions", kQuestions}, {"colour", 1}}).status == 400);
  CHECK(f.coordinator->Put("/api/v1/modules/999999/questionnaire", {{"questions", kQuestions}}).status == 404);
  CHECK(f.db.Count("SELECT COUNT(*) FROM questionnaires") == 0);
  auto saved = f.coordinator->Put(qpath, {{"questions", kQuestions}});
  REQUIRE(saved.status == 200);
  CHECK(saved.json()["anonymous"] == true);
  CHECK(f.Client(people[0].second)->Get(qpath).json()["questions"][0]["label"]["de"] == "Zufriedenheit");

  const std::string epath = "/api/v1/sessions/" + session + "/evaluation";
  const json good = {{"answers", {{"overall", 5}, {"comment", "Très utile"}}}};
  auto p0 = f.Client(people[0].second);
  // Tokens last 12 hours of the (test) clock: everyone signs in again after it moves.
  auto move_clock = [&](const std::string& now) {
    f.SetClock(now);
    f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
    trainer->set_token(f.Login("trainer@pf.lu", "a-long-password"));
    other_trainer->set_token(f.Login("other@pf.lu", "a-long-password"));
    for (int i = 0; i < 4; ++i) people[i].second = f.Login("p" + std::to_string(i) + "@ecole.lu", "a-long-password");
    p0->set_token(people[0].second);
  };
  // Before the session: closed to everyone (p0 is not marked yet: 403, the sheet comes later).
  CHECK(p0->Post(epath, good).status == 403);

  // During the session the trainer marks p0, p1, p2 present and p3 absent; still not ended: 409.
  move_clock("2027-03-04T10:00:00+01:00");
  json records = json::array();
  for (int i = 0; i < 4; ++i) records.push_back({{"participant_id", people[i].first}, {"status", i == 3 ? "absent" : "present"}});
  REQUIRE(trainer->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);
  CHECK(p0->Post(epath, good).status == 409);
  CHECK(p0->Get(epath).json()["open"] == false);

  move_clock("2027-03-04T14:00:00+01:00");
  auto view = p0->Get(epath);
  REQUIRE(view.status == 200);
  CHECK(view.json()["open"] == true);
  CHECK(view.json()["attended"] == true);
  CHECK(view.json()["answered"] == false);
  // Bad answers store nothing.
  CHECK(p0->Post(epath, {{"answers", {{"overall", 9}}}}).status == 422);
  CHECK(p0->Post(epath, {{"answers", {{"nope", 1}}}}).status == 422);
  CHECK(p0->Post(epath, {{"answers", {{"overall", true}}}}).status == 422);
  CHECK(p0->Post(epath, {{"answers", "five"}}).status == 422);
  CHECK(p0->Post(epath, {{"answers", {{"overall", 4}}}, {"name", "me"}}).status == 400);
  CHECK(p0->Request("POST", epath, "{\"answers\":", {{"Content-Type", "application/json"}}).status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM evaluation_answers") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM evaluation_respondents") == 0);

  REQUIRE(p0->Post(epath, good).status == 201);
  CHECK(p0->Post(epath, {{"answers", {{"overall", 1}}}}).status == 409);  // answered twice
  CHECK(p0->Get(epath).json()["answered"] == true);
  REQUIRE(f.Client(people[1].second)->Post(epath, {{"answers", {{"overall", 3}}}}).status == 201);
  CHECK(f.Client(people[3].second)->Post(epath, good).status == 403);  // absent: did not attend
  CHECK(trainer->Post(epath, good).status == 403);                   // staff did not attend
  CHECK(f.Client()->Post(epath, good).status == 401);
  CHECK(f.db.Count("SELECT COUNT(*) FROM evaluation_answers") == 2);
  // Anonymous: the answers hold no person; who answered is kept apart.
  CHECK(f.db.Count("SELECT COUNT(*) FROM evaluation_answers WHERE person_id IS NOT NULL") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM evaluation_respondents") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.answered'") == 2);
  // Once answered, the questions stay as they are.
  CHECK(f.coordinator->Put(qpath, {{"questions", kQuestions}}).status == 409);

  // Results: the session's trainer and the coordinator; the response rate is 2 of 3 attendees.
  const std::string rpath = epath + "/results";
  for (auto* reader : {trainer.get(), f.coordinator.get()}) {
    auto r = reader->Get(rpath);
    REQUIRE(r.status == 200);
    CHECK(r.json()["respondents"] == 2);
    CHECK(r.json()["attendees"] == 3);
    CHECK(r.json()["response_rate"].get<double>() == Approx(2.0 / 3));
    CHECK(r.json()["questions"][0]["average"].get<double>() == Approx(4.0));
    CHECK(r.json()["questions"][0]["distribution"] == json({{"1", 0}, {"2", 0}, {"3", 1}, {"4", 0}, {"5", 1}}));
    CHECK(r.json()["questions"][1]["comments"] == json::array({"Très utile"}));
  }
  CHECK(other_trainer->Get(rpath).status == 403);
  CHECK(p0->Get(rpath).status == 403);
  CHECK(f.coordinator->Get(rpath + "?format=xls").status == 400);
  auto csv = f.coordinator->Get(rpath + "?format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
  auto rows = parcours::ParseCsv(csv.body);
  REQUIRE(rows);
  CHECK((*rows)[1][0] == "overall");
  CHECK((*rows)[1][4] == "4.00");

  // Per module and year (coordinator).
  const std::string mpath = "/api/v1/modules/" + module + "/evaluation/results";
  auto year = f.coordinator->Get(mpath + "?year=2027");
  REQUIRE(year.status == 200);
  CHECK(year.json()["respondents"] == 2);
  CHECK(year.json()["sessions"] == json::array({session}));
  CHECK(f.coordinator->Get(mpath + "?year=2026").json()["respondents"] == 0);
  CHECK(f.coordinator->Get(mpath).status == 400);
  CHECK(trainer->Get(mpath + "?year=2027").status == 403);
  CHECK(f.coordinator->Get(mpath + "?year=2027&format=csv").status == 200);
}
