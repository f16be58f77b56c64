// Crashes during a rush: a server killed with SIGKILL in the middle of a burst of concurrent
// registrations into a full session with a waiting list. After a restart every acknowledged
// (201) registration is stored as it was answered, the session holds exactly its capacity,
// waiting-list positions have no gap, and the rush completes with each person registered
// once. The same with two processes on one database, killing one while the other serves on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

constexpr int kCrashThreads = 16;
constexpr int kCrashPeople = 240;
constexpr int kCrashCapacity = 20;
constexpr int kKillAfter = 60;  // acknowledged registrations before the kill

std::vector<std::string> CreatePeople(const std::string& base, const std::string& prefix, int n) {
  std::vector<std::string> tokens(n);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(base);
      for (int i = t; i < n; i += 8) {
        const std::string email = prefix + std::to_string(i) + "@ex.lu";
        auto r = c.Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", "P"}});
        if (r.status != 201) throw std::runtime_error(r.body);
        tokens[i] = c.Post("/api/v1/auth/login", {{"email", email}, {"password", "a-long-password"}}).json()["token"];
      }
    });
  for (auto& t : threads) t.join();
  return tokens;
}

struct Acknowledged {
  std::string id;
  std::string status;
  json position;
};

// Person i registers through bases[i % bases.size()], each thread taking every kCrashThreads-th
// person; `kill` runs once kKillAfter registrations were acknowledged. Returns the
// acknowledged registrations by person; people whose request failed are left out.
std::map<int, Acknowledged> Burst(const std::vector<std::string>& bases, const std::string& session,
                                  const std::vector<std::string>& tokens, const std::function<void()>& kill) {
  std::map<int, Acknowledged> acked;
  std::mutex mu;
  std::atomic<int> count{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kCrashThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < static_cast<int>(tokens.size()); i += kCrashThreads) {
        HttpClient c(bases[i % bases.size()]);
        c.set_token(tokens[i]);
        try {
          auto r = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
          if (r.status != 201) continue;
          auto j = r.json();
          std::lock_guard lock(mu);
          acked[i] = {j["id"], j["status"], j["waitlist_position"]};
        } catch (const std::exception&) {  // the server died under this request: unknown outcome
          continue;
        }
        if (++count >= kKillAfter && !killed.exchange(true)) kill();
      }
    });
  for (auto& t : threads) t.join();
  return acked;
}

// What is stored, read through `base` as a coordinator.
struct Stored {
  std::map<std::string, json> by_id;
  int confirmed = 0;
  std::vector<int> positions;
  json session;
};

Stored Read(HttpClient& coordinator, const std::string& session) {
  Stored s;
  std::string path = "/api/v1/sessions/" + session + "/registrations?limit=500";
  for (;;) {
    auto page = coordinator.Get(path).json();
    for (auto& r : page["items"]) {
      s.by_id[r["id"]] = r;
      if (r["status"] == "confirmed") ++s.confirmed;
      if (r["status"] == "waitlisted") s.positions.push_back(r["waitlist_position"]);
    }
    if (page["next_cursor"].is_null()) break;
    path = "/api/v1/sessions/" + session + "/registrations?limit=500&cursor=" + page["next_cursor"].get<std::string>();
  }
  std::sort(s.positions.begin(), s.positions.end());
  s.session = coordinator.Get("/api/v1/sessions/" + session).json();
  return s;
}

std::vector<int> OneTo(std::size_t n) {
  std::vector<int> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<int>(i) + 1;
  return v;
}

// Every acknowledged registration is stored as it was answered; the session is full, its
// counters agree with the rows, and the waiting list has no gap.
void CheckInvariants(const Stored& s, const std::map<int, Acknowledged>& acked) {
  for (const auto& [person, a] : acked) {
    INFO("acknowledged registration " << a.id << " of person " << person);
    auto it = s.by_id.find(a.id);
    REQUIRE(it != s.by_id.end());
    CHECK(it->second["status"] == a.status);  // nobody withdrew: answers stay true
    CHECK(it->second["waitlist_position"] == a.position);
  }
  CHECK(s.confirmed == kCrashCapacity);
  CHECK(s.positions == OneTo(s.positions.size()));
  CHECK(s.session["confirmed_count"] == s.confirmed);
  CHECK(s.session["waitlist_count"] == static_cast<int>(s.positions.size()));
}

// After the crash, everyone registers again through the live servers: those whose request was
// stored get 409 (already registered), the others 201; then every person holds one place.
void Complete(const std::vector<std::string>& bases, const std::string& session, const std::vector<std::string>& tokens,
              HttpClient& coordinator) {
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < static_cast<int>(tokens.size()); i += 8) {
        HttpClient c(bases[i % bases.size()]);
        c.set_token(tokens[i]);
        auto r = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
        if (r.status != 201 && r.status != 409) ++bad;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(bad == 0);
  auto s = Read(coordinator, session);
  CHECK(s.by_id.size() == tokens.size());
  CHECK(s.confirmed == kCrashCapacity);
  CHECK(s.positions == OneTo(tokens.size() - kCrashCapacity));
}

}  // namespace

TEST_CASE("crash: kill -9 during a registration burst loses no acknowledged registration", "[api][crash][serial]") {
  ApiFixture f(false, kManySignups);
  auto session = f.Session(f.Module("CRASH"), kCrashCapacity);
  auto tokens = CreatePeople(f.server->BaseUrl(), "crash", kCrashPeople);
  auto acked = Burst({f.server->BaseUrl()}, session, tokens, [&] { f.server->Kill(); });
  REQUIRE(static_cast<int>(acked.size()) >= kKillAfter);
  CHECK(static_cast<int>(acked.size()) < kCrashPeople);  // the kill cut the burst short

  // A new process on the same database: the crash left nothing half-done.
  ServerProcess restarted(f.db.Url(), kManySignups);
  HttpClient coordinator(restarted.BaseUrl());
  coordinator.set_token(
      coordinator.Post("/api/v1/auth/login", {{"email", kCoordinatorEmail}, {"password", kCoordinatorPassword}})
          .json()["token"]);
  CheckInvariants(Read(coordinator, session), acked);
  Complete({restarted.BaseUrl()}, session, tokens, coordinator);
}

TEST_CASE("crash: with two processes, killing one during the burst loses nothing while the other serves on",
          "[api][crash][serial]") {
  ApiFixture f(false, kManySignups);
  ServerProcess second(f.db.Url(), kManySignups);
  auto session = f.Session(f.Module("CRASH2"), kCrashCapacity);
  auto tokens = CreatePeople(f.server->BaseUrl(), "crash2-", kCrashPeople);
  auto acked = Burst({f.server->BaseUrl(), second.BaseUrl()}, session, tokens, [&] { second.Kill(); });
  REQUIRE(static_cast<int>(acked.size()) >= kKillAfter);
  // The survivor answered every request sent to it, before and after the kill.
  for (int i = 0; i < kCrashPeople; i += 2) {
    INFO("person " << i << " registered through the surviving process");
    CHECK(acked.count(i) == 1);
  }
  CheckInvariants(Read(*f.coordinator, session), acked);
  Complete({f.server->BaseUrl()}, session, tokens, *f.coordinator);
}
