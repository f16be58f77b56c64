// The evaluation reminder and the person's own answers (issue 12 item 3): once a session has
// ended, its trainers or the coordinator remind the attendees who have not answered (an e-mail
// through the notification outbox, in their language); answers given under a person's name (a
// questionnaire that is not anonymous) are part of that person's data export.
#include <catch2/catch.hpp>

#include <tuple>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

const json kReminderQuestions = json::array(
    {{{"id", "overall"}, {"kind", "scale"}, {"min", 1}, {"max", 5},
      {"label", {{"fr", "Satisfaction"}, {"de", "Zufriedenheit"}, {"en", "Satisfaction"}}}},
     {{"id", "comment"}, {"kind", "text"}, {"label", {{"fr", "Remarques"}, {"de", "Bemerkungen"}, {"en", "Comments"}}}}});

}  // namespace

TEST_CASE("evaluations: the attendees who have not answered are reminded, and named answers are exported",
          "[api][evaluations]") {
  ApiFixture f;
  f.SetClock("2027-02-01T09:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  // Plain variables, not structured bindings: the lambda below assigns them (clang 14 refuses a
  // lambda that captures a structured binding).
  std::string tid, ttoken, oid, otoken;
  std::tie(tid, ttoken) = f.Staff("trainer@pf.lu", "trainer");
  std::tie(oid, otoken) = f.Staff("other@pf.lu", "trainer");
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
  const std::string remind = "/api/v1/sessions/" + session + "/evaluation/reminders";
  // No questionnaire yet: nothing to remind of.
  CHECK(f.coordinator->Post(remind, nullptr).status == 404);
  REQUIRE(f.coordinator->Put("/api/v1/modules/" + module + "/questionnaire", {{"questions", kReminderQuestions}, {"anonymous", false}})
              .status == 200);

  auto move_clock = [&](const std::string& now) {
    f.SetClock(now);
    f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
    ttoken = f.Login("trainer@pf.lu", "a-long-password");
    otoken = f.Login("other@pf.lu", "a-long-password");
    for (int i = 0; i < 4; ++i) people[i].second = f.Login("p" + std::to_string(i) + "@ecole.lu", "a-long-password");
  };
  // During the session: p0, p1, p2 present, p3 absent; not ended yet, so no reminder (409).
  move_clock("2027-03-04T10:00:00+01:00");
  json records = json::array();
  for (int i = 0; i < 4; ++i) records.push_back({{"participant_id", people[i].first}, {"status", i == 3 ? "absent" : "present"}});
  REQUIRE(f.Client(ttoken)->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);
  CHECK(f.Client(ttoken)->Post(remind, nullptr).status == 409);

  move_clock("2027-03-04T14:00:00+01:00");
  REQUIRE(f.Client(people[0].second)->Post("/api/v1/sessions/" + session + "/evaluation",
                                           {{"answers", {{"overall", 5}, {"comment", "Très utile"}}}})
              .status == 201);
  // Every other role is refused before anything is read; bad input changes nothing.
  CHECK(f.Client()->Post(remind, nullptr).status == 401);
  CHECK(f.Client(people[1].second)->Post(remind, nullptr).status == 403);
  CHECK(f.Client(otoken)->Post(remind, nullptr).status == 403);  // teaches another session
  CHECK(f.Client(ttoken)->Post(remind, {{"to", "everyone"}}).status == 400);
  CHECK(f.Client(ttoken)->Post("/api/v1/sessions/999999/evaluation/reminders", nullptr).status == 404);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'evaluation_reminder'") == 0);

  // The session's trainer reminds p1 and p2: not p0 (answered), not p3 (absent).
  auto sent = f.Client(ttoken)->Post(remind, nullptr);
  REQUIRE(sent.status == 200);
  CHECK(sent.json()["attendees"] == 3);
  CHECK(sent.json()["respondents"] == 1);
  CHECK(sent.json()["reminded"] == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'evaluation_reminder'") == 2);
  for (int i : {1, 2})
    CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'evaluation_reminder' AND user_id = " +
                     people[i].first) == 1);
  CHECK(f.db.Scalar("SELECT subject FROM notifications WHERE kind = 'evaluation_reminder' LIMIT 1")
            .rfind("Votre avis sur", 0) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.reminded'") == 1);
  // The coordinator may remind too; the response rate is in the results.
  CHECK(f.coordinator->Post(remind, nullptr).json()["reminded"] == 2);
  CHECK(f.coordinator->Get("/api/v1/sessions/" + session + "/evaluation/results").json()["response_rate"] ==
        Approx(1.0 / 3));

  // The answers p0 gave under her name are in her export; p1 has none.
  auto mine = f.Client(people[0].second)->Get("/api/v1/me/data");
  REQUIRE(mine.status == 200);
  REQUIRE(mine.json()["evaluation_answers"].size() == 1);
  CHECK(mine.json()["evaluation_answers"][0]["session"]["session_id"] == session);
  CHECK(mine.json()["evaluation_answers"][0]["answers"]["overall"] == 5);
  CHECK(mine.json()["evaluation_answers"][0]["answers"]["comment"] == "Très utile");
  CHECK(f.Client(people[1].second)->Get("/api/v1/me/data").json()["evaluation_answers"].empty());
}
