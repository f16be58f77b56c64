// The server against a database that freezes (SIGSTOP) or stops for 20 seconds, on a MariaDB
// of the test's own: /health says 503 within a second, every request meanwhile fails fast with
// a 503 problem+json, the server serves again without a restart once the database is back, and
// every registration acknowledged before is still there.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api_fixture.h"
#include "private_mariadb.h"

using namespace parcours::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kOutage = std::chrono::seconds(20);

milliseconds Since(Clock::time_point t) { return std::chrono::duration_cast<milliseconds>(Clock::now() - t); }

// Polls until `status` is answered on `path` (or the deadline passes); returns how long it took.
milliseconds Until(HttpClient& c, const std::string& path, long status, std::chrono::seconds limit) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (c.Get(path).status == status) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return Since(start);
}

struct Scene {
  PrivateMariaDb mariadb;
  TestDatabase db{mariadb.AdminUrl()};
  ServerProcess server{db.Url()};
  HttpClient anonymous{server.BaseUrl()};
  HttpClient coordinator{server.BaseUrl()};
  std::string session;
  std::vector<std::string> tokens;        // people not yet registered
  std::vector<std::string> acknowledged;  // registration ids answered 201

  Scene() {
    coordinator.set_token(
        anonymous.Post("/api/v1/auth/login", {{"email", kCoordinatorEmail}, {"password", kCoordinatorPassword}})
            .json()["token"]);
    auto module = coordinator.Post("/api/v1/modules", {{"code", "OUT"}, {"title", "Outage"}, {"hours", 4}});
    auto s = coordinator.Post("/api/v1/sessions", {{"module_id", module.json()["id"]},
                                                   {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                   {"ends_at", "2027-03-04T13:00:00+01:00"},
                                                   {"capacity", 3},
                                                   {"min_registrants", 0}});
    REQUIRE(s.status == 201);
    session = s.json()["id"];
    for (int i = 0; i < 8; ++i) {
      const std::string email = "out" + std::to_string(i) + "@ex.lu";
      REQUIRE(anonymous.Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", "P"}})
                  .status == 201);
      tokens.push_back(
          anonymous.Post("/api/v1/auth/login", {{"email", email}, {"password", "a-long-password"}}).json()["token"]);
    }
  }

  // The next person registers; true when acknowledged.
  HttpResult Register() {
    HttpClient c(server.BaseUrl());
    c.set_token(tokens.back());
    auto r = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    if (r.status == 201) {
      acknowledged.push_back(r.json()["id"]);
      tokens.pop_back();
    }
    return r;
  }

  // For the whole outage, once a second: /health is 503 and a registration is refused at once
  // with a 503 problem that says when to retry.
  void DuringOutage(Clock::time_point began) {
    int rounds = 0;
    while (Clock::now() - began < kOutage) {
      auto t = Clock::now();
      auto health = anonymous.Get("/health");
      CHECK(health.status == 503);
      CHECK(Since(t) < milliseconds(1000));
      t = Clock::now();
      auto r = Register();
      CHECK(r.status == 503);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(r.json()["status"] == 503);
      CHECK(!r.header("retry-after").empty());
      CHECK(Since(t) < milliseconds(500));
      ++rounds;
      std::this_thread::sleep_for(milliseconds(1000));
    }
    CHECK(rounds >= 10);
  }

  // Served again without a restart, and nothing acknowledged is lost.
  void AfterOutage() {
    CHECK(Until(anonymous, "/health", 200, std::chrono::seconds(20)) < std::chrono::seconds(20));
    CHECK(Until(anonymous, "/api/v1/sessions", 200, std::chrono::seconds(20)) < std::chrono::seconds(20));
    auto r = Register();
    CHECK(r.status == 201);
    for (const auto& id : acknowledged) {
      INFO("acknowledged registration " << id);
      CHECK(coordinator.Get("/api/v1/registrations/" + id).status == 200);
    }
    CHECK(db.Count("SELECT COUNT(*) FROM registrations") == static_cast<long long>(acknowledged.size()));
  }
};

}  // namespace

TEST_CASE("outage: a database frozen for 20 s fails health within a second, requests fail fast, service resumes",
          "[api][outage][serial]") {
  Scene s;
  REQUIRE(s.Register().status == 201);
  REQUIRE(s.Register().status == 201);
  REQUIRE(s.anonymous.Get("/health").status == 200);

  s.mariadb.Freeze();
  const auto frozen = Clock::now();
  const auto health_down = Until(s.anonymous, "/health", 503, std::chrono::seconds(10));
  INFO("/health said 503 after " << health_down.count() << " ms");
  CHECK(health_down < milliseconds(1000));
  s.DuringOutage(frozen);
  s.mariadb.Thaw();
  s.AfterOutage();
}

TEST_CASE("outage: a database stopped for 20 s gives 503s, and the server recovers when it restarts",
          "[api][outage][serial]") {
  Scene s;
  REQUIRE(s.Register().status == 201);
  REQUIRE(s.anonymous.Get("/api/v1/sessions").status == 200);
  s.mariadb.Stop();
  const auto stopped = Clock::now();
  const auto health_down = Until(s.anonymous, "/health", 503, std::chrono::seconds(10));
  INFO("/health said 503 after " << health_down.count() << " ms");
  CHECK(health_down < milliseconds(1000));
  s.DuringOutage(stopped);
  s.mariadb.Start();
  s.AfterOutage();
}
