// What an anonymous caller can make the server spend: a password set with a bogus token costs
// no scrypt, and sign-ups are paced per client address (in the database, so several server
// processes share the pace).
#include <catch2/catch.hpp>

#include <chrono>

#include "api_fixture.h"

using namespace parcours::testing;

TEST_CASE("amplification: a bogus-token password set answers 422 at once and runs no scrypt", "[api][abuse]") {
  TestDatabase db;
  // 2^18: a quarter of a GiB and about a second of CPU per hash on the test machine. The
  // start itself hashes twice (the dummy hash and the bootstrap coordinator).
  ServerProcess server(db.Url(), {"--scrypt-n", "262144"});
  HttpClient c(server.BaseUrl());
  constexpr int kRequests = 8;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    auto r = c.Post("/api/v1/auth/password",
                    {{"token", "not-a-token-" + std::to_string(i)}, {"password", "a perfectly fine passphrase"}});
    REQUIRE(r.status == 422);
    REQUIRE(r.json()["errors"][0]["field"] == "token");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Hashing would take at least kRequests × ~1 s; reading a token takes milliseconds.
  CHECK(elapsed < std::chrono::seconds(3));
}

TEST_CASE("amplification: sign-ups are paced per client address, refused ones store nothing", "[api][abuse]") {
  ApiFixture f;  // the default pace: 10 accounts per address per hour
  f.SetClock("2027-01-10T10:00:00+01:00");
  auto c = f.Client();
  auto signup = [&](HttpClient& client, const std::string& email) {
    return client.Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", "P"}});
  };
  REQUIRE(signup(*c, "first@ex.lu").status == 201);
  // Refused sign-ups (an e-mail already taken) do not use up the address's allowance.
  for (int i = 0; i < 3; ++i) REQUIRE(signup(*c, "first@ex.lu").status == 409);
  for (int i = 2; i <= 10; ++i) REQUIRE(signup(*c, "p" + std::to_string(i) + "@ex.lu").status == 201);
  const long long users = f.db.Count("SELECT COUNT(*) FROM users");
  const long long audit = f.db.Count("SELECT COUNT(*) FROM audit_log");
  CHECK(users == 11);  // the coordinator and ten participants

  auto refused = signup(*c, "p11@ex.lu");
  REQUIRE(refused.status == 429);
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(refused.json()["type"] == "/problems/too-many-attempts");
  CHECK(refused.header("retry-after") == "360");  // one more every 6 minutes (the clock stands still)
  CHECK(signup(*c, "p12@ex.lu").status == 429);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log") == audit);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email IN ('p11@ex.lu', 'p12@ex.lu')") == 0);

  // Another address has its own allowance.
  auto other = f.Client();
  other->set_local_address("127.0.0.2");
  CHECK(signup(*other, "p11@ex.lu").status == 201);

  // Six minutes later the first address may create one more account, not two.
  f.SetClock("2027-01-10T10:06:00+01:00");
  CHECK(signup(*c, "p12@ex.lu").status == 201);
  CHECK(signup(*c, "p13@ex.lu").status == 429);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users + 2);
}
