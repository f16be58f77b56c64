// The coordinator's sessions list and new-session form, and the history import page, through
// the real server as a browser without JavaScript uses them: who may open them (nobody signed
// in goes to login, other roles get 403 and store nothing), a session created with its rules'
// refusals said in the reader's language, the fill bars and the at-risk filter, and a CSV
// uploaded whose report says what was recorded, or why nothing was.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "browser_client.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::unique_ptr<BrowserClient> Coordinator(ApiFixture& f) {
  auto c = std::make_unique<BrowserClient>(f.server->BaseUrl());
  REQUIRE(c->LogIn(kCoordinatorEmail, kCoordinatorPassword));
  return c;
}

const std::string kHistory =
    "email,name,module,date,status,hours,channel\n"
    "anna@ex.lu,Anna Schmit,HIST,2025-03-04,present,,SPECIALISED\n"
    "ben@ex.lu,Ben Klein,HIST,2025-03-04,partial,2,DIRECT\n";

}  // namespace

TEST_CASE("desk admin pages: nobody signed in goes to login, other roles get 403 and nothing is stored", "[api][pages]") {
  ApiFixture f;
  auto module = f.Module("HIST");
  f.Staff("t@ex.lu", "trainer");
  f.Participant("p@ex.lu");
  BrowserClient nobody(f.server->BaseUrl());
  for (const char* path : {"/desk/sessions", "/desk/sessions/new", "/desk/import"}) {
    INFO(path);
    auto r = nobody.Get(path);
    CHECK(r.status == 303);
    CHECK(r.header("location") == std::string("/login?next=") + path);
  }
  const auto sessions = f.db.Count("SELECT COUNT(*) FROM sessions");
  const auto users = f.db.Count("SELECT COUNT(*) FROM users");
  for (const char* email : {"t@ex.lu", "p@ex.lu"}) {
    INFO(email);
    BrowserClient b(f.server->BaseUrl());
    REQUIRE(b.LogIn(email, "a-long-password"));
    for (const char* path : {"/desk/sessions", "/desk/sessions/new", "/desk/import"}) CHECK(b.Get(path).status == 403);
    b.Get("/parcours");
    CHECK(b.Post("/desk/sessions", {{"module_id", module}, {"starts_at", "2027-05-03T09:00"}, {"ends_at", "2027-05-03T13:00"},
                                    {"capacity", "12"}}).status == 403);
    CHECK(b.PostMultipart("/desk/import", {{"file", kHistory}}, {"file"}).status == 403);
    CHECK(b.Post("/desk/import", {{"csv", kHistory}}).status == 403);
  }
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == sessions);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);
}

TEST_CASE("desk admin pages: a session created through the form, refusals in the reader's language, fill bars and the at-risk filter", "[api][pages]") {
  ApiFixture f;
  auto module = f.Module("NEW");
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  f.SetClock("2027-03-01T10:00:00+01:00");
  auto c = Coordinator(f);
  auto form = c->Get("/desk/sessions/new");
  REQUIRE(form.status == 200);
  CHECK(Contains(form.body, "value=\"" + module + "\""));
  CHECK(Contains(form.body, "id=\"tr-" + trainer + "\""));
  CHECK(Contains(form.body, "name=\"min_registrants\" type=\"number\" min=\"0\" inputmode=\"numeric\" value=\"10\""));
  const auto before = f.db.Count("SELECT COUNT(*) FROM sessions");

  // The form's shape: said in French, the values kept.
  auto shape = c->Post("/desk/sessions", {{"module_id", ""}, {"starts_at", "mardi"}, {"ends_at", "2027-05-03T13:00"},
                                          {"capacity", "douze"}, {"location", "Salle <b>A</b>"}});
  CHECK(shape.status == 422);
  CHECK(Contains(shape.body, "choisissez un module"));
  CHECK(Contains(shape.body, "doit être une date et une heure"));
  CHECK(Contains(shape.body, "doit être un nombre entier"));
  CHECK(Contains(shape.body, "value=\"Salle &lt;b&gt;A&lt;/b&gt;\""));
  // The service's rules: said in German and English.
  auto rules = c->Post("/desk/sessions?lang=de", {{"module_id", module}, {"starts_at", "2027-05-03T13:00"}, {"ends_at", "2027-05-03T09:00"},
                                                  {"capacity", "5"}, {"min_registrants", "8"}, {"mode", "onsite"}});
  CHECK(rules.status == 422);
  CHECK(Contains(rules.body, "muss nach dem Beginn liegen"));
  CHECK(Contains(rules.body, "darf die Zahl der Plätze nicht übersteigen"));
  auto unknown = c->Post("/desk/sessions?lang=en", {{"module_id", "999999"}, {"starts_at", "2027-05-03T09:00"},
                                                    {"ends_at", "2027-05-03T13:00"}, {"capacity", "5"}, {"mode", "by pigeon"}});
  CHECK(unknown.status == 422);
  CHECK(Contains(unknown.body, "choose one of the values offered"));
  auto no_module = c->Post("/desk/sessions?lang=en", {{"module_id", "999999"}, {"starts_at", "2027-05-03T09:00"},
                                                      {"ends_at", "2027-05-03T13:00"}, {"capacity", "5"}});
  CHECK(no_module.status == 422);
  CHECK(Contains(no_module.body, "this module does not exist"));
  CHECK(c->Post("/desk/sessions", {{"module_id", module}}, false).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == before);

  // (?lang=fr: the refusals above switched the language to German, then English.)
  auto created = c->Post("/desk/sessions?lang=fr", {{"module_id", module}, {"starts_at", "2027-05-03T09:00"}, {"ends_at", "2027-05-03T13:00"},
                                            {"capacity", "12"}, {"min_registrants", "10"}, {"decision_at", ""},
                                            {"location", "Salle 2"}, {"mode", "onsite"}, {"trainer", trainer}});
  REQUIRE(created.status == 303);
  const std::string location = created.header("location");
  CHECK(location.starts_with("/desk/sessions/"));
  CHECK(location.ends_with("?done=created"));
  const std::string id = location.substr(15, location.find('?') - 15);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == before + 1);
  CHECK(f.db.Scalar("SELECT capacity FROM sessions WHERE id = " + id) == "12");
  CHECK(f.db.Scalar("SELECT location FROM sessions WHERE id = " + id) == "Salle 2");
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_trainers WHERE session_id = " + id + " AND user_id = " + trainer) == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.created' AND entity_id = " + id) == 1);
  CHECK(Contains(c->Get(location).body, "Session créée."));

  // The list: its fill bar, at risk (0 of the 10 wanted, the decision on 19 April).
  auto list = c->Get("/desk/sessions?from=2027-05-01");
  REQUIRE(list.status == 200);
  CHECK(Contains(list.body, "href=\"/desk/sessions/" + id + "\""));
  CHECK(Contains(list.body, "class=\"fill-bar\""));
  CHECK(Contains(list.body, "0 inscrit"));
  CHECK(Contains(list.body, "badge bad"));
  CHECK(Contains(list.body, "il manque 10 inscription(s)"));
  CHECK(Contains(c->Get("/desk/sessions?from=2027-05-01&risk=1").body, "/desk/sessions/" + id));
  CHECK_FALSE(Contains(c->Get("/desk/sessions?from=2027-05-04").body, "/desk/sessions/" + id + "\""));
  CHECK_FALSE(Contains(c->Get("/desk/sessions?from=2027-05-01&status=confirmed").body, "/desk/sessions/" + id + "\""));
  CHECK(c->Get("/desk/sessions?from=May").status == 400);
  CHECK(c->Get("/desk/sessions?status=nope").status == 400);
  CHECK(Contains(c->Get("/desk").body, "href=\"/desk/sessions\""));
}

TEST_CASE("desk admin pages: the history import says what it recorded, or refuses the whole file", "[api][pages]") {
  ApiFixture f;
  f.Module("HIST");
  f.SetClock("2026-11-20T10:00:00+01:00");
  auto c = Coordinator(f);
  REQUIRE(c->Get("/desk/import").status == 200);
  const auto users = f.db.Count("SELECT COUNT(*) FROM users");

  // One bad row: nothing is recorded, the line is named.
  auto bad = c->PostMultipart("/desk/import", {{"file", kHistory + "cleo@ex.lu,Cléo,NOPE,2025-01-01,present,,DIRECT\n"}}, {"file"});
  CHECK(bad.status == 422);
  CHECK(Contains(bad.body, "Import refusé : rien n&apos;a été enregistré."));
  CHECK(Contains(bad.body, "<td>4</td>"));
  CHECK(Contains(bad.body, "aucun module n&apos;a ce code"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 0);
  auto empty = c->PostMultipart("/desk/import", {{"file", ""}, {"csv", " "}}, {"file"});
  CHECK(empty.status == 422);
  auto no_header = c->PostMultipart("/desk/import?lang=en", {{"file", "mail,name\nx@ex.lu,X\n"}}, {"file"});
  CHECK(no_header.status == 422);
  CHECK(Contains(no_header.body, "the column &apos;email&apos; is missing"));
  CHECK(c->PostMultipart("/desk/import", {{"file", "\xff\xfe"}}, {"file"}).status == 422);
  // A multipart body is only read where a file is expected; no CSRF token, no import.
  CHECK(c->PostMultipart("/desk/sessions", {{"module_id", "1"}}).status == 415);
  CHECK(c->Post("/desk/import", {{"csv", kHistory}}, false).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);

  auto done = c->PostMultipart("/desk/import?lang=fr", {{"file", kHistory}, {"csv", ""}}, {"file"});
  REQUIRE(done.status == 200);
  CHECK(Contains(done.body, "Import enregistré : 2 ligne(s), 2 présence(s) enregistrée(s), 0 déjà connue(s), 2 personne(s) créée(s), 1 session(s) passée(s) créée(s)."));
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE source = 'import'") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users") == users + 2);
  // Pasted rather than uploaded, the same rows again: nothing new.
  auto again = c->Post("/desk/import?lang=en", {{"csv", kHistory}});
  REQUIRE(again.status == 200);
  CHECK(Contains(again.body, "0 attendance(s) recorded, 2 already known"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 2);
}

TEST_CASE("desk admin pages: agencies' keys shown once and revoked, webhooks added and deleted, other roles refused", "[api][pages]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "Institut de formation"}}).status == 201);
  f.Staff("t@ex.lu", "trainer");
  BrowserClient nobody(f.server->BaseUrl());
  CHECK(nobody.Get("/desk/agencies").status == 303);
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  CHECK(t.Get("/desk/agencies").status == 403);
  t.Get("/parcours");
  CHECK(t.Post("/desk/agencies/IFEN/keys", {}).status == 403);
  CHECK(t.Post("/desk/agencies/IFEN/webhooks", {{"url", "https://lms.ifen.lu/hook"}}).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_keys") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_webhooks") == 0);

  auto c = Coordinator(f);
  auto page = c->Get("/desk/agencies");
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "IFEN – Institut de formation"));
  auto created = c->Post("/desk/agencies/IFEN/keys", {});
  REQUIRE(created.status == 200);
  const auto at = created.body.find("<code class=\"secret\">");
  REQUIRE(at != std::string::npos);
  const std::string key = created.body.substr(at + 21, created.body.find('<', at + 21) - at - 21);
  CHECK(key.size() > 20);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_keys WHERE revoked_at IS NULL") == 1);
  // Shown once: never again on the page; the key works on the API.
  CHECK_FALSE(Contains(c->Get("/desk/agencies").body, key));
  auto agency = f.Client();
  agency->set_token(key);
  CHECK(agency->Get("/api/v1/agencies/IFEN/webhooks").status == 200);
  const std::string key_id = f.db.Scalar("SELECT id FROM agency_keys");
  // Listed by number with its date and a revoke button of its own (never the key itself).
  const auto with_key = c->Get("/desk/agencies?lang=en");
  CHECK(Contains(with_key.body, "<tr id=\"key-" + key_id + "\"><td>n° " + key_id + "</td>"));
  CHECK(Contains(with_key.body, "<input type=\"hidden\" name=\"key_id\" value=\"" + key_id + "\">"));
  CHECK(Contains(with_key.body, ">valid</span>"));
  CHECK(c->Post("/desk/agencies/IFEN/keys/revoke", {{"key_id", "abc"}}).status == 422);
  CHECK(c->Post("/desk/agencies/IFEN/keys/revoke", {{"key_id", "999999"}}).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_keys WHERE revoked_at IS NULL") == 1);
  auto revoked = c->Post("/desk/agencies/IFEN/keys/revoke", {{"key_id", key_id}});
  CHECK(revoked.status == 303);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_keys WHERE revoked_at IS NULL") == 0);
  CHECK(agency->Get("/api/v1/agencies/IFEN/webhooks").status == 401);
  const auto after = c->Get("/desk/agencies?lang=en");
  CHECK(Contains(after.body, "revoked on "));
  CHECK_FALSE(Contains(after.body, "name=\"key_id\""));
  CHECK(c->Post("/desk/agencies/NOPE/keys", {}).status == 404);

  // Webhooks: a bad address refused with nothing stored; a good one's secret shown once.
  auto bad = c->Post("/desk/agencies/IFEN/webhooks?lang=en", {{"url", "ftp://example.lu/x"}});
  CHECK(bad.status == 422);
  CHECK(Contains(bad.body, "Address (URL)"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_webhooks") == 0);
  auto hook = c->Post("/desk/agencies/IFEN/webhooks", {{"url", "https://lms.ifen.lu/parcours-hook"}});
  REQUIRE(hook.status == 200);
  CHECK(Contains(hook.body, "<code class=\"secret\">"));
  const auto listed = c->Get("/desk/agencies");
  CHECK(Contains(listed.body, "https://lms.ifen.lu/parcours-hook"));
  CHECK_FALSE(Contains(listed.body, "class=\"secret\""));
  const std::string hook_id = f.db.Scalar("SELECT id FROM agency_webhooks");
  CHECK(c->Post("/desk/agencies/IFEN/webhooks/" + hook_id + "/delete", {}).status == 303);
  CHECK_FALSE(Contains(c->Get("/desk/agencies").body, "https://lms.ifen.lu/parcours-hook"));
}

TEST_CASE("desk admin pages: the sessions list comes a page of 20 at a time, with the next page and the first", "[api][pages]") {
  ApiFixture f;
  auto module = f.Module("PAGED");
  std::vector<std::string> ids;
  for (int day = 1; day <= 25; ++day) {
    const std::string d = (day < 10 ? "2027-04-0" : "2027-04-") + std::to_string(day);
    ids.push_back(f.Session(module, 10, d + "T09:00:00+02:00", d + "T13:00:00+02:00"));
  }
  f.SetClock("2027-03-01T10:00:00+01:00");  // after the API's sessions: the fixture's token would have expired
  auto c = Coordinator(f);
  auto cards = [](const std::string& body) {
    int n = 0;
    for (auto at = body.find("<li class=\"card"); at != std::string::npos; at = body.find("<li class=\"card", at + 1)) ++n;
    return n;
  };
  auto first = c->Get("/desk/sessions?from=2027-04-01");
  REQUIRE(first.status == 200);
  CHECK(cards(first.body) == 20);
  CHECK(Contains(first.body, "/desk/sessions/" + ids[19] + "\""));
  CHECK_FALSE(Contains(first.body, "/desk/sessions/" + ids[20] + "\""));
  CHECK_FALSE(Contains(first.body, "Début de la liste"));
  const auto at = first.body.find("<p class=\"pager\"><a href=\"");
  REQUIRE(at != std::string::npos);
  const auto from = at + 26;
  std::string next = first.body.substr(from, first.body.find('"', from) - from);
  for (std::string amp = "&amp;"; next.find(amp) != std::string::npos;) next.replace(next.find(amp), amp.size(), "&");
  auto second = c->Get(next);
  REQUIRE(second.status == 200);
  CHECK(cards(second.body) == 5);
  CHECK(Contains(second.body, "/desk/sessions/" + ids[24] + "\""));
  CHECK(Contains(second.body, ">Début de la liste</a>"));
  CHECK_FALSE(Contains(second.body, ">Suite</a>"));
}

TEST_CASE("desk admin pages: the sessions report per session, by status and channel, with hours, filtered by module, and its CSV", "[api][pages]") {
  ApiFixture f;
  const std::string hist = f.Module("HIST");
  f.Module("OTHER");
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  f.SetClock("2026-11-20T10:00:00+01:00");
  f.Staff("t@ex.lu", "trainer");
  BrowserClient nobody(f.server->BaseUrl());
  CHECK(nobody.Get("/desk/report/sessions").status == 303);
  CHECK(nobody.Get("/desk/report/sessions.csv?year=2025").status == 303);
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  CHECK(t.Get("/desk/report/sessions?year=2025").status == 403);
  CHECK(t.Get("/desk/report/sessions.csv?year=2025").status == 403);

  auto c = Coordinator(f);
  REQUIRE(c->Get("/desk/import").status == 200);  // the form's CSRF token
  auto imported = c->PostMultipart("/desk/import?lang=en", {{"file", kHistory + "dan@ex.lu,Dan Weber,OTHER,2025-05-06,absent,,IFEN\n"}},
                                   {"file"});
  INFO(imported.body.substr(imported.body.find("<main"), 1500));
  REQUIRE(imported.status == 200);
  auto page = c->Get("/desk/report/sessions?year=2025&lang=en");
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "<h1>Sessions 2025</h1>"));
  CHECK(Contains(page.body, "2 session(s) offered, 2 held"));
  // HIST: two registered (one specialised, one direct), one present and one partial: 4 + 2 hours.
  CHECK(Contains(page.body, "<td>2</td><td>0</td><td>0</td><td class=\"text\">DIRECT 1 · SPECIALISED 1</td><td>1</td><td>1</td><td>0</td><td>6</td>"));
  CHECK(Contains(page.body, "<td class=\"text\">IFEN 1</td><td>0</td><td>0</td><td>1</td><td>0</td>"));
  auto only = c->Get("/desk/report/sessions?year=2025&module=" + hist + "&lang=en");
  REQUIRE(only.status == 200);
  CHECK(Contains(only.body, "1 session(s) offered"));
  CHECK_FALSE(Contains(only.body, "IFEN 1"));
  CHECK(Contains(only.body, "<option value=\"" + hist + "\" selected>"));
  CHECK(c->Get("/desk/report/sessions?year=1999").status == 400);
  CHECK(c->Get("/desk/report/sessions?module=abc").status == 400);

  auto csv = c->Get("/desk/report/sessions.csv?year=2025&module=" + hist);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  CHECK(Contains(csv.body, "session_id;starts_at;module;status;capacity;confirmed;waitlisted;withdrawn;cancelled;"
                           "confirmed_IFEN;confirmed_FEDAS;confirmed_DIRECT;confirmed_SPECIALISED;present;partial;absent;excused;hours\r\n"));
  CHECK(Contains(csv.body, ";2;0;0;0;0;0;1;1;1;1;0;0;6\r\n"));
  CHECK_FALSE(Contains(csv.body, "OTHER"));
}
