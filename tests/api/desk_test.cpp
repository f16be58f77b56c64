// Trainers and the coordinator at work (issue 10): editing a session, a trainer's own sessions,
// people and their records, walk-ins and self check-in at the door, the sessions at risk, and
// the import of participation from before Parcours.
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

HttpResult Patch(HttpClient& c, const std::string& path, const json& body) {
  return c.Request("PATCH", path, body.dump());
}

std::string Field(const HttpResult& r, std::size_t i = 0) {
  auto errors = r.json()["errors"];
  return errors.size() > i ? errors[i]["field"].get<std::string>() : "";
}

// n participants registered in turn on `session` (confirmed while places remain).
std::vector<std::string> Register(ApiFixture& f, const std::string& session, int n, const std::string& prefix) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    auto [id, token] = f.Participant(prefix + std::to_string(i) + "@ex.lu", "Person " + prefix + std::to_string(i));
    REQUIRE(f.Client(token)->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

TEST_CASE("desk: a session's capacity is lowered only explicitly, raised with promotions", "[api][desk]") {
  ApiFixture f;
  auto session = f.Session(f.Module("CAP"), 3);
  auto people = Register(f, session, 5, "cap");  // 3 confirmed, 2 waiting
  const std::string path = "/api/v1/sessions/" + session;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto [p, ptoken] = f.Participant("other@ex.lu");
  CHECK(Patch(*f.Client(ptoken), path, {{"capacity", 10}}).status == 403);
  CHECK(Patch(*f.Client(ttoken), path, {{"capacity", 10}}).status == 403);
  CHECK(Patch(*f.Client(), path, {{"capacity", 10}}).status == 401);

  auto lower = Patch(*f.coordinator, path, {{"capacity", 2}});
  CHECK(lower.status == 422);
  CHECK(Field(lower) == "capacity");
  CHECK(f.db.Scalar("SELECT capacity FROM sessions WHERE id = " + session) == "3");
  CHECK(Patch(*f.coordinator, path, {{"capacity", 0}}).status == 422);
  CHECK(Patch(*f.coordinator, path, {{"capacity", "ten"}}).status == 422);
  CHECK(Patch(*f.coordinator, path, {{"colour", "red"}}).status == 400);
  CHECK(Patch(*f.coordinator, "/api/v1/sessions/999999", {{"capacity", 4}}).status == 404);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.updated'") == 0);

  // Explicitly: the last confirmed goes to the head of the waiting list and is told.
  auto moved = Patch(*f.coordinator, path, {{"capacity", 2}, {"move_to_waitlist", true}});
  REQUIRE(moved.status == 200);
  CHECK(moved.json()["confirmed_count"] == 2);
  CHECK(moved.json()["waitlist_count"] == 3);
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE participant_id = " + people[2]) == "waitlisted");
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'moved_to_waitlist' AND user_id = " + people[2]) ==
        1);

  // Raising promotes in order, in the same request.
  auto raised = Patch(*f.coordinator, path, {{"capacity", 4}});
  REQUIRE(raised.status == 200);
  CHECK(raised.json()["confirmed_count"] == 4);
  CHECK(raised.json()["waitlist_count"] == 1);
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE participant_id = " + people[2]) == "confirmed");
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE participant_id = " + people[3]) == "confirmed");
  CHECK(f.db.Scalar("SELECT status FROM registrations WHERE participant_id = " + people[4]) == "waitlisted");
  CHECK(f.db.Count("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed' AND session_id = " + session) == 4);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.updated'") == 2);
}

TEST_CASE("desk: a new date or place sends an updated invitation, and agencies see the change", "[api][desk]") {
  ApiFixture f;
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto session = f.Session(f.Module("MOVE"), 10);
  auto people = Register(f, session, 2, "mv");
  auto [agency_person, token] = f.Participant("ifen@ex.lu");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations",
                              {{"participant_id", agency_person}, {"channel", "IFEN"}})
              .status == 201);
  const std::string path = "/api/v1/sessions/" + session;
  CHECK(f.db.Scalar("SELECT ics_sequence FROM sessions WHERE id = " + session) == "0");
  const long long feed_before = f.db.Count("SELECT COUNT(*) FROM agency_changes WHERE agency_code = 'IFEN'");

  auto r = Patch(*f.coordinator, path, {{"starts_at", "2027-03-05T09:00:00+01:00"},
                                        {"ends_at", "2027-03-05T13:00:00+01:00"},
                                        {"location", "Salle 2"}});
  REQUIRE(r.status == 200);
  CHECK(r.json()["starts_at"] == "2027-03-05T09:00:00+01:00");
  CHECK(r.json()["decision_at"] == "2027-02-19T09:00:00+01:00");  // moved along with the start
  CHECK(r.json()["location"] == "Salle 2");
  CHECK(f.db.Scalar("SELECT ics_sequence FROM sessions WHERE id = " + session) == "1");
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'session_changed'") == 3);
  const std::string ics = f.db.Scalar("SELECT ics FROM notifications WHERE kind = 'session_changed' AND user_id = " +
                                      people[0]);
  CHECK(ics.find("SEQUENCE:1") != std::string::npos);
  CHECK(ics.find("Salle 2") != std::string::npos);
  const std::string first_ics = f.db.Scalar(
      "SELECT ics FROM notifications WHERE kind = 'registration_confirmed' AND user_id = " + people[0]);
  auto uid = [](const std::string& text) {
    auto at = text.find("UID:");
    return text.substr(at, text.find('\r', at) - at);
  };
  CHECK(uid(ics) == uid(first_ics));
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_changes WHERE agency_code = 'IFEN'") == feed_before + 1);

  // The online link goes to staff and registrants, never to the public catalogue.
  auto bad_link = Patch(*f.coordinator, path, {{"online_link", "javascript:alert(1)"}});
  CHECK(bad_link.status == 422);
  CHECK(Field(bad_link) == "online_link");
  auto linked = Patch(*f.coordinator, path, {{"mode", "hybrid"}, {"online_link", "https://meet.example/ltas"}});
  REQUIRE(linked.status == 200);
  CHECK(linked.json()["online_link"] == "https://meet.example/ltas");
  CHECK_FALSE(f.Client()->Get(path).json().contains("online_link"));
  CHECK(f.db.Scalar("SELECT ics_sequence FROM sessions WHERE id = " + session) == "2");
  CHECK(f.db.Scalar("SELECT ics FROM notifications WHERE kind = 'session_changed' ORDER BY id DESC LIMIT 1")
            .find("meet.example/ltas") != std::string::npos);
  const long long changed = f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'session_changed'");

  // A capacity change alone is no new invitation.
  REQUIRE(Patch(*f.coordinator, path, {{"capacity", 12}}).status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'session_changed'") == changed);
  CHECK(f.db.Scalar("SELECT ics_sequence FROM sessions WHERE id = " + session) == "2");
  // Nothing changes once cancelled.
  REQUIRE(f.coordinator->Post(path + "/cancel", {{"reason", "Formatrice malade"}}).status == 200);
  CHECK(Patch(*f.coordinator, path, {{"capacity", 20}}).status == 409);
}

TEST_CASE("desk: a trainer assigned by an edit lists their sessions, today first", "[api][desk]") {
  ApiFixture f;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto [other, otoken] = f.Staff("o@ex.lu", "trainer");
  auto module = f.Module("MINE");
  auto later = f.Session(module, 10, "2027-05-04T09:00:00+02:00", "2027-05-04T13:00:00+02:00");
  auto soon = f.Session(module, 10, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00");
  auto not_mine = f.Session(module, 10, "2027-03-10T09:00:00+01:00", "2027-03-10T13:00:00+01:00");
  auto assign = [&](const std::string& s, const std::string& who) {
    REQUIRE(Patch(*f.coordinator, "/api/v1/sessions/" + s, {{"trainer_ids", {who}}}).status == 200);
  };
  assign(later, trainer);
  assign(soon, trainer);
  assign(not_mine, other);
  auto bad = Patch(*f.coordinator, "/api/v1/sessions/" + soon, {{"trainer_ids", {"999999"}}});
  CHECK(bad.status == 422);
  CHECK(Field(bad) == "trainer_ids[0]");

  f.SetClock("2027-03-04T08:00:00+01:00");
  auto t = f.Client(f.Login("t@ex.lu", "a-long-password"));
  auto r = t->Get("/api/v1/me/sessions");
  REQUIRE(r.status == 200);
  auto items = r.json()["items"];
  REQUIRE(items.size() == 2);
  CHECK(items[0]["id"] == soon);
  CHECK(items[0]["today"] == true);
  CHECK(items[0]["module"]["code"] == "MINE");
  CHECK(items[1]["id"] == later);
  CHECK(items[1]["today"] == false);
  auto page = t->Get("/api/v1/me/sessions?limit=1");
  REQUIRE(page.json()["items"].size() == 1);
  auto next = t->Get("/api/v1/me/sessions?limit=1&cursor=" + page.json()["next_cursor"].get<std::string>());
  REQUIRE(next.status == 200);
  CHECK(next.json()["items"][0]["id"] == later);
  CHECK(t->Get("/api/v1/me/sessions?when=past").json()["items"].empty());
  CHECK(t->Get("/api/v1/me/sessions?trainer_id=" + other).status == 400);
  CHECK(t->Get("/api/v1/me/sessions?when=tomorrow").status == 400);
  auto [p, ptoken] = f.Participant("p@ex.lu");
  CHECK(f.Client(ptoken)->Get("/api/v1/me/sessions").status == 403);
  CHECK(f.Client()->Get("/api/v1/me/sessions").status == 401);
}

TEST_CASE("desk: people are found by name, e-mail or organisation, with their record", "[api][desk]") {
  ApiFixture f;
  auto session = f.Session(f.Module("REC"), 10);
  auto [claire, token] = f.Participant("claire.weber@ex.lu", "Claire Wéber");
  auto [luc, ltoken] = f.Participant("luc@ex.lu", "Luc Hoffmann");
  REQUIRE(f.Client(token)->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);

  auto hits = f.coordinator->Get("/api/v1/people?q=weber");  // accents and case ignored
  REQUIRE(hits.status == 200);
  REQUIRE(hits.json()["items"].size() == 1);
  CHECK(hits.json()["items"][0]["id"] == claire);
  CHECK(hits.json()["items"][0]["claimed"] == true);
  CHECK(f.coordinator->Get("/api/v1/people?q=luc%40ex").json()["items"].size() == 1);
  CHECK(f.coordinator->Get("/api/v1/people?q=%25").json()["items"].empty());  // % is literal
  CHECK(f.coordinator->Get("/api/v1/people?role=coordinator").json()["items"].size() == 1);
  CHECK(f.coordinator->Get("/api/v1/people?role=admin").status == 400);
  CHECK(f.coordinator->Get("/api/v1/people?name=x").status == 400);
  CHECK(f.Client(token)->Get("/api/v1/people?q=luc").status == 403);

  auto record = f.coordinator->Get("/api/v1/people/" + claire);
  REQUIRE(record.status == 200);
  CHECK(record.json()["person"]["name"] == "Claire Wéber");
  REQUIRE(record.json()["registrations"].size() == 1);
  CHECK(record.json()["registrations"][0]["module"]["code"] == "REC");
  CHECK(record.json()["registrations"][0]["attendance"].is_null());
  CHECK_FALSE(record.json()["audit"].empty());
  CHECK(record.json()["audit"][0]["action"] == "registration.created");
  CHECK(f.coordinator->Get("/api/v1/people/" + claire + "/audit?limit=1").json()["items"].size() == 1);
  CHECK(f.coordinator->Get("/api/v1/people/999999").status == 404);
  CHECK(f.Client(token)->Get("/api/v1/people/" + claire).status == 403);

  // The registrants list shows who they are.
  auto list = f.coordinator->Get("/api/v1/sessions/" + session + "/registrations?status=confirmed");
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["items"].size() == 1);
  CHECK(list.json()["items"][0]["name"] == "Claire Wéber");
  CHECK(list.json()["items"][0]["email"] == "claire.weber@ex.lu");
  CHECK(list.json()["items"][0]["channel"] == "DIRECT");
  CHECK(f.coordinator->Get("/api/v1/sessions/" + session + "/registrations?status=waitlisted").json()["items"].empty());
  CHECK(f.coordinator->Get("/api/v1/sessions/" + session + "/registrations?status=gone").status == 400);
}

TEST_CASE("desk: nobody marks attendance before the start, walk-ins and self check-in during the session",
          "[api][desk]") {
  ApiFixture f;
  auto [trainer, ttoken] = f.Staff("t@ex.lu", "trainer");
  auto module = f.Module("DOOR");
  auto session = f.Session(module, 2);
  auto other = f.Session(f.Module("ELSE"), 10);
  for (const auto& s : {session, other})
    REQUIRE(Patch(*f.coordinator, "/api/v1/sessions/" + s, {{"trainer_ids", {trainer}}}).status == 200);
  auto people = Register(f, session, 2, "door");  // full
  auto late = Register(f, other, 1, "else");
  const std::string base = "/api/v1/sessions/" + session;

  // Before the start: the coordinator too is refused.
  auto early = f.coordinator->Put(base + "/attendance", {{"records", {{{"participant_id", people[0]}, {"status", "present"}}}}});
  CHECK(early.status == 422);
  CHECK(f.coordinator->Post(base + "/walk-ins", {{"person", {{"email", "new@ex.lu"}, {"name", "New One"}}}}).status == 422);
  CHECK(f.Client(ttoken)->Get(base + "/check-in-code").status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);

  f.SetClock("2027-03-04T09:30:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto t = f.Client(f.Login("t@ex.lu", "a-long-password"));
  auto p0 = f.Client(f.Login("door0@ex.lu", "a-long-password"));
  auto p1 = f.Client(f.Login("door1@ex.lu", "a-long-password"));
  auto outsider = f.Client(f.Login("else0@ex.lu", "a-long-password"));

  // Walk-ins: the session is full; a trainer cannot override, a coordinator can (audited).
  auto full = t->Post(base + "/walk-ins", {{"person", {{"email", "new@ex.lu"}, {"name", "New One"}}}});
  CHECK(full.status == 409);
  CHECK(t->Post(base + "/walk-ins", {{"person", {{"email", "new@ex.lu"}, {"name", "New One"}}}, {"capacity_override", true}})
            .status == 403);
  CHECK(t->Post(base + "/walk-ins", {{"person", {{"email", "not-an-email"}, {"name", "New One"}}}}).status == 422);
  CHECK(t->Post(base + "/walk-ins", {{"channel", "DIRECT"}}).status == 422);
  CHECK(p0->Post(base + "/walk-ins", {{"participant_id", late[0]}}).status == 403);
  auto walk = f.coordinator->Post(base + "/walk-ins", {{"person", {{"email", "new@ex.lu"}, {"name", "New One"}}},
                                                       {"channel", "SPECIALISED"}, {"capacity_override", true}});
  REQUIRE(walk.status == 201);
  CHECK(walk.json()["status"] == "confirmed");
  CHECK(walk.json()["channel"] == "SPECIALISED");
  CHECK(walk.json()["person_created"] == true);
  CHECK(walk.json()["attendance"]["status"] == "present");
  CHECK(walk.json()["attendance"]["source"] == "walk_in");
  CHECK(f.db.Scalar("SELECT capacity FROM sessions WHERE id = " + session) == "3");
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.capacity_override'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'new@ex.lu' AND password_hash = ''") == 1);

  // Self check-in with the code shown now.
  auto code = t->Get(base + "/check-in-code");
  REQUIRE(code.status == 200);
  const std::string current = code.json()["code"];
  CHECK(code.json()["url"].get<std::string>().find("/sessions/" + session + "/check-in?code=" + current) !=
        std::string::npos);
  CHECK(p0->Get(base + "/check-in-code").status == 403);
  auto other_code = t->Get("/api/v1/sessions/" + other + "/check-in-code").json()["code"].get<std::string>();
  auto wrong = p0->Post(base + "/check-ins", {{"code", other_code}});
  CHECK(wrong.status == 422);
  CHECK(Field(wrong) == "code");
  CHECK(outsider->Post(base + "/check-ins", {{"code", current}}).status == 403);
  auto in = p0->Post(base + "/check-ins", {{"code", current}});
  REQUIRE(in.status == 200);
  CHECK(in.json()["status"] == "present");
  CHECK(in.json()["source"] == "check_in");
  // Replayed after the rotation: refused.
  f.SetClock("2027-03-04T09:32:00+01:00");
  auto replay = p1->Post(base + "/check-ins", {{"code", current}});
  CHECK(replay.status == 422);
  auto list = t->Get(base + "/check-ins");
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["items"].size() == 1);
  CHECK(list.json()["items"][0]["participant_id"] == people[0]);

  // The trainer confirms the sheet: the unmarked become absent, check-in closes; twice is the same.
  auto sheet = t->Post(base + "/attendance/confirm", nullptr);
  REQUIRE(sheet.status == 200);
  CHECK_FALSE(sheet.json()["sheet_confirmed_at"].is_null());
  CHECK(f.db.Scalar("SELECT status FROM attendance WHERE participant_id = " + people[1]) == "absent");
  CHECK(t->Post(base + "/attendance/confirm", nullptr).json() == sheet.json());
  auto fresh = t->Get(base + "/check-in-code");
  CHECK(fresh.status == 409);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE session_id = " + session) == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.sheet_confirmed'") == 1);
}

TEST_CASE("desk: the sessions at risk before their decision date, confirmed early or cancelled", "[api][desk]") {
  ApiFixture f;
  auto module = f.Module("RISK");
  // Decision dates 2027-02-18 and 2027-02-25 (two weeks before the start).
  auto risky = f.Session(module, 10, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00", 3);
  auto safe = f.Session(module, 10, "2027-03-11T09:00:00+01:00", "2027-03-11T13:00:00+01:00", 0);
  Register(f, risky, 1, "risk");
  f.SetClock("2027-02-15T10:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto r = f.coordinator->Get("/api/v1/operations/decisions?within_days=14");
  REQUIRE(r.status == 200);
  auto items = r.json()["items"];
  REQUIRE(items.size() == 2);
  CHECK(items[0]["id"] == risky);
  CHECK(items[0]["at_risk"] == true);
  CHECK(items[0]["days_left"] == 3);
  CHECK(items[0]["confirmed_count"] == 1);
  CHECK(items[1]["at_risk"] == false);
  auto at_risk = f.coordinator->Get("/api/v1/operations/decisions?at_risk=true&within_days=5").json()["items"];
  REQUIRE(at_risk.size() == 1);
  CHECK(at_risk[0]["id"] == risky);
  CHECK(f.coordinator->Get("/api/v1/operations/decisions?within_days=-1").status == 400);
  CHECK(f.coordinator->Get("/api/v1/operations/decisions?soon=1").status == 400);
  auto desk = f.coordinator->Get("/api/v1/operations/dashboard");
  REQUIRE(desk.status == 200);
  CHECK(desk.json()["at_risk"] == 1);
  auto [p, token] = f.Participant("p@ex.lu");
  CHECK(f.Client(token)->Get("/api/v1/operations/decisions").status == 403);
  CHECK(f.Client(token)->Get("/api/v1/operations/dashboard").status == 403);

  // Confirmed early: no longer a coming decision, and the decision pass leaves it.
  auto confirmed = f.coordinator->Post("/api/v1/sessions/" + risky + "/confirm", nullptr);
  REQUIRE(confirmed.status == 200);
  CHECK(confirmed.json()["status"] == "confirmed");
  CHECK(f.coordinator->Post("/api/v1/sessions/" + risky + "/confirm", nullptr).status == 409);
  CHECK(f.Client(token)->Post("/api/v1/sessions/" + safe + "/confirm", nullptr).status == 403);
  CHECK(f.coordinator->Get("/api/v1/operations/decisions?within_days=14").json()["items"].size() == 1);
  f.SetClock("2027-02-19T10:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  CHECK(f.coordinator->Get("/api/v1/sessions/" + risky).json()["status"] == "confirmed");
}

TEST_CASE("desk: a history import counts toward progress, all rows or none, and is audited", "[api][desk]") {
  ApiFixture f;
  auto pathway = f.coordinator->Post("/api/v1/pathways",
      {{"code", "LTAS"}, {"title", "LTAS"},
       {"modules", {{{"code", "L-A"}, {"title", "A"}, {"hours", 4}}, {{"code", "L-B"}, {"title", "B"}, {"hours", 8}}}}});
  REQUIRE(pathway.status == 201);
  const std::string pid = pathway.json()["id"];
  auto [known, token] = f.Participant("known@ex.lu", "Known Person");
  auto import = [&](const std::string& csv) {
    return f.coordinator->Request("POST", "/api/v1/history/imports", csv, {{"Content-Type", "text/csv"}});
  };
  const std::string good =
      "email,name,module,date,status,hours,channel\n"
      "known@ex.lu,Known Person,L-A,2022-03-04,present,,DIRECT\n"
      "known@ex.lu,Known Person,L-B,2023-05-06,present,,SPECIALISED\n"
      "old@ex.lu,Old Timer,L-A,2022-03-04,partial,2,DIRECT\n";
  // One bad row: nothing applied.
  auto bad = import(good + "x@ex.lu,X,L-Z,2022-01-01,present,,DIRECT\nbad,Y,L-A,2030-01-01,maybe,,DIRECT\n");
  CHECK(bad.status == 422);
  CHECK(bad.body.find("rows[6].email") != std::string::npos);
  CHECK(bad.body.find("rows[6].date") != std::string::npos);
  CHECK(bad.body.find("rows[6].status") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);
  auto unknown = import(good + "x@ex.lu,X,L-Z,2022-01-01,present,,DIRECT\n");
  CHECK(unknown.status == 422);
  CHECK(unknown.body.find("rows[5].module") != std::string::npos);
  CHECK(f.db.Count("SELECT COUNT(*) FROM users WHERE email = 'old@ex.lu'") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM sessions") == 0);
  CHECK(f.coordinator->Request("POST", "/api/v1/history/imports", good, {{"Content-Type", "application/json"}}).status ==
        415);
  CHECK(f.Client(token)->Request("POST", "/api/v1/history/imports", good, {{"Content-Type", "text/csv"}}).status == 403);

  auto r = import(good);
  REQUIRE(r.status == 200);
  CHECK(r.json()["rows"] == 3);
  CHECK(r.json()["recorded"] == 3);
  CHECK(r.json()["people_created"] == 1);
  CHECK(r.json()["sessions_created"] == 2);
  auto progress = f.coordinator->Get("/api/v1/participants/" + known + "/progress?pathway_id=" + pid);
  REQUIRE(progress.status == 200);
  CHECK(progress.json()["complete"] == true);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.imported'") == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance WHERE source = 'import'") == 3);
  // Again: nothing changes.
  auto again = import(good);
  REQUIRE(again.status == 200);
  CHECK(again.json()["recorded"] == 0);
  CHECK(again.json()["unchanged"] == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 3);
  // The imported participation does not hold a place: the person may register for the module again.
  auto s = f.Session(pathway.json()["modules"][0]["id"], 10);
  CHECK(f.Client(token)->Post("/api/v1/sessions/" + s + "/registrations", nullptr).status == 201);
  // The 2023 report counts the imported L-B participation.
  auto report = f.coordinator->Get("/api/v1/reports/participation?year=2023");
  REQUIRE(report.status == 200);
  CHECK(report.json()["totals"]["total"] == 1);
}
