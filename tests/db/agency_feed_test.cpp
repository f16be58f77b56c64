// The agency change feed's ordering guarantee against the real MariaDB: sequence numbers are
// assigned under the agency row lock held to commit, so they become visible in commit order
// and a reader never skips a change committed later with a lower number.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;

namespace {
TimePoint At(const char* rfc) { return *ParseRfc3339(rfc); }

AgencyChange Change(Id session, const std::string& ext) {
  AgencyChange c;
  c.agency = "IFEN";
  c.kind = "enrolment";
  c.external_id = ext;
  c.session_id = session;
  c.status = "confirmed";
  c.at = At("2027-01-01T00:00:00Z");
  return c;
}
}  // namespace

TEST_CASE("agency feed: sequence numbers follow commit order, readers never see a gap", "[db][agency]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 8);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) { return u.agencies().Insert({"IFEN", "IFEN"}, At("2027-01-01T00:00:00Z")); });

  std::atomic<bool> a_appended{false};
  std::thread slow([&] {
    store.Transact([&](UnitOfWork& u) {
      u.agencies().AppendChange(Change(1, "slow"));
      a_appended = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(400));  // commits late
      return true;
    });
  });
  while (!a_appended) std::this_thread::yield();
  std::thread fast([&] {
    store.Transact([&](UnitOfWork& u) {
      u.agencies().AppendChange(Change(2, "fast"));  // waits for the slow one's lock
      return true;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  std::vector<AgencyChange> early;
  store.Transact([&](UnitOfWork& u) {
    early = u.agencies().Changes("IFEN", 0, 10);
    return true;
  });
  CHECK(early.empty());  // neither is visible before the slow one commits
  slow.join();
  fast.join();
  std::vector<AgencyChange> all;
  store.Transact([&](UnitOfWork& u) {
    all = u.agencies().Changes("IFEN", 0, 10);
    return true;
  });
  REQUIRE(all.size() == 2);
  CHECK(all[0].seq == 1);
  CHECK(*all[0].external_id == "slow");
  CHECK(all[1].seq == 2);
  CHECK(*all[1].external_id == "fast");
  store.Transact([&](UnitOfWork& u) {
    CHECK(u.agencies().Changes("IFEN", 1, 10).size() == 1);
    // A channel that is not an agency appends nothing.
    auto c = Change(3, "x");
    c.agency = "DIRECT";
    u.agencies().AppendChange(c);
    return true;
  });
  CHECK(db.Count("SELECT COUNT(*) FROM agency_changes") == 2);
}

TEST_CASE("agency enrolments and password resets round trip", "[db][agency]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 4);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) {
    const TimePoint now = At("2027-01-01T00:00:00Z");
    u.agencies().Insert({"IFEN", "IFEN"}, now);
    User p;
    p.email = "p@ex.lu";
    p.name = "P";
    p.created_at = now;
    Id pid = *u.users().Insert(p);
    Module m;
    m.code = "M";
    m.title = "M";
    m.hours = 4;
    Session s;
    s.module_id = *u.catalogue().InsertModule(m);
    s.starts_at = At("2027-03-04T08:00:00Z");
    s.ends_at = At("2027-03-04T12:00:00Z");
    s.decision_at = s.starts_at;
    s.capacity = 5;
    Id sid = u.catalogue().InsertSession(s);
    Registration r;
    r.session_id = sid;
    r.participant_id = pid;
    r.channel = "IFEN";
    r.created_at = r.updated_at = now;
    Id rid = *u.registrations().Insert(r);
    u.agencies().SaveEnrolment({"IFEN", "E-1", rid}, now);
    CHECK(u.agencies().FindEnrolment("IFEN", "E-1", true)->registration_id == rid);
    CHECK(*u.agencies().ExternalIdOf(rid) == "E-1");
    CHECK_FALSE(u.agencies().FindEnrolment("FEDAS", "E-1", false));
    CHECK(u.agencies().RegistrationsOf("IFEN", At("2027-01-01T00:00:00Z"), At("2028-01-01T00:00:00Z")).size() == 1);
    CHECK(u.agencies().RegistrationsOf("IFEN", At("2028-01-01T00:00:00Z"), At("2029-01-01T00:00:00Z")).empty());

    u.users().InsertPasswordReset(std::string(64, 'r'), pid, now, now + std::chrono::hours(1));
    CHECK_FALSE(u.users().ConsumePasswordReset(std::string(64, 'r'), now + std::chrono::hours(2)));
    CHECK(*u.users().ConsumePasswordReset(std::string(64, 'r'), now) == pid);
    CHECK_FALSE(u.users().ConsumePasswordReset(std::string(64, 'r'), now));
    u.users().SetPasswordHash(pid, "scrypt$new");
    CHECK(u.users().FindById(pid)->password_hash == "scrypt$new");

    u.attendance().Upsert({sid, pid, AttendanceStatus::kPartial, 2, pid, now});
    auto counts = u.reports().Participation(At("2027-01-01T00:00:00Z"), At("2028-01-01T00:00:00Z"));
    REQUIRE(counts.size() == 1);
    CHECK(counts[0].channel == "IFEN");
    CHECK(counts[0].people == 1);
    auto figures = u.reports().Sessions(At("2027-01-01T00:00:00Z"), At("2028-01-01T00:00:00Z"));
    REQUIRE(figures.size() == 1);
    CHECK(figures[0].registered == 1);
    CHECK(figures[0].attended == 1);
    return true;
  });
}
