// Bad input never reaches a 5xx: each case gets the right 4xx as problem+json and changes nothing.
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

// Rows in every table a request could change.
long long Fingerprint(const TestDatabase& db) {
  return db.Count(
      "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM pathways) * 10 + "
      "(SELECT COUNT(*) FROM modules) * 100 + (SELECT COUNT(*) FROM sessions) * 1000 + "
      "(SELECT COUNT(*) FROM registrations) * 10000 + (SELECT COUNT(*) FROM audit_log) * 100000 + "
      "(SELECT COUNT(*) FROM agencies) * 1000000");
}

void CheckProblem(const HttpResult& r, long status) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/problem+json");
  auto j = r.json();
  CHECK(j["status"] == status);
  CHECK(j["type"].is_string());
  CHECK(j["title"].is_string());
  CHECK(j["detail"].is_string());
}

}  // namespace

TEST_CASE("bad input: malformed bodies, wrong types, huge numbers, bad UTF-8 → 4xx, nothing stored", "[api][bad-input]") {
  ApiFixture f;
  auto module = f.Module("M");
  auto before = Fingerprint(f.db);
  const std::string sessions = "/api/v1/sessions";
  struct Case {
    const char* what;
    std::string body;
    long status;
  };
  std::vector<Case> cases = {
      {"empty body", "", 400},
      {"not JSON", "{capacity: 3", 400},
      {"array", "[1,2]", 400},
      {"string", "\"x\"", 400},
      {"invalid UTF-8", "{\"location\":\"\xff\xfe\"}", 400},
      {"truncated UTF-8", "{\"location\":\"\xc3\"}", 400},
      {"deep nesting", std::string(5000, '[') + std::string(5000, ']'), 400},
      {"wrong types", R"({"module_id":12,"starts_at":3,"ends_at":true,"capacity":"20"})", 422},
      {"huge capacity", R"({"module_id":"1","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":1e308})", 422},
      {"huge integer", R"({"module_id":"1","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":99999999999999999999999})", 422},
      {"negative capacity", R"({"module_id":"1","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":-1})", 422},
      {"fractional capacity", R"({"module_id":"1","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":2.5})", 422},
      {"time without offset", R"({"module_id":"1","starts_at":"2027-03-04T09:00:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":5})", 422},
      {"impossible date", R"({"module_id":"1","starts_at":"2027-02-30T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":5})", 422},
      {"huge module id", R"({"module_id":"99999999999999999999999999","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":5})", 422},
      {"unknown module", R"({"module_id":"424242","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":5})", 422},
      {"null everything", R"({"module_id":null,"starts_at":null,"ends_at":null,"capacity":null})", 422},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CheckProblem(f.coordinator->Request("POST", sessions, c.body), c.status);
  }
  auto pathway = f.coordinator->Request("POST", "/api/v1/pathways",
                                        R"({"code":"P","title":"T","modules":[{"code":"A","title":"a","hours":"4"}]})");
  CheckProblem(pathway, 422);
  CheckProblem(f.coordinator->Request("POST", "/api/v1/accounts", R"({"email":["a"],"password":1,"name":{}})"), 422);
  CheckProblem(f.coordinator->Request("POST", "/api/v1/sessions/x/cancel", "{}"), 404);
  CHECK(Fingerprint(f.db) == before);
  (void)module;
}

TEST_CASE("bad input: a 2 MiB body is 413 problem+json", "[api][bad-input]") {
  ApiFixture f;
  auto before = Fingerprint(f.db);
  std::string big = "{\"code\":\"X\",\"title\":\"" + std::string(2 << 20, 'a') + "\"}";
  auto r = f.coordinator->Request("POST", "/api/v1/modules", big);
  CheckProblem(r, 413);
  // The connection stays usable afterwards.
  CHECK(f.coordinator->Get("/api/v1/me").status == 200);
  CHECK(Fingerprint(f.db) == before);
}

TEST_CASE("bad input: route parameters and unknown paths", "[api][bad-input]") {
  ApiFixture f;
  auto c = f.Client();
  for (const char* path : {"/api/v1/sessions/abc", "/api/v1/sessions/-1", "/api/v1/sessions/0",
                           "/api/v1/sessions/99999999999999999999999", "/api/v1/sessions/1%20",
                           "/api/v1/pathways/1.5", "/api/v1/nothing", "/api/v2/sessions"})
  {
    INFO(path);
    CheckProblem(c->Get(path), 404);
  }
  // A path that cannot be decoded is malformed, not merely unknown.
  for (const char* path : {"/api/v1/sessions/1%00", "/api/v1/sessions/1%zz", "/api/v1/sessions/%ff"}) {
    INFO(path);
    CheckProblem(c->Get(path), 400);
  }
  auto wrong_method = c->Request("PATCH", "/api/v1/sessions", "{}");
  CheckProblem(wrong_method, 405);
  CHECK(wrong_method.header("allow").find("GET") != std::string::npos);
}

TEST_CASE("bad input: missing and forged tokens are 401", "[api][bad-input]") {
  ApiFixture f;
  auto c = f.Client();
  CheckProblem(c->Get("/api/v1/me"), 401);
  CheckProblem(c->Request("GET", "/api/v1/me", "", {{"Authorization", "Bearer pt_forged-token-value-1234567890"}}), 401);
  CheckProblem(c->Request("GET", "/api/v1/me", "", {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401);
  CheckProblem(c->Request("GET", "/api/v1/me", "", {{"Authorization", "Bearer " + std::string(5000, 'x')}}), 401);
  CheckProblem(c->Request("POST", "/api/v1/sessions", "{}", {{"Authorization", "Bearer pak_forged"}}), 401);
  // A forged token is refused even on a public route.
  CheckProblem(c->Request("GET", "/api/v1/pathways", "", {{"Authorization", "Bearer nope-nope-nope"}}), 401);
}

TEST_CASE("bad input: every role against every route it must not use is 403", "[api][bad-input]") {
  ApiFixture f;
  auto module = f.Module("M");
  auto session = f.Session(module, 5);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto [pid, ptoken] = f.Participant("p@ex.lu");
  auto [tid, ttoken] = f.Staff("t@ex.lu", "trainer");
  std::string agency_key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"];
  auto reg = f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", pid}});
  REQUIRE(reg.status == 201);
  auto before = Fingerprint(f.db);

  struct Call {
    std::string method, path, body;
  };
  const std::vector<Call> coordinator_only = {
      {"POST", "/api/v1/users", R"({"email":"n@ex.lu","password":"a-long-password","name":"N","roles":["trainer"]})"},
      {"POST", "/api/v1/agencies", R"({"code":"NEW","name":"New"})"},
      {"GET", "/api/v1/agencies", ""},
      {"POST", "/api/v1/agencies/IFEN/keys", ""},
      {"POST", "/api/v1/pathways", R"({"code":"P","title":"T","modules":[{"code":"P1","title":"t","hours":4}]})"},
      {"POST", "/api/v1/modules", R"({"code":"Z","title":"Z","hours":4})"},
      {"POST", "/api/v1/sessions", R"({"module_id":")" + module + R"(","starts_at":"2027-03-04T09:00:00+01:00","ends_at":"2027-03-04T13:00:00+01:00","capacity":5})"},
      {"POST", "/api/v1/sessions/" + session + "/cancel", R"({"reason":"no"})"},
      {"GET", "/api/v1/sessions/" + session + "/registrations", ""},
  };
  for (const auto& [role, token] : std::vector<std::pair<std::string, std::string>>{
           {"participant", ptoken}, {"trainer (not of this session)", ttoken}, {"agency", agency_key}}) {
    auto c = f.Client();
    c->set_token(token);
    for (const auto& call : coordinator_only) {
      INFO(role << " " << call.method << " " << call.path);
      CheckProblem(c->Request(call.method, call.path, call.body), 403);
    }
  }
  auto trainer = f.Client();
  trainer->set_token(ttoken);
  CheckProblem(trainer->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", pid}}), 403);
  CheckProblem(trainer->Delete("/api/v1/registrations/" + reg.json()["id"].get<std::string>()), 404);
  auto agency = f.Client();
  agency->set_token(agency_key);
  CheckProblem(agency->Post("/api/v1/sessions/" + session + "/registrations", nullptr), 403);
  CheckProblem(agency->Delete("/api/v1/registrations/" + reg.json()["id"].get<std::string>()), 403);
  CheckProblem(agency->Get("/api/v1/me/registrations"), 403);
  CHECK(Fingerprint(f.db) == before);
}

TEST_CASE("bad input: coordinator routes authorise before they validate: an invalid body from others is 403",
          "[api][bad-input]") {
  ApiFixture f;
  auto module = f.Module("M");
  auto session = f.Session(module, 5);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto [pid, ptoken] = f.Participant("p@ex.lu");
  auto [tid, ttoken] = f.Staff("t@ex.lu", "trainer");
  std::string agency_key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"];
  auto before = Fingerprint(f.db);

  struct Call {
    std::string method, path;
  };
  // Every route only a coordinator may use, each sent an empty object, malformed JSON and a
  // body of wrong types (query routes: missing or bad parameters).
  const std::vector<Call> coordinator_only = {
      {"POST", "/api/v1/users"},
      {"POST", "/api/v1/agencies"},
      {"GET", "/api/v1/agencies?limit=0"},
      {"POST", "/api/v1/agencies/IFEN/keys"},
      {"DELETE", "/api/v1/agencies/IFEN/keys/x"},
      {"POST", "/api/v1/pathways"},
      {"POST", "/api/v1/modules"},
      {"POST", "/api/v1/sessions"},
      {"POST", "/api/v1/sessions/" + session + "/cancel"},
      {"POST", "/api/v1/attestations"},
      {"POST", "/api/v1/pathways/x/attestations"},
      {"POST", "/api/v1/attestations/x/revoke"},
      {"GET", "/api/v1/reports/participation"},
      {"GET", "/api/v1/reports/participation?year=nope&format=xls"},
      {"GET", "/api/v1/reports/sessions?year=1"},
  };
  const std::vector<std::string> bodies = {"{}", "{not json", R"({"code":7,"title":[],"modules":"x","capacity":"many","hours":0.004})"};
  for (const auto& [role, token] : std::vector<std::pair<std::string, std::string>>{
           {"participant", ptoken}, {"trainer", ttoken}, {"agency", agency_key}}) {
    auto c = f.Client();
    c->set_token(token);
    for (const auto& call : coordinator_only)
      for (const auto& body : bodies) {
        INFO(role << " " << call.method << " " << call.path << " " << body);
        CheckProblem(c->Request(call.method, call.path, call.method == "GET" ? "" : body), 403);
      }
  }
  // Routes for some people only: people outside them are refused before their input is read.
  auto participant = f.Client();
  participant->set_token(ptoken);
  for (const auto& body : bodies) {
    INFO(body);
    CheckProblem(participant->Request("PUT", "/api/v1/sessions/" + session + "/attendance", body), 403);
    CheckProblem(participant->Request("PUT", "/api/v1/agencies/IFEN/enrolments/X", body), 403);
    CheckProblem(participant->Request("POST", "/api/v1/agencies/IFEN/webhooks", body), 403);
  }
  CheckProblem(participant->Get("/api/v1/agencies/IFEN/enrolments.csv"), 403);
  CHECK(Fingerprint(f.db) == before);
}
