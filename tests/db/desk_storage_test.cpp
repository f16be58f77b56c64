// The storage behind the trainers' and coordinator's operations (issue 10, migration 0011):
// people search, a person's audit trail, session edits, a trainer's sessions, coming decisions,
// check-in secrets, and imported registrations that hold no place.
#include <catch2/catch.hpp>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "store_fixture.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;
using namespace std::chrono;

namespace {

TimePoint AtSql(const char* sql_utc) { return *ParseSqlUtc(sql_utc); }

using DeskDb = parcours::testing::StoreFixture;

Id Person(UnitOfWork& u, const std::string& email, const std::string& name, const std::string& organisation,
          unsigned roles = RoleBit(Role::kParticipant)) {
  User p;
  p.email = email;
  p.name = name;
  p.organisation = organisation;
  p.roles = roles;
  p.created_at = AtSql("2026-11-01 00:00:00.000");
  return *u.users().Insert(p);
}

Session NewSession(Id module_id, const char* starts) {
  Session s;
  s.module_id = module_id;
  s.starts_at = AtSql(starts);
  s.ends_at = s.starts_at + hours(4);
  s.decision_at = s.starts_at - days(14);
  s.capacity = 10;
  s.min_registrants = 3;
  return s;
}

Id NewModule(UnitOfWork& u, const std::string& code) {
  Module m;
  m.code = code;
  m.title = "Module " + code;
  m.hours = 4;
  return *u.catalogue().InsertModule(m);
}

}  // namespace

TEST_CASE("desk storage: people searched accent- and case-blind, by role, % literal, by id", "[db][desk]") {
  DeskDb d;
  d.Tx([&](UnitOfWork& u) {
    Id claire = Person(u, "claire@ex.lu", "Claire Wéber", "Lycée Michel Lucius");
    Id luc = Person(u, "luc@ex.lu", "Luc Hoffmann", "École 100% Sport");
    Id trainer = Person(u, "t@ex.lu", "Tania", "Planning", RoleBit(Role::kTrainer));
    auto ids = [](const std::vector<User>& users) {
      std::vector<Id> out;
      for (const auto& x : users) out.push_back(x.id);
      return out;
    };
    CHECK(ids(u.users().Search({"WEBER", std::nullopt, 0, 10})) == std::vector<Id>{claire});
    CHECK(ids(u.users().Search({"lycee", std::nullopt, 0, 10})) == std::vector<Id>{claire});
    CHECK(ids(u.users().Search({"LUC@EX", std::nullopt, 0, 10})) == std::vector<Id>{luc});
    CHECK(ids(u.users().Search({"100%", std::nullopt, 0, 10})) == std::vector<Id>{luc});
    CHECK(u.users().Search({"0% SPORT", std::nullopt, 0, 10}).size() == 1);
    CHECK(u.users().Search({"0%S", std::nullopt, 0, 10}).empty());
    CHECK(u.users().Search({"_", std::nullopt, 0, 10}).empty());  // _ is literal too
    CHECK(ids(u.users().Search({"", Role::kTrainer, 0, 10})) == std::vector<Id>{trainer});
    CHECK(ids(u.users().Search({"", std::nullopt, claire, 1})) == std::vector<Id>{luc});
    auto many = ids(u.users().FindMany({trainer, claire, 999999}));
    std::sort(many.begin(), many.end());
    CHECK(many == std::vector<Id>{claire, trainer});
    CHECK(u.users().FindMany({}).empty());
  });
}

TEST_CASE("desk storage: a person's audit trail, latest first, and the latest rows of an action", "[db][desk]") {
  DeskDb d;
  d.Tx([&](UnitOfWork& u) {
    const TimePoint t = AtSql("2027-01-01 00:00:00.000");
    std::vector<AuditEntry> rows;
    for (int i = 0; i < 5; ++i)
      rows.push_back({"user:1", "attendance.marked", "attendance", 9, "", "{}", "r", t, Id{i % 2 == 0 ? 7 : 8}});
    u.audit().AppendMany(rows);
    u.audit().Append({"system", "webhook.item_skipped", "webhook", 3, "", "{\"seq\":4}", "", t});
    auto trail = u.audit().AboutSubject(7, 0, 10);
    REQUIRE(trail.size() == 3);
    CHECK(trail[0].id > trail[1].id);
    CHECK(trail[0].person_id == Id{7});
    auto older = u.audit().AboutSubject(7, trail[0].id, 10);
    CHECK(older.size() == 2);
    auto skipped = u.audit().LatestOfAction("webhook.item_skipped", 10);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].after_json == "{\"seq\":4}");
  });
}

TEST_CASE("desk storage: an edited session, its trainers, a trainer's sessions and coming decisions", "[db][desk]") {
  DeskDb d;
  d.Tx([&](UnitOfWork& u) {
    Id m = NewModule(u, "ED");
    Id t1 = Person(u, "t1@ex.lu", "T1", "", RoleBit(Role::kTrainer));
    Id t2 = Person(u, "t2@ex.lu", "T2", "", RoleBit(Role::kTrainer));
    Session s = NewSession(m, "2027-03-04 08:00:00.000");
    s.trainer_ids = {t1};
    s.id = u.catalogue().InsertSession(s);
    Id later = u.catalogue().InsertSession(NewSession(m, "2027-04-04 08:00:00.000"));
    s.capacity = 12;
    s.location = "Salle 2";
    s.online_link = "https://meet.example/abc";
    s.ics_sequence = 1;
    s.trainer_ids = {t2};
    u.catalogue().UpdateSession(s, true);
    auto got = u.catalogue().FindSession(s.id, false);
    CHECK(got->capacity == 12);
    CHECK(got->location == "Salle 2");
    CHECK(got->online_link == "https://meet.example/abc");
    CHECK(got->ics_sequence == 1);
    CHECK(got->trainer_ids == std::vector<Id>{t2});
    CHECK(u.catalogue().TaughtBy(t1, AtSql("2027-01-01 00:00:00.000"), true, std::nullopt, 0, 10).empty());
    REQUIRE(u.catalogue().TaughtBy(t2, AtSql("2027-01-01 00:00:00.000"), true, std::nullopt, 0, 10).size() == 1);
    CHECK(u.catalogue().TaughtBy(t2, AtSql("2027-03-05 00:00:00.000"), true, std::nullopt, 0, 10).empty());
    CHECK(u.catalogue().TaughtBy(t2, AtSql("2027-03-05 00:00:00.000"), false, std::nullopt, 0, 10).size() == 1);

    auto coming = u.catalogue().DecisionsBetween(TimePoint{}, AtSql("2027-03-01 00:00:00.000"), 10);
    REQUIRE(coming.size() == 1);
    CHECK(coming[0].id == s.id);
    CHECK(u.catalogue().DecisionsBetween(TimePoint{}, AtSql("2027-04-01 00:00:00.000"), 10).size() == 2);
    u.catalogue().MarkDecided(later, SessionStatus::kConfirmed, false, AtSql("2027-01-02 00:00:00.000"));
    CHECK(u.catalogue().DecisionsBetween(TimePoint{}, AtSql("2027-04-01 00:00:00.000"), 10).size() == 1);

    // The first secret stored wins; a later candidate is ignored.
    const std::string first = u.catalogue().CheckInSecret(s.id, std::string(64, 'a'));
    CHECK(first == std::string(64, 'a'));
    CHECK(u.catalogue().CheckInSecret(s.id, std::string(64, 'b')) == first);
    u.catalogue().ConfirmSheet(s.id, t2, AtSql("2027-03-04 12:00:00.000"));
    CHECK(u.catalogue().FindSession(s.id, false)->sheet_confirmed_at == AtSql("2027-03-04 12:00:00.000"));
  });
}

TEST_CASE("desk storage: an imported registration holds no place in its module", "[db][desk]") {
  DeskDb d;
  d.Tx([&](UnitOfWork& u) {
    Id m = NewModule(u, "IMP");
    Id p = Person(u, "p@ex.lu", "P", "");
    Session past = NewSession(m, "2022-03-04 08:00:00.000");
    past.status = SessionStatus::kCompleted;
    past.imported = true;
    past.id = u.catalogue().InsertSession(past);
    CHECK(u.catalogue().FindImportedSession(m, past.starts_at)->id == past.id);
    CHECK_FALSE(u.catalogue().FindImportedSession(m, past.starts_at + hours(1)));
    Registration old;
    old.session_id = past.id;
    old.module_id = m;
    old.participant_id = p;
    old.status = RegistrationStatus::kConfirmed;
    old.imported = true;
    old.created_at = old.updated_at = AtSql("2026-11-01 00:00:00.000");
    REQUIRE(u.registrations().Insert(old).ok());
    Registration now = old;
    now.session_id = u.catalogue().InsertSession(NewSession(m, "2027-03-04 08:00:00.000"));
    now.imported = false;
    CHECK(u.registrations().Insert(now).ok());  // the module's one active place is free
    Registration twice = now;
    twice.session_id = u.catalogue().InsertSession(NewSession(m, "2027-04-04 08:00:00.000"));
    CHECK_FALSE(u.registrations().Insert(twice).ok());  // a second active place is still refused
  });
}
