// A module year driven by the test clock: decisions at the decision dates, manual
// cancellation, waiting-list promotion, reminders, attendance by the assigned trainer,
// progress across two years and two channels — with every notification delivered by SMTP.
#include <catch2/catch.hpp>

#include <set>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

struct Member {
  std::string id;
  std::unique_ptr<HttpClient> client;
  std::string email;
};

Member Make(ApiFixture& f, const std::string& email, const std::string& language, const std::string& name) {
  auto c = f.Client();
  auto r = c->Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", name}, {"language", language}});
  REQUIRE(r.status == 201);
  c->set_token(f.Login(email, "a-long-password"));
  return {r.json()["id"], std::move(c), email};
}

std::string NewSession(ApiFixture& f, const std::string& module, const std::string& starts, const std::string& ends,
                       int capacity, int min, const std::vector<std::string>& trainers, const std::string& agency = "") {
  json body = {{"module_id", module}, {"starts_at", starts}, {"ends_at", ends}, {"capacity", capacity},
               {"min_registrants", min}, {"trainer_ids", trainers}, {"location", "Cesas, Luxembourg"}};
  if (!agency.empty()) body["agency"] = agency;
  auto r = f.coordinator->Post("/api/v1/sessions", body);
  REQUIRE(r.status == 201);
  return r.json()["id"];
}

std::vector<ReceivedMail> MailsTo(const std::vector<ReceivedMail>& all, const std::string& email) {
  std::vector<ReceivedMail> out;
  for (const auto& m : all)
    if (m.Header("To") == "<" + email + ">") out.push_back(m);
  return out;
}

std::string Kind(const ReceivedMail& m) { return m.Header("X-Parcours-Kind"); }

void Relogin(ApiFixture& f, Member& p) { p.client->set_token(f.Login(p.email, "a-long-password")); }

}  // namespace

TEST_CASE("lifecycle: a module year through the test clock, with mail in three languages", "[api][lifecycle]") {
  ApiFixture f(true);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "FEDAS"}, {"name", "FEDAS"}}).status == 201);
  auto pathway = f.coordinator->Post("/api/v1/pathways",
      {{"code", "MINI"}, {"title", "Let's Talk about Sex !"},
       {"modules", {{{"code", "MINI-A"}, {"title", "Contraception"}, {"hours", 4}},
                    {{"code", "MINI-B"}, {"title", "Nouveaux médias"}, {"hours", 4}}}}}).json();
  const std::string pathway_id = pathway["id"];
  const std::string mod_a = pathway["modules"][0]["id"], mod_b = pathway["modules"][1]["id"];
  auto [t1, t1token] = f.Staff("t1@planning.lu", "trainer");
  auto [t2, t2token] = f.Staff("t2@cigale.lu", "trainer");
  auto trainer = f.Client(), other_trainer = f.Client();
  trainer->set_token(t1token);
  other_trainer->set_token(t2token);

  const std::string a1 = NewSession(f, mod_a, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00", 3, 2, {t1}, "IFEN");
  const std::string a2 = NewSession(f, mod_a, "2027-03-11T09:00:00+01:00", "2027-03-11T13:00:00+01:00", 10, 2, {t1});
  const std::string a3 = NewSession(f, mod_a, "2027-05-06T09:00:00+02:00", "2027-05-06T13:00:00+02:00", 10, 0, {t1});
  const std::string b1 = NewSession(f, mod_b, "2027-04-01T09:00:00+02:00", "2027-04-01T13:00:00+02:00", 10, 1, {t1});

  Member p1 = Make(f, "p1@ecole.lu", "fr", "Séverine Müller-Øster");
  Member p2 = Make(f, "p2@schule.lu", "de", "Jürgen Weiß");
  Member p3 = Make(f, "p3@school.lu", "en", "João Çağlar");
  Member p4 = Make(f, "p4@ecole.lu", "fr", "Anne Lefèvre");

  auto reg = [](Member& p, const std::string& session) {
    auto r = p.client->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    REQUIRE(r.status == 201);
    return r.json();
  };
  reg(p1, a1);
  reg(p2, a1);
  auto r3 = reg(p3, a1);
  CHECK(reg(p4, a1)["status"] == "waitlisted");
  auto mails = f.mail->WaitFor(3);
  REQUIRE(mails.size() == 3);
  CHECK(MailsTo(mails, "p1@ecole.lu")[0].Subject() == "Inscription confirmée : Contraception");
  CHECK(MailsTo(mails, "p2@schule.lu")[0].Subject() == "Anmeldung bestätigt: Contraception");
  CHECK(MailsTo(mails, "p3@school.lu")[0].Subject() == "Registration confirmed: Contraception");
  {
    auto ics = ParseIcs(MailsTo(mails, "p2@schule.lu")[0].Calendar());
    CHECK(ics.find("METHOD")->second == "REQUEST");
    CHECK(ics.find("DTSTART;TZID=Europe/Luxembourg")->second == "20270304T090000");
    CHECK(ics.find("DTEND;TZID=Europe/Luxembourg")->second == "20270304T130000");
    CHECK(ics.find("UID")->second.find("@parcours") != std::string::npos);
    CHECK(ics.find("TZID")->second == "Europe/Luxembourg");
    CHECK(MailsTo(mails, "p2@schule.lu")[0].Text().find("Jürgen Weiß") != std::string::npos);
  }

  // A withdrawal promotes the first waiting person, who is told.
  REQUIRE(p3.client->Delete("/api/v1/registrations/" + r3["id"].get<std::string>()).status == 200);
  mails = f.mail->WaitFor(4);
  REQUIRE(mails.size() == 4);
  auto promoted = MailsTo(mails, "p4@ecole.lu");
  REQUIRE(promoted.size() == 1);
  CHECK(Kind(promoted[0]) == "promoted");
  CHECK(promoted[0].Subject() == "Une place s'est libérée : Contraception");

  // p5 alone in A2 (p1 holds a place in this module already): below the threshold of 2.
  Member p5 = Make(f, "p5@ecole.lu", "fr", "Marie Schmit");
  reg(p5, a2);
  reg(p2, b1);
  mails = f.mail->WaitFor(6);
  REQUIRE(mails.size() == 6);

  // Manual cancellation: the registrant is told, in German, that no other date is open.
  auto cancelled = f.coordinator->Post("/api/v1/sessions/" + b1 + "/cancel", {{"reason", "Formatrice malade"}});
  REQUIRE(cancelled.status == 200);
  mails = f.mail->WaitFor(7);
  REQUIRE(mails.size() == 7);
  auto cancel_mail = MailsTo(mails, "p2@schule.lu").back();
  CHECK(Kind(cancel_mail) == "session_cancelled");
  CHECK(cancel_mail.Subject().rfind("Termin abgesagt: Nouveaux médias", 0) == 0);
  CHECK(cancel_mail.Text().find("Grund: Formatrice malade") != std::string::npos);
  CHECK(cancel_mail.Text().find("Zurzeit ist kein weiterer Termin offen") != std::string::npos);
  {
    auto ics = ParseIcs(cancel_mail.Calendar());
    CHECK(ics.find("METHOD")->second == "CANCEL");
    CHECK(ics.find("STATUS")->second == "CANCELLED");
    CHECK(ics.find("SEQUENCE")->second == "1");
  }

  // A1's decision date (18 Feb) passes: 3 confirmed ≥ 2, confirmed. A2 is not due yet.
  f.SetClock("2027-02-19T12:00:00+01:00");
  auto anon = f.Client();
  CHECK(anon->Get("/api/v1/sessions/" + a1).json()["status"] == "confirmed");
  CHECK(anon->Get("/api/v1/sessions/" + a2).json()["status"] == "scheduled");
  // A2's decision date (25 Feb) passes with one registrant: cancelled, alternatives listed.
  f.SetClock("2027-02-26T12:00:00+01:00");
  auto a2_now = anon->Get("/api/v1/sessions/" + a2).json();
  CHECK(a2_now["status"] == "cancelled");
  CHECK(a2_now["cancel_reason"].get<std::string>().find("Moins de 2 inscriptions confirmées") != std::string::npos);
  CHECK(a2_now["cancel_reason_code"] == "below_threshold");
  CHECK(anon->Get("/api/v1/sessions/" + a1).json()["status"] == "confirmed");  // decided once
  mails = f.mail->WaitFor(8);
  REQUIRE(mails.size() == 8);
  auto threshold_mail = mails.back();
  CHECK(threshold_mail.Header("To") == "<p5@ecole.lu>");
  CHECK(threshold_mail.Subject() == "Séance annulée : Contraception du 11/03/2027 09:00–13:00");
  const std::string text = threshold_mail.Text();
  CHECK(text.find("Autres dates pour ce module :") != std::string::npos);
  CHECK(text.find("04/03/2027 09:00–13:00, Cesas, Luxembourg (0 places libres)") != std::string::npos);
  CHECK(text.find("06/05/2027 09:00–13:00, Cesas, Luxembourg (10 places libres)") != std::string::npos);
  Relogin(f, p5);
  auto mine = p5.client->Get("/api/v1/me/registrations").json()["items"];
  std::set<std::string> statuses;
  for (auto& r : mine) statuses.insert(r["status"].get<std::string>() + ":" + r["session_id"].get<std::string>());
  CHECK(statuses.count("cancelled:" + a2));

  // Two days before A1: reminders to its three confirmed registrants.
  f.SetClock("2027-03-02T10:00:00+01:00");
  mails = f.mail->WaitFor(11);
  REQUIRE(mails.size() == 11);
  std::set<std::string> reminded;
  for (auto& m : mails)
    if (Kind(m) == "reminder") reminded.insert(m.Header("To"));
  CHECK(reminded == std::set<std::string>{"<p1@ecole.lu>", "<p2@schule.lu>", "<p4@ecole.lu>"});
  f.SetClock("2027-03-02T11:00:00+01:00");  // a later pass sends no second reminder

  // Attendance: not before the start for trainers; only the assigned trainer.
  trainer->set_token(f.Login("t1@planning.lu", "a-long-password"));
  other_trainer->set_token(f.Login("t2@cigale.lu", "a-long-password"));
  const std::string sheet = "/api/v1/sessions/" + a1 + "/attendance";
  json marks = {{"records", {{{"participant_id", p1.id}, {"status", "present"}},
                             {{"participant_id", p2.id}, {"status", "partial"}, {"hours", 2}},
                             {{"participant_id", p4.id}, {"status", "present"}}}}};
  auto early = trainer->Put(sheet, marks);
  CHECK(early.status == 422);
  f.SetClock("2027-03-04T09:30:00+01:00");
  trainer->set_token(f.Login("t1@planning.lu", "a-long-password"));
  other_trainer->set_token(f.Login("t2@cigale.lu", "a-long-password"));
  Relogin(f, p1);
  CHECK(other_trainer->Put(sheet, marks).status == 403);
  CHECK(p1.client->Put(sheet, marks).status == 403);
  CHECK(other_trainer->Get(sheet).status == 403);
  auto marked = trainer->Put(sheet, marks);
  REQUIRE(marked.status == 200);
  auto lines = marked.json()["records"];
  REQUIRE(lines.size() == 3);
  CHECK(marked.json()["module_hours"] == 4);
  // Re-marking replaces the record and is audited.
  REQUIRE(trainer->Put(sheet, {{"records", {{{"participant_id", p4.id}, {"status", "excused"}}}}}).status == 200);
  REQUIRE(trainer->Put(sheet, {{"records", {{{"participant_id", p4.id}, {"status", "present"}}}}}).status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.changed'") == 2);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 3);

  // After the end the session is completed.
  f.SetClock("2027-03-04T13:00:01+01:00");
  CHECK(anon->Get("/api/v1/sessions/" + a1).json()["status"] == "completed");

  // Progress: A done for p1 (present), not for p2 (partial does not count).
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));  // the clock jumped
  const std::string progress = "/progress?pathway_id=" + pathway_id;
  auto pr1 = f.coordinator->Get("/api/v1/participants/" + p1.id + progress);
  REQUIRE(pr1.status == 200);
  CHECK(pr1.json()["hours_completed"] == 4);
  CHECK(pr1.json()["total_hours"] == 8);
  CHECK(pr1.json()["complete"] == false);
  CHECK(pr1.json()["modules"][0]["completed"] == true);
  CHECK(pr1.json()["modules"][0]["session_id"] == a1);
  CHECK(pr1.json()["modules"][0]["date"] == "2027-03-04");
  auto pr2 = f.coordinator->Get("/api/v1/participants/" + p2.id + progress).json();
  CHECK(pr2["hours_completed"] == 0);
  Relogin(f, p2);
  CHECK(p2.client->Get("/api/v1/participants/" + p1.id + progress).status == 403);
  CHECK(p2.client->Get("/api/v1/participants/" + p2.id + progress).status == 200);

  // Year two, another channel: module B through FEDAS, attendance backfilled by the coordinator.
  const std::string b2 = NewSession(f, mod_b, "2028-03-02T09:00:00+01:00", "2028-03-02T13:00:00+01:00", 10, 1, {}, "FEDAS");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + b2 + "/registrations", {{"participant_id", p1.id}, {"channel", "FEDAS"}}).status == 201);
  f.SetClock("2028-03-03T09:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(f.coordinator->Put("/api/v1/sessions/" + b2 + "/attendance",
                             {{"records", {{{"participant_id", p1.id}, {"status", "present"}}}}}).status == 200);
  auto done = f.coordinator->Get("/api/v1/participants/" + p1.id + progress).json();
  CHECK(done["complete"] == true);
  CHECK(done["hours_completed"] == 8);
  CHECK(done["modules"][1]["date"] == "2028-03-02");

  // Each decision was taken once.
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.confirmed' AND entity_id = " + a1) == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.cancelled_by_threshold'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE status <> 'sent'") == 0);
}

TEST_CASE("attendance: bad input is 422 and changes nothing", "[api][attendance]") {
  ApiFixture f;
  auto module = f.Module("ATT", 4);
  auto session = f.Session(module, 10);
  auto [p, ptoken] = f.Participant("p@ex.lu");
  auto [q, qtoken] = f.Participant("q@ex.lu");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", p}}).status == 201);
  const std::string sheet = "/api/v1/sessions/" + session + "/attendance";
  auto put = [&](const json& records) { return f.coordinator->Put(sheet, {{"records", records}}); };
  struct Case {
    const char* what;
    json records;
  };
  std::vector<Case> cases = {
      {"not registered", {{{"participant_id", q}, {"status", "present"}}}},
      {"hours above the module's", {{{"participant_id", p}, {"status", "partial"}, {"hours", 4}}}},
      {"zero hours", {{{"participant_id", p}, {"status", "partial"}, {"hours", 0}}}},
      {"partial without hours", {{{"participant_id", p}, {"status", "partial"}}}},
      {"hours on absent", {{{"participant_id", p}, {"status", "absent"}, {"hours", 2}}}},
      {"unknown status", {{{"participant_id", p}, {"status", "late"}}}},
      {"twice", {{{"participant_id", p}, {"status", "present"}}, {{"participant_id", p}, {"status", "absent"}}}},
      {"one good, one bad", {{{"participant_id", p}, {"status", "present"}}, {{"participant_id", q}, {"status", "present"}}}},
      {"wrong types", {{{"participant_id", 5}, {"status", true}}}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = put(c.records);
    CHECK(r.status == 422);
    CHECK(r.header("content-type") == "application/problem+json");
  }
  CHECK(f.coordinator->Put(sheet, {{"records", "all"}}).status == 422);
  CHECK(f.coordinator->Request("PUT", sheet, "{not json").status == 400);
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);
  // Cancelled sessions take no attendance.
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/cancel", {{"reason", "x"}}).status == 200);
  CHECK(put({{{"participant_id", p}, {"status", "present"}}}).status == 422);
  CHECK(f.coordinator->Get("/api/v1/participants/" + p + "/progress").status == 400);
}

TEST_CASE("one-off events: online multi-day sessions, registered vs attended, calendar feed", "[api][lifecycle]") {
  ApiFixture f;
  auto module = f.Module("MULTI", 16);
  auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module},
                                                    {"starts_at", "2027-04-16T09:00:00+02:00"},
                                                    {"ends_at", "2027-04-24T17:00:00+02:00"},
                                                    {"capacity", 30}, {"min_registrants", 0},
                                                    {"mode", "online"}, {"location", "Webex"}});
  REQUIRE(r.status == 201);
  std::string session = r.json()["id"];
  auto [a, atoken] = f.Participant("a@ex.lu");
  auto [b, btoken] = f.Participant("b@ex.lu");
  auto ca = f.Client(), cb = f.Client();
  ca->set_token(atoken);
  cb->set_token(btoken);
  REQUIRE(ca->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  REQUIRE(cb->Post("/api/v1/sessions/" + session + "/registrations", nullptr).status == 201);
  auto feed = ca->Get("/api/v1/me/calendar.ics");
  REQUIRE(feed.status == 200);
  CHECK(feed.header("content-type").rfind("text/calendar", 0) == 0);
  auto ics = ParseIcs(feed.body);
  CHECK(ics.count("BEGIN") == 5);  // VCALENDAR, VTIMEZONE, DAYLIGHT, STANDARD, one VEVENT
  CHECK(ics.find("DTSTART;TZID=Europe/Luxembourg")->second == "20270416T090000");
  CHECK(ics.find("DTEND;TZID=Europe/Luxembourg")->second == "20270424T170000");
  CHECK(ics.find("LOCATION")->second == "Webex");
  CHECK(ics.count("ORGANIZER") == 0);  // a PUBLISH feed names no organizer or attendee
  CHECK(ics.count("ATTENDEE") == 0);
  f.SetClock("2027-04-25T09:00:00+02:00");  // after the event: its sheet is filled in
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto sheet = f.coordinator->Put("/api/v1/sessions/" + session + "/attendance",
                                  {{"records", {{{"participant_id", a}, {"status", "present"}},
                                                {{"participant_id", b}, {"status", "absent"}}}}});
  REQUIRE(sheet.status == 200);
  auto got = f.coordinator->Get("/api/v1/sessions/" + session + "/attendance").json()["records"];
  REQUIRE(got.size() == 2);
  CHECK(got[0]["hours"] == 16);
  CHECK(got[1]["status"] == "absent");
  CHECK(f.Client()->Get("/api/v1/me/calendar.ics").status == 401);
}

TEST_CASE("notifications: every kind reaches the SMTP sink in French, German and English", "[api][lifecycle][mail]") {
  ApiFixture f(true);
  auto small = f.Session(f.Module("MAIL"), 1, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00", 0);
  auto large = f.Session(f.Module("MAIL2"), 10, "2027-04-08T09:00:00+02:00", "2027-04-08T13:00:00+02:00", 0);
  std::map<std::string, Member> people;
  for (const auto& [lang, name] : std::vector<std::pair<std::string, std::string>>{
           {"fr", "Anne Lefèvre"}, {"de", "Jürgen Weiß"}, {"en", "João Çağlar"}})
    people.emplace(lang, Make(f, lang + "@mail.lu", lang, name));
  auto reg = [&](const std::string& lang, const std::string& session) {
    auto r = people.at(lang).client->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    REQUIRE(r.status == 201);
    return r.json()["id"].get<std::string>();
  };
  auto withdraw = [&](const std::string& lang, const std::string& id) {
    REQUIRE(people.at(lang).client->Delete("/api/v1/registrations/" + id).status == 200);
  };
  // Promotions in each language on the one-place session.
  auto fr1 = reg("fr", small);
  auto de1 = reg("de", small);
  auto en1 = reg("en", small);
  withdraw("fr", fr1);            // de promoted
  auto fr2 = reg("fr", small);    // waits behind en
  withdraw("de", de1);            // en promoted
  withdraw("en", en1);            // fr promoted
  (void)fr2;
  // Confirmations, then reminders, then a cancellation on the large one.
  for (const char* lang : {"fr", "de", "en"}) reg(lang, large);
  f.SetClock("2027-04-06T12:00:00+02:00");  // 45 h before: reminders (the small one is over)
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + large + "/cancel", {{"reason", "Salle indisponible"}}).status == 200);

  // 1 confirmation + 3 promotions on the small session; 3 confirmations, 3 reminders, 3 cancellations.
  auto mails = f.mail->WaitFor(13);
  REQUIRE(mails.size() == 13);
  std::map<std::string, std::set<std::string>> subjects_by_kind;  // kind -> "lang:subject prefix"
  const std::map<std::string, std::string> lang_of = {{"<fr@mail.lu>", "fr"}, {"<de@mail.lu>", "de"}, {"<en@mail.lu>", "en"}};
  for (const auto& m : mails) {
    const std::string lang = lang_of.at(m.Header("To"));
    CHECK(m.Header("Content-Language") == lang);
    subjects_by_kind[Kind(m)].insert(lang + ":" + m.Subject().substr(0, 12));
    auto ics = ParseIcs(m.Calendar());
    CHECK(ics.find("METHOD")->second == (Kind(m) == "session_cancelled" ? "CANCEL" : "REQUEST"));
    // RFC 5546: a REQUEST or CANCEL names its organizer and the attendee it is for.
    REQUIRE(ics.count("ORGANIZER") == 1);
    CHECK(ics.find("ORGANIZER")->second == "mailto:no-reply@parcours.local");
    REQUIRE(ics.count("ATTENDEE") == 1);
    CHECK(ics.find("ATTENDEE")->second == "mailto:" + m.Header("To").substr(1, m.Header("To").size() - 2));
    std::string attendee_params;
    for (const auto& [name, value] : ics)
      if (name.rfind("ATTENDEE;", 0) == 0) attendee_params = name;
    CHECK(attendee_params.find("RSVP=FALSE") != std::string::npos);
    CHECK(attendee_params.find("PARTSTAT=") != std::string::npos);
  }
  CHECK(subjects_by_kind["registration_confirmed"] ==
        std::set<std::string>{"fr:Inscription ", "de:Anmeldung be", "en:Registration"});
  CHECK(subjects_by_kind["promoted"] == std::set<std::string>{"fr:Une place s'", "de:Ein Platz is", "en:A place is y"});
  CHECK(subjects_by_kind["reminder"] == std::set<std::string>{"fr:Rappel : Mod", "de:Erinnerung: ", "en:Reminder: Mo"});
  CHECK(subjects_by_kind["session_cancelled"] == std::set<std::string>{"fr:Séance annu", "de:Termin abges", "en:Session canc"});
}
