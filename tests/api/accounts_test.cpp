// Accounts and authentication through the real server.
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"

using namespace parcours::testing;

TEST_CASE("accounts: sign up, e-mail normalised and unique, login, me, logout", "[api][accounts]") {
  ApiFixture f;
  auto c = f.Client();
  auto r = c->Post("/api/v1/accounts", {{"email", "  Séverine.Muller@Example.LU "},
                                        {"password", "correct horse battery"},
                                        {"name", "Séverine Müller-Øster"},
                                        {"organisation", "Lycée technique"},
                                        {"language", "de"}});
  REQUIRE(r.status == 201);
  auto user = r.json();
  CHECK(user["email"] == "séverine.muller@example.lu");
  CHECK(user["roles"] == nlohmann::json::array({"participant"}));
  CHECK(user["language"] == "de");
  CHECK(user["id"].is_string());

  auto dup = c->Post("/api/v1/accounts", {{"email", "SÉVERINE.muller@example.lu"}, {"password", "another password"}, {"name", "X"}});
  // Case folding is ASCII-only: a different non-ASCII spelling is another address.
  CHECK((dup.status == 201 || dup.status == 409));
  auto dup2 = c->Post("/api/v1/accounts", {{"email", "séverine.MULLER@example.lu"}, {"password", "another password"}, {"name", "X"}});
  CHECK(dup2.status == 409);
  CHECK(dup2.header("content-type") == "application/problem+json");

  auto login = c->Post("/api/v1/auth/login", {{"email", "séverine.muller@EXAMPLE.lu"}, {"password", "correct horse battery"}});
  REQUIRE(login.status == 200);
  std::string token = login.json()["token"];
  CHECK(token.size() >= 40);
  CHECK(login.json()["expires_at"].get<std::string>().size() >= 20);

  c->set_token(token);
  auto me = c->Get("/api/v1/me");
  REQUIRE(me.status == 200);
  CHECK(me.json()["name"] == "Séverine Müller-Øster");
  REQUIRE(c->Post("/api/v1/auth/logout", nullptr).status == 204);
  CHECK(c->Get("/api/v1/me").status == 401);
}

TEST_CASE("accounts: password and field rules answer 422 with field errors", "[api][accounts]") {
  ApiFixture f;
  auto c = f.Client();
  auto r = c->Post("/api/v1/accounts", {{"email", "not-an-email"}, {"password", "short"}, {"name", ""}, {"language", "es"}});
  REQUIRE(r.status == 422);
  auto fields = r.json()["errors"];
  std::set<std::string> names;
  for (auto& e : fields) names.insert(e["field"]);
  CHECK(names == std::set<std::string>{"email", "password", "name", "language"});
  // Ten code points are enough even when they take more bytes.
  CHECK(c->Post("/api/v1/accounts", {{"email", "u@ex.lu"}, {"password", "été à Esc"}, {"name", "U"}}).status == 422);
  CHECK(c->Post("/api/v1/accounts", {{"email", "u@ex.lu"}, {"password", "été à Esch"}, {"name", "U"}}).status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == 2);  // the coordinator and u@ex.lu
}

TEST_CASE("accounts: weak passwords answer 422 naming the rule they break", "[api][accounts]") {
  ApiFixture f;
  auto c = f.Client();
  auto refusal = [&](const std::string& password) -> std::string {
    auto r = c->Post("/api/v1/accounts", {{"email", "marie.schmit@ecole.lu"}, {"password", password}, {"name", "Marie Schmit"}});
    if (r.status != 422) return "HTTP " + std::to_string(r.status);
    return r.json()["errors"][0]["field"].get<std::string>() + ": " + r.json()["errors"][0]["message"].get<std::string>();
  };
  CHECK(refusal("aaaaaaaaaa") == "password: must not be one character or a group of characters repeated");
  CHECK(refusal("éééééééééé") == "password: must not be one character or a group of characters repeated");
  CHECK(refusal("          ") == "password: must not be only spaces");
  CHECK(refusal("1234567890") == "password: must not be a plain sequence such as 1234567890, abcdefghij or qwertyuiop");
  CHECK(refusal("AZERTYUIOP") == "password: must not be a plain sequence such as 1234567890, abcdefghij or qwertyuiop");
  CHECK(refusal("marie.schmit@ecole.lu") == "password: must not contain your e-mail address or your name");
  CHECK(refusal("Marie.Schmit") == "password: must not contain your e-mail address or your name");
  CHECK(refusal("marie schmit") == "password: must not contain your e-mail address or your name");
  CHECK(refusal("motdepasse") == "password: is one of the most common passwords");
  CHECK(refusal("Password2027!") == "password: is a common password, sequence or repetition with only digits or symbols added");
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == 1);  // only the coordinator
  CHECK(refusal("lilac umbrella") == "HTTP 201");
  // The same rules for a password set with a claim token, and for staff accounts.
  auto staff = f.coordinator->Post("/api/v1/users", {{"email", "t@planning.lu"}, {"password", "qwertyuiop"},
                                                    {"name", "Trainer"}, {"roles", {"trainer"}}});
  CHECK(staff.status == 422);
}

TEST_CASE("accounts: wrong passwords are 401, then this e-mail waits at this address (429)", "[api][accounts]") {
  ApiFixture f;
  f.Participant("lock@ex.lu");
  auto c = f.Client();
  for (int i = 0; i < 5; ++i)
    REQUIRE(c->Post("/api/v1/auth/login", {{"email", "lock@ex.lu"}, {"password", "wrong-password"}}).status == 401);
  auto waiting = c->Post("/api/v1/auth/login", {{"email", "lock@ex.lu"}, {"password", "a-long-password"}});
  CHECK(waiting.status == 429);
  CHECK(waiting.header("retry-after") == "60");  // the test clock stands still
  // Unknown accounts answer like wrong passwords.
  CHECK(c->Post("/api/v1/auth/login", {{"email", "nobody@ex.lu"}, {"password", "whatever-password"}}).status == 401);
}

TEST_CASE("accounts: fifty failed logins from one address block logins from it (429)", "[api][accounts]") {
  ApiFixture f;
  f.Participant("right@ex.lu");
  auto c = f.Client();
  for (int i = 0; i < 50; ++i)  // spread over many accounts: only the address limit applies
    REQUIRE(c->Post("/api/v1/auth/login", {{"email", "guess" + std::to_string(i) + "@ex.lu"}, {"password", "wrong-password"}}).status == 401);
  auto blocked = c->Post("/api/v1/auth/login", {{"email", "right@ex.lu"}, {"password", "a-long-password"}});
  CHECK(blocked.status == 429);
  CHECK(blocked.json()["type"] == "/problems/too-many-attempts");
  CHECK(blocked.header("retry-after") == "900");  // until the oldest of the fifty leaves the 15 minutes
}

TEST_CASE("accounts: coordinators create trainers, others may not", "[api][accounts]") {
  ApiFixture f;
  auto [pid, ptoken] = f.Participant("p@ex.lu");
  auto participant = f.Client();
  participant->set_token(ptoken);
  nlohmann::json trainer = {{"email", "t@planning.lu"}, {"password", "a-long-password"}, {"name", "Trainer"}, {"roles", {"trainer"}}};
  CHECK(participant->Post("/api/v1/users", trainer).status == 403);
  auto created = f.coordinator->Post("/api/v1/users", trainer);
  REQUIRE(created.status == 201);
  CHECK(created.json()["roles"] == nlohmann::json::array({"trainer"}));
  auto bad_role = trainer;
  bad_role["email"] = "x@ex.lu";
  bad_role["roles"] = {"admin"};
  CHECK(f.coordinator->Post("/api/v1/users", bad_role).status == 422);
  CHECK(f.coordinator->Get("/api/v1/me").json()["roles"].size() == 2);
}

TEST_CASE("agencies: coordinators create agencies and keys, keys authenticate", "[api][accounts]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "Institut de formation de l'Éducation nationale"}}).status == 201);
  CHECK(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "again"}}).status == 409);
  CHECK(f.coordinator->Post("/api/v1/agencies", {{"code", "DIRECT"}, {"name", "reserved"}}).status == 422);
  auto key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr);
  REQUIRE(key.status == 201);
  CHECK(f.coordinator->Post("/api/v1/agencies/NOPE/keys", nullptr).status == 404);
  auto list = f.coordinator->Get("/api/v1/agencies");
  REQUIRE(list.status == 200);
  CHECK(list.json()["items"].size() == 1);
  auto agency = f.Client();
  agency->set_token(key.json()["key"]);
  CHECK(agency->Get("/api/v1/pathways").status == 200);
  CHECK(agency->Get("/api/v1/me").status == 403);
  CHECK(agency->Post("/api/v1/pathways", {{"code", "X"}, {"title", "x"}, {"modules", {{{"code", "X1"}, {"title", "x"}, {"hours", 1}}}}}).status == 403);
  // Keys rotate: a second key works at once; revoking the first shuts it out.
  auto second = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr);
  REQUIRE(second.status == 201);
  CHECK(second.json()["id"] != key.json()["id"]);
  CHECK(agency->Delete("/api/v1/agencies/IFEN/keys/" + key.json()["id"].get<std::string>()).status == 403);
  CHECK(f.coordinator->Delete("/api/v1/agencies/IFEN/keys/" + key.json()["id"].get<std::string>()).status == 204);
  CHECK(f.coordinator->Delete("/api/v1/agencies/IFEN/keys/" + key.json()["id"].get<std::string>()).status == 404);
  CHECK(agency->Get("/api/v1/pathways").status == 401);
  auto rotated = f.Client();
  rotated->set_token(second.json()["key"]);
  CHECK(rotated->Get("/api/v1/agencies/IFEN/changes").status == 200);
  // The key is stored hashed.
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_keys WHERE key_hash = '" + key.json()["key"].get<std::string>() + "'") == 0);
}
