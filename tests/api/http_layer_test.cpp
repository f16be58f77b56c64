// The HTTP layer of the real server, spoken to with exact bytes: persistent connections by
// default, pipelining, Connection: close, framing errors and limits answered as problem+json,
// slow clients, idle connections, connection caps and the bounded worker queue.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "api_fixture.h"
#include "raw_http.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::string Get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

void CheckProblem(const std::optional<RawResponse>& r, int status) {
  REQUIRE(r);
  CHECK(r->status == status);
  CHECK(r->header("content-type") == "application/problem+json");
  auto j = json::parse(r->body, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["status"] == status);
}

}  // namespace

TEST_CASE("http: connections persist by default and pipelined requests are answered in order", "[api][http]") {
  ApiFixture f;
  RawConnection c(f.server->port());
  REQUIRE(c.connected());
  // No Connection header (what curl, Go and nginx send): the connection stays open.
  REQUIRE(c.Send(Get("/health")));
  auto first = c.Read();
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(first->header("connection") == "keep-alive");
  CHECK(first->header("x-content-type-options") == "nosniff");
  // Two requests in one write: both answered, in order.
  REQUIRE(c.Send(Get("/api/v1/sessions/999999") + Get("/health")));
  auto a = c.Read(), b = c.Read();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->status == 404);
  CHECK(b->status == 200);
  // HEAD: the headers of a GET, no body.
  REQUIRE(c.Send("HEAD /health HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = c.Read(5000, true);
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->header("content-length") != "0");
  // Connection: close is honoured: the answer says so and the server closes.
  REQUIRE(c.Send(Get("/health", "Connection: close\r\n")));
  auto last = c.Read();
  REQUIRE(last);
  CHECK(last->header("connection") == "close");
  CHECK(c.ClosedByPeer(3000));
}

TEST_CASE("http: framing errors and oversized requests are problem+json 4xx, then the connection closes",
          "[api][http]") {
  ApiFixture f;
  struct Case {
    std::string bytes;
    int status;
  };
  const std::string post = "POST /api/v1/accounts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n";
  std::string many_headers = "GET /health HTTP/1.1\r\nHost: test\r\n";
  for (int i = 0; i < 5000; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  const std::vector<Case> cases = {
      {post + "Content-Length: -5\r\n\r\n", 400},
      {post + "Content-Length: 99999999999999999999\r\n\r\n", 400},
      {post + "Content-Length: 10485760\r\n\r\n", 413},  // answered before any body byte
      {post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"GET /health HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(100 * 1024, 'b') + "\r\n\r\n", 431},
      {many_headers + "\r\n", 431},
      {"HELLO WORLD\r\n\r\n", 400},
      {"GET /health HTTP/3.0\r\nHost: test\r\n\r\n", 505},
      {"GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: test\r\n\r\n", 414},
  };
  for (const auto& c : cases) {
    INFO(c.bytes.substr(0, 80));
    RawConnection conn(f.server->port());
    REQUIRE(conn.Send(c.bytes));
    CheckProblem(conn.Read(), c.status);
    CHECK(conn.ClosedByPeer(3000));
  }
  // A 5 MB body that is actually sent: 413, and nothing stored.
  RawConnection big(f.server->port());
  big.Send(post + "Content-Length: 5242880\r\n\r\n" + std::string(64 * 1024, 'x'));
  CheckProblem(big.Read(), 413);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == 1);  // the bootstrap coordinator only
  // The server still serves.
  RawConnection after(f.server->port());
  after.Send(Get("/health"));
  auto ok = after.Read();
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("http: query values are percent-decoded as HTTP libraries send them", "[api][http]") {
  ApiFixture f;
  auto c = f.Client();
  auto r = c->Get("/api/v1/sessions?from=2027-03-01T00:00:00%2B02:00&to=2027-12-31");
  CHECK(r.status == 200);
  auto bad = c->Get("/api/v1/sessions?from=%zz");
  CHECK(bad.status == 400);
}

TEST_CASE("http: a slow client is timed out with 408 and does not hold up others", "[api][http]") {
  ApiFixture f;
  ServerProcess strict(f.db.Url(), {"--header-timeout", "2"});
  RawConnection slow(strict.port());
  const std::string request = Get("/health");
  std::atomic<bool> done{false};
  std::thread dribble([&] {
    for (std::size_t i = 0; i < request.size() && !done; ++i) {
      slow.Send(request.substr(i, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  // Meanwhile another client is served at once.
  auto started = std::chrono::steady_clock::now();
  HttpClient other(strict.BaseUrl());
  CHECK(other.Get("/health").status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  auto timed_out = slow.Read(6000);
  done = true;
  dribble.join();
  CheckProblem(timed_out, 408);
}

TEST_CASE("http: a thousand idle connections do not stop new clients, and per-address caps hold",
          "[api][http]") {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  REQUIRE(limit.rlim_cur >= 2200);
  ApiFixture f;
  ServerProcess server(f.db.Url(), {"--max-connections-per-address", "1100"});
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server.port()));
    REQUIRE(idle.back()->connected());
  }
  auto started = std::chrono::steady_clock::now();
  RawConnection fresh(server.port());
  REQUIRE(fresh.Send(Get("/health")));
  auto r = fresh.Read(3000);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));

  // Beyond the per-address cap (1,100 here), connections are answered 503 and closed; other
  // addresses are not affected.
  std::vector<std::unique_ptr<RawConnection>> more;
  for (int i = 0; i < 150; ++i) more.push_back(std::make_unique<RawConnection>(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  int refused = 0;
  for (auto& c : more) {
    auto r = c->Read(20);
    if (!r) continue;
    CHECK(r->status == 503);
    CHECK(r->header("retry-after") == "5");
    ++refused;
  }
  CHECK(refused == 1000 + 1 + 150 - 1100);
  RawConnection elsewhere(server.port(), "127.0.0.2");
  REQUIRE(elsewhere.Send(Get("/health")));
  auto served = elsewhere.Read(3000);
  REQUIRE(served);
  CHECK(served->status == 200);
}

TEST_CASE("http: a full worker queue answers 503 with Retry-After at once, health stays answered",
          "[api][http]") {
  ApiFixture f;
  ServerProcess tiny(f.db.Url(), {"--workers", "1", "--http-queue", "1"});
  std::atomic<int> ok{0}, overloaded{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 24; ++t)
    threads.emplace_back([&] {
      RawConnection c(tiny.port());
      for (int i = 0; i < 20; ++i) {
        c.Send(Get("/api/v1/sessions?limit=50"));
        auto r = c.Read(10000);
        if (!r) {
          ++other;
          return;
        }
        if (r->status == 200) ++ok;
        else if (r->status == 503 && r->header("retry-after") == "1") ++overloaded;
        else ++other;
      }
    });
  RawConnection health(tiny.port());
  int health_ok = 0;
  for (int i = 0; i < 10; ++i) {
    health.Send(Get("/health"));
    auto r = health.Read(2000);
    if (r && r->status == 200) ++health_ok;
  }
  for (auto& t : threads) t.join();
  CHECK(other == 0);
  CHECK(ok > 0);
  CHECK(overloaded > 0);
  CHECK(health_ok == 10);
}

TEST_CASE("http: JSON routes refuse other media types (no login or sign-up CSRF from a form)", "[api][http]") {
  ApiFixture f;
  auto c = f.Client();
  const std::string login = json{{"email", kCoordinatorEmail}, {"password", kCoordinatorPassword}}.dump();
  const std::string signup = json{{"email", "csrf@ex.lu"}, {"password", "correct horse battery"}, {"name", "Csrf"}}.dump();
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    INFO(type);
    auto r = c->Request("POST", "/api/v1/auth/login", login, {{"Content-Type", type}});
    CHECK(r.status == 415);
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(c->Request("POST", "/api/v1/accounts", signup, {{"Content-Type", type}}).status == 415);
  }
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'csrf@ex.lu'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM auth_tokens") == 1);  // the fixture's own login only
  // With its type (parameters allowed) the same requests work.
  CHECK(c->Request("POST", "/api/v1/auth/login", login, {{"Content-Type", "application/json; charset=utf-8"}}).status == 200);
}

TEST_CASE("http: every 201 carries the Location of what it created", "[api][http]") {
  ApiFixture f;
  auto& c = *f.coordinator;
  auto check = [&](const HttpResult& r, const std::string& expected) {
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(r.header("location") == expected);
  };
  auto module = c.Post("/api/v1/modules", {{"code", "LOC"}, {"title", "Location"}, {"hours", 4}});
  const std::string module_id = module.json()["id"];
  check(module, "/api/v1/modules/" + module_id);
  auto pathway = c.Post("/api/v1/pathways", {{"code", "LOCP"}, {"title", "P"}, {"modules", {{{"code", "LOCP1"}, {"title", "M"}, {"hours", 4}}}}});
  check(pathway, "/api/v1/pathways/" + pathway.json()["id"].get<std::string>());
  auto session = c.Post("/api/v1/sessions", {{"module_id", module_id}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                             {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5}});
  const std::string session_id = session.json()["id"];
  check(session, "/api/v1/sessions/" + session_id);
  CHECK(c.Get(session.header("location")).json()["id"] == session_id);
  auto account = f.Client()->Post("/api/v1/accounts", {{"email", "loc@ex.lu"}, {"password", "a long passphrase here"}, {"name", "L"}});
  const std::string person = account.json()["id"];
  check(account, "/api/v1/users/" + person);
  CHECK(c.Get(account.header("location")).json()["email"] == "loc@ex.lu");
  auto reg = c.Post("/api/v1/sessions/" + session_id + "/registrations", {{"participant_id", person}});
  const std::string reg_id = reg.json()["id"];
  check(reg, "/api/v1/registrations/" + reg_id);
  CHECK(c.Get(reg.header("location")).json()["session_id"] == session_id);
  check(c.Post("/api/v1/agencies", {{"code", "LOCA"}, {"name", "Agency"}}), "/api/v1/agencies/LOCA");
  CHECK(c.Get("/api/v1/agencies/LOCA").json()["name"] == "Agency");
  auto key = c.Post("/api/v1/agencies/LOCA/keys", nullptr);
  check(key, "/api/v1/agencies/LOCA/keys/" + key.json()["id"].get<std::string>());
  auto staff = c.Post("/api/v1/users", {{"email", "trainer-loc@ex.lu"}, {"password", "another long passphrase"},
                                        {"name", "T"}, {"roles", {"trainer"}}});
  check(staff, "/api/v1/users/" + staff.json()["id"].get<std::string>());
  // Someone else's record is not found (ids reveal nothing).
  auto [other_id, other_token] = f.Participant("other-loc@ex.lu");
  HttpClient other(f.server->BaseUrl());
  other.set_token(other_token);
  CHECK(other.Get("/api/v1/users/" + person).status == 404);
  CHECK(other.Get("/api/v1/registrations/" + reg_id).status == 404);
  CHECK(other.Get("/api/v1/users/" + other_id).status == 200);
}

TEST_CASE("http: unknown body fields and query parameters are a 400 naming them, nothing stored", "[api][http]") {
  ApiFixture f;
  auto c = f.Client();
  auto typo = c->Post("/api/v1/accounts", {{"email", "typo@ex.lu"}, {"password", "a long passphrase here"},
                                           {"name", "Typo"}, {"langauge", "de"}});
  CHECK(typo.status == 400);
  CHECK(typo.body.find("langauge") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'typo@ex.lu'") == 0);
  auto nested = f.coordinator->Post("/api/v1/pathways", {{"code", "TYPO"}, {"title", "T"},
                                                         {"modules", {{{"code", "TYPO1"}, {"title", "M"}, {"hours", 4}, {"huors", 4}}}}});
  CHECK(nested.status == 400);
  CHECK(nested.body.find("modules[0].huors") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM pathways") == 0);
  auto param = c->Get("/api/v1/sessions?trainer_id=3");
  CHECK(param.status == 400);
  CHECK(param.body.find("trainer_id") != std::string::npos);
  CHECK(c->Get("/api/v1/sessions?limit=5&limit=6").status == 400);
  CHECK(c->Get("/api/v1/sessions?limit=5").status == 200);
  CHECK(c->Get("/api/v1/pathways/1?x=1").status == 400);
}
