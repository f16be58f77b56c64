// Events as they are held (issue 12, item 5): a session's language and description in the
// catalogue (API and pages, filterable), its online link revealed to confirmed registrants and
// staff only, and the replay opened through a counting redirect whose count staff see. Every
// role against each route, bad input that stores nothing.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "browser_client.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

const std::string kLink = "https://meet.example.lu/colloque-2027";
const std::string kReplay = "https://video.example.lu/replay/colloque-2027";

std::string SessionsIn(const HttpResult& r) {
  std::string ids;
  const json body = r.json();  // a copy: a reference into the temporary would dangle
  for (const auto& s : body["items"]) ids += s["id"].get<std::string>() + ",";
  return ids;
}

// Moves the test clock and signs the coordinator and each (client, e-mail) given in again: a
// sign-in lasts 12 hours of that clock.
void MoveClock(ApiFixture& f, const std::string& now, const std::vector<std::pair<HttpClient*, std::string>>& people = {}) {
  f.SetClock(now);
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  for (const auto& [client, email] : people) client->set_token(f.Login(email, "a-long-password"));
}

}  // namespace

TEST_CASE("events: a session's language and description are stored, shown and filterable", "[api][events]") {
  ApiFixture f;
  MoveClock(f, "2027-01-10T08:00:00+01:00");
  auto [pid, ptoken] = f.Participant("pro@ecole.lu");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto participant = f.Client(ptoken);
  auto trainer = f.Client(ttoken);
  auto agency = f.Agency("IFEN");
  const std::string module = f.Module("EVT");

  const json german = {{"module_id", module},
                       {"starts_at", "2027-03-04T09:00:00+01:00"},
                       {"ends_at", "2027-03-04T13:00:00+01:00"},
                       {"capacity", 20},
                       {"min_registrants", 0},
                       {"language", "de"},
                       {"audience", "Fachkräfte der non-formalen Bildung"},
                       {"objectives", "Sexuelle Bildung in Gruppen begleiten"},
                       {"trainers_organisation", "Planning Familial"},
                       {"co_organisers", "Service national de la jeunesse, CePAS"}};
  // Who may create: coordinators; everyone else is refused before the body is read.
  CHECK(f.Client()->Post("/api/v1/sessions", german).status == 401);
  CHECK(participant->Post("/api/v1/sessions", german).status == 403);
  CHECK(trainer->Post("/api/v1/sessions", german).status == 403);
  CHECK(agency->Post("/api/v1/sessions", german).status == 403);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 0);

  // Bad input: a 422 naming the field, nothing stored.
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"language", "klingon"}, {"language", "DE"}, {"language", 3}, {"audience", std::string(1001, 'a')},
           {"objectives", "line\u2028separator"}, {"co_organisers", std::string(501, 'b')}}) {
    json bad = german;
    bad[field] = value;
    auto r = f.coordinator->Post("/api/v1/sessions", bad);
    INFO(field << " " << r.body);
    CHECK((r.status == 422 || r.status == 400));
    CHECK(r.headers["content-type"] == "application/problem+json");
    CHECK(r.body.find(field) != std::string::npos);
  }
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 0);

  auto made = f.coordinator->Post("/api/v1/sessions", german);
  REQUIRE(made.status == 201);
  const std::string de = made.json()["id"];
  CHECK(made.json()["language"] == "de");
  CHECK(made.json()["co_organisers"] == "Service national de la jeunesse, CePAS");
  const std::string fr = f.Session(module, 20, "2027-03-11T09:00:00+01:00", "2027-03-11T13:00:00+01:00");
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 2);
  CHECK(f.db.Scalar("SELECT language FROM sessions WHERE id = " + fr) == "fr");  // the default

  // In the public JSON, read by anyone, and filterable.
  auto one = f.Client()->Get("/api/v1/sessions/" + de);
  REQUIRE(one.status == 200);
  CHECK(one.json()["language"] == "de");
  CHECK(one.json()["audience"] == "Fachkräfte der non-formalen Bildung");
  CHECK(one.json()["objectives"] == "Sexuelle Bildung in Gruppen begleiten");
  CHECK(one.json()["trainers_organisation"] == "Planning Familial");
  CHECK(SessionsIn(f.Client()->Get("/api/v1/sessions?language=de")) == de + ",");
  CHECK(SessionsIn(f.Client()->Get("/api/v1/sessions?language=fr")) == fr + ",");
  CHECK(SessionsIn(f.Client()->Get("/api/v1/sessions?language=lb")).empty());
  CHECK(SessionsIn(f.Client()->Get("/api/v1/sessions")) == de + "," + fr + ",");
  auto bad_query = f.Client()->Get("/api/v1/sessions?language=xx");
  CHECK(bad_query.status == 400);
  CHECK(bad_query.body.find("language") != std::string::npos);

  // PATCH: coordinators only (403 for the others before the body is read); bad values store nothing.
  const std::string path = "/api/v1/sessions/" + de;
  const json to_lb = {{"language", "lb"}, {"audience", "Enseignant·es du fondamental"}};
  CHECK(f.Client()->Request("PATCH", path, to_lb.dump()).status == 401);
  CHECK(participant->Request("PATCH", path, to_lb.dump()).status == 403);
  CHECK(trainer->Request("PATCH", path, to_lb.dump()).status == 403);
  CHECK(agency->Request("PATCH", path, to_lb.dump()).status == 403);
  CHECK(f.coordinator->Request("PATCH", path, json{{"language", "tlh"}}.dump()).status == 422);
  CHECK(f.coordinator->Request("PATCH", path, json{{"trainers_organisation", "a\tb"}}.dump()).status == 422);
  CHECK(f.db.Scalar("SELECT CONCAT(language, '|', trainers_organisation) FROM sessions WHERE id = " + de) ==
        "de|Planning Familial");
  const std::string etag = f.Client()->Get("/api/v1/sessions?language=lb").headers["etag"];
  const long long audits = f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.updated'");
  auto patched = f.coordinator->Request("PATCH", path, to_lb.dump());
  REQUIRE(patched.status == 200);
  CHECK(patched.json()["language"] == "lb");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.updated'") == audits + 1);
  // The kept catalogue shows the change at once (the edit bumped its version).
  auto after = f.Client()->Get("/api/v1/sessions?language=lb");
  CHECK(SessionsIn(after) == de + ",");
  CHECK(after.headers["etag"] != etag);
  CHECK(f.Client()->Get(path).json()["audience"] == "Enseignant·es du fondamental");

  // The catalogue page: the language shown and filterable; the session page: the description.
  BrowserClient b(f.server->BaseUrl());
  auto all = b.Get("/", {{"Accept-Language", "fr"}});
  REQUIRE(all.status == 200);
  CHECK(all.body.find("name=\"language\"") != std::string::npos);
  CHECK(all.body.find("luxembourgeois") != std::string::npos);
  auto only_lb = b.Get("/?language=lb", {{"Accept-Language", "fr"}});
  REQUIRE(only_lb.status == 200);
  CHECK(only_lb.body.find("/sessions/" + de + "\"") != std::string::npos);
  CHECK(only_lb.body.find("/sessions/" + fr + "\"") == std::string::npos);
  CHECK(b.Get("/?language=xx").status == 400);
  // A parameter the page does not read changes nothing (and is answered from the same kept
  // content: the key is the filters read, web/page.h CatalogueKey); the filters still apply.
  auto junk = b.Get("/?utm_source=x&language=lb", {{"Accept-Language", "fr"}});
  REQUIRE(junk.status == 200);
  CHECK(junk.body.find("/sessions/" + de + "\"") != std::string::npos);
  CHECK(junk.body.find("/sessions/" + fr + "\"") == std::string::npos);
  auto junk_all = b.Get("/?x=1", {{"Accept-Language", "fr"}});
  REQUIRE(junk_all.status == 200);
  CHECK(junk_all.body.find("/sessions/" + fr + "\"") != std::string::npos);
  auto page = b.Get("/sessions/" + de, {{"Accept-Language", "de"}});
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Luxemburgisch") != std::string::npos);
  CHECK(page.body.find("Enseignant·es du fondamental") != std::string::npos);
  CHECK(page.body.find("Service national de la jeunesse, CePAS") != std::string::npos);
  CHECK(b.Get("/sessions/" + de, {{"Accept-Language", "en"}}).body.find("Co-organised with") != std::string::npos);
}

TEST_CASE("events: the online link only for confirmed registrants and staff, the replay through a counting redirect",
          "[api][events]") {
  ApiFixture f;
  MoveClock(f, "2027-01-10T08:00:00+01:00");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [other_tid, other_ttoken] = f.Staff("other@pf.lu", "trainer");
  auto trainer = f.Client(ttoken);
  auto other_trainer = f.Client(other_ttoken);
  auto [aid, atoken] = f.Participant("confirmed@ecole.lu");
  auto [wid, wtoken] = f.Participant("waiting@ecole.lu");
  auto [sid, stoken] = f.Participant("stranger@ecole.lu");
  auto confirmed = f.Client(atoken);
  auto waiting = f.Client(wtoken);
  auto stranger = f.Client(stoken);
  auto agency = f.Agency("IFEN");
  const std::string module = f.Module("COLLOQUE");
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 1},
                                                       {"min_registrants", 0}, {"mode", "online"},
                                                       {"online_link", kLink}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  REQUIRE(confirmed->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["status"] == "confirmed");
  REQUIRE(waiting->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["status"] == "waitlisted");

  // Never in the public catalogue, JSON or pages.
  for (const std::string& p : {"/api/v1/sessions/" + session, std::string("/api/v1/sessions")}) {
    auto r = f.Client()->Get(p);
    REQUIRE(r.status == 200);
    CHECK(r.body.find(kLink) == std::string::npos);
  }
  BrowserClient anonymous(f.server->BaseUrl());
  CHECK(anonymous.Get("/").body.find(kLink) == std::string::npos);
  CHECK(anonymous.Get("/sessions/" + session).body.find(kLink) == std::string::npos);

  // In the person's own registrations once confirmed, not while waiting.
  auto mine = confirmed->Get("/api/v1/me/registrations");
  REQUIRE(mine.status == 200);
  CHECK(mine.json()["items"][0]["session"]["online_link"] == kLink);
  CHECK(mine.json()["items"][0]["session"]["replay_url"].is_null());
  auto theirs = waiting->Get("/api/v1/me/registrations");
  REQUIRE(theirs.status == 200);
  CHECK(theirs.body.find(kLink) == std::string::npos);
  BrowserClient a(f.server->BaseUrl()), w(f.server->BaseUrl()), s(f.server->BaseUrl());
  REQUIRE(a.LogIn("confirmed@ecole.lu", "a-long-password"));
  REQUIRE(w.LogIn("waiting@ecole.lu", "a-long-password"));
  REQUIRE(s.LogIn("stranger@ecole.lu", "a-long-password"));
  CHECK(a.Get("/sessions/" + session).body.find(kLink) != std::string::npos);
  CHECK(a.Get("/registrations").body.find(kLink) != std::string::npos);
  CHECK(w.Get("/sessions/" + session).body.find(kLink) == std::string::npos);
  CHECK(w.Get("/registrations").body.find(kLink) == std::string::npos);
  CHECK(s.Get("/sessions/" + session).body.find(kLink) == std::string::npos);

  // The replay: set by the session's trainers and coordinators once it has started.
  const std::string replay = "/api/v1/sessions/" + session + "/replay";
  const json body = {{"replay_link", kReplay}};
  CHECK(f.Client()->Put(replay, body).status == 401);
  CHECK(confirmed->Put(replay, body).status == 403);
  CHECK(agency->Put(replay, body).status == 403);
  CHECK(trainer->Put(replay, body).status == 409);  // not started yet
  CHECK(f.db.Scalar("SELECT replay_link FROM sessions WHERE id = " + session).empty());
  MoveClock(f, "2027-03-05T10:00:00+01:00",
            {{trainer.get(), "trainer@pf.lu"}, {other_trainer.get(), "other@pf.lu"}, {confirmed.get(), "confirmed@ecole.lu"},
             {waiting.get(), "waiting@ecole.lu"}, {stranger.get(), "stranger@ecole.lu"}});
  REQUIRE(a.LogIn("confirmed@ecole.lu", "a-long-password"));
  REQUIRE(s.LogIn("stranger@ecole.lu", "a-long-password"));
  CHECK(other_trainer->Put(replay, body).status == 403);  // not this session's trainer
  CHECK(trainer->Put(replay, json{{"replay_link", "ftp://video.example.lu/x"}}).status == 422);
  CHECK(trainer->Put(replay, json{{"replay_link", kReplay}, {"views", 3}}).status == 400);
  CHECK(trainer->Put(replay, json::object()).status == 422);
  CHECK(f.db.Scalar("SELECT replay_link FROM sessions WHERE id = " + session).empty());
  CHECK(f.coordinator->Put("/api/v1/sessions/999999/replay", body).status == 404);
  auto set = trainer->Put(replay, body);
  REQUIRE(set.status == 200);
  CHECK(set.json()["replay_link"] == kReplay);
  CHECK(set.json()["replay_views"] == 0);
  CHECK(f.db.Scalar("SELECT replay_link FROM sessions WHERE id = " + session) == kReplay);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.replay_set'") == 1);
  CHECK(f.Client()->Get("/api/v1/sessions/" + session).body.find(kReplay) == std::string::npos);

  // Opened by confirmed registrants and staff: 303 to it, one view counted each time.
  CHECK(f.Client()->Get(replay).status == 401);
  CHECK(stranger->Get(replay).status == 403);
  CHECK(waiting->Get(replay).status == 403);
  CHECK(agency->Get(replay).status == 403);
  CHECK(f.Client()->Get("/api/v1/sessions/999999/replay").status == 401);
  CHECK(stranger->Get("/api/v1/sessions/999999/replay").status == 404);
  CHECK(f.db.Count("SELECT replay_views FROM sessions WHERE id = " + session) == 0);
  auto opened = confirmed->Get(replay);
  CHECK(opened.status == 303);
  CHECK(opened.headers["location"] == kReplay);
  CHECK(trainer->Get(replay).status == 303);
  CHECK(f.db.Count("SELECT replay_views FROM sessions WHERE id = " + session) == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.replay_viewed'") == 2);
  CHECK(confirmed->Get("/api/v1/me/registrations").json()["items"][0]["session"]["replay_url"] == replay);
  // The page route counts too, and sends nobody signed in to the login page.
  auto page_open = a.Get("/sessions/" + session + "/replay");
  CHECK(page_open.status == 303);
  CHECK(page_open.headers["location"] == kReplay);
  CHECK(s.Get("/sessions/" + session + "/replay").status == 403);
  CHECK(anonymous.Get("/sessions/" + session + "/replay").headers["location"].starts_with("/login"));
  CHECK(f.db.Count("SELECT replay_views FROM sessions WHERE id = " + session) == 3);
  // Every view counts, but only each person's first is audited (a reload loop adds no rows).
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.replay_viewed'") == 2);
  CHECK(a.Get("/sessions/" + session).body.find("/sessions/" + session + "/replay") != std::string::npos);

  // Staff see the count: the trainer's list of sessions, the coordinator's desk page.
  auto taught = trainer->Get("/api/v1/me/sessions?when=past");
  REQUIRE(taught.status == 200);
  CHECK(taught.json()["items"][0]["replay_views"] == 3);
  BrowserClient desk(f.server->BaseUrl());
  REQUIRE(desk.LogIn(kCoordinatorEmail, kCoordinatorPassword));
  auto desk_page = desk.Get("/desk/sessions/" + session + "?lang=en");  // the profile (fr) before the header
  REQUIRE(desk_page.status == 200);
  CHECK(desk_page.body.find("opened 3 times") != std::string::npos);
  // Cleared with an empty link: opening it is then a 404.
  REQUIRE(f.coordinator->Put(replay, json{{"replay_link", ""}}).status == 200);
  CHECK(confirmed->Get(replay).status == 404);
  CHECK(f.db.Count("SELECT replay_views FROM sessions WHERE id = " + session) == 3);
}

TEST_CASE("events: a session held over two dated parts, attendance per part and the hours summed", "[api][events]") {
  ApiFixture f;
  MoveClock(f, "2027-01-10T08:00:00+01:00");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [other_tid, other_ttoken] = f.Staff("other@pf.lu", "trainer");
  auto trainer = f.Client(ttoken);
  auto other_trainer = f.Client(other_ttoken);
  auto [aid, atoken] = f.Participant("anna@ecole.lu");
  auto [bid, btoken] = f.Participant("ben@ecole.lu");
  auto [cid, ctoken] = f.Participant("chloe@ecole.lu");
  auto anna = f.Client(atoken);
  auto agency = f.Agency("IFEN");
  const std::string module = f.Module("TWODAYS", 12);
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-04-01T16:00:00+02:00"}, {"capacity", 2},
                                                       {"min_registrants", 0}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  const std::string parts_path = "/api/v1/sessions/" + session + "/parts";
  const json day1 = {{"starts_at", "2027-03-04T09:00:00+01:00"}, {"ends_at", "2027-03-04T16:00:00+01:00"}, {"hours", 6}};
  const json day2 = {{"starts_at", "2027-04-01T09:00:00+02:00"}, {"ends_at", "2027-04-01T16:00:00+02:00"}, {"hours", 6}};
  const json two = {{"parts", {day1, day2}}};

  // Coordinators only, refused before the body is read.
  CHECK(f.Client()->Put(parts_path, two).status == 401);
  CHECK(anna->Put(parts_path, two).status == 403);
  CHECK(trainer->Put(parts_path, two).status == 403);
  CHECK(agency->Put(parts_path, two).status == 403);
  // Bad parts: 422 naming the field, nothing stored.
  json short_hours = day2;
  short_hours["hours"] = 5;
  json overlapping = day2;
  overlapping["starts_at"] = "2027-03-04T15:00:00+01:00";
  json late_start = day1;
  late_start["starts_at"] = "2027-03-04T10:00:00+01:00";
  json reversed = day2;
  reversed["ends_at"] = "2027-04-01T08:00:00+02:00";
  for (const auto& [parts, field] : std::vector<std::pair<json, std::string>>{
           {json::array({day1}), "parts"},
           {json::array({day1, short_hours}), "parts"},
           {json::array({day1, overlapping}), "parts[1].starts_at"},
           {json::array({late_start, day2}), "parts[0].starts_at"},
           {json::array({day1, reversed}), "parts[1].ends_at"},
           {json::array({day1, json{{"starts_at", "2027-04-01T09:00:00+02:00"}, {"ends_at", "2027-04-01T16:00:00+02:00"}}}),
            "parts[1].hours"}}) {
    auto r = f.coordinator->Put(parts_path, json{{"parts", parts}});
    INFO(r.body);
    CHECK(r.status == 422);
    CHECK(r.body.find("\"" + field) != std::string::npos);
  }
  CHECK(f.coordinator->Put(parts_path, json{{"parts", {day1, day2}}, {"days", 2}}).status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_parts") == 0);
  CHECK(f.coordinator->Put("/api/v1/sessions/999999/parts", two).status == 404);

  auto set = f.coordinator->Put(parts_path, two);
  REQUIRE(set.status == 200);
  CHECK(set.json()["parts"].size() == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_parts WHERE session_id = " + session) == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.parts_set'") == 1);
  auto shown = f.Client()->Get("/api/v1/sessions/" + session);  // the kept catalogue saw the change
  REQUIRE(shown.status == 200);
  REQUIRE(shown.json()["parts"].size() == 2);
  CHECK(shown.json()["parts"][1]["starts_at"] == "2027-04-01T09:00:00+02:00");
  CHECK(shown.json()["parts"][1]["hours"] == 6);
  BrowserClient b(f.server->BaseUrl());
  auto page = b.Get("/sessions/" + session, {{"Accept-Language", "en"}});
  CHECK(page.body.find("Part 2") != std::string::npos);

  // One registration for the whole session: capacity and waiting list as ever.
  for (const auto& id : {aid, bid, cid})
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);
  CHECK(f.db.Count("SELECT confirmed_count FROM sessions WHERE id = " + session) == 2);
  CHECK(f.db.Count("SELECT waitlist_count FROM sessions WHERE id = " + session) == 1);

  const std::string part1 = "/api/v1/sessions/" + session + "/parts/1/attendance";
  const std::string part2 = "/api/v1/sessions/" + session + "/parts/2/attendance";
  const json day1_marks = {{"records", {{{"participant_id", aid}, {"present", true}}, {{"participant_id", bid}, {"present", false}}}}};
  CHECK(trainer->Post(part1, day1_marks).status == 422);  // before the part starts
  MoveClock(f, "2027-03-04T15:00:00+01:00",
            {{trainer.get(), "trainer@pf.lu"}, {other_trainer.get(), "other@pf.lu"}, {anna.get(), "anna@ecole.lu"}});
  CHECK(f.coordinator->Put(parts_path, two).status == 409);  // started: the parts are fixed
  CHECK(f.Client()->Post(part1, day1_marks).status == 401);
  CHECK(anna->Post(part1, day1_marks).status == 403);
  CHECK(agency->Post(part1, day1_marks).status == 403);
  CHECK(other_trainer->Post(part1, day1_marks).status == 403);
  CHECK(trainer->Post(part2, day1_marks).status == 422);  // day 2 has not started
  CHECK(trainer->Post("/api/v1/sessions/" + session + "/parts/3/attendance", day1_marks).status == 404);
  CHECK(trainer->Post(part1, json{{"records", {{{"participant_id", cid}, {"present", true}}}}}).status == 422);
  CHECK(trainer->Post(part1, json{{"records", {{{"participant_id", aid}}}}}).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance_parts") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);

  auto marked = trainer->Post(part1, day1_marks);
  REQUIRE(marked.status == 200);
  CHECK(marked.json()["part_marks"].size() == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance_parts") == 2);
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + aid) == "partial 6.00");
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + bid) == "absent 0.00");

  MoveClock(f, "2027-04-01T15:00:00+02:00",
            {{trainer.get(), "trainer@pf.lu"}, {other_trainer.get(), "other@pf.lu"}, {anna.get(), "anna@ecole.lu"}});
  const json day2_marks = {{"records", {{{"participant_id", aid}, {"present", true}}, {{"participant_id", bid}, {"present", true}}}}};
  REQUIRE(f.coordinator->Post(part2, day2_marks).status == 200);
  // Both days: the module's hours, present; one day: its hours, partial.
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + aid) == "present 12.00");
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + bid) == "partial 6.00");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.part_marked'") == 4);

  auto sheet = trainer->Get("/api/v1/sessions/" + session + "/parts/attendance");
  REQUIRE(sheet.status == 200);
  CHECK(sheet.json()["part_marks"].size() == 4);
  CHECK(anna->Get("/api/v1/sessions/" + session + "/parts/attendance").status == 403);
  CHECK(other_trainer->Get("/api/v1/sessions/" + session + "/parts/attendance").status == 403);

  // The trainer's sheet page: a form per part, through the same service.
  BrowserClient t(f.server->BaseUrl());
  REQUIRE(t.LogIn("trainer@pf.lu", "a-long-password"));
  auto sheet_page = t.Get("/trainer/sessions/" + session + "?lang=de");  // her profile's language (fr) before the header
  REQUIRE(sheet_page.status == 200);
  CHECK(sheet_page.body.find("/parts/2/mark") != std::string::npos);
  CHECK(sheet_page.body.find("Teil 2") != std::string::npos);
  auto unmark = t.Post("/trainer/sessions/" + session + "/parts/2/mark", {{"participant_id", bid}, {"present", "no"}});
  CHECK(unmark.status == 303);
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + bid) == "absent 0.00");
  REQUIRE(t.Get("/trainer/sessions/" + session).status == 200);
  CHECK(t.Post("/trainer/sessions/" + session + "/parts/2/mark", {{"participant_id", bid}, {"present", "maybe"}}).status == 400);

  // A session held in one go has no parts to mark.
  const std::string single = f.Session(module, 5, "2027-03-20T09:00:00+01:00", "2027-03-20T16:00:00+01:00");
  CHECK(f.coordinator->Post("/api/v1/sessions/" + single + "/parts/1/attendance", day1_marks).status == 404);
}

TEST_CASE("events: a monthly series made from a rule, each date a session edited on its own", "[api][events]") {
  ApiFixture f;
  MoveClock(f, "2027-01-02T08:00:00+01:00");
  auto [pid, ptoken] = f.Participant("pro@ecole.lu");
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto participant = f.Client(ptoken);
  auto trainer = f.Client(ttoken);
  auto agency = f.Agency("IFEN");
  const std::string module = f.Module("ATELIER", 2);
  // The second Thursday of January 2027, monthly, four times.
  const json monthly = {{"module_id", module},
                        {"starts_at", "2027-01-14T18:00:00+01:00"},
                        {"ends_at", "2027-01-14T20:00:00+01:00"},
                        {"capacity", 15},
                        {"min_registrants", 3},
                        {"location", "Cesas, Luxembourg"},
                        {"language", "lb"},
                        {"repeat", {{"frequency", "monthly"}, {"count", 4}}}};
  CHECK(f.Client()->Post("/api/v1/series", monthly).status == 401);
  CHECK(participant->Post("/api/v1/series", monthly).status == 403);
  CHECK(trainer->Post("/api/v1/series", monthly).status == 403);
  CHECK(agency->Post("/api/v1/series", monthly).status == 403);
  for (const auto& [repeat, field, status] : std::vector<std::tuple<json, std::string, int>>{
           {json(nullptr), "repeat", 422},
           {json{{"frequency", "monthly"}, {"count", 1}}, "repeat.count", 422},
           {json{{"frequency", "monthly"}, {"count", 25}}, "repeat.count", 422},
           {json{{"frequency", "daily"}, {"count", 3}}, "repeat.frequency", 422},
           {json{{"frequency", "weekly"}, {"count", 3}, {"interval", 0}}, "repeat.interval", 422},
           {json{{"frequency", "weekly"}, {"count", 3}, {"every", 2}}, "repeat.every", 400},
           {json("monthly"), "repeat", 422}}) {
    json bad = monthly;
    if (repeat.is_null()) bad.erase("repeat");
    else bad["repeat"] = repeat;
    auto r = f.coordinator->Post("/api/v1/series", bad);
    INFO(r.body);
    CHECK(r.status == status);
    CHECK(r.body.find("\"" + field + "\"") != std::string::npos);
  }
  json bad_language = monthly;
  bad_language["language"] = "xx";
  CHECK(f.coordinator->Post("/api/v1/series", bad_language).status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_series") == 0);

  auto made = f.coordinator->Post("/api/v1/series", monthly);
  REQUIRE(made.status == 201);
  const std::string series = made.json()["id"];
  CHECK(made.headers["location"] == "/api/v1/series/" + series);
  const json sessions = made.json()["sessions"];
  REQUIRE(sessions.size() == 4);
  const std::vector<std::string> expected = {"2027-01-14T18:00:00+01:00", "2027-02-11T18:00:00+01:00",
                                             "2027-03-11T18:00:00+01:00", "2027-04-08T18:00:00+02:00"};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(sessions[i]["starts_at"] == expected[i]);
    CHECK(sessions[i]["series_id"] == series);
    CHECK(sessions[i]["language"] == "lb");
    CHECK(sessions[i]["capacity"] == 15);
  }
  CHECK(sessions[3]["ends_at"] == "2027-04-08T20:00:00+02:00");
  CHECK(sessions[1]["decision_at"] == "2027-01-28T18:00:00+01:00");  // 14 days before, as a single session's
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions WHERE series_id = " + series) == 4);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.created'") == 4);

  // Read by anyone; each date edited on its own, the others unchanged.
  auto read = f.Client()->Get("/api/v1/series/" + series);
  REQUIRE(read.status == 200);
  CHECK(read.json()["sessions"].size() == 4);
  CHECK(f.Client()->Get("/api/v1/series/999999").status == 404);
  const std::string second = sessions[1]["id"];
  auto edited = f.coordinator->Request("PATCH", "/api/v1/sessions/" + second,
                                       json{{"starts_at", "2027-02-18T18:00:00+01:00"}, {"ends_at", "2027-02-18T20:00:00+01:00"},
                                            {"capacity", 10}}.dump());
  REQUIRE(edited.status == 200);
  auto again = f.Client()->Get("/api/v1/series/" + series).json()["sessions"];
  CHECK(again[1]["starts_at"] == "2027-02-18T18:00:00+01:00");
  CHECK(again[1]["capacity"] == 10);
  CHECK(again[2]["starts_at"] == expected[2]);
  CHECK(again[2]["capacity"] == 15);
  // Registrations are per date: one date full does not touch the others.
  REQUIRE(participant->Post("/api/v1/sessions/" + second + "/registrations", nullptr).status == 201);
  CHECK(f.db.Count("SELECT SUM(confirmed_count) FROM sessions WHERE series_id = " + series) == 1);

  // The fifth Friday of a month repeats as the last Friday; weekly every other week.
  json last = monthly;
  last["starts_at"] = "2027-01-29T09:00:00+01:00";
  last["ends_at"] = "2027-01-29T11:00:00+01:00";
  last["repeat"] = {{"frequency", "monthly"}, {"count", 3}};
  auto lasts = f.coordinator->Post("/api/v1/series", last);
  REQUIRE(lasts.status == 201);
  CHECK(lasts.json()["sessions"][1]["starts_at"] == "2027-02-26T09:00:00+01:00");
  CHECK(lasts.json()["sessions"][2]["starts_at"] == "2027-03-26T09:00:00+01:00");
  json weekly = monthly;
  weekly["repeat"] = {{"frequency", "weekly"}, {"count", 3}, {"interval", 2}};
  auto weeks = f.coordinator->Post("/api/v1/series", weekly);
  REQUIRE(weeks.status == 201);
  CHECK(weeks.json()["sessions"][2]["starts_at"] == "2027-02-11T18:00:00+01:00");
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 10);
}

// The server keeps whole answers (issue 13): public ones for everyone who asks the same, and a
// person's "mon parcours" under their shard. The online link must never be in one given to
// anybody but a confirmed registrant, and a person promoted from the waiting list sees it on
// their next request; every change to what the catalogue shows (language, description, parts,
// a series) is seen at once through another process's kept answers.
TEST_CASE("events: kept answers never give out the online link, a person promoted sees it at once through another process",
          "[api][events][reads]") {
  ApiFixture f;
  ServerProcess second(f.db.Url());
  HttpClient b(second.BaseUrl());  // reads through the second process; changes go through the first
  const std::map<std::string, std::string> english = {{"Accept-Language", "en"}};
  auto [aid, atoken] = f.Participant("first@kept.lu");
  auto [wid, wtoken] = f.Participant("waiting@kept.lu");
  auto first = f.Client(atoken);
  auto waiting = f.Client(wtoken);
  const std::string module = f.Module("KEPTLINK", 12);
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-04-01T16:00:00+02:00"}, {"capacity", 1},
                                                       {"min_registrants", 0}, {"mode", "online"}, {"online_link", kLink}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  const std::string page = "/sessions/" + session;
  auto mine = first->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  REQUIRE(mine.json()["status"] == "confirmed");
  REQUIRE(waiting->Post("/api/v1/sessions/" + session + "/registrations", nullptr).json()["status"] == "waitlisted");
  // Asked the same way each time, so that B keeps what it may and gives it out again.
  auto as = [&](const std::string& token, const std::string& path) {
    auto r = b.Request("GET", path, "", {{"Cookie", "parcours_session=" + token + "; parcours_lang=en"}});
    REQUIRE(r.status == 200);
    return r.body;
  };
  auto anonymous = [&](const std::string& path) {
    auto r = b.Request("GET", path, "", english);
    REQUIRE(r.status == 200);
    return r.body;
  };
  const std::vector<std::string> public_paths = {page, "/", "/api/v1/sessions/" + session, "/api/v1/sessions?language=fr"};
  for (int round = 0; round < 2; ++round) {  // the second round from what B keeps
    for (const auto& p : public_paths) CHECK_FALSE(Contains(anonymous(p), kLink));
    CHECK_FALSE(Contains(as(wtoken, page), kLink));
    CHECK_FALSE(Contains(as(wtoken, "/registrations"), kLink));
    CHECK_FALSE(Contains(as(wtoken, "/parcours"), kLink));
  }
  CHECK(Contains(as(atoken, page), kLink));
  CHECK(Contains(as(atoken, page), kLink));
  for (const auto& p : public_paths) CHECK_FALSE(Contains(anonymous(p), kLink));
  CHECK_FALSE(Contains(as(wtoken, page), kLink));

  // The confirmed person withdraws through A: the waiting one is promoted and sees the link on
  // their next request through B; the one who left no longer does.
  REQUIRE(first->Request("DELETE", "/api/v1/registrations/" + mine.json()["id"].get<std::string>()).status == 200);
  CHECK(Contains(as(wtoken, page), kLink));
  CHECK(Contains(as(wtoken, "/registrations"), kLink));
  HttpClient b_waiting(second.BaseUrl());
  b_waiting.set_token(wtoken);
  CHECK(b_waiting.Get("/api/v1/me/registrations").json()["items"][0]["session"]["online_link"] == kLink);
  CHECK_FALSE(Contains(as(atoken, page), kLink));
  for (const auto& p : public_paths) CHECK_FALSE(Contains(anonymous(p), kLink));

  // A new link through A: the registrant sees it at once through B, nobody else.
  const std::string moved = "https://meet.example.lu/colloque-2027-salle-b";
  REQUIRE(f.coordinator->Request("PATCH", "/api/v1/sessions/" + session, json{{"online_link", moved}}.dump()).status == 200);
  CHECK(Contains(as(wtoken, page), moved));
  for (const auto& p : public_paths) CHECK_FALSE(Contains(anonymous(p), moved));
  CHECK_FALSE(Contains(as(atoken, page), moved));

  // Language and description, parts, a series: each seen at once through B's kept answers.
  auto none = b.Request("GET", "/api/v1/sessions?language=lb", "", english);
  REQUIRE(none.status == 200);
  CHECK(SessionsIn(none).empty());
  REQUIRE(f.coordinator->Request("PATCH", "/api/v1/sessions/" + session,
                                 json{{"language", "lb"}, {"audience", "Éducateurs des maisons relais"}}.dump())
              .status == 200);
  auto lb = b.Request("GET", "/api/v1/sessions?language=lb", "", english);
  INFO(lb.body);
  CHECK(SessionsIn(lb) == session + ",");
  CHECK(Contains(anonymous(page), "Éducateurs des maisons relais"));
  CHECK(b.Request("GET", "/api/v1/sessions/" + session, "", english).json()["parts"].empty());
  const json parts = {{"parts",
                       {{{"starts_at", "2027-03-04T09:00:00+01:00"}, {"ends_at", "2027-03-04T16:00:00+01:00"}, {"hours", 6}},
                        {{"starts_at", "2027-04-01T09:00:00+02:00"}, {"ends_at", "2027-04-01T16:00:00+02:00"}, {"hours", 6}}}}};
  REQUIRE(f.coordinator->Put("/api/v1/sessions/" + session + "/parts", parts).status == 200);
  CHECK(b.Request("GET", "/api/v1/sessions/" + session, "", english).json()["parts"].size() == 2);
  CHECK(Contains(anonymous(page), "Part 2"));
  const auto listed = b.Request("GET", "/api/v1/sessions?limit=50", "", english).json()["items"].size();
  REQUIRE(f.coordinator->Post("/api/v1/series", {{"module_id", module},
                                                 {"starts_at", "2027-05-06T09:00:00+02:00"},
                                                 {"ends_at", "2027-05-06T16:00:00+02:00"},
                                                 {"capacity", 10},
                                                 {"repeat", {{"frequency", "monthly"}, {"count", 3}}}})
              .status == 201);
  CHECK(b.Request("GET", "/api/v1/sessions?limit=50", "", english).json()["items"].size() == listed + 3);
}

// Marks per part are the person's data: in their export, gone with their erasure (the
// session's mark, made from them, stays for the reports).
TEST_CASE("events: the marks per part are in the person's data export and go with an erasure", "[api][events][gdpr]") {
  ApiFixture f;
  MoveClock(f, "2027-01-10T08:00:00+01:00");
  auto [aid, atoken] = f.Participant("anna@ecole.lu");
  auto [bid, btoken] = f.Participant("ben@ecole.lu");
  auto anna = f.Client(atoken);
  const std::string module = f.Module("TWODAYS", 12);
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-04-01T16:00:00+02:00"}, {"capacity", 5},
                                                       {"min_registrants", 0}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  const json parts = {{"parts",
                       {{{"starts_at", "2027-03-04T09:00:00+01:00"}, {"ends_at", "2027-03-04T16:00:00+01:00"}, {"hours", 6}},
                        {{"starts_at", "2027-04-01T09:00:00+02:00"}, {"ends_at", "2027-04-01T16:00:00+02:00"}, {"hours", 6}}}}};
  REQUIRE(f.coordinator->Put("/api/v1/sessions/" + session + "/parts", parts).status == 200);
  for (const auto& id : {aid, bid})
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);
  CHECK(anna->Get("/api/v1/me/data").json()["attendance_parts"].empty());
  MoveClock(f, "2027-03-04T15:00:00+01:00");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/parts/1/attendance",
                              {{"records", {{{"participant_id", aid}, {"present", true}}, {{"participant_id", bid}, {"present", true}}}}})
              .status == 200);
  MoveClock(f, "2027-04-01T15:00:00+02:00", {{anna.get(), "anna@ecole.lu"}});
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/parts/2/attendance",
                              {{"records", {{{"participant_id", aid}, {"present", false}}, {{"participant_id", bid}, {"present", true}}}}})
              .status == 200);

  // The person's own export and the coordinator's copy: each part with its dates and hours.
  auto data = anna->Get("/api/v1/me/data");
  REQUIRE(data.status == 200);
  const json marks = data.json()["attendance_parts"];
  REQUIRE(marks.size() == 2);
  CHECK(marks[0]["session"]["session_id"] == session);
  CHECK(marks[0]["part"]["position"] == 1);
  CHECK(marks[0]["part"]["starts_at"] == "2027-03-04T09:00:00+01:00");
  CHECK(marks[0]["part"]["hours"] == 6);
  CHECK(marks[0]["present"] == true);
  CHECK(marks[1]["part"]["position"] == 2);
  CHECK(marks[1]["present"] == false);
  CHECK(data.json()["attendance"][0]["status"] == "partial");
  CHECK(f.coordinator->Get("/api/v1/users/" + aid + "/data").json()["attendance_parts"] == marks);

  // Erased once the session has ended: her marks per part go, her session mark stays (under
  // the pseudonymous row), Ben's are untouched.
  MoveClock(f, "2027-04-02T10:00:00+02:00");
  auto erased = f.coordinator->Post("/api/v1/users/" + aid + "/erasure", nullptr);
  REQUIRE(erased.status == 200);
  CHECK(erased.json()["row_deleted"] == false);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance_parts WHERE participant_id = " + aid) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE participant_id = " + aid) == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance_parts WHERE participant_id = " + bid) == 2);
  CHECK(f.db.Scalar("SELECT CONCAT(status, ' ', hours) FROM attendance WHERE participant_id = " + aid) == "partial 6.00");
}
