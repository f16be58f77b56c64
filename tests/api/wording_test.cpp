// Cancellation reasons are stored as codes with parameters and worded in the reader's
// language, in the e-mails and in the API (review issue 8, item 15).
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::string PersonIn(ApiFixture& f, const std::string& email, const std::string& language, const std::string& name) {
  auto r = f.Client()->Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", name}, {"language", language}});
  REQUIRE(r.status == 201);
  return r.json()["id"];
}

std::vector<ReceivedMail> Cancellations(const std::vector<ReceivedMail>& all, const std::string& email) {
  std::vector<ReceivedMail> out;
  for (const auto& m : all)
    if (m.Header("To") == "<" + email + ">" && m.Header("X-Parcours-Kind") == "session_cancelled") out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("wording: a cancellation below the threshold is told in the reader's language only", "[api][mail][wording]") {
  ApiFixture f(true);
  auto module = f.Module("W");
  // Two registrants, three needed: cancelled at the decision date (14 days before the start).
  auto session = f.Session(module, 10, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00", 3);
  const std::string de = PersonIn(f, "de@mail.lu", "de", "Jürgen Weiß");
  const std::string fr = PersonIn(f, "fr@mail.lu", "fr", "Anne Lefèvre");
  for (const auto& id : {de, fr})
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);
  f.SetClock("2027-02-19T12:00:00+01:00");
  auto mails = f.mail->WaitFor(4);
  auto german = Cancellations(mails, "de@mail.lu");
  REQUIRE(german.size() == 1);
  const std::string text = german[0].Subject() + "\n" + german[0].Text();
  INFO(text);
  CHECK(text.find("Grund: Weniger als 3 bestätigte Anmeldungen zum Entscheidungsdatum (2 bestätigt).") != std::string::npos);
  for (const char* foreign : {"Moins", "inscrits", "décision", "fewer", "registrants", "decision date", " / "})
    CHECK(text.find(foreign) == std::string::npos);
  auto french = Cancellations(mails, "fr@mail.lu");
  REQUIRE(french.size() == 1);
  CHECK(french[0].Text().find("Motif : Moins de 3 inscriptions confirmées à la date de décision (2 confirmées).") != std::string::npos);
  CHECK(french[0].Text().find("fewer") == std::string::npos);

  // The API keeps cancel_reason, worded for the reader, and adds the code and its parameters.
  auto anon = f.Client();
  auto in_german = anon->Request("GET", "/api/v1/sessions/" + session, "", {{"Accept-Language", "de-LU,de;q=0.9"}}).json();
  CHECK(in_german["status"] == "cancelled");
  CHECK(in_german["cancel_reason_code"] == "below_threshold");
  CHECK(in_german["cancel_reason_params"] == json({{"confirmed", 2}, {"minimum", 3}}));
  CHECK(in_german["cancel_reason"] == "Weniger als 3 bestätigte Anmeldungen zum Entscheidungsdatum (2 bestätigt).");
  auto in_english = anon->Request("GET", "/api/v1/sessions/" + session, "", {{"Accept-Language", "en"}}).json();
  CHECK(in_english["cancel_reason"] == "Fewer than 3 confirmed registrations at the decision date (2 confirmed).");
  auto listed = anon->Request("GET", "/api/v1/sessions?status=cancelled", "", {{"Accept-Language", "fr"}}).json();
  REQUIRE(listed["items"].size() == 1);
  CHECK(listed["items"][0]["cancel_reason"] == "Moins de 3 inscriptions confirmées à la date de décision (2 confirmées).");
}

TEST_CASE("wording: a coordinator's cancellation keeps the coordinator's own words", "[api][wording]") {
  ApiFixture f;
  auto session = f.Session(f.Module("W"), 10);
  auto r = f.coordinator->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", "Formatrice malade"}});
  REQUIRE(r.status == 200);
  CHECK(r.json()["cancel_reason"] == "Formatrice malade");
  CHECK(r.json()["cancel_reason_code"] == "by_coordinator");
  CHECK(r.json()["cancel_reason_params"] == json({{"text", "Formatrice malade"}}));
  auto scheduled = f.Client()->Get("/api/v1/sessions/" + f.Session(f.Module("X"), 10)).json();
  CHECK(scheduled["cancel_reason"].is_null());
  CHECK(scheduled["cancel_reason_code"].is_null());
  CHECK(scheduled["cancel_reason_params"].is_null());
}
