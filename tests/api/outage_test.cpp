// The server against a database that freezes or goes away, on a MariaDB of the test's own:
// /health says 503 within about a second, requests fail fast with 503 problem+json, and when
// the database is back the server serves again without a restart.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api_fixture.h"
#include "private_mariadb.h"

using namespace parcours::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Polls until `status` is answered on `path` (or the deadline passes); returns how long it took.
std::chrono::milliseconds Until(HttpClient& c, const std::string& path, long status, std::chrono::seconds limit) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (c.Get(path).status == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST_CASE("outage: a frozen database fails health within a second, requests fail fast, service resumes",
          "[api][outage]") {
  PrivateMariaDb mariadb;
  TestDatabase db(mariadb.AdminUrl());
  ServerProcess server(db.Url());
  HttpClient c(server.BaseUrl());
  REQUIRE(c.Get("/health").status == 200);
  REQUIRE(c.Get("/api/v1/sessions").status == 200);

  mariadb.Freeze();
  const auto health_down = Until(c, "/health", 503, std::chrono::seconds(10));
  CHECK(health_down < std::chrono::milliseconds(2000));
  // While it is frozen, requests are refused at once with a problem, not left hanging.
  const auto start = Clock::now();
  auto r = c.Get("/api/v1/sessions");
  CHECK(r.status == 503);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(!r.header("retry-after").empty());
  CHECK(Clock::now() - start < std::chrono::milliseconds(500));

  mariadb.Thaw();
  CHECK(Until(c, "/health", 200, std::chrono::seconds(15)) < std::chrono::seconds(15));
  CHECK(Until(c, "/api/v1/sessions", 200, std::chrono::seconds(15)) < std::chrono::seconds(15));
}

TEST_CASE("outage: a stopped database gives 503s, and the server recovers when it restarts", "[api][outage]") {
  PrivateMariaDb mariadb;
  TestDatabase db(mariadb.AdminUrl());
  ServerProcess server(db.Url());
  HttpClient c(server.BaseUrl());
  REQUIRE(c.Get("/api/v1/sessions").status == 200);
  mariadb.Stop();
  CHECK(Until(c, "/health", 503, std::chrono::seconds(10)) < std::chrono::seconds(3));
  auto r = c.Get("/api/v1/sessions");
  CHECK(r.status == 503);
  CHECK(r.header("content-type") == "application/problem+json");
  mariadb.Start();
  CHECK(Until(c, "/health", 200, std::chrono::seconds(20)) < std::chrono::seconds(20));
  CHECK(Until(c, "/api/v1/sessions", 200, std::chrono::seconds(20)) < std::chrono::seconds(20));
}
