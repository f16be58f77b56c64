// One active registration per person and module (review issue 8, item 13): another date of
// the same module is a 409 unless it is a transfer (one transaction, audited, promotions in
// both sessions); the coordinator may override with an explicit, audited flag; the database
// enforces the rule under concurrency.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

const char* kSecondDateStart = "2027-05-06T09:00:00+02:00";
const char* kSecondDateEnd = "2027-05-06T13:00:00+02:00";

std::unique_ptr<HttpClient> SignedIn(ApiFixture& f, const std::string& token) {
  auto c = f.Client();
  c->set_token(token);
  return c;
}

}  // namespace

TEST_CASE("module rule: a second date of the same module is a 409, another module is fine", "[api][registrations][module]") {
  ApiFixture f;
  const auto module = f.Module("M");
  const auto first = f.Session(module, 10);
  const auto second = f.Session(module, 10, kSecondDateStart, kSecondDateEnd);
  const auto elsewhere = f.Session(f.Module("OTHER"), 10);
  auto [pid, token] = f.Participant("p@ex.lu");
  auto p = SignedIn(f, token);
  const auto reg = p->Post("/api/v1/sessions/" + first + "/registrations", nullptr);
  REQUIRE(reg.status == 201);
  auto again = p->Post("/api/v1/sessions/" + second + "/registrations", nullptr);
  CHECK(again.status == 409);
  CHECK(again.header("content-type") == "application/problem+json");
  CHECK(again.json()["detail"].get<std::string>().find("transfer") != std::string::npos);
  CHECK(p->Post("/api/v1/sessions/" + elsewhere + "/registrations", nullptr).status == 201);
  // The coordinator registering the person without the override flag meets the same rule.
  CHECK(f.coordinator->Post("/api/v1/sessions/" + second + "/registrations", {{"participant_id", pid}}).status == 409);
  // Once withdrawn, another date is free.
  REQUIRE(p->Delete("/api/v1/registrations/" + reg.json()["id"].get<std::string>()).status == 200);
  CHECK(p->Post("/api/v1/sessions/" + second + "/registrations", nullptr).status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE status IN ('confirmed', 'waitlisted')") == 2);
}

TEST_CASE("module rule: a transfer moves the place in one transaction, promoting in both sessions", "[api][registrations][module]") {
  ApiFixture f;
  const auto module = f.Module("M");
  const auto from = f.Session(module, 1);
  const auto to = f.Session(module, 1, kSecondDateStart, kSecondDateEnd);
  auto [a, ta] = f.Participant("a@ex.lu");
  auto [b, tb] = f.Participant("b@ex.lu");
  auto [c, tc] = f.Participant("c@ex.lu");
  auto pa = SignedIn(f, ta), pb = SignedIn(f, tb), pc = SignedIn(f, tc);
  const auto ra = pa->Post("/api/v1/sessions/" + from + "/registrations", nullptr).json();
  REQUIRE(ra["status"] == "confirmed");
  REQUIRE(pb->Post("/api/v1/sessions/" + from + "/registrations", nullptr).json()["status"] == "waitlisted");
  const auto rc = pc->Post("/api/v1/sessions/" + to + "/registrations", nullptr).json();
  REQUIRE(rc["status"] == "confirmed");
  const std::string path = "/api/v1/registrations/" + ra["id"].get<std::string>() + "/transfer";

  // Not someone else's, not into another module, not onto itself.
  CHECK(pb->Post(path, {{"session_id", to}}).status == 404);
  const auto elsewhere = f.Session(f.Module("OTHER"), 5);
  auto wrong = pa->Post(path, {{"session_id", elsewhere}});
  CHECK(wrong.status == 422);
  CHECK(wrong.json()["errors"][0]["field"] == "session_id");
  CHECK(pa->Post(path, {{"session_id", from}}).status == 422);
  CHECK(pa->Post(path, json::object()).status == 422);

  // A moves to the full date: waitlisted there; B gets A's place in the first date.
  auto moved = pa->Post(path, {{"session_id", to}});
  REQUIRE(moved.status == 201);
  CHECK(moved.json()["session_id"] == to);
  CHECK(moved.json()["participant_id"] == a);
  CHECK(moved.json()["status"] == "waitlisted");
  CHECK(moved.json()["waitlist_position"] == 1);
  CHECK(moved.json()["channel"] == "DIRECT");
  auto first_regs = f.coordinator->Get("/api/v1/sessions/" + from + "/registrations").json()["items"];
  REQUIRE(first_regs.size() == 2);
  CHECK(first_regs[0]["status"] == "withdrawn");
  CHECK(first_regs[1]["status"] == "confirmed");
  CHECK(pa->Post(path, {{"session_id", to}}).status == 409);  // the old registration is withdrawn now

  // C leaves the second date: A, waiting there after the transfer, is promoted.
  REQUIRE(pc->Delete("/api/v1/registrations/" + rc["id"].get<std::string>()).status == 200);
  auto mine = pa->Get("/api/v1/me/registrations").json()["items"];
  REQUIRE(mine.size() == 2);
  CHECK(mine[1]["status"] == "confirmed");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.transferred'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.promoted'") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'promoted'") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE participant_id = " + a + " AND status IN ('confirmed', 'waitlisted')") == 1);
  auto s1 = f.Client()->Get("/api/v1/sessions/" + from).json();
  auto s2 = f.Client()->Get("/api/v1/sessions/" + to).json();
  CHECK(s1["confirmed_count"] == 1);
  CHECK(s1["waitlist_count"] == 0);
  CHECK(s2["confirmed_count"] == 1);
  CHECK(s2["waitlist_count"] == 0);
}

TEST_CASE("module rule: only the coordinator overrides, with an explicit flag that is audited", "[api][registrations][module]") {
  ApiFixture f;
  const auto module = f.Module("M");
  const auto first = f.Session(module, 10);
  const auto second = f.Session(module, 10, kSecondDateStart, kSecondDateEnd);
  auto [pid, token] = f.Participant("p@ex.lu");
  auto p = SignedIn(f, token);
  REQUIRE(p->Post("/api/v1/sessions/" + first + "/registrations", nullptr).status == 201);
  CHECK(p->Post("/api/v1/sessions/" + second + "/registrations", {{"module_override", true}}).status == 403);
  auto forced = f.coordinator->Post("/api/v1/sessions/" + second + "/registrations", {{"participant_id", pid}, {"module_override", true}});
  REQUIRE(forced.status == 201);
  CHECK(forced.json()["status"] == "confirmed");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.module_override'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE participant_id = " + pid + " AND status = 'confirmed'") == 2);
  CHECK(f.coordinator->Post("/api/v1/sessions/" + second + "/registrations", {{"participant_id", pid}, {"module_override", "yes"}}).status == 422);
}

TEST_CASE("module rule: one person rushing into two dates from many threads ends with one active registration",
          "[api][registrations][module][concurrency]") {
  ApiFixture f;
  ServerProcess second_server(f.db.Url());
  const std::vector<std::string> bases = {f.server->BaseUrl(), second_server.BaseUrl()};
  const auto module = f.Module("RUSH");
  const std::vector<std::string> dates = {f.Session(module, 50), f.Session(module, 50, kSecondDateStart, kSecondDateEnd)};
  constexpr int kPeople = 4, kThreads = 16, kTries = 6;
  std::vector<std::string> tokens;
  for (int i = 0; i < kPeople; ++i) tokens.push_back(f.Participant("rush" + std::to_string(i) + "@ex.lu").second);
  std::mutex mu;
  std::map<long, int> statuses;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      HttpClient c(bases[t % bases.size()]);
      for (int k = 0; k < kTries; ++k) {
        const int person = (t + k) % kPeople;
        c.set_token(tokens[person]);
        auto r = c.Post("/api/v1/sessions/" + dates[(t + k / 2) % 2] + "/registrations", nullptr);
        std::lock_guard lock(mu);
        ++statuses[r.status];
      }
    });
  for (auto& t : threads) t.join();
  INFO("answers by status: " << json(statuses).dump());
  CHECK(statuses[201] == kPeople);
  CHECK(statuses[409] + statuses[503] == kThreads * kTries - kPeople);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE status IN ('confirmed', 'waitlisted')") == kPeople);
  CHECK(f.db.Count("SELECT COUNT(DISTINCT participant_id) FROM registrations WHERE status IN ('confirmed', 'waitlisted')") == kPeople);
  long long counted = 0;
  for (const auto& s : dates) counted += f.Client()->Get("/api/v1/sessions/" + s).json()["confirmed_count"].get<long long>();
  CHECK(counted == kPeople);
}
