// An agency writes only in its own domain: its own sessions, people it enrols, and what it
// sent itself. It learns nothing about an existing account (the account's own name and
// organisation never reach its answers, feed or CSV exports), and staff accounts are never
// enrolled by an agency push (review issue 8, item 2).
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"
#include "services/csv.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

struct Keys {
  std::unique_ptr<HttpClient> ifen, fedas;
};

Keys MakeScopedAgencies(ApiFixture& f) {
  Keys k;
  for (const char* code : {"IFEN", "FEDAS"})
    REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", code}, {"name", std::string(code) + " agency"}}).status == 201);
  k.ifen = f.Client();
  k.ifen->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
  k.fedas = f.Client();
  k.fedas->set_token(f.coordinator->Post("/api/v1/agencies/FEDAS/keys", nullptr).json()["key"]);
  return k;
}

std::string ScopedSession(ApiFixture& f, const std::string& module, const std::string& agency,
                          const std::string& starts = "2027-03-04T09:00:00+01:00",
                          const std::string& ends = "2027-03-04T13:00:00+01:00") {
  json body = {{"module_id", module}, {"starts_at", starts}, {"ends_at", ends}, {"capacity", 10}, {"min_registrants", 0}};
  if (!agency.empty()) body["agency"] = agency;
  auto r = f.coordinator->Post("/api/v1/sessions", body);
  REQUIRE(r.status == 201);
  return r.json()["id"];
}

json ScopedEnrolment(const std::string& session, const std::string& email, const std::string& name,
               const std::string& organisation = "") {
  json p = {{"email", email}, {"name", name}};
  if (!organisation.empty()) p["organisation"] = organisation;
  return {{"session_id", session}, {"participant", p}};
}

}  // namespace

TEST_CASE("agency scope: a key pushes only into its own agency's sessions (403 otherwise)", "[api][agency][scope]") {
  ApiFixture f;
  auto k = MakeScopedAgencies(f);
  const auto module = f.Module("M");
  const auto ifen = ScopedSession(f, module, "IFEN");
  const auto fedas = ScopedSession(f, f.Module("M2"), "FEDAS");
  const auto open = ScopedSession(f, f.Module("M3"), "");
  auto to_fedas = k.ifen->Put("/api/v1/agencies/IFEN/enrolments/X1", ScopedEnrolment(fedas, "x1@ex.lu", "X One"));
  CHECK(to_fedas.status == 403);
  CHECK(to_fedas.header("content-type") == "application/problem+json");
  CHECK(k.ifen->Put("/api/v1/agencies/IFEN/enrolments/X2", ScopedEnrolment(open, "x2@ex.lu", "X Two")).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email IN ('x1@ex.lu', 'x2@ex.lu')") == 0);
  CHECK(k.ifen->Put("/api/v1/agencies/IFEN/enrolments/X3", ScopedEnrolment(ifen, "x3@ex.lu", "X Three")).status == 201);

  // A transfer of its own enrolment stays within its own sessions too.
  const auto other_date_fedas = ScopedSession(f, module, "FEDAS", "2027-05-04T09:00:00+02:00", "2027-05-04T13:00:00+02:00");
  CHECK(k.ifen->Put("/api/v1/agencies/IFEN/enrolments/X3", ScopedEnrolment(other_date_fedas, "x3@ex.lu", "X Three")).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'") == 1);

  // The CSV import refuses a file with a row for another agency's session, applying nothing.
  const std::string csv = "external_id;session_id;email;name\r\n"
                          "C1;" + ifen + ";c1@ex.lu;C One\r\n"
                          "C2;" + fedas + ";c2@ex.lu;C Two\r\n";
  auto imported = k.ifen->Request("POST", "/api/v1/agencies/IFEN/enrolments.csv", csv, {{"Content-Type", "text/csv"}});
  CHECK(imported.status == 403);
  CHECK(imported.body.find("rows[3].session_id") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
}

TEST_CASE("agency scope: an existing account is enrolled without its profile reaching the agency", "[api][agency][scope]") {
  ApiFixture f;
  auto k = MakeScopedAgencies(f);
  const auto session = ScopedSession(f, f.Module("M"), "IFEN");
  auto account = f.Client()->Post("/api/v1/accounts", {{"email", "claire@ex.lu"}, {"password", "a-long-password"},
                                                       {"name", "Claire Real-Name"}, {"organisation", "Secret Employer"}});
  REQUIRE(account.status == 201);
  auto pushed = k.ifen->Put("/api/v1/agencies/IFEN/enrolments/E1",
                            ScopedEnrolment(session, "Claire@Ex.lu", "C. Pushed", "Lycée Pushed"));
  REQUIRE(pushed.status == 201);
  CHECK(pushed.body.find("Real-Name") == std::string::npos);
  CHECK(pushed.body.find("Secret Employer") == std::string::npos);
  // The account keeps its own profile.
  CHECK(f.db.Scalar("SELECT name FROM users WHERE email = 'claire@ex.lu'") == "Claire Real-Name");
  CHECK(f.db.Scalar("SELECT organisation FROM users WHERE email = 'claire@ex.lu'") == "Secret Employer");

  auto feed = k.ifen->Get("/api/v1/agencies/IFEN/changes");
  REQUIRE(feed.status == 200);
  CHECK(feed.body.find("Real-Name") == std::string::npos);
  auto exported = k.ifen->Get("/api/v1/agencies/IFEN/enrolments.csv?year=2027");
  REQUIRE(exported.status == 200);
  CHECK(exported.body.find("Real-Name") == std::string::npos);
  CHECK(exported.body.find("Secret Employer") == std::string::npos);
  auto rows = parcours::ParseCsv(exported.body);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1][0] == "E1");
  CHECK((*rows)[1][5] == "claire@ex.lu");
  CHECK((*rows)[1][6] == "C. Pushed");
  CHECK((*rows)[1][7] == "Lycée Pushed");

  // A registration the agency did not send (the coordinator's, on the agency's channel) shows
  // no personal data in the agency's export.
  auto [pid, ptoken] = f.Participant("dana@ex.lu", "Dana Private");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", pid}, {"channel", "IFEN"}}).status == 201);
  auto again = k.ifen->Get("/api/v1/agencies/IFEN/enrolments.csv?year=2027");
  CHECK(again.body.find("Dana Private") == std::string::npos);
  CHECK(again.body.find("dana@ex.lu") == std::string::npos);
  // The centre's own list shows the account's profile.
  auto centre = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations.csv");
  CHECK(centre.body.find("Claire Real-Name") != std::string::npos);
}

TEST_CASE("agency scope: staff accounts are not enrolled by a push, and the answer tells nothing", "[api][agency][scope]") {
  ApiFixture f;
  auto k = MakeScopedAgencies(f);
  const auto module = f.Module("M");
  const auto session = ScopedSession(f, module, "IFEN");
  const auto other_date = ScopedSession(f, module, "IFEN", "2027-05-04T09:00:00+02:00", "2027-05-04T13:00:00+02:00");
  f.Staff("trainer@ex.lu", "trainer");
  const std::string coordinator_name = f.db.Scalar("SELECT name FROM users WHERE email = '" + std::string(kCoordinatorEmail) + "'");

  auto coordinator = k.ifen->Put("/api/v1/agencies/IFEN/enrolments/S1", ScopedEnrolment(session, kCoordinatorEmail, "Boss", "Agency Org"));
  auto trainer = k.ifen->Put("/api/v1/agencies/IFEN/enrolments/S2", ScopedEnrolment(session, "Trainer@ex.lu", "Trainer", ""));
  CHECK(coordinator.status == 409);
  CHECK(trainer.status == 409);
  // The same answer as for a participant who already holds a place in this module.
  REQUIRE(k.ifen->Put("/api/v1/agencies/IFEN/enrolments/P1", ScopedEnrolment(session, "p@ex.lu", "P")).status == 201);
  auto busy = k.ifen->Put("/api/v1/agencies/IFEN/enrolments/P2", ScopedEnrolment(other_date, "p@ex.lu", "P"));
  CHECK(busy.status == 409);
  CHECK(coordinator.json()["type"] == busy.json()["type"]);
  CHECK(coordinator.json()["detail"] == busy.json()["detail"]);
  CHECK(trainer.json()["detail"] == busy.json()["detail"]);
  // Nothing stored for the staff accounts, their data untouched, nobody told.
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations r JOIN users u ON u.id = r.participant_id WHERE u.roles <> 1") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_enrolments WHERE external_id IN ('S1', 'S2')") == 0);
  CHECK(f.db.Scalar("SELECT name FROM users WHERE email = '" + std::string(kCoordinatorEmail) + "'") == coordinator_name);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.roles <> 1") == 0);
  CHECK(k.ifen->Get("/api/v1/agencies/IFEN/enrolments.csv?year=2027").body.find(coordinator_name) == std::string::npos);
}
