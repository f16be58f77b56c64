// Agency sync through the real server: enrolment push (idempotent, transfers, withdrawal),
// people recognised by e-mail, the change feed, CSV import and export.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api_fixture.h"
#include "services/csv.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

struct Agencies {
  std::unique_ptr<HttpClient> ifen, fedas;
  std::string ifen_key, fedas_key;
};

Agencies MakeAgencies(ApiFixture& f) {
  Agencies a;
  for (const char* code : {"IFEN", "FEDAS"})
    REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", code}, {"name", std::string(code) + " agency"}}).status == 201);
  a.ifen_key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"];
  a.fedas_key = f.coordinator->Post("/api/v1/agencies/FEDAS/keys", nullptr).json()["key"];
  a.ifen = f.Client();
  a.ifen->set_token(a.ifen_key);
  a.fedas = f.Client();
  a.fedas->set_token(a.fedas_key);
  return a;
}

// A session offered through `agency`: an agency pushes only into its own sessions.
std::string AgencySession(ApiFixture& f, const std::string& module, const std::string& agency, int capacity,
                          const std::string& starts = "2027-03-04T09:00:00+01:00",
                          const std::string& ends = "2027-03-04T13:00:00+01:00") {
  auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", starts}, {"ends_at", ends},
                                                    {"capacity", capacity}, {"min_registrants", 0}, {"agency", agency}});
  REQUIRE(r.status == 201);
  return r.json()["id"];
}

json Enrolment(const std::string& session, const std::string& email, const std::string& name = "Marie Schmit") {
  return {{"session_id", session}, {"participant", {{"email", email}, {"name", name}, {"organisation", "Lycée"}}}};
}

std::vector<json> ReadFeed(HttpClient& c, const std::string& code, int limit, std::string& cursor) {
  std::vector<json> items;
  for (;;) {
    std::string path = "/api/v1/agencies/" + code + "/changes?limit=" + std::to_string(limit);
    if (!cursor.empty()) path += "&since=" + cursor;
    auto page = c.Get(path).json();
    for (auto& item : page["items"]) items.push_back(item);
    cursor = page["next_cursor"];
    if (page["items"].empty()) return items;
  }
}

}  // namespace

TEST_CASE("agency sync: push creates the person, repeats change nothing, claim the account", "[api][agency]") {
  ApiFixture f;
  auto a = MakeAgencies(f);
  auto module = f.Module("M");
  auto session = AgencySession(f, module, "IFEN", 10);
  const std::string path = "/api/v1/agencies/IFEN/enrolments/IFEN-2027-0042";
  auto first = a.ifen->Put(path, Enrolment(session, "Marie.Schmit@Ecole.lu"));
  REQUIRE(first.status == 201);
  CHECK(first.json()["channel"] == "IFEN");
  CHECK(first.json()["external_id"] == "IFEN-2027-0042");
  CHECK(first.json()["status"] == "confirmed");
  auto again = a.ifen->Put(path, Enrolment(session, "marie.schmit@ecole.lu"));
  CHECK(again.status == 200);
  CHECK(again.json() == first.json());
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'marie.schmit@ecole.lu' AND password_hash = ''") == 1);

  // The person claims the account through the link in the outbox.
  std::string body = f.db.Scalar("SELECT body_text FROM notifications WHERE kind = 'account_claim'");
  auto at = body.find("token=");
  REQUIRE(at != std::string::npos);
  std::string token = body.substr(at + 6, body.find_first_of("\n ", at) - at - 6);
  auto c = f.Client();
  CHECK(c->Post("/api/v1/auth/password", {{"token", token}, {"password", "short"}}).status == 422);
  // The password rules know the person the token belongs to.
  auto own_name = c->Post("/api/v1/auth/password", {{"token", token}, {"password", "marie.schmit-2027"}});
  CHECK(own_name.status == 422);
  CHECK(own_name.body.find("must not contain your e-mail address or your name") != std::string::npos);
  CHECK(c->Post("/api/v1/auth/password", {{"token", token}, {"password", "my own password"}}).status == 204);
  CHECK(c->Post("/api/v1/auth/password", {{"token", token}, {"password", "my own password"}}).status == 422);
  c->set_token(f.Login("marie.schmit@ecole.lu", "my own password"));
  auto mine = c->Get("/api/v1/me/registrations").json()["items"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["channel"] == "IFEN");

  // The same person through the other agency is recognised by e-mail.
  auto other = AgencySession(f, f.Module("OTHER"), "FEDAS", 10, "2027-05-04T09:00:00+02:00", "2027-05-04T13:00:00+02:00");
  auto via_fedas = a.fedas->Put("/api/v1/agencies/FEDAS/enrolments/F-1", Enrolment(other, "MARIE.schmit@ecole.lu"));
  REQUIRE(via_fedas.status == 201);
  CHECK(via_fedas.json()["participant_id"] == first.json()["participant_id"]);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'marie.schmit@ecole.lu'") == 1);
}

TEST_CASE("agency sync: keys reach only their own agency, bad input is 4xx", "[api][agency]") {
  ApiFixture f;
  auto a = MakeAgencies(f);
  auto session = AgencySession(f, f.Module("M"), "IFEN", 10);
  CHECK(a.ifen->Put("/api/v1/agencies/FEDAS/enrolments/X", Enrolment(session, "a@ex.lu")).status == 403);
  CHECK(a.ifen->Get("/api/v1/agencies/FEDAS/changes").status == 403);
  CHECK(a.ifen->Delete("/api/v1/agencies/FEDAS/enrolments/X").status == 403);
  CHECK(a.ifen->Request("POST", "/api/v1/agencies/FEDAS/enrolments.csv", "external_id;session_id;email;name\n").status == 403);
  auto [pid, ptoken] = f.Participant("p@ex.lu");
  auto participant = f.Client();
  participant->set_token(ptoken);
  CHECK(participant->Put("/api/v1/agencies/IFEN/enrolments/X", Enrolment(session, "a@ex.lu")).status == 403);
  CHECK(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/X", {{"session_id", session}}).status == 422);
  CHECK(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/X", Enrolment(session, "not-an-email")).status == 422);
  CHECK(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/X", Enrolment("999999", "a@ex.lu")).status == 422);
  CHECK(a.ifen->Request("PUT", "/api/v1/agencies/IFEN/enrolments/X", "{oops").status == 400);
  CHECK(a.ifen->Delete("/api/v1/agencies/IFEN/enrolments/unknown").status == 404);
  CHECK(a.ifen->Get("/api/v1/agencies/IFEN/changes?since=garbage!").status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == 2);
}

TEST_CASE("agency sync: a transfer within the module, a withdrawal, and the feed tells both", "[api][agency]") {
  ApiFixture f;
  auto a = MakeAgencies(f);
  auto module = f.Module("M");
  auto s1 = AgencySession(f, module, "IFEN", 1);
  auto s2 = AgencySession(f, module, "IFEN", 10, "2027-05-04T09:00:00+02:00", "2027-05-04T13:00:00+02:00");
  auto elsewhere = AgencySession(f, f.Module("OTHER"), "IFEN", 10);
  REQUIRE(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/A", Enrolment(s1, "a@ex.lu")).json()["status"] == "confirmed");
  REQUIRE(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/B", Enrolment(s1, "b@ex.lu")).json()["status"] == "waitlisted");
  CHECK(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/A", Enrolment(elsewhere, "a@ex.lu")).status == 422);
  auto moved = a.ifen->Put("/api/v1/agencies/IFEN/enrolments/A", Enrolment(s2, "a@ex.lu"));
  REQUIRE(moved.status == 201);
  CHECK(moved.json()["session_id"] == s2);
  // A's place in s1 went to B, the first waiting.
  auto regs = f.coordinator->Get("/api/v1/sessions/" + s1 + "/registrations").json()["items"];
  CHECK(regs[0]["status"] == "withdrawn");
  CHECK(regs[1]["status"] == "confirmed");
  auto gone = a.ifen->Delete("/api/v1/agencies/IFEN/enrolments/B");
  REQUIRE(gone.status == 200);
  CHECK(gone.json()["status"] == "withdrawn");
  CHECK(a.ifen->Delete("/api/v1/agencies/IFEN/enrolments/B").json()["status"] == "withdrawn");
  std::string cursor;
  auto feed = ReadFeed(*a.ifen, "IFEN", 50, cursor);
  std::vector<std::string> seen;
  for (auto& item : feed) seen.push_back(item["external_id"].get<std::string>() + ":" + item["kind"].get<std::string>() + ":" + item["status"].get<std::string>());
  CHECK(seen == std::vector<std::string>{"A:enrolment:confirmed", "B:enrolment:waitlisted", "A:enrolment:withdrawn",
                                         "B:promoted:confirmed", "A:enrolment:confirmed", "B:enrolment:withdrawn"});
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'enrolment.transferred'") == 1);
  // Nothing new: the cursor stays and the page is empty.
  CHECK(a.ifen->Get("/api/v1/agencies/IFEN/changes?since=" + cursor).json()["items"].empty());
  // Cancelling the agency's session is in its feed too.
  auto agency_session = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-06-01T09:00:00+02:00"},
                                                                 {"ends_at", "2027-06-01T13:00:00+02:00"}, {"capacity", 5}, {"agency", "IFEN"}});
  std::string sid = agency_session.json()["id"];
  REQUIRE(a.ifen->Put("/api/v1/agencies/IFEN/enrolments/C", Enrolment(sid, "c@ex.lu")).status == 201);
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + sid + "/cancel", {{"reason", "Salle indisponible"}}).status == 200);
  auto tail = ReadFeed(*a.ifen, "IFEN", 50, cursor);
  REQUIRE(tail.size() == 3);
  CHECK(tail[1]["status"] == "cancelled");
  CHECK(tail[2]["kind"] == "session_cancelled");
  CHECK(tail[2]["external_id"].is_null());
  CHECK(ReadFeed(*a.fedas, "FEDAS", 50, cursor = "").empty());
}

TEST_CASE("agency sync: two agencies push concurrently, capacity holds, feeds are complete and ordered", "[api][agency][concurrency]") {
  ApiFixture f;
  ServerProcess second(f.db.Url());
  auto a = MakeAgencies(f);
  // Each agency's two sessions: two modules, so that nobody holds two places in one module.
  std::map<std::string, std::vector<std::string>> sessions;
  for (const char* code : {"IFEN", "FEDAS"})
    for (int m = 0; m < 2; ++m)
      sessions[code].push_back(AgencySession(f, f.Module(std::string("RUSH-") + code + std::to_string(m)), code, 10));
  constexpr int kPerAgency = 60;
  std::atomic<bool> writing{true};
  // Readers poll the IFEN feed with different page sizes while enrolments keep arriving.
  std::vector<std::vector<json>> read(3);
  std::vector<std::thread> readers;
  const int limits[] = {1, 7, 500};
  for (int i = 0; i < 3; ++i)
    readers.emplace_back([&, i] {
      HttpClient c(i % 2 ? second.BaseUrl() : f.server->BaseUrl());
      c.set_token(a.ifen_key);
      std::string cursor;
      while (writing) {
        auto got = ReadFeed(c, "IFEN", limits[i], cursor);
        read[i].insert(read[i].end(), got.begin(), got.end());
      }
      auto rest = ReadFeed(c, "IFEN", limits[i], cursor);
      read[i].insert(read[i].end(), rest.begin(), rest.end());
    });
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t)
    writers.emplace_back([&, t] {
      const bool ifen = t % 2 == 0;
      HttpClient c(t % 4 < 2 ? f.server->BaseUrl() : second.BaseUrl());
      c.set_token(ifen ? a.ifen_key : a.fedas_key);
      const std::string code = ifen ? "IFEN" : "FEDAS";
      for (int k = t / 2; k < kPerAgency; k += 4) {
        const std::string ext = code + "-" + std::to_string(k);
        auto r = c.Put("/api/v1/agencies/" + code + "/enrolments/" + ext,
                       Enrolment(sessions.at(code)[k % 2], code + std::to_string(k) + "@ex.lu"));
        if (r.status != 201) throw std::runtime_error(r.body);
        if (k % 5 == 0) c.Delete("/api/v1/agencies/" + code + "/enrolments/" + ext);
      }
    });
  for (auto& t : writers) t.join();
  writing = false;
  for (auto& t : readers) t.join();

  for (const auto& s : {sessions["IFEN"][0], sessions["IFEN"][1], sessions["FEDAS"][0], sessions["FEDAS"][1]}) {
    auto info = f.coordinator->Get("/api/v1/sessions/" + s).json();
    CHECK(info["confirmed_count"] == 10);
    auto regs = f.coordinator->Get("/api/v1/sessions/" + s + "/registrations?limit=500").json()["items"];
    std::vector<int> positions;
    int confirmed = 0;
    for (auto& r : regs) {
      if (r["status"] == "confirmed") ++confirmed;
      if (r["status"] == "waitlisted") positions.push_back(r["waitlist_position"]);
    }
    CHECK(confirmed == 10);
    std::sort(positions.begin(), positions.end());
    for (std::size_t i = 0; i < positions.size(); ++i) CHECK(positions[i] == static_cast<int>(i) + 1);
  }
  // Every reader saw the same sequence, gapless, IFEN's only.
  REQUIRE(!read[0].empty());
  CHECK(read[0] == read[1]);
  CHECK(read[0] == read[2]);
  long long total = f.db.Count("SELECT COUNT(*) FROM agency_changes WHERE agency_code = 'IFEN'");
  CHECK(static_cast<long long>(read[0].size()) == total);
  for (const auto& item : read[0]) CHECK(item["external_id"].get<std::string>().rfind("IFEN-", 0) == 0);
}

TEST_CASE("agency CSV: one bad row applies nothing, a good file applies, exports open as CSV", "[api][agency][csv]") {
  ApiFixture f;
  auto a = MakeAgencies(f);
  auto session = AgencySession(f, f.Module("M"), "IFEN", 20);
  const std::string bad = "\xEF\xBB\xBF" "external_id;session_id;email;name;organisation\r\n"
                          "X1;" + session + ";anne@ex.lu;Anne Lefèvre;Lycée Aline Mayrisch\r\n"
                          "X2;" + session + ";not-an-email;Jürgen Weiß;\r\n"
                          "X3;abc;joao@ex.lu;João Çağlar;\r\n";
  auto r = a.ifen->Request("POST", "/api/v1/agencies/IFEN/enrolments.csv", bad, {{"Content-Type", "text/csv"}});
  REQUIRE(r.status == 422);
  std::set<std::string> fields;
  const auto errors = r.json()["errors"];
  for (auto& e : errors) fields.insert(e["field"]);
  CHECK(fields == std::set<std::string>{"rows[3].participant.email", "rows[4].session_id"});
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == 1);

  const std::string good = "external_id,session_id,email,name\n"
                           "X1," + session + ",anne@ex.lu,\"Lefèvre, Anne\"\n"
                           "X2," + session + ",jurgen@ex.lu,Jürgen Weiß\n";
  auto ok = a.ifen->Request("POST", "/api/v1/agencies/IFEN/enrolments.csv", good, {{"Content-Type", "text/csv"}});
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["applied"] == 2);
  CHECK(f.db.Scalar("SELECT name FROM users WHERE email = 'anne@ex.lu'") == "Lefèvre, Anne");

  auto exported = a.ifen->Get("/api/v1/agencies/IFEN/enrolments.csv?year=2027");
  REQUIRE(exported.status == 200);
  auto rows = parcours::ParseCsv(exported.body);
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[1][0] == "X1");
  CHECK((*rows)[1][6] == "Lefèvre, Anne");
  CHECK((*rows)[2][6] == "Jürgen Weiß");
  CHECK(a.ifen->Get("/api/v1/agencies/IFEN/enrolments.csv").status == 400);

  auto session_csv = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations.csv");
  REQUIRE(session_csv.status == 200);
  CHECK(session_csv.header("content-disposition").find("attachment") != std::string::npos);
  auto srows = parcours::ParseCsv(session_csv.body);
  REQUIRE(srows->size() == 3);
  CHECK((*srows)[1][5] == "IFEN");
  CHECK(a.ifen->Get("/api/v1/sessions/" + session + "/registrations.csv").status == 403);
}
