// Names and other text fields refuse control, bidi-override and zero-width characters at
// input (422 naming the field); CSV exports neutralise anything a spreadsheet could read as a
// formula (review issue 8, item 3).
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "services/csv.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

// The bypasses of the review: U+0000, VT, FF, US, C1 NEL, U+2028, RLO, ZWSP, BOM.
const std::vector<std::pair<std::string, std::string>> kForbidden = {
    {"NUL", std::string("\0=HYPERLINK(\"http://evil.example\")", 33)},
    {"VT", "\v=1+1"},
    {"FF", "\f=1+1"},
    {"US", "\x1f=1+1"},
    {"TAB", "\t=1+1"},
    {"LF", "Anne\nLefèvre"},
    {"NEL", "Anne\xC2\x85Lefèvre"},
    {"LINE SEPARATOR", "Anne\xE2\x80\xA8Lefèvre"},
    {"RLO", "\xE2\x80\xAE" "exe.txt"},
    {"ZWSP", "\xE2\x80\x8B=1+1"},
    {"BOM", "\xEF\xBB\xBF=1+1"},
};

}  // namespace

TEST_CASE("text input: control, bidi and zero-width characters are refused, naming the field", "[api][text]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto agency = f.Client();
  agency->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
  auto module = f.Module("M");
  auto session = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                          {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5},
                                                          {"agency", "IFEN"}}).json()["id"].get<std::string>();
  const auto users = f.db.Count("SELECT COUNT(*) FROM users");
  int n = 0;
  for (const auto& [what, text] : kForbidden) {
    INFO(what);
    const std::string k = std::to_string(++n);
    auto account = f.Client()->Post("/api/v1/accounts", {{"email", "a" + k + "@ex.lu"}, {"password", "a-long-password"}, {"name", text}});
    CHECK(account.status == 422);
    CHECK(FirstField(account) == "name");
    auto org = f.Client()->Post("/api/v1/accounts", {{"email", "b" + k + "@ex.lu"}, {"password", "a-long-password"},
                                                     {"name", "Anne"}, {"organisation", text}});
    CHECK(org.status == 422);
    CHECK(FirstField(org) == "organisation");
    auto pushed = agency->Put("/api/v1/agencies/IFEN/enrolments/E" + k,
                              {{"session_id", session}, {"participant", {{"email", "c" + k + "@ex.lu"}, {"name", text}}}});
    CHECK(pushed.status == 422);
    CHECK(FirstField(pushed) == "participant.name");
    auto title = f.coordinator->Post("/api/v1/modules", {{"code", "T" + k}, {"title", text}, {"hours", 4}});
    CHECK(title.status == 422);
    CHECK(FirstField(title) == "title");
    auto location = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                             {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5},
                                                             {"location", "Salle " + text}});
    CHECK(location.status == 422);
    CHECK(FirstField(location) == "location");
  }
  // The CSV import checks its cells the same way.
  const std::string csv = std::string("external_id;session_id;email;name\r\nX1;") + session + ";x@ex.lu;\xE2\x80\x8B=cmd|' /C calc'!A0\r\n";
  auto imported = agency->Request("POST", "/api/v1/agencies/IFEN/enrolments.csv", csv, {{"Content-Type", "text/csv"}});
  CHECK(imported.status == 422);
  CHECK(imported.body.find("rows[2].participant.name") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users);
  CHECK(f.db.Count("SELECT COUNT(*) FROM modules") == 1);
  // Letters of every script, typographic spaces and apostrophes stay welcome.
  auto fine = f.Client()->Post("/api/v1/accounts", {{"email", "ok@ex.lu"}, {"password", "a-long-password"},
                                                    {"name", "Zoë O’Brien-Łukasiewicz 李小龍 Ζωή"},
                                                    {"organisation", "Lycée « Aline Mayrisch »"}});
  CHECK(fine.status == 201);
}

TEST_CASE("text input: an export written from older, unchecked data still defuses formulas", "[api][text][csv]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 5);
  auto [pid, token] = f.Participant("p@ex.lu", "Plain Name");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", pid}}).status == 201);
  // A name stored before input was checked.
  f.db.Execute("UPDATE users SET name = CONCAT(CHAR(0), '=HYPERLINK(\"http://evil.example\")') WHERE id = " + pid);
  auto csv = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations.csv");
  REQUIRE(csv.status == 200);
  auto rows = parcours::ParseCsv(csv.body);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1][2].rfind("'", 0) == 0);
}
