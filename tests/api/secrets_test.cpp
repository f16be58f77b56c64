// What the server keeps of the requests it answers: Idempotency-Key rows hold no bearer token
// or agency key and no key in clear, a key that is not visible ASCII is a clean 400, and every answer carries the
// browser security headers (a page also its Content-Security-Policy).
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "raw_http.h"

using namespace parcours::testing;

TEST_CASE("idempotency: answers carrying a secret are never stored, keys are stored hashed", "[api][idempotency]") {
  ApiFixture f;
  f.Participant("secret@ex.lu");
  auto c = f.Client();
  auto login = c->Post("/api/v1/auth/login", {{"email", "secret@ex.lu"}, {"password", "a-long-password"}},
                       {{"Idempotency-Key", "login-key-1"}});
  REQUIRE(login.status == 200);
  const std::string token = login.json()["token"];
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr, {{"Idempotency-Key", "agency-key-1"}});
  REQUIRE(key.status == 201);
  const std::string agency_key = key.json()["key"];

  // Both requests were recorded (a replay must not log in twice), but without their secrets.
  CHECK(f.db.Count("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash IN (SHA2('login-key-1', 256), "
                   "SHA2('agency-key-1', 256))") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM idempotency_keys WHERE body LIKE '%" + token + "%' OR body LIKE '%" +
                   agency_key + "%'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM idempotency_keys WHERE withheld = 1") == 2);
  // No column holds the key as sent.
  CHECK(f.db.Count("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
                   "AND table_name = 'idempotency_keys' AND column_name = 'idem_key'") == 0);

  // A replay cannot hand the secret out again: it says the request was carried out.
  auto again = c->Post("/api/v1/auth/login", {{"email", "secret@ex.lu"}, {"password", "a-long-password"}},
                       {{"Idempotency-Key", "login-key-1"}});
  CHECK(again.status == 409);
  CHECK(again.json()["type"] == "/problems/idempotency-answer-gone");
  CHECK(again.body.find(token) == std::string::npos);
}

TEST_CASE("idempotency: a key that is not visible ASCII is a 400 naming the header, never a 500",
          "[api][idempotency]") {
  ApiFixture f;
  auto [id, token] = f.Participant("bytes@ex.lu");
  auto session = f.Session(f.Module("BYTES"), 5);
  const std::string body = R"({"channel":"DIRECT"})";
  const std::string request = "POST /api/v1/sessions/" + session +
                              "/registrations HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                              "\r\nContent-Type: application/json\r\nIdempotency-Key: \xff\xfe-k\x80\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  RawConnection conn(f.server->port());
  REQUIRE(conn.Send(request));
  auto first = conn.Read();
  REQUIRE(first);
  CHECK(first->status == 400);
  CHECK(first->header("content-type") == "application/problem+json");
  CHECK(first->body.find("Idempotency-Key") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE session_id = " + session) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM idempotency_keys") == 0);
}

TEST_CASE("http: every answer says nosniff, and pages carry a CSP that forbids framing", "[api][http]") {
  ApiFixture f;
  RawConnection conn(f.server->port());
  REQUIRE(conn.Send("GET / HTTP/1.1\r\nHost: test\r\nAccept: text/html\r\n\r\n"));
  auto page = conn.Read();
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->header("content-type").rfind("text/html", 0) == 0);
  const auto csp = page->header("content-security-policy");
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(page->header("x-content-type-options") == "nosniff");
  CHECK_FALSE(page->header("referrer-policy").empty());
  for (const std::string path : {"/api/v1/pathways", "/api/v1/sessions/999999"}) {
    REQUIRE(conn.Send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n"));
    auto api = conn.Read();
    REQUIRE(api);
    CHECK(api->header("x-content-type-options") == "nosniff");
  }
}
