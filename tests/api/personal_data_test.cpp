// People's rights over their data through the real server: the export (GDPR articles 15 and
// 20), rectification and the re-issue of an attestation (16), erasure (17) — after which no
// table holds the person's e-mail, names or organisation and the yearly report is unchanged —
// and the retention pass.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

constexpr const char* kEmail = "zoe.erasmus-quint@example.lu";
constexpr const char* kName = "Zoë Erasmus-Quint";
constexpr const char* kNewName = "Zoë Quint-Erasmus";
constexpr const char* kAgencyName = "Zoe Erasmus Quint";  // how the agency spelt it
constexpr const char* kOrganisation = "Lycée Quintessence Rare";
constexpr const char* kPassword = "a-long-password";

// A person with a history: signed up, enrolled by an agency in one module and by themself in
// the other (with an Idempotency-Key), a failed login, attendance, an attestation; then their
// name corrected and the attestation re-issued. Another person follows the same pathway.
struct History {
  explicit History(std::vector<std::string> server_args = {}) : f(false, std::move(server_args)) {
    REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
    ifen = f.Client();
    ifen->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
    auto p = f.coordinator->Post("/api/v1/pathways",
                                 {{"code", "GDPR"}, {"title", "Parcours RGPD"},
                                  {"modules", {{{"code", "G-A"}, {"title", "Module A"}, {"hours", 4}},
                                               {{"code", "G-B"}, {"title", "Module B"}, {"hours", 4}}}}});
    REQUIRE(p.status == 201);
    pathway = p.json()["id"];
    auto session = [&](const std::string& module, const std::string& day, const json& agency) {
      auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module},
                                                        {"starts_at", day + "T09:00:00+01:00"},
                                                        {"ends_at", day + "T13:00:00+01:00"},
                                                        {"capacity", 10},
                                                        {"min_registrants", 0},
                                                        {"agency", agency}});
      REQUIRE(r.status == 201);
      return r.json()["id"].get<std::string>();
    };
    session_a = session(p.json()["modules"][0]["id"], "2027-03-04", "IFEN");
    session_b = session(p.json()["modules"][1]["id"], "2027-03-11", nullptr);

    auto c = f.Client();
    auto created = c->Post("/api/v1/accounts", {{"email", kEmail}, {"password", kPassword}, {"name", kName},
                                                {"organisation", kOrganisation}, {"language", "de"}});
    REQUIRE(created.status == 201);
    zoe = created.json()["id"];
    CHECK(c->Post("/api/v1/auth/login", {{"email", kEmail}, {"password", "not her password"}}).status == 401);
    token = f.Login(kEmail, kPassword);
    zoe_client = f.Client();
    zoe_client->set_token(token);
    REQUIRE(ifen->Put("/api/v1/agencies/IFEN/enrolments/IFEN-77",
                      {{"session_id", session_a},
                       {"participant", {{"email", kEmail}, {"name", kAgencyName}, {"organisation", kOrganisation}}}})
                .status == 201);
    REQUIRE(zoe_client->Post("/api/v1/sessions/" + session_b + "/registrations", nullptr, {{"Idempotency-Key", "zoe-b"}})
                .status == 201);
    auto [other_id, other_token] = f.Participant("ben.other@example.lu", "Ben Other");
    other = other_id;
    auto other_client = f.Client();
    other_client->set_token(other_token);
    for (const auto& s : {session_a, session_b})
      REQUIRE(other_client->Post("/api/v1/sessions/" + s + "/registrations", nullptr).status == 201);
    // Both sessions have taken place (no sheet opens before its session starts); sign in again
    // after the clock's jump.
    f.SetClock("2027-03-11T14:00:00+01:00");
    f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
    token = f.Login(kEmail, kPassword);
    zoe_client->set_token(token);
    for (const auto& s : {session_a, session_b})
      REQUIRE(f.coordinator->Put("/api/v1/sessions/" + s + "/attendance",
                                 {{"records", {{{"participant_id", zoe}, {"status", "present"}},
                                               {{"participant_id", other}, {"status", "present"}}}}})
                  .status == 200);
    auto issued = f.coordinator->Post("/api/v1/attestations", {{"participant_id", zoe}, {"pathway_id", pathway}});
    REQUIRE(issued.status == 201);
    first_attestation = issued.json();
  }

  ApiFixture f;
  std::unique_ptr<HttpClient> ifen, zoe_client;
  std::string pathway, session_a, session_b, zoe, other, token;
  json first_attestation;
};

// Every text column of every table of the database, as "table.column".
std::vector<std::pair<std::string, std::string>> TextColumns(const TestDatabase& db) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : db.Rows("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" +
                                 db.name() +
                                 "' AND DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', "
                                 "'longtext', 'json', 'enum', 'set', 'binary', 'varbinary', 'blob', 'mediumblob', "
                                 "'longblob') ORDER BY TABLE_NAME, ORDINAL_POSITION"))
    out.emplace_back(row[0], row[1]);
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

// Where `needle` occurs (case- and accent-insensitively), as "table.column: n row(s)".
std::vector<std::string> FindEverywhere(const TestDatabase& db, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& [table, column] : TextColumns(db)) {
    const auto n = db.Count("SELECT COUNT(*) FROM `" + table + "` WHERE LOWER(CONVERT(`" + column +
                            "` USING utf8mb4)) LIKE CONCAT('%', LOWER(CONVERT(X'" + Hex(needle) +
                            "' USING utf8mb4)), '%')");
    if (n > 0) found.push_back(table + "." + column + ": " + std::to_string(n) + " row(s)");
  }
  return found;
}

}  // namespace

TEST_CASE("personal data: a person downloads everything held about them, a coordinator too", "[api][gdpr]") {
  History h;
  auto r = h.zoe_client->Get("/api/v1/me/data");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-disposition").find("parcours-data-" + h.zoe + ".json") != std::string::npos);
  auto d = r.json();
  CHECK(d["account"]["email"] == kEmail);
  CHECK(d["account"]["name"] == kName);
  CHECK(d["account"]["organisation"] == kOrganisation);
  CHECK(!d["account"]["last_login_at"].is_null());
  CHECK(!d["account"].contains("password_hash"));
  CHECK(d["sign_ins"].size() == 1);
  REQUIRE(d["registrations"].size() == 2);
  CHECK(d["registrations"][0]["channel"] == "IFEN");
  CHECK(d["registrations"][0]["session"]["module_title"] == "Module A");
  CHECK(d["registrations"][1]["channel"] == "DIRECT");
  CHECK(d["attendance"].size() == 2);
  CHECK(d["attendance"][0]["status"] == "present");
  REQUIRE(d["attestations"].size() == 1);
  CHECK(d["attestations"][0]["holder_name"] == kName);
  CHECK(d["notifications"].size() >= 2);  // registration confirmations
  for (const auto& n : d["notifications"]) CHECK(n["to_email"] == kEmail);
  REQUIRE(d["agency_enrolments"].size() == 1);
  CHECK(d["agency_enrolments"][0]["name"] == kAgencyName);
  std::set<std::string> actions;
  for (const auto& a : d["audit"]) actions.insert(a["action"]);
  for (const char* action : {"user.created", "registration.created", "attendance.marked", "attestation.issued"})
    CHECK(actions.count(action) == 1);
  // Nothing about the other person.
  CHECK(r.body.find("ben.other@example.lu") == std::string::npos);
  CHECK(r.body.find("Ben Other") == std::string::npos);

  // A request by letter: the coordinator produces the same document, and that is recorded.
  auto by_letter = h.f.coordinator->Get("/api/v1/users/" + h.zoe + "/data");
  REQUIRE(by_letter.status == 200);
  CHECK(by_letter.json()["registrations"] == d["registrations"]);
  auto exported = h.f.coordinator->Get("/api/v1/audit?person=" + h.zoe + "&action=user.data_exported").json();
  REQUIRE(exported["items"].size() == 1);
  CHECK(exported["items"][0]["actor"].get<std::string>().starts_with("user:"));
  // Nobody else reads it.
  auto ben = h.f.Client();
  ben->set_token(h.f.Login("ben.other@example.lu", kPassword));
  CHECK(ben->Get("/api/v1/users/" + h.zoe + "/data").status == 403);
  CHECK(h.ifen->Get("/api/v1/me/data").status == 404);
}

TEST_CASE("personal data: a person corrects their profile, and an issued attestation is re-issued by the coordinator",
          "[api][gdpr]") {
  History h;
  auto patched = h.zoe_client->Request("PATCH", "/api/v1/me",
                                       json{{"name", kNewName}, {"organisation", ""}, {"language", "en"}}.dump());
  REQUIRE(patched.status == 200);
  CHECK(patched.json()["name"] == kNewName);
  CHECK(patched.json()["organisation"] == "");
  CHECK(patched.json()["language"] == "en");
  CHECK(h.zoe_client->Get("/api/v1/me").json()["name"] == kNewName);
  // Bad input changes nothing.
  CHECK(h.zoe_client->Request("PATCH", "/api/v1/me", json{{"name", ""}}.dump()).status == 422);
  CHECK(h.zoe_client->Request("PATCH", "/api/v1/me", json{{"language", "lb"}}.dump()).status == 422);
  CHECK(h.zoe_client->Request("PATCH", "/api/v1/me", json{{"email", "x@y.lu"}}.dump()).status == 400);
  CHECK(h.zoe_client->Get("/api/v1/me").json()["language"] == "en");
  auto rectified = h.f.coordinator->Get("/api/v1/audit?person=" + h.zoe + "&action=user.rectified").json()["items"];
  REQUIRE(rectified.size() == 1);
  CHECK(rectified[0]["before"]["name"] == kName);
  CHECK(rectified[0]["after"]["name"] == kNewName);

  // The attestation keeps the name it was signed with...
  const std::string code = h.first_attestation["verification_code"];
  CHECK(h.f.Client()->Get("/api/v1/verify/" + code).json()["holder_name"] == kName);
  // ...until the coordinator re-issues it: the old one revoked, a new one with the new name.
  CHECK(h.zoe_client->Post("/api/v1/attestations/" + h.first_attestation["id"].get<std::string>() + "/reissue",
                           json::object())
            .status == 403);
  auto reissued = h.f.coordinator->Post(
      "/api/v1/attestations/" + h.first_attestation["id"].get<std::string>() + "/reissue", {{"reason", "name corrected"}});
  REQUIRE(reissued.status == 201);
  CHECK(reissued.header("location") == "/api/v1/attestations/" + reissued.json()["id"].get<std::string>());
  CHECK(reissued.json()["id"] != h.first_attestation["id"]);
  auto old = h.f.Client()->Get("/api/v1/verify/" + code).json();
  CHECK(old["revoked"] == true);
  CHECK(old["valid"] == false);
  auto fresh = h.f.Client()->Get("/api/v1/verify/" + reissued.json()["verification_code"].get<std::string>()).json();
  CHECK(fresh["valid"] == true);
  CHECK(fresh["holder_name"] == kNewName);
  // Audited; a revoked attestation is not re-issued again.
  auto rows = h.f.coordinator->Get("/api/v1/audit?person=" + h.zoe + "&action=attestation.reissued").json()["items"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["after"]["replaces"] == h.first_attestation["id"]);
  auto revoked = h.f.coordinator->Get("/api/v1/audit?person=" + h.zoe + "&action=attestation.revoked").json()["items"];
  REQUIRE(revoked.size() == 1);
  CHECK(revoked[0]["after"]["reason"] == "re-issued: name corrected");
  CHECK(h.f.coordinator->Post("/api/v1/attestations/" + h.first_attestation["id"].get<std::string>() + "/reissue",
                              json::object())
            .status == 409);
}

TEST_CASE("personal data: after an erasure no table holds the person's e-mail, names or organisation",
          "[api][gdpr]") {
  History h;
  REQUIRE(h.zoe_client->Request("PATCH", "/api/v1/me", json{{"name", kNewName}}.dump()).status == 200);
  REQUIRE(h.f.coordinator->Post("/api/v1/attestations/" + h.first_attestation["id"].get<std::string>() + "/reissue",
                                json::object())
              .status == 201);
  // Before: the data is there (the search finds what it must find).
  CHECK(!FindEverywhere(h.f.db, kEmail).empty());
  CHECK(!FindEverywhere(h.f.db, kName).empty());
  CHECK(!FindEverywhere(h.f.db, kAgencyName).empty());

  // Refused while the person holds confirmed places in sessions that have not ended.
  auto upcoming = h.f.Session(h.f.Module("LATER"), 5, "2027-06-03T09:00:00+02:00", "2027-06-03T13:00:00+02:00");
  REQUIRE(h.zoe_client->Post("/api/v1/sessions/" + upcoming + "/registrations", nullptr).status == 201);
  auto refused = h.f.coordinator->Post("/api/v1/users/" + h.zoe + "/erasure", json::object());
  CHECK(refused.status == 409);
  CHECK(h.zoe_client->Get("/api/v1/me").status == 200);
  // Only coordinators erase.
  CHECK(h.zoe_client->Post("/api/v1/users/" + h.zoe + "/erasure", json::object()).status == 403);

  h.f.SetClock("2028-01-15T10:00:00+01:00");
  // Sign-ins of a year ago have expired: sign in again (fresh tokens, that the erasure revokes).
  h.f.coordinator->set_token(h.f.Login(kCoordinatorEmail, kCoordinatorPassword));
  h.zoe_client->set_token(h.f.Login(kEmail, kPassword));
  REQUIRE(h.zoe_client->Get("/api/v1/me").status == 200);
  auto erased = h.f.coordinator->Post("/api/v1/users/" + h.zoe + "/erasure", nullptr);
  REQUIRE(erased.status == 200);
  auto e = erased.json();
  CHECK(e["erased"] == true);
  CHECK(e["row_deleted"] == false);  // registrations and attendance still refer to the row
  CHECK(e["attestations_revoked"] == 1);
  CHECK(e["audit_rows_scrubbed"].get<int>() > 0);

  for (const std::string& needle : {std::string(kEmail), std::string(kName), std::string(kNewName),
                                   std::string(kAgencyName), std::string(kOrganisation)}) {
    INFO("searching every table for " << needle);
    CHECK(FindEverywhere(h.f.db, needle) == std::vector<std::string>{});
  }
  // The other person is untouched.
  CHECK(!FindEverywhere(h.f.db, "Ben Other").empty());
  CHECK(!FindEverywhere(h.f.db, "ben.other@example.lu").empty());

  // Tokens (web sessions and calendar feeds use them) stop working; the login too.
  CHECK(h.zoe_client->Get("/api/v1/me").status == 401);
  CHECK(h.zoe_client->Get("/api/v1/me/calendar.ics").status == 401);
  CHECK(h.f.Client()->Post("/api/v1/auth/login", {{"email", kEmail}, {"password", kPassword}}).status == 401);
  CHECK(h.f.coordinator->Get("/api/v1/users/" + h.zoe).status == 404);
  CHECK(h.f.coordinator->Get("/api/v1/users/" + h.zoe + "/data").status == 404);
  // Attestations: revoked as "erased", their files deleted, still answering verification.
  auto first = h.f.Client()->Get("/api/v1/verify/" + h.first_attestation["verification_code"].get<std::string>());
  REQUIRE(first.status == 200);
  CHECK(first.json()["revoked"] == true);
  CHECK(first.json()["holder_name"] == "");
  CHECK(h.f.coordinator->Get("/api/v1/attestations/" + h.first_attestation["id"].get<std::string>() + "/pdf").status ==
        404);
  // The erasure is audited without the erased data (the table search above covers its row).
  auto row = h.f.coordinator->Get("/api/v1/audit?person=" + h.zoe + "&action=user.erased").json()["items"];
  REQUIRE(row.size() == 1);
  CHECK(row[0]["after"]["attestations_revoked"] == 1);
  // Once only.
  CHECK(h.f.coordinator->Post("/api/v1/users/" + h.zoe + "/erasure", nullptr).status == 409);
  // Nobody can register the erased person again.
  auto again = h.f.coordinator->Post("/api/v1/sessions/" + h.session_b + "/registrations", {{"participant_id", h.zoe}});
  REQUIRE(again.status == 422);
  CHECK(again.json()["errors"][0]["field"] == "participant_id");
}

TEST_CASE("personal data: an erasure leaves the yearly report's cells as they were", "[api][gdpr]") {
  History h;
  const std::string json_path = "/api/v1/reports/participation?year=2027";
  const std::string csv_path = "/api/v1/reports/participation?year=2027&format=csv";
  auto before_json = h.f.coordinator->Get(json_path);
  auto before_csv = h.f.coordinator->Get(csv_path);
  auto before_sessions = h.f.coordinator->Get("/api/v1/reports/sessions?year=2027");
  REQUIRE(before_json.status == 200);
  CHECK(before_json.json()["totals"]["total"] == 4);  // two people, two modules
  h.f.SetClock("2028-01-15T10:00:00+01:00");
  h.f.coordinator->set_token(h.f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(h.f.coordinator->Post("/api/v1/users/" + h.zoe + "/erasure", nullptr).status == 200);
  CHECK(h.f.coordinator->Get(json_path).json() == before_json.json());
  CHECK(h.f.coordinator->Get(csv_path).body == before_csv.body);
  auto after_sessions = h.f.coordinator->Get("/api/v1/reports/sessions?year=2027").json();
  CHECK(after_sessions["registered"] == before_sessions.json()["registered"]);
  CHECK(after_sessions["attended"] == before_sessions.json()["attended"]);
}

TEST_CASE("personal data: erasing someone on a waiting list withdraws the place, and a person with no record goes entirely",
          "[api][gdpr]") {
  ApiFixture f;
  auto session = f.Session(f.Module("WAIT"), 1);
  auto [first, first_token] = f.Participant("first@example.lu", "First Person");
  auto [waiting, waiting_token] = f.Participant("waiting@example.lu", "Waiting Person");
  auto [behind, behind_token] = f.Participant("behind@example.lu", "Behind Person");
  for (const auto& token : {first_token, waiting_token, behind_token}) {
    auto c = f.Client();
    c->set_token(token);
    REQUIRE(c->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  }
  CHECK(f.coordinator->Post("/api/v1/users/" + first + "/erasure", nullptr).status == 409);  // confirmed, upcoming
  auto r = f.coordinator->Post("/api/v1/users/" + waiting + "/erasure", nullptr);
  REQUIRE(r.status == 200);
  CHECK(r.json()["waitlisted_withdrawn"] == 1);
  auto items = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations").json()["items"];
  REQUIRE(items.size() == 3);
  CHECK(items[1]["status"] == "withdrawn");
  CHECK(items[2]["status"] == "waitlisted");
  CHECK(items[2]["waitlist_position"] == 1);  // moved up, no gap
  CHECK(f.coordinator->Get("/api/v1/sessions/" + session).json()["waitlist_count"] == 1);

  // Someone who never registered: the row itself is deleted, with everything hanging on it.
  auto [idle, idle_token] = f.Participant("idle@example.lu", "Idle Person");
  auto gone = f.coordinator->Post("/api/v1/users/" + idle + "/erasure", nullptr);
  REQUIRE(gone.status == 200);
  CHECK(gone.json()["row_deleted"] == true);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE id = " + idle) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM auth_tokens WHERE user_id = " + idle) == 0);
  // A coordinator is not erased, nor is anyone by a non-coordinator.
  auto me = f.coordinator->Get("/api/v1/me").json()["id"].get<std::string>();
  CHECK(f.coordinator->Post("/api/v1/users/" + me + "/erasure", nullptr).status == 422);
  CHECK(f.coordinator->Post("/api/v1/users/999999/erasure", nullptr).status == 404);
  CHECK(f.coordinator->Post("/api/v1/users/" + behind + "/erasure", {{"reason", "x"}}).status == 400);
}

TEST_CASE("personal data: the retention pass erases people with no activity, when configured", "[api][gdpr]") {
  ApiFixture f(false, {"--retention-days", "365"});
  auto [idle, idle_token] = f.Participant("idle@example.lu", "Idle Person");
  auto [active, active_token] = f.Participant("active@example.lu", "Active Person");
  auto session = f.Session(f.Module("LATE"), 10, "2028-11-02T09:00:00+01:00", "2028-11-02T13:00:00+01:00");
  auto c = f.Client();
  c->set_token(active_token);
  REQUIRE(c->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  // Two years on: the idle person has done nothing for more than 365 days; the active one has
  // a session that ended less than 365 days ago. The clock change runs a scheduler pass.
  f.SetClock("2029-01-10T10:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'idle@example.lu'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'active@example.lu'") == 1);
  auto rows = f.coordinator->Get("/api/v1/audit?action=user.erased").json()["items"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["actor"] == "system");
  CHECK(rows[0]["person_id"] == idle);
}

TEST_CASE("personal data: without a retention period nobody is erased for inactivity", "[api][gdpr]") {
  ApiFixture f;
  auto [idle, idle_token] = f.Participant("idle@example.lu", "Idle Person");
  f.SetClock("2036-01-10T10:00:00+01:00");
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'idle@example.lu'") == 1);
}

TEST_CASE("audit trail: coordinators list it by person, session, action and time, page by page, and as CSV",
          "[api][audit]") {
  History h;
  auto& c = *h.f.coordinator;
  auto all = c.Get("/api/v1/audit?limit=500").json()["items"];
  REQUIRE(all.size() > 10);
  for (std::size_t i = 1; i < all.size(); ++i)  // newest first
    CHECK(std::stoll(all[i - 1]["id"].get<std::string>()) > std::stoll(all[i]["id"].get<std::string>()));

  auto by_person = c.Get("/api/v1/audit?person=" + h.zoe + "&limit=500").json()["items"];
  REQUIRE(!by_person.empty());
  for (const auto& row : by_person) CHECK((row["person_id"] == h.zoe || row["actor"] == "user:" + h.zoe));
  auto by_session = c.Get("/api/v1/audit?session=" + h.session_a + "&limit=500").json()["items"];
  std::set<std::string> session_actions;
  for (const auto& row : by_session) {
    CHECK(row["session_id"] == h.session_a);
    session_actions.insert(row["action"]);
  }
  CHECK(session_actions.count("session.created") == 1);
  CHECK(session_actions.count("registration.created") == 1);
  CHECK(session_actions.count("attendance.marked") == 1);
  auto both = c.Get("/api/v1/audit?person=" + h.zoe + "&session=" + h.session_b + "&action=registration.created").json();
  REQUIRE(both["items"].size() == 1);
  CHECK(both["items"][0]["actor"] == "user:" + h.zoe);
  CHECK(both["items"][0]["after"]["status"] == "confirmed");

  // Time bounds: dates are Luxembourg days, `to` included.
  CHECK(c.Get("/api/v1/audit?from=2000-01-01&to=2000-12-31").json()["items"].empty());
  CHECK(c.Get("/api/v1/audit?from=2000-01-01T00:00:00Z&limit=500").json()["items"].size() == all.size());
  h.f.SetClock("2030-06-01T10:00:00+02:00");
  h.zoe_client->set_token(h.f.Login(kEmail, kPassword));
  h.f.coordinator->set_token(h.f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(h.zoe_client->Request("PATCH", "/api/v1/me", json{{"language", "fr"}}.dump()).status == 200);
  auto june = c.Get("/api/v1/audit?person=" + h.zoe + "&from=2030-06-01&to=2030-06-01").json()["items"];
  REQUIRE(june.size() == 1);
  CHECK(june[0]["action"] == "user.rectified");

  // Pages: limit and cursor walk the same rows.
  std::vector<std::string> walked;
  std::string path = "/api/v1/audit?person=" + h.zoe + "&limit=3";
  for (int guard = 0; guard < 100; ++guard) {
    auto page = c.Get(path).json();
    for (const auto& row : page["items"]) walked.push_back(row["id"]);
    if (page["next_cursor"].is_null()) break;
    path = "/api/v1/audit?person=" + h.zoe + "&limit=3&cursor=" + page["next_cursor"].get<std::string>();
  }
  CHECK(walked.size() == by_person.size() + 1);  // and the rectification since
  CHECK(std::set<std::string>(walked.begin(), walked.end()).size() == walked.size());

  // CSV: the same rows, for a spreadsheet.
  auto csv = c.Get("/api/v1/audit.csv?person=" + h.zoe);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").starts_with("text/csv"));
  CHECK(csv.body.starts_with("\xEF\xBB\xBFid;at;actor;action;entity_type;entity_id;person_id;session_id;request_id;before;after\r\n"));
  CHECK(static_cast<std::size_t>(std::count(csv.body.begin(), csv.body.end(), '\n')) >= walked.size() + 1);

  // Bad filters are 400s; others than coordinators get 403.
  CHECK(c.Get("/api/v1/audit?person=abc").status == 400);
  CHECK(c.Get("/api/v1/audit?from=yesterday").status == 400);
  CHECK(c.Get("/api/v1/audit?cursor=zzz").status == 400);
  CHECK(c.Get("/api/v1/audit?who=me").status == 400);
  CHECK(h.zoe_client->Get("/api/v1/audit").status == 403);
  CHECK(h.zoe_client->Get("/api/v1/audit.csv?person=abc").status == 403);
  CHECK(h.ifen->Get("/api/v1/audit").status == 403);
}
