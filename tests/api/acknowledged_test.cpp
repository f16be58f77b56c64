// "Acknowledged means stored", asserted rather than assumed: rushes through three server
// processes on one database, where every 2xx answer is counted and then found in the
// database; and a request that keeps meeting a lock gets a 503 with Retry-After (never a 500)
// and stores nothing.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "api_fixture.h"
#include "storage/connection_pool.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

json RushEnrolment(const std::string& session, const std::string& email) {
  return {{"session_id", session}, {"participant", {{"email", email}, {"name", "Rush " + email}}}};
}

}  // namespace

TEST_CASE("acknowledged means stored: agency pushes and withdrawals through three servers on one database",
          "[api][concurrency]") {
  ApiFixture f;
  ServerProcess second(f.db.Url()), third(f.db.Url());
  const std::vector<std::string> bases = {f.server->BaseUrl(), second.BaseUrl(), third.BaseUrl()};
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  const std::string key = f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"];
  std::vector<std::string> sessions;
  for (int i = 0; i < 3; ++i) {
    auto module = f.coordinator->Post("/api/v1/modules", {{"code", "ACK" + std::to_string(i)}, {"title", "Ack"}, {"hours", 4}});
    REQUIRE(module.status == 201);
    auto s = f.coordinator->Post("/api/v1/sessions", {{"module_id", module.json()["id"]},
                                                      {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                      {"ends_at", "2027-03-04T13:00:00+01:00"},
                                                      {"capacity", 15}, {"min_registrants", 0},
                                                      {"agency", "IFEN"}});
    REQUIRE(s.status == 201);
    sessions.push_back(s.json()["id"]);
  }

  constexpr int kThreads = 48, kEnrolments = 600;
  std::mutex mu;
  std::map<long, int> statuses;
  std::map<std::string, std::string> acknowledged;  // external id → registration id
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(bases[t % bases.size()]);
      c.set_token(key);
      for (int i = t; i < kEnrolments; i += kThreads) {
        const std::string ext = "E" + std::to_string(i);
        auto r = c.Put("/api/v1/agencies/IFEN/enrolments/" + ext,
                       RushEnrolment(sessions[i % 3], "ack" + std::to_string(i) + "@ex.lu"));
        std::lock_guard lock(mu);
        ++statuses[r.status];
        if (r.status == 200 || r.status == 201) acknowledged[ext] = r.json()["id"];
      }
    });
  for (auto& t : threads) t.join();
  INFO("answers by status: " << json(statuses).dump());
  CHECK(statuses.count(500) == 0);
  for (const auto& [status, n] : statuses) CHECK((status == 201 || status == 503));
  // Every acknowledged enrolment is stored: its registration, its person, its external id.
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_enrolments") == static_cast<long long>(acknowledged.size()));
  for (const auto& [ext, id] : acknowledged)
    REQUIRE(f.db.Count("SELECT COUNT(*) FROM agency_enrolments e JOIN registrations r ON r.id = e.registration_id "
                       "WHERE e.external_id = '" + ext + "' AND r.id = " + id) == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == static_cast<long long>(acknowledged.size()));
  CHECK(f.db.Count("SELECT MAX(confirmed_count) FROM sessions") <= 15);

  // Concurrent withdrawals of ten confirmed enrolments of one session: each 200 is stored, and
  // exactly as many waiting people were promoted, each with one feed item.
  std::vector<std::string> leaving;
  for (const auto& [ext, id] : acknowledged) {
    if (leaving.size() == 10) break;
    if (f.db.Scalar("SELECT status FROM registrations WHERE id = " + id) == "confirmed" &&
        f.db.Scalar("SELECT session_id FROM registrations WHERE id = " + id) == sessions[0])
      leaving.push_back(ext);
  }
  const long long waiting = f.db.Count("SELECT COUNT(*) FROM registrations WHERE status = 'waitlisted' AND session_id = " + sessions[0]);
  std::atomic<int> withdrawn{0};
  threads.clear();
  for (std::size_t i = 0; i < leaving.size(); ++i)
    threads.emplace_back([&, i] {
      HttpClient c(bases[i % bases.size()]);
      c.set_token(key);
      auto r = c.Delete("/api/v1/agencies/IFEN/enrolments/" + leaving[i]);
      CHECK(r.status != 500);
      if (r.status == 200) ++withdrawn;
    });
  for (auto& t : threads) t.join();
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE status = 'withdrawn'") == withdrawn);
  const long long promoted = std::min<long long>(withdrawn, waiting);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.promoted'") == promoted);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'promoted'") == promoted);
  CHECK(f.db.Scalar("SELECT confirmed_count FROM sessions WHERE id = " + sessions[0]) ==
        f.db.Scalar("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed' AND session_id = " + sessions[0]));

  // The feed holds each acknowledged change once, numbered without a gap.
  HttpClient reader(bases[0]);
  reader.set_token(key);
  std::vector<json> items;
  std::string cursor;
  for (;;) {
    std::string path = "/api/v1/agencies/IFEN/changes?limit=500";
    if (!cursor.empty()) path += "&since=" + cursor;
    auto page = reader.Get(path).json();
    for (auto& item : page["items"]) items.push_back(item);
    cursor = page["next_cursor"];
    if (page["items"].empty()) break;
  }
  CHECK(static_cast<long long>(items.size()) == f.db.Count("SELECT COUNT(*) FROM agency_changes"));
  CHECK(static_cast<long long>(items.size()) ==
        static_cast<long long>(acknowledged.size()) + withdrawn + promoted);
}

TEST_CASE("a request that keeps meeting a held lock gets 503 with Retry-After, never 500, and stores nothing",
          "[api][concurrency]") {
  ApiFixture f;
  ServerProcess impatient(f.db.Url(), {"--db-lock-wait", "1", "--db-retry-budget-ms", "1500"});
  auto session = f.Session(f.Module("LOCKED"), 10);
  auto [id, token] = f.Participant("locked@ex.lu");
  HttpClient c(impatient.BaseUrl());
  c.set_token(token);

  // Another client holds the session's row lock for longer than the retry budget.
  parcours::ConnectionPool pool(*parcours::DatabaseUrl::Parse(f.db.Url()), 1);
  {
    auto holder = pool.Acquire();
    std::unique_ptr<sql::Statement> st(holder->conn().createStatement());
    std::unique_ptr<sql::ResultSet> locked(st->executeQuery("SELECT id FROM sessions WHERE id = " + session + " FOR UPDATE"));
    REQUIRE(locked->next());
    auto r = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    CHECK(r.status == 503);
    CHECK(r.header("retry-after") == "1");
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
    holder->Rollback();
  }
  auto again = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  CHECK(again.status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
}
