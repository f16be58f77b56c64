// The trainers' and the coordinator's pages through the real server, as a browser without
// JavaScript uses them: who may open them, the sheet's forms (one mark per person, refused
// before the start), walk-ins, self check-in with the code the trainer's page shows, a session
// edited through the same rules as PATCH, attestations from a person's record, the report's CSV.
#include <catch2/catch.hpp>

#include <regex>

#include "api_fixture.h"
#include "browser_client.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

// A session of a new module taught by `trainer_id`, 4 March 2027 9:00–13:00.
std::string TaughtSession(ApiFixture& f, const std::string& trainer_id, int capacity = 10) {
  auto s = f.Session(f.Module("DOOR"), capacity);
  REQUIRE(f.coordinator->Request("PATCH", "/api/v1/sessions/" + s, json{{"trainer_ids", {trainer_id}}}.dump()).status == 200);
  return s;
}

void Register(ApiFixture& f, const std::string& session, const std::string& token) {
  auto c = f.Client();
  c->set_token(token);
  REQUIRE(c->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
}

}  // namespace

TEST_CASE("staff pages: other roles get 403, nobody signed in goes to login, each role sees its links", "[api][pages]") {
  ApiFixture f;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto session = TaughtSession(f, trainer);
  auto [pid, ptoken] = f.Participant("p@ex.lu");
  Register(f, session, ptoken);
  BrowserClient pro(f.server->BaseUrl());
  REQUIRE(pro.LogIn("p@ex.lu", "a-long-password"));
  auto home = pro.Get("/parcours");
  CHECK_FALSE(Contains(home.body, "href=\"/desk\""));
  CHECK_FALSE(Contains(home.body, "href=\"/trainer\""));
  for (const std::string& path : std::vector<std::string>{"/desk", "/desk/sessions/" + session, "/desk/people", "/desk/people/" + pid,
                                 "/desk/report", "/desk/report.csv?year=2027", "/trainer", "/trainer/sessions/" + session,
                                 "/trainer/sessions/" + session + "/code"}) {
    INFO(path);
    CHECK(pro.Get(path).status == 403);
  }
  auto [other, otoken] = f.Staff("o@ex.lu", "trainer");
  // A form posted anyway changes nothing.
  f.SetClock("2027-03-04T09:30:00+01:00");
  REQUIRE(pro.LogIn("p@ex.lu", "a-long-password"));
  pro.Get("/parcours");
  CHECK(pro.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", pid}, {"status", "present"}}).status == 403);
  CHECK(pro.Post("/desk/sessions/" + session + "/cancel", {{"reason", "no"}}).status == 403);
  CHECK(pro.Post("/desk/sessions/" + session + "/confirm", {}).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE session_id = " + session) == 0);
  CHECK(f.db.Scalar("SELECT status FROM sessions WHERE id = " + session) != "cancelled");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE actor = 'user:" + pid + "' AND entity_type = 'session'") == 0);

  BrowserClient nobody(f.server->BaseUrl());
  for (const char* path : {"/desk", "/trainer", "/desk/people"}) {
    auto r = nobody.Get(path);
    CHECK(r.status == 303);
    CHECK(r.header("location") == std::string("/login?next=") + path);
  }
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  auto mine = t.Get("/trainer");
  CHECK(Contains(mine.body, "href=\"/trainer\""));
  CHECK_FALSE(Contains(mine.body, "href=\"/desk\""));
  CHECK(Contains(mine.body, "/trainer/sessions/" + session));
  CHECK(t.Get("/desk").status == 403);
  // Another trainer's session is not theirs.
  BrowserClient o(f.server->BaseUrl());
  REQUIRE(o.LogIn("o@ex.lu", "a-long-password"));
  CHECK(o.Get("/trainer/sessions/" + session).status == 403);
}

TEST_CASE("staff pages: the sheet refuses a mark before the start, then marks, walks in and confirms", "[api][pages]") {
  ApiFixture f;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto session = TaughtSession(f, trainer);
  auto [a, atoken] = f.Participant("a@ex.lu", "Anna Schmit");
  auto [b, btoken] = f.Participant("b@ex.lu", "Ben Klein");
  auto [c, ctoken] = f.Participant("c@ex.lu", "Chloé Muller");
  auto [d, dtoken] = f.Participant("d@ex.lu", "Dora Faber");
  for (const auto& token : {atoken, btoken, ctoken}) Register(f, session, token);
  f.SetClock("2027-03-04T08:30:00+01:00");
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  auto sheet = t.Get("/trainer/sessions/" + session);
  REQUIRE(sheet.status == 200);
  CHECK(Contains(sheet.body, "Anna Schmit"));
  auto early = t.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", a}, {"status", "present"}});
  CHECK(early.status == 422);
  CHECK(Contains(early.body, "La présence se note à partir du début de la session"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE session_id = " + session) == 0);

  f.SetClock("2027-03-04T09:15:00+01:00");
  t.Get("/trainer/sessions/" + session);
  CHECK(t.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", a}, {"status", "present"}}, false).status == 403);
  auto marked = t.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", a}, {"status", "present"}, {"hours", ""}});
  CHECK(marked.status == 303);
  CHECK(marked.header("location") == "/trainer/sessions/" + session + "?done=marked#p" + a);
  CHECK(t.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", b}, {"status", "partial"}, {"hours", "2.5"}}).status == 303);
  CHECK(f.db.Scalar("SELECT status FROM attendance WHERE participant_id = " + a) == "present");
  CHECK(std::stod(f.db.Scalar("SELECT hours FROM attendance WHERE participant_id = " + b)) == 2.5);
  // Partial without hours: the service's rule, shown in the page.
  auto no_hours = t.Post("/trainer/sessions/" + session + "/mark", {{"participant_id", c}, {"status", "partial"}, {"hours", ""}});
  CHECK(no_hours.status == 422);
  CHECK(Contains(no_hours.body, "role=\"alert\""));
  // Someone known, by e-mail alone (no name needed); someone new, with a name and a channel.
  auto known = t.Post("/trainer/sessions/" + session + "/walk-ins", {{"email", "D@ex.lu"}, {"name", ""}, {"organisation", ""}, {"channel", "DIRECT"}});
  CHECK(known.status == 303);
  CHECK(Contains(known.header("location"), "done=walked_in#p" + d));
  // Someone already on the list is not added again: the trainer is told, the person marked present.
  const auto registrations = f.db.Count("SELECT COUNT(*) FROM registrations WHERE session_id = " + session);
  auto again = t.Post("/trainer/sessions/" + session + "/walk-ins", {{"email", "a@ex.lu"}, {"name", ""}, {"channel", "DIRECT"}});
  CHECK(again.status == 303);
  CHECK(Contains(again.header("location"), "done=walked_in_known#p" + a));
  CHECK(Contains(t.Get(again.header("location")).body, "était déjà sur la liste"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE session_id = " + session) == registrations);
  CHECK(f.db.Scalar("SELECT status FROM attendance WHERE participant_id = " + a) == "present");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));  // after the clock's jump
  auto api = f.coordinator->Post("/api/v1/sessions/" + session + "/walk-ins", {{"person", {{"email", "a@ex.lu"}, {"name", ""}}}});
  CHECK(api.status == 201);
  CHECK(api.json()["already_registered"] == true);
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE session_id = " + session) == registrations);
  auto fresh_api = f.coordinator->Post("/api/v1/sessions/" + session + "/walk-ins", {{"person", {{"email", "d@ex.lu"}, {"name", ""}}}});
  CHECK(fresh_api.json()["already_registered"] == true);
  auto nameless = t.Post("/trainer/sessions/" + session + "/walk-ins", {{"email", "new@ex.lu"}, {"name", ""}, {"channel", "DIRECT"}});
  CHECK(nameless.status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'new@ex.lu'") == 0);
  auto fresh = t.Post("/trainer/sessions/" + session + "/walk-ins",
                      {{"email", "new@ex.lu"}, {"name", "Émile <b>Reding</b>"}, {"organisation", "Foyer"}, {"channel", "SPECIALISED"}});
  CHECK(fresh.status == 303);
  CHECK(Contains(fresh.header("location"), "done=walked_in_new"));
  CHECK(f.db.Scalar("SELECT r.channel FROM registrations r JOIN users u ON u.id = r.participant_id WHERE u.email = 'new@ex.lu'") == "SPECIALISED");
  auto page = t.Get("/trainer/sessions/" + session + "?done=walked_in_new");
  CHECK(Contains(page.body, "Émile &lt;b&gt;Reding&lt;/b&gt;"));
  CHECK(Contains(page.body, "public spécialisé"));
  CHECK(Contains(page.body, "4 sur 5 personnes pointées"));
  auto bad_channel = t.Post("/trainer/sessions/" + session + "/walk-ins", {{"email", "x@ex.lu"}, {"name", "X"}, {"channel", "NOPE"}});
  CHECK(bad_channel.status == 422);

  CHECK(t.Post("/trainer/sessions/" + session + "/confirm", {}).status == 303);
  CHECK(f.db.Scalar("SELECT status FROM attendance WHERE participant_id = " + c) == "absent");
  CHECK(f.db.Scalar("SELECT sheet_confirmed_at IS NOT NULL FROM sessions WHERE id = " + session) == "1");
  CHECK_FALSE(Contains(t.Get("/trainer/sessions/" + session).body, "action=\"/trainer/sessions/" + session + "/confirm\""));
}

TEST_CASE("staff pages: self check-in with the code the trainer's page shows", "[api][pages]") {
  ApiFixture f;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto session = TaughtSession(f, trainer);
  auto [p, ptoken] = f.Participant("p@ex.lu", "Lou Kieffer");
  Register(f, session, ptoken);
  f.Participant("q@ex.lu", "Not Registered");
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  auto before = t.Get("/trainer/sessions/" + session + "/code");
  CHECK(before.status == 422);
  CHECK(Contains(before.body, "La présence se note à partir du début"));

  f.SetClock("2027-03-04T09:05:00+01:00");
  REQUIRE(t.LogIn("t@ex.lu", "a-long-password"));
  auto shown = t.Get("/trainer/sessions/" + session + "/code");
  REQUIRE(shown.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(shown.body, m, std::regex("class=\"checkin-code\">([0-9A-Z]{10})<")));
  const std::string code = m[1];
  CHECK(Contains(shown.body, "/sessions/" + session + "/check-in?code=" + code));
  // The URL as a QR code drawn in SVG (the cert tier reads such a matrix back with zbarimg).
  CHECK(std::regex_search(shown.body, std::regex("<svg class=\"qr\" viewBox=\"0 0 (\\d+) \\1\"[^>]*role=\"img\"")));
  const auto d = shown.body.find("<path class=\"qr-dark\" d=\"M");
  REQUIRE(d != std::string::npos);
  const std::string path = shown.body.substr(d + 25, shown.body.find('"', d + 25) - d - 25);
  CHECK(path.size() > 200);
  CHECK(path.find_first_not_of("0123456789 Mhvz-") == std::string::npos);

  BrowserClient nobody(f.server->BaseUrl());
  auto to_login = nobody.Get("/sessions/" + session + "/check-in?code=" + code);
  CHECK(to_login.status == 303);
  CHECK(Contains(to_login.header("location"), "check-in%3Fcode%3D" + code));

  BrowserClient q(f.server->BaseUrl());
  REQUIRE(q.LogIn("q@ex.lu", "a-long-password"));
  q.Get("/sessions/" + session + "/check-in");
  auto stranger = q.Post("/sessions/" + session + "/check-in", {{"code", code}});
  CHECK(stranger.status == 422);
  CHECK(Contains(stranger.body, "Seules les personnes inscrites"));

  BrowserClient lou(f.server->BaseUrl());
  REQUIRE(lou.LogIn("p@ex.lu", "a-long-password"));
  auto form = lou.Get("/sessions/" + session + "/check-in?code=" + code);
  CHECK(Contains(form.body, "value=\"" + code + "\""));
  CHECK(lou.Post("/sessions/" + session + "/check-in", {{"code", "AAAAAAAAAA"}}).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE session_id = " + session) == 0);
  auto done = lou.Post("/sessions/" + session + "/check-in", {{"code", code}});
  CHECK(done.status == 200);
  CHECK(Contains(done.body, "Votre présence est enregistrée"));
  CHECK(f.db.Scalar("SELECT source FROM attendance WHERE participant_id = " + p) == "check_in");
  CHECK(Contains(t.Get("/trainer/sessions/" + session + "/code").body, "Lou Kieffer"));
}

TEST_CASE("staff pages: a session edited through the page follows the rules of PATCH", "[api][pages]") {
  ApiFixture f(true);
  auto session = f.Session(f.Module("EDIT"), 10);
  auto [a, atoken] = f.Participant("a@ex.lu", "Anna");
  auto [b, btoken] = f.Participant("b@ex.lu", "Ben");
  Register(f, session, atoken);
  Register(f, session, btoken);
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  BrowserClient c(f.server->BaseUrl());
  REQUIRE(c.LogIn(kCoordinatorEmail, kCoordinatorPassword));
  auto page = c.Get("/desk/sessions/" + session);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "value=\"2027-03-04T09:00\""));
  // The id captured by copy: clang 14 cannot capture a structured binding.
  auto form = [&, trainer = trainer](const std::string& capacity, const std::string& starts, bool move) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"capacity", capacity}, {"min_registrants", "0"}, {"starts_at", starts}, {"ends_at", "2027-03-04T13:00"},
        {"location", "Cesas, Luxembourg"}, {"trainer", trainer}};
    if (move) fields.push_back({"move_to_waitlist", "on"});
    return fields;
  };
  auto refused = c.Post("/desk/sessions/" + session, form("1", "2027-03-04T09:00", false));
  CHECK(refused.status == 422);
  CHECK(Contains(refused.body, "2 personnes sont inscrites"));
  CHECK(f.db.Scalar("SELECT capacity FROM sessions WHERE id = " + session) == "10");
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_trainers WHERE session_id = " + session) == 0);
  auto unreadable = c.Post("/desk/sessions/" + session, form("ten", "2027-03-04T09:00", false));
  CHECK(unreadable.status == 422);
  // Moved later by an hour and given a trainer; then lowered with the move to the waiting list.
  CHECK(c.Post("/desk/sessions/" + session, form("10", "2027-03-04T10:00", false)).status == 303);
  CHECK(f.db.Scalar("SELECT starts_at FROM sessions WHERE id = " + session).starts_with("2027-03-04 09:00:00"));
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_trainers WHERE session_id = " + session) == 1);
  CHECK(c.Post("/desk/sessions/" + session, form("1", "2027-03-04T10:00", true)).status == 303);
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE participant_id = " + b) == "waitlisted");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.updated' AND entity_id = " + session) == 2);
  // Confirmed early, then cancelled: the forms go.
  CHECK(c.Post("/desk/sessions/" + session + "/confirm", {}).status == 303);
  CHECK(f.db.Scalar("SELECT status FROM sessions WHERE id = " + session) == "confirmed");
  CHECK(c.Post("/desk/sessions/" + session + "/cancel", {{"reason", "Salle indisponible"}}).status == 303);
  CHECK(f.db.Scalar("SELECT status FROM sessions WHERE id = " + session) == "cancelled");
  auto closed = c.Get("/desk/sessions/" + session);
  CHECK(Contains(closed.body, "Salle indisponible"));
  CHECK_FALSE(Contains(closed.body, "name=\"capacity\""));
}

TEST_CASE("staff pages: a person found, their attestation issued and revoked, the report as CSV", "[api][pages]") {
  ApiFixture f;
  auto pathway = f.coordinator->Post("/api/v1/pathways", {{"code", "PW"}, {"title", "Parcours <court>"},
                                                          {"modules", {{{"code", "PW-1"}, {"title", "Un"}, {"hours", 4}}}}});
  REQUIRE(pathway.status == 201);
  const std::string module = pathway.json()["modules"][0]["id"];
  auto s = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                    {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5}, {"min_registrants", 0}});
  REQUIRE(s.status == 201);
  const std::string session = s.json()["id"];
  auto [p, ptoken] = f.Participant("sara@ex.lu", "Sara Lentz");
  Register(f, session, ptoken);
  f.SetClock("2027-03-04T10:00:00+01:00");
  f.coordinator = f.Client();
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(f.coordinator->Put("/api/v1/sessions/" + session + "/attendance",
                             {{"records", {{{"participant_id", p}, {"status", "present"}}}}}).status == 200);
  BrowserClient c(f.server->BaseUrl());
  REQUIRE(c.LogIn(kCoordinatorEmail, kCoordinatorPassword));
  auto desk = c.Get("/desk");
  CHECK(Contains(desk.body, "Parcours &lt;court&gt;"));
  auto found = c.Get("/desk/people?q=LENTZ");
  CHECK(Contains(found.body, "/desk/people/" + p));
  CHECK_FALSE(Contains(c.Get("/desk/people?q=nobody-here").body, "/desk/people/" + p));
  auto record = c.Get("/desk/people/" + p);
  REQUIRE(record.status == 200);
  const std::string pathway_id = pathway.json()["id"];
  CHECK(c.Post("/desk/attestations", {{"participant_id", p}, {"pathway_id", pathway_id}}).status == 303);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attestations WHERE participant_id = " + p) == 1);
  const std::string attestation = f.db.Scalar("SELECT id FROM attestations WHERE participant_id = " + p);
  record = c.Get("/desk/people/" + p + "?done=issued");
  CHECK(Contains(record.body, "Attestation délivrée."));
  CHECK(Contains(record.body, "/attestations/" + attestation + "/pdf"));
  auto pdf = c.Get("/attestations/" + attestation + "/pdf");
  CHECK(pdf.status == 200);
  CHECK(pdf.body.starts_with("%PDF-"));
  // The batch then has nobody left; a revocation needs its reason.
  auto batch = c.Post("/desk/pathways/" + pathway_id + "/attestations", {});
  CHECK(batch.status == 303);
  CHECK(batch.header("location") == "/desk?done=batch&count=0");
  CHECK(f.db.Count("SELECT COUNT(*) FROM attestations WHERE participant_id = " + p) == 1);
  CHECK(Contains(batch.header("set-cookie"), "parcours_notice=batch.0;"));
  auto announced = c.Get("/desk?done=batch&count=0");
  CHECK(Contains(announced.body, "0 attestation(s) délivrée(s)."));
  CHECK(Contains(announced.header("set-cookie"), "parcours_notice=;"));  // shown once
  CHECK_FALSE(Contains(c.Get("/desk?done=batch&count=0").body, "attestation(s) délivrée(s)"));
  // A link anybody can write announces nothing: only the redirect after the action does, with
  // its cookie; a count other than the redirect's, or not a number, shows nothing either.
  for (const char* forged : {"/desk?done=batch&count=7", "/desk?done=batch&count=Votre%20compte%20expire",
                             "/desk?done=batch&count=123456789012"}) {
    INFO(forged);
    CHECK_FALSE(Contains(c.Get(forged).body, "attestation(s) délivrée(s)"));
  }
  c.Post("/desk/pathways/" + pathway_id + "/attestations", {});
  CHECK_FALSE(Contains(c.Get("/desk?done=batch&count=7").body, "attestation(s) délivrée(s)"));
  CHECK(c.Post("/desk/attestations/" + attestation + "/revoke", {{"reason", ""}}).status == 422);
  CHECK(c.Post("/desk/attestations/" + attestation + "/revoke", {{"reason", "Erreur de nom"}}).status == 303);
  CHECK(f.db.Scalar("SELECT revoke_reason FROM attestations WHERE id = " + attestation) == "Erreur de nom");
  record = c.Get("/desk/people/" + p);
  CHECK(Contains(record.body, "Erreur de nom"));
  // Issuing again after a revocation asks for a reason (the service's rule).
  CHECK(Contains(record.body, "name=\"reason\" required"));

  auto report = c.Get("/desk/report?year=2027");
  CHECK(report.status == 200);
  CHECK(Contains(report.body, "/desk/report.csv?year=2027"));
  auto csv = c.Get("/desk/report.csv?year=2027");
  CHECK(csv.status == 200);
  CHECK(Contains(csv.header("content-type"), "text/csv"));
  CHECK(Contains(csv.body, "Parcours <court>"));
  CHECK(c.Get("/desk/report.csv?year=abc").status == 400);
}
