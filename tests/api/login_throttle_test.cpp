// Login throttling that nobody can turn against an account's owner, and that does not tell
// which accounts exist. The tests play several clients from different loopback addresses
// (127.0.0.0/8): the owner at 127.0.0.1 (where they signed up and logged in) or 127.0.0.2,
// guessers from 127.0.0.3 on. The test clock stands still unless a test moves it.
#include <catch2/catch.hpp>

#include <regex>

#include "api_fixture.h"

using namespace parcours::testing;

namespace {

std::unique_ptr<HttpClient> From(ApiFixture& f, const std::string& address) {
  auto c = f.Client();
  c->set_local_address(address);
  return c;
}

HttpResult Login(HttpClient& c, const std::string& email, const std::string& password) {
  return c.Post("/api/v1/auth/login", {{"email", email}, {"password", password}});
}

// What a client can observe of an answer, apart from the request id.
std::string Observable(const HttpResult& r) {
  std::string out = std::to_string(r.status) + " " + r.header("content-type") + " retry-after=" +
                    r.header("retry-after");
  if (r.header("content-type") == "application/problem+json") {
    auto j = r.json();
    out += " " + j["type"].get<std::string>() + " | " + j["title"].get<std::string>() + " | " +
           j["detail"].get<std::string>();
  }
  return out;
}

}  // namespace

TEST_CASE("login: fifteen wrong passwords from one address do not stop the owner elsewhere", "[api][login]") {
  ApiFixture f;
  f.Participant("owner@ex.lu");  // signed up and logged in from 127.0.0.1
  auto guesser = From(f, "127.0.0.3");
  int unauthorised = 0, throttled = 0;
  for (int i = 0; i < 15; ++i) {
    auto r = Login(*guesser, "owner@ex.lu", "guess-number-" + std::to_string(i));
    REQUIRE((r.status == 401 || r.status == 429));
    (r.status == 401 ? unauthorised : throttled)++;
  }
  CHECK(unauthorised == 5);  // then the guesser waits, 1 min doubling up to 1 h
  CHECK(throttled == 10);
  // Even the right password waits at the guesser's address...
  CHECK(Login(*guesser, "owner@ex.lu", "a-long-password").status == 429);
  // ...but not the owner, from a known or a fresh address.
  CHECK(Login(*From(f, "127.0.0.1"), "owner@ex.lu", "a-long-password").status == 200);
  auto fresh = Login(*From(f, "127.0.0.2"), "owner@ex.lu", "a-long-password");
  CHECK(fresh.status == 200);
  CHECK(fresh.json()["token"].get<std::string>().rfind("pt_", 0) == 0);
}

TEST_CASE("login: an unknown e-mail and a known one get the same answers throughout", "[api][login]") {
  ApiFixture f;
  f.Participant("known@ex.lu");
  f.SetClock("2027-01-10T10:00:00+01:00");
  auto a = From(f, "127.0.0.3"), b = From(f, "127.0.0.4");
  std::vector<std::string> seen;
  auto both = [&](const std::string& known_password) {
    auto ra = Login(*a, "known@ex.lu", known_password);
    auto rb = Login(*b, "nobody@ex.lu", "wrong-password");
    CHECK(Observable(ra) == Observable(rb));
    seen.push_back(Observable(ra));
    return ra;
  };
  for (int i = 0; i < 12; ++i) both("wrong-password");
  // During the wait even the right password is refused, like any password for nobody.
  CHECK(both("a-long-password").status == 429);
  f.SetClock("2027-01-10T10:01:00+01:00");
  CHECK(both("wrong-password").status == 401);  // the sixth failure: the wait doubles
  auto doubled = both("wrong-password");
  CHECK(doubled.status == 429);
  CHECK(doubled.header("retry-after") == "120");
  // Once the wait is over, the owner's password works again from there.
  f.SetClock("2027-01-10T10:03:00+01:00");
  CHECK(Login(*a, "known@ex.lu", "a-long-password").status == 200);
  REQUIRE(seen.size() == 15);
  for (int i = 0; i < 5; ++i) CHECK(seen[i].rfind("401 application/problem+json retry-after= /problems/unauthenticated", 0) == 0);
  for (int i = 5; i < 12; ++i) CHECK(seen[i].rfind("429 application/problem+json retry-after=60 /problems/too-many-attempts", 0) == 0);
}

TEST_CASE("login: under attack, a fresh address confirms by e-mail, and the unlock gives a token", "[api][login]") {
  ApiFixture f(true);
  f.SetClock("2027-01-10T10:00:00+01:00");
  auto home = From(f, "127.0.0.1");
  REQUIRE(home->Post("/api/v1/accounts", {{"email", "anna@schule.lu"}, {"password", "a-long-password"},
                                          {"name", "Anna Schmit"}, {"language", "de"}}).status == 201);
  REQUIRE(Login(*home, "anna@schule.lu", "a-long-password").status == 200);  // 127.0.0.1 is now known

  // Guessers at three addresses, four guesses each: each stays below its own backoff.
  for (const char* address : {"127.0.0.3", "127.0.0.4", "127.0.0.5"}) {
    auto guesser = From(f, address);
    for (int i = 0; i < 4; ++i) REQUIRE(Login(*guesser, "anna@schule.lu", "guess-" + std::to_string(i)).status == 401);
  }

  // The right password from a fresh address: no token, a confirmation e-mail.
  auto travel = From(f, "127.0.0.2");
  auto held = Login(*travel, "anna@schule.lu", "a-long-password");
  REQUIRE(held.status == 403);
  CHECK(held.header("content-type") == "application/problem+json");
  CHECK(held.json()["type"] == "/problems/login-confirmation-sent");
  CHECK(held.body.find("pt_") == std::string::npos);
  // A known address still logs in at once.
  CHECK(Login(*home, "anna@schule.lu", "a-long-password").status == 200);

  auto mails = f.mail->WaitFor(1);
  REQUIRE(mails.size() == 1);
  const auto& mail = mails[0];
  CHECK(mail.Header("To") == "<anna@schule.lu>");
  CHECK(mail.Header("X-Parcours-Kind") == "login_unlock");
  CHECK(mail.Subject().find("Anmeldung") != std::string::npos);  // in the person's language
  const std::string text = mail.Text();
  CHECK(text.find("Anna Schmit") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex("https://parcours\\.test/login/unlock\\?token=([A-Za-z0-9_-]+)")));
  const std::string unlock = m[1];
  // Stored as its hash only.
  CHECK(f.db.Count("SELECT COUNT(*) FROM login_unlock_tokens WHERE token_hash = '" + unlock + "'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM login_unlock_tokens WHERE token_hash = SHA2('" + unlock + "', 256)") == 1);

  auto unlocked = travel->Post("/api/v1/auth/unlock", {{"token", unlock}});
  REQUIRE(unlocked.status == 200);
  const std::string token = unlocked.json()["token"];
  CHECK(token.rfind("pt_", 0) == 0);
  CHECK(unlocked.json()["expires_at"].is_string());
  auto me = f.Client();
  me->set_token(token);
  CHECK(me->Get("/api/v1/me").json()["email"] == "anna@schule.lu");
  // Single use.
  auto again = travel->Post("/api/v1/auth/unlock", {{"token", unlock}});
  CHECK(again.status == 422);
  CHECK(again.json()["errors"][0]["field"] == "token");
  CHECK(travel->Post("/api/v1/auth/unlock", {{"token", "unl_bogus"}}).status == 422);
  // The confirmed address is known now.
  CHECK(Login(*travel, "anna@schule.lu", "a-long-password").status == 200);

  // An unlock link is good for 30 minutes.
  f.SetClock("2027-01-10T10:10:00+01:00");
  auto cafe = From(f, "127.0.0.6");
  REQUIRE(Login(*cafe, "anna@schule.lu", "a-long-password").status == 403);
  mails = f.mail->WaitFor(2);
  REQUIRE(mails.size() == 2);
  const std::string second_text = mails[1].Text();
  REQUIRE(std::regex_search(second_text, m, std::regex("token=([A-Za-z0-9_-]+)")));
  const std::string late = m[1];
  f.SetClock("2027-01-10T10:40:01+01:00");
  CHECK(cafe->Post("/api/v1/auth/unlock", {{"token", late}}).status == 422);
}
