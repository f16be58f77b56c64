// The professionals' pages through the real server, as a browser without JavaScript uses them:
// CSRF on every form, escaping, local redirects only, forgot password and claim links, the
// calendar subscription, the attendance certificate's verification record, another person's
// pages, languages, page weight; and the API routes the pages brought (/me/registrations with
// session and module, /me/attestations).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <regex>

#include "api_fixture.h"
#include "browser_client.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

// The link a notification of `kind` carries for `email`, as a local path ("/claim?token=...").
std::string LinkIn(ApiFixture& f, const std::string& kind, const std::string& email) {
  std::string body = f.db.Scalar("SELECT body_text FROM notifications WHERE kind = '" + kind + "' AND to_email = '" +
                                 email + "' ORDER BY id DESC LIMIT 1");
  auto at = body.find("https://parcours.test/");
  if (at == std::string::npos) return "";
  at += std::string("https://parcours.test").size();
  return body.substr(at, body.find_first_of("\n \r", at) - at);
}

std::string TokenOf(const std::string& link) { return link.substr(link.find("token=") + 6); }

// Marks the participant present (or partial) at a session that has started.
void Mark(ApiFixture& f, const std::string& session, const std::string& participant, const std::string& status,
          double hours = 0) {
  json record = {{"participant_id", participant}, {"status", status}};
  if (status == "partial") record["hours"] = hours;
  auto r = f.coordinator->Put("/api/v1/sessions/" + session + "/attendance", {{"records", {record}}});
  REQUIRE(r.status == 200);
}

// The verification code printed in a PDF (its text, through pdftotext).
std::string CodeInPdf(const std::string& pdf) {
  char dir[] = "/tmp/parcours-pdf.XXXXXX";
  REQUIRE(mkdtemp(dir));
  const std::string file = std::string(dir) + "/c.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  std::string text;
  if (FILE* p = popen(("pdftotext " + file + " - 2>/dev/null").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    pclose(p);
  }
  std::system(("rm -rf " + std::string(dir)).c_str());
  std::smatch m;
  static const std::regex code("[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}");
  return std::regex_search(text, m, code) ? m.str() : "";
}

}  // namespace

TEST_CASE("pages: a form without its CSRF token gets 403 and changes nothing", "[api][pages]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 10);
  f.Participant("p@ex.lu");
  BrowserClient b(f.server->BaseUrl());
  // Before signing in too: the login form needs its token.
  b.Get("/login");
  CHECK(b.Post("/login", {{"email", "p@ex.lu"}, {"password", "a-long-password"}}, false).status == 403);
  CHECK_FALSE(b.HasCookie("parcours_session"));
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  auto page = b.Get("/sessions/" + session);
  REQUIRE(page.status == 200);
  CHECK(b.Post("/sessions/" + session + "/register", {}, false).status == 403);
  CHECK(b.Post("/sessions/" + session + "/register", {{"csrf", "0123456789abcdef0123456789abcdef01234567"}}, false).status == 403);
  CHECK(b.Post("/profile", {{"name", "Changed"}, {"organisation", ""}, {"language", "en"}}, false).status == 403);
  CHECK(b.Post("/profile/calendar", {}, false).status == 403);
  // A form another site makes the browser send is refused even with a token.
  CHECK(b.Post("/sessions/" + session + "/register", {}, true, {{"Origin", "https://evil.example"}}).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 0);
  CHECK(f.db.Scalar("SELECT name FROM users WHERE email = 'p@ex.lu'") == "Séverine Müller");
  CHECK(f.db.Count("SELECT COUNT(*) FROM calendar_feeds") == 0);
  // With it, the same form works.
  auto done = b.Post("/sessions/" + session + "/register", {});
  CHECK(done.status == 303);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations") == 1);
  // The page the redirect leads to says so, once; the same link written by anybody else
  // (or opened again) says nothing: the notice cookie set with the redirect confirms it.
  const std::string location = done.header("location");
  CHECK(location == "/sessions/" + session + "?done=registered");
  CHECK(Contains(b.Get(location).body, "Inscription confirmée."));
  CHECK_FALSE(Contains(b.Get(location).body, "Inscription confirmée."));
  BrowserClient other(f.server->BaseUrl());
  f.Participant("q@ex.lu");
  REQUIRE(other.LogIn("q@ex.lu", "a-long-password"));
  CHECK_FALSE(Contains(other.Get(location).body, "Inscription confirmée."));
  CHECK_FALSE(Contains(other.Get("/registrations?done=withdrawn").body, "Votre inscription est annulée."));
}

TEST_CASE("pages: what people typed is shown as text, never as markup", "[api][pages]") {
  ApiFixture f;
  auto c = f.Client();
  REQUIRE(c->Post("/api/v1/accounts", {{"email", "x@ex.lu"}, {"password", "a-long-password"},
                                       {"name", "<script>alert(1)</script>"}, {"organisation", "\"><img src=x onerror=alert(2)>"}})
              .status == 201);
  BrowserClient b(f.server->BaseUrl());
  REQUIRE(b.LogIn("x@ex.lu", "a-long-password"));
  for (const char* path : {"/profile", "/parcours", "/registrations"}) {
    auto page = b.Get(path);
    INFO(path);
    CHECK(page.status == 200);
    CHECK_FALSE(Contains(page.body, "<script>alert(1)"));
    CHECK_FALSE(Contains(page.body, "<img src=x"));
    CHECK(Contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(Contains(page.header("content-security-policy"), "script-src 'self'"));
    CHECK_FALSE(Contains(page.header("content-security-policy"), "unsafe-inline"));
  }
  CHECK(Contains(b.Get("/profile").body, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
}

TEST_CASE("pages: after login, only local paths are redirected to", "[api][pages]") {
  ApiFixture f;
  f.Participant("p@ex.lu");
  for (auto [next, expected] : std::vector<std::pair<std::string, std::string>>{
           {"/registrations", "/registrations"}, {"//evil.example/x", "/parcours"}, {"https://evil.example/", "/parcours"},
           {"/\\evil.example", "/parcours"}, {"javascript:alert(1)", "/parcours"}, {"", "/parcours"}}) {
    BrowserClient b(f.server->BaseUrl());
    b.Get("/login?next=" + FormEncode({{"x", next}}).substr(2));
    auto r = b.Post("/login", {{"email", "p@ex.lu"}, {"password", "a-long-password"}, {"next", next}});
    INFO(next);
    CHECK(r.status == 303);
    CHECK(r.header("location") == expected);
  }
}

TEST_CASE("pages: forgot password mails a one-time link, the same answer for unknown addresses", "[api][pages]") {
  ApiFixture f;
  f.Participant("p@ex.lu");
  BrowserClient b(f.server->BaseUrl());
  b.Get("/password/forgot");
  auto known = b.Post("/password/forgot", {{"email", "P@ex.lu"}});
  auto unknown = b.Post("/password/forgot", {{"email", "nobody@ex.lu"}});
  CHECK(known.status == 200);
  CHECK(unknown.status == known.status);
  CHECK(unknown.body == known.body);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'password_reset'") == 1);
  // Asked again at once: no second mail (the first link still works), the same answer.
  CHECK(b.Post("/password/forgot", {{"email", "p@ex.lu"}}).body == known.body);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'password_reset'") == 1);

  const std::string link = LinkIn(f, "password_reset", "p@ex.lu");
  REQUIRE(link.starts_with("/password/reset?token="));
  // A signed-in session of the account ends with the new password.
  BrowserClient other(f.server->BaseUrl());
  REQUIRE(other.LogIn("p@ex.lu", "a-long-password"));
  BrowserClient b2(f.server->BaseUrl());
  auto form = b2.Get(link);
  CHECK(form.status == 200);
  CHECK(form.header("referrer-policy") == "no-referrer");
  CHECK(b2.Post("/password/reset", {{"token", TokenOf(link)}, {"password", "short"}}).status == 422);
  auto set = b2.Post("/password/reset", {{"token", TokenOf(link)}, {"password", "a new long password"}});
  CHECK(set.status == 303);
  CHECK(set.header("location") == "/parcours?done=password_set");
  CHECK(b2.Get("/parcours").status == 200);  // signed in
  CHECK(other.Get("/parcours").status == 303);  // the other session ended
  CHECK(b2.Get(link).status == 410);  // once
  CHECK(b2.Post("/password/reset", {{"token", TokenOf(link)}, {"password", "another long password"}}).status == 410);
  BrowserClient again(f.server->BaseUrl());
  CHECK_FALSE(again.LogIn("p@ex.lu", "a-long-password"));
  CHECK(again.LogIn("p@ex.lu", "a new long password"));
  // The link expires after an hour.
  f.SetClock("2027-01-01T10:00:00+01:00");
  BrowserClient late(f.server->BaseUrl());
  late.Get("/password/forgot");
  late.set_local_address("127.0.0.2");
  CHECK(late.Post("/password/forgot", {{"email", "p@ex.lu"}}).status == 200);
  const std::string second = LinkIn(f, "password_reset", "p@ex.lu");
  REQUIRE(second != link);
  f.SetClock("2027-01-01T11:00:01+01:00");
  CHECK(late.Get(second).status == 410);
}

TEST_CASE("pages: password-reset requests are paced per client address", "[api][pages]") {
  ApiFixture f;
  BrowserClient b(f.server->BaseUrl());
  b.Get("/password/forgot");
  for (int i = 0; i < 5; ++i) CHECK(b.Post("/password/forgot", {{"email", "n" + std::to_string(i) + "@ex.lu"}}).status == 200);
  auto refused = b.Post("/password/forgot", {{"email", "n9@ex.lu"}});
  CHECK(refused.status == 429);
  CHECK_FALSE(refused.header("retry-after").empty());
  BrowserClient elsewhere(f.server->BaseUrl());
  elsewhere.set_local_address("127.0.0.3");
  elsewhere.Get("/password/forgot");
  CHECK(elsewhere.Post("/password/forgot", {{"email", "n9@ex.lu"}}).status == 200);
}

TEST_CASE("pages: the claim link of an agency's e-mail opens a page that sets the password", "[api][pages]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto ifen = f.Client();
  ifen->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
  auto session = f.coordinator->Post("/api/v1/sessions", {{"module_id", f.Module("M")}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                          {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5},
                                                          {"min_registrants", 0}, {"agency", "IFEN"}})
                     .json()["id"];
  REQUIRE(ifen->Put("/api/v1/agencies/IFEN/enrolments/E-1",
                    {{"session_id", session}, {"participant", {{"email", "marie@ecole.lu"}, {"name", "Marie Schmit"}}}})
              .status == 201);
  const std::string link = LinkIn(f, "account_claim", "marie@ecole.lu");
  REQUIRE(link.starts_with("/claim?token="));
  BrowserClient b(f.server->BaseUrl());
  auto page = b.Get(link);
  CHECK(page.status == 200);
  CHECK(Contains(page.body, "action=\"/claim\""));
  auto set = b.Post("/claim", {{"token", TokenOf(link)}, {"password", "sunflower harbour evening"}});
  CHECK(set.status == 303);
  CHECK(set.header("location") == "/parcours?done=claimed");
  auto mine = b.Get("/registrations");
  CHECK(mine.status == 200);
  CHECK(Contains(mine.body, "Module M"));
  CHECK(b.Get(link).status == 410);
  CHECK(b.Get("/claim?token=nonsense").status == 410);
}

TEST_CASE("pages: the calendar subscription works without authorization, renewed and revoked", "[api][pages]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 10);
  auto [pid, token] = f.Participant("p@ex.lu");
  auto api = f.Client();
  api->set_token(token);
  REQUIRE(api->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  BrowserClient b(f.server->BaseUrl());
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  CHECK_FALSE(Contains(b.Get("/profile").body, "/calendar/cal_"));
  auto made = b.Post("/profile/calendar", {});
  REQUIRE(made.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(made.body, m, std::regex("https://parcours\\.test(/calendar/cal_[A-Za-z0-9_-]+\\.ics)")));
  const std::string feed = m[1];
  CHECK(Contains(made.body, "webcal://parcours.test" + feed));
  // The URL alone, as a calendar application polls it: no cookie, no Authorization header.
  auto anonymous = f.Client();
  auto ics = anonymous->Request("GET", feed, "", {{"Content-Type", "text/plain"}});
  CHECK(ics.status == 200);
  CHECK(Contains(ics.header("content-type"), "text/calendar"));
  CHECK(Contains(ics.body, "X-WR-CALNAME:Parcours – mes formations"));
  CHECK(Contains(ics.body, "SUMMARY:Module M"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = SHA2('" + feed.substr(10, feed.size() - 14) +
                   "', 256)") == 1);  // only the hash is stored
  // The page shows it exists, not the secret again.
  auto profile = b.Get("/profile");
  CHECK_FALSE(Contains(profile.body, feed));
  // Renewed: the old URL stops working.
  auto renewed = b.Post("/profile/calendar", {});
  REQUIRE(std::regex_search(renewed.body, m, std::regex("https://parcours\\.test(/calendar/cal_[A-Za-z0-9_-]+\\.ics)")));
  const std::string feed2 = m[1];
  CHECK(feed2 != feed);
  CHECK(anonymous->Request("GET", feed, "", {{"Content-Type", "text/plain"}}).status == 404);
  CHECK(anonymous->Request("GET", feed2, "", {{"Content-Type", "text/plain"}}).status == 200);
  CHECK(b.Post("/profile/calendar/revoke", {}).status == 303);
  CHECK(anonymous->Request("GET", feed2, "", {{"Content-Type", "text/plain"}}).status == 404);
  CHECK(anonymous->Request("GET", "/calendar/nonsense.ics", "", {{"Content-Type", "text/plain"}}).status == 404);
}

TEST_CASE("pages: the profile changes name, organisation and language", "[api][pages]") {
  ApiFixture f;
  f.Participant("p@ex.lu");
  BrowserClient b(f.server->BaseUrl());
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  b.Get("/profile");
  auto bad = b.Post("/profile", {{"name", ""}, {"organisation", ""}, {"language", "xx"}});
  CHECK(bad.status == 422);
  CHECK(f.db.Scalar("SELECT language FROM users WHERE email = 'p@ex.lu'") == "fr");
  auto saved = b.Post("/profile", {{"name", "Claire Weber"}, {"organisation", "Lycée Aline Mayrisch"}, {"language", "de"}});
  CHECK(saved.status == 303);
  CHECK(f.db.Scalar("SELECT CONCAT(name, '|', organisation, '|', language) FROM users WHERE email = 'p@ex.lu'") ==
        "Claire Weber|Lycée Aline Mayrisch|de");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.profile_updated'") == 1);
  auto page = b.Get("/profile?done=saved");
  CHECK(page.header("content-language") == "de");
  CHECK(Contains(page.body, "Mein Profil"));
}

TEST_CASE("pages: languages from the switch and from Accept-Language", "[api][pages]") {
  ApiFixture f;
  BrowserClient b(f.server->BaseUrl());
  CHECK(b.Get("/").header("content-language") == "fr");
  CHECK(b.Get("/", {{"Accept-Language", "en;q=0.1, de;q=0.9"}}).header("content-language") == "de");
  auto de = b.Get("/?lang=de");
  CHECK(de.header("content-language") == "de");
  CHECK(Contains(de.body, "lang=\"de\""));
  CHECK(b.Get("/login").header("content-language") == "de");  // the switch is remembered
  auto en = b.Get("/password/reset?token=abc&lang=en");
  CHECK(en.header("content-language") == "en");
  CHECK(Contains(en.body, "href=\"/password/reset?token=abc&amp;lang=fr\""));  // the switch keeps the query
}

TEST_CASE("pages: a participant cannot open or change another person's things", "[api][pages]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 10);
  auto [alice_id, alice_token] = f.Participant("alice@ex.lu");
  f.Participant("bob@ex.lu");
  auto alice = f.Client();
  alice->set_token(alice_token);
  auto reg = alice->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["id"].get<std::string>();
  BrowserClient bob(f.server->BaseUrl());
  REQUIRE(bob.LogIn("bob@ex.lu", "a-long-password"));
  bob.Get("/registrations");
  CHECK(bob.Post("/registrations/" + reg + "/withdraw", {}).status == 404);
  CHECK(bob.Get("/registrations/" + reg + "/certificate.pdf").status == 404);
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE id = " + reg) == "confirmed");
  CHECK_FALSE(Contains(bob.Get("/registrations").body, "Module M"));
  // Pages of a signed-in person send the anonymous visitor to the login page.
  BrowserClient nobody(f.server->BaseUrl());
  for (const char* path : {"/parcours", "/registrations", "/attestations", "/profile"}) {
    auto r = nobody.Get(path);
    CHECK(r.status == 303);
    CHECK(r.header("location") == std::string("/login?next=") + path);
  }
}

TEST_CASE("pages: each page's HTML and its stylesheet weigh under 50 KB", "[api][pages]") {
  ApiFixture f;
  f.Participant("p@ex.lu");
  BrowserClient b(f.server->BaseUrl());
  const auto css = b.Get("/static/site.css");
  REQUIRE(css.status == 200);
  auto check = [&](const std::string& path) {
    auto page = b.Get(path);
    INFO(path << ": " << page.body.size() << " + " << css.body.size() << " bytes");
    CHECK(page.body.size() + css.body.size() < 50 * 1024);
  };
  for (const char* path : {"/", "/login", "/signup", "/password/forgot", "/verify"}) check(path);
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  for (const char* path : {"/parcours", "/registrations", "/attestations", "/profile"}) check(path);
}

TEST_CASE("attendance certificate: stored, verifiable at its printed URL, re-issued after a correction", "[api][pages]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 10, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00");
  auto [pid, token] = f.Participant("p@ex.lu");
  auto p = f.Client();
  p->set_token(token);
  auto reg = p->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["id"].get<std::string>();
  f.SetClock("2027-03-04T10:00:00+01:00");
  // Tokens issued before the jump in time have expired by then.
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  p->set_token(f.Login("p@ex.lu", "a-long-password"));
  Mark(f, session, pid, "present");
  auto first = p->Get("/api/v1/registrations/" + reg + "/certificate.pdf");
  REQUIRE(first.status == 200);
  CHECK(p->Get("/api/v1/registrations/" + reg + "/certificate.pdf").body == first.body);  // stored
  const std::string code = CodeInPdf(first.body);
  REQUIRE_FALSE(code.empty());
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance_certificates WHERE verification_code = '" + code + "'") == 1);
  auto anyone = f.Client();
  auto verified = anyone->Get("/api/v1/verify/" + code).json();
  CHECK(verified["kind"] == "attendance");
  CHECK(verified["valid"] == true);
  CHECK(verified["module_title"] == "Module M");
  CHECK(verified["total_hours"] == 4);
  BrowserClient b(f.server->BaseUrl());
  auto page = b.Get("/verify/" + code);
  CHECK(page.status == 200);
  CHECK(Contains(page.body, "Ce certificat de participation est valide."));
  CHECK(Contains(page.body, "Séverine Müller"));
  // Corrected to 2 hours: a new certificate, the old one verifies as revoked.
  Mark(f, session, pid, "partial", 2);
  auto second = p->Get("/api/v1/registrations/" + reg + "/certificate.pdf");
  REQUIRE(second.status == 200);
  CHECK(second.body != first.body);
  const std::string code2 = CodeInPdf(second.body);
  CHECK(code2 != code);
  CHECK(anyone->Get("/api/v1/verify/" + code).json()["valid"] == false);
  CHECK(anyone->Get("/api/v1/verify/" + code2).json()["total_hours"] == 2);
  CHECK(Contains(b.Get("/verify/" + code).body, "a été révoqué"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance_certificate.issued'") == 2);
  // The person's own page serves the same stored file.
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  CHECK(b.Get("/registrations/" + reg + "/certificate.pdf").body == second.body);
}

TEST_CASE("me: registrations carry their session and module, attestations are listed", "[api][pages]") {
  ApiFixture f;
  auto module = f.Module("M");
  auto session = f.Session(module, 1);
  auto [pid, token] = f.Participant("p@ex.lu");
  auto qtoken = f.Participant("q@ex.lu").second;
  auto p = f.Client();
  p->set_token(token);
  auto q = f.Client();
  q->set_token(qtoken);
  REQUIRE(p->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  REQUIRE(q->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  auto mine = q->Get("/api/v1/me/registrations").json()["items"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["status"] == "waitlisted");
  CHECK(mine[0]["waitlist_position"] == 1);
  CHECK(mine[0]["session"]["id"] == session);
  CHECK(mine[0]["session"]["starts_at"] == "2027-03-04T09:00:00+01:00");
  CHECK(mine[0]["module"]["id"] == module);
  CHECK(mine[0]["module"]["title"] == "Module M");
  auto none = p->Get("/api/v1/me/attestations");
  CHECK(none.status == 200);
  CHECK(none.json()["items"].empty());
  auto agency = f.Client();
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  agency->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
  CHECK(agency->Get("/api/v1/me/attestations").status == 403);
  CHECK(f.Client()->Get("/api/v1/me/attestations").status == 401);
}

TEST_CASE("pages: the profile links to the person's data export, which downloads their data only", "[api][pages]") {
  ApiFixture f;
  auto session = f.Session(f.Module("M"), 10);
  auto [pid, token] = f.Participant("p@ex.lu");
  auto qtoken = f.Participant("q@ex.lu").second;
  for (const auto& t : {token, qtoken}) {
    auto api = f.Client();
    api->set_token(t);
    REQUIRE(api->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  }
  // Not signed in: the download sends to the login page, and holds nothing.
  BrowserClient anonymous(f.server->BaseUrl());
  auto refused = anonymous.Get("/profile/data");
  CHECK(refused.status == 303);
  CHECK_FALSE(Contains(refused.body, "p@ex.lu"));

  BrowserClient b(f.server->BaseUrl());
  REQUIRE(b.LogIn("p@ex.lu", "a-long-password"));
  auto profile = b.Get("/profile");
  REQUIRE(profile.status == 200);
  CHECK(Contains(profile.body, "<a href=\"/profile/data\" download>Télécharger mes données (JSON)</a>"));
  auto download = b.Get("/profile/data");
  REQUIRE(download.status == 200);
  CHECK(Contains(download.header("content-type"), "application/json"));
  CHECK(download.header("content-disposition") == "attachment; filename=\"parcours-data-" + pid + ".json\"");
  CHECK(Contains(download.header("cache-control"), "no-store"));
  auto doc = json::parse(download.body);
  CHECK(doc["account"]["id"] == pid);
  CHECK(doc["account"]["email"] == "p@ex.lu");
  REQUIRE(doc["registrations"].size() == 1);
  CHECK(doc["registrations"][0]["session"]["session_id"] == session);
  // The other person registered for the same session: nothing of theirs is in the file.
  CHECK_FALSE(Contains(download.body, "q@ex.lu"));
  // The same document as the API route gives the person (GET /api/v1/me/data).
  auto api = f.Client();
  api->set_token(token);
  auto from_api = api->Get("/api/v1/me/data");
  REQUIRE(from_api.status == 200);
  auto api_doc = json::parse(from_api.body);
  CHECK(api_doc["account"] == doc["account"]);
  CHECK(api_doc["registrations"] == doc["registrations"]);
  // In English, the link's text too.
  auto saved = b.Post("/profile", {{"name", "P"}, {"organisation", ""}, {"language", "en"}});
  REQUIRE(saved.status == 303);
  CHECK(Contains(b.Get("/profile").body, ">Download my data (JSON)</a>"));
}
