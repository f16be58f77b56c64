// Capacity and waiting-list order under concurrency, with one and with two server processes
// sharing the database.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

constexpr int kThreads = 32;
constexpr int kPeople = 1000;
constexpr int kCapacity = 20;
// Every person signs up from 127.0.0.1: lift the sign-up pace (10 per address and hour).

// Runs body(t) on kThreads threads; an exception in any of them (a failed REQUIRE-like check,
// a missing field) is rethrown here once all have joined, so that the test fails cleanly
// (a throw escaping a thread would abort the whole program and leave its servers running).
void OnThreads(const std::function<void(int)>& body) {
  std::exception_ptr first;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        body(t);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!first) first = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

// A POST as an ordinary client sends it: a 503 (the server shedding load, e.g. its password-
// hashing gate full; nothing stored) is retried after its Retry-After, for at most a minute.
HttpResult PostAsClient(HttpClient& c, const std::string& path, const nlohmann::json& body) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    auto r = c.Post(path, body);
    if (r.status != 503 || std::chrono::steady_clock::now() > deadline) return r;
    int after = 1;
    try {
      after = std::clamp(std::stoi(r.header("retry-after")), 0, 5);
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(after == 0 ? 100 : after * 1000));
  }
}

// Creates people in parallel; returns their tokens.
std::vector<std::string> CreatePeople(const std::vector<std::string>& bases, int n) {
  std::vector<std::string> tokens(n);
  OnThreads([&](int t) {
    HttpClient c(bases[t % bases.size()]);
    for (int i = t; i < n; i += kThreads) {
      std::string email = "rush" + std::to_string(i) + "@ex.lu";
      auto r = PostAsClient(c, "/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", "P"}});
      if (r.status != 201) throw std::runtime_error("account " + email + ": " + std::to_string(r.status) + " " + r.body);
      auto login = PostAsClient(c, "/api/v1/auth/login", {{"email", email}, {"password", "a-long-password"}});
      if (login.status != 200) throw std::runtime_error("login " + email + ": " + std::to_string(login.status) + " " + login.body);
      tokens[i] = login.json().at("token").get<std::string>();
    }
  });
  return tokens;
}

struct Outcome {
  int confirmed = 0;
  std::vector<int> positions;
  int other = 0;
};

Outcome Rush(const std::vector<std::string>& bases, const std::string& session,
             const std::vector<std::string>& tokens) {
  Outcome out;
  std::mutex mu;
  OnThreads([&](int t) {
    HttpClient c(bases[t % bases.size()]);
    for (std::size_t i = t; i < tokens.size(); i += kThreads) {
      c.set_token(tokens[i]);
      auto r = PostAsClient(c, "/api/v1/sessions/" + session + "/registrations", nullptr);
      std::lock_guard lock(mu);
      if (r.status != 201) {
        ++out.other;
        continue;
      }
      auto j = r.json();
      if (j.at("status") == "confirmed") ++out.confirmed;
      else out.positions.push_back(j.at("waitlist_position").get<int>());
    }
  });
  std::sort(out.positions.begin(), out.positions.end());
  return out;
}

std::vector<int> Expected(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i + 1;
  return v;
}

// Reads the session's registrations back page by page; checks the stored state agrees.
void CheckStored(ApiFixture& f, const std::string& session) {
  int confirmed = 0;
  std::vector<int> positions;
  std::string path = "/api/v1/sessions/" + session + "/registrations?limit=500";
  for (;;) {
    auto page = f.coordinator->Get(path).json();
    for (auto& r : page["items"]) {
      if (r["status"] == "confirmed") ++confirmed;
      else if (r["status"] == "waitlisted") positions.push_back(r["waitlist_position"]);
    }
    if (page["next_cursor"].is_null()) break;
    path = "/api/v1/sessions/" + session + "/registrations?limit=500&cursor=" + page["next_cursor"].get<std::string>();
  }
  CHECK(confirmed == kCapacity);
  CHECK(positions == Expected(kPeople - kCapacity));
  auto s = f.coordinator->Get("/api/v1/sessions/" + session).json();
  CHECK(s["confirmed_count"] == kCapacity);
  CHECK(s["waitlist_count"] == kPeople - kCapacity);
}

// 1000 people register at once through the given servers; exactly kCapacity are confirmed and
// the others hold positions 1..980, in the answers and in what is stored.
void RushAndCheck(ApiFixture& f, const std::vector<std::string>& bases) {
  auto session = f.Session(f.Module("RUSH"), kCapacity);
  auto tokens = CreatePeople(bases, kPeople);
  auto out = Rush(bases, session, tokens);
  CHECK(out.other == 0);
  CHECK(out.confirmed == kCapacity);
  CHECK(out.positions == Expected(kPeople - kCapacity));
  CheckStored(f, session);
}

}  // namespace

TEST_CASE("concurrency: 1000 registrations from 32 threads on capacity 20", "[api][concurrency]") {
  ApiFixture f(false, kManySignups);
  RushAndCheck(f, {f.server->BaseUrl()});
}

TEST_CASE("concurrency: the same rush through two server processes on one database", "[api][concurrency]") {
  ApiFixture f(false, kManySignups);
  ServerProcess second(f.db.Url(), kManySignups);
  RushAndCheck(f, {f.server->BaseUrl(), second.BaseUrl()});
}

TEST_CASE("concurrency: simultaneous withdrawals promote the first waiting people in order", "[api][concurrency]") {
  ApiFixture f(false, kManySignups);
  ServerProcess second(f.db.Url(), kManySignups);
  constexpr int kCap = 10, kTotal = 40, kLeaving = 10;
  auto session = f.Session(f.Module("WD"), kCap);
  std::vector<std::string> bases = {f.server->BaseUrl(), second.BaseUrl()};
  std::vector<std::string> tokens, reg_ids;
  HttpClient c(bases[0]);
  for (int i = 0; i < kTotal; ++i) {
    auto [id, token] = f.Participant("w" + std::to_string(i) + "@ex.lu");
    c.set_token(token);
    auto r = c.Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    REQUIRE(r.status == 201);
    tokens.push_back(token);
    reg_ids.push_back(r.json()["id"]);
  }
  // The ten confirmed people all withdraw at once, through both servers.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kLeaving; ++i)
    threads.emplace_back([&, i] {
      HttpClient client(bases[i % 2]);
      client.set_token(tokens[i]);
      if (client.Delete("/api/v1/registrations/" + reg_ids[i]).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  REQUIRE(ok == kLeaving);
  auto items = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations?limit=100").json()["items"];
  REQUIRE(items.size() == kTotal);
  for (int i = 0; i < kTotal; ++i) {
    INFO("registration " << i);
    if (i < kLeaving) CHECK(items[i]["status"] == "withdrawn");
    else if (i < kLeaving + kCap) CHECK(items[i]["status"] == "confirmed");
    else {
      CHECK(items[i]["status"] == "waitlisted");
      CHECK(items[i]["waitlist_position"] == i - kLeaving - kCap + 1);
    }
  }
}
