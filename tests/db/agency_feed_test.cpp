// The agency change feed's ordering guarantee against the real MariaDB: enrolments append
// without a number (no lock on the agency row); committed items are numbered later under the
// agency row's lock, so numbers are gapless, assigned once, and a reader that has seen n
// never later finds a new item below n.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "common/time.h"
#include "services/agency_service.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;

namespace {

AgencyChange Change(Id session, const std::string& ext) {
  AgencyChange c;
  c.agency = "IFEN";
  c.kind = "enrolment";
  c.external_id = ext;
  c.session_id = session;
  c.status = "confirmed";
  c.at = Utc("2027-01-01T00:00:00Z");
  return c;
}

std::vector<AgencyChange> Read(Store& store, long long after) {
  SequenceFeed(store, "IFEN");
  std::vector<AgencyChange> out;
  store.Transact([&](UnitOfWork& u) {
    out = u.agencies().Changes("IFEN", after, 50);
    return true;
  });
  return out;
}
}  // namespace

TEST_CASE("agency feed: items are numbered in commit order, an open transaction blocks nobody", "[db][agency]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 8);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) { return u.agencies().Insert({"IFEN", "IFEN"}, Utc("2027-01-01T00:00:00Z")); });

  std::atomic<bool> appended{false}, release{false};
  std::thread slow([&] {
    store.Transact([&](UnitOfWork& u) {
      u.agencies().AppendChange(Change(1, "slow"));
      appended = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // commits late
      return true;
    });
  });
  while (!appended) std::this_thread::yield();
  // Another enrolment of the same agency commits at once: it does not wait for the slow one.
  store.Transact([&](UnitOfWork& u) {
    u.agencies().AppendChange(Change(2, "fast"));
    return true;
  });
  auto first = Read(store, 0);
  REQUIRE(first.size() == 1);
  CHECK(first[0].seq == 1);
  CHECK(*first[0].external_id == "fast");
  release = true;
  slow.join();
  auto next = Read(store, 1);
  REQUIRE(next.size() == 1);
  CHECK(next[0].seq == 2);
  CHECK(*next[0].external_id == "slow");
  CHECK(Read(store, 0).size() == 2);
  store.Transact([&](UnitOfWork& u) {
    // A channel that is not an agency appends nothing.
    auto c = Change(3, "x");
    c.agency = "DIRECT";
    u.agencies().AppendChange(c);
    return true;
  });
  CHECK(db.Count("SELECT COUNT(*) FROM agency_changes") == 2);
}

TEST_CASE("agency feed: a reader polling during concurrent appends sees every item once, without gaps",
          "[db][agency]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 12);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) { return u.agencies().Insert({"IFEN", "IFEN"}, Utc("2027-01-01T00:00:00Z")); });
  constexpr int kWriters = 6, kEach = 40;
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i)
        store.Transact([&](UnitOfWork& u) {
          u.agencies().AppendChange(Change(w, std::to_string(w) + "-" + std::to_string(i)));
          return true;
        });
      ++done;
    });
  std::vector<AgencyChange> seen;
  long long cursor = 0;
  auto poll = [&] {
    for (const auto& c : Read(store, cursor)) {
      CHECK(c.seq == cursor + 1);  // contiguous from the cursor: no gap, no repeat
      cursor = c.seq;
      seen.push_back(c);
    }
  };
  while (done < kWriters) poll();
  for (auto& t : writers) t.join();
  for (int i = 0; i < 10; ++i) poll();
  CHECK(seen.size() == kWriters * kEach);
  std::set<std::string> ids;
  for (const auto& c : seen) ids.insert(*c.external_id);
  CHECK(ids.size() == kWriters * kEach);
}

TEST_CASE("agency enrolments and password resets round trip", "[db][agency]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 4);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) {
    const TimePoint now = Utc("2027-01-01T00:00:00Z");
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
    s.starts_at = Utc("2027-03-04T08:00:00Z");
    s.ends_at = Utc("2027-03-04T12:00:00Z");
    s.decision_at = s.starts_at;
    s.capacity = 5;
    Id sid = u.catalogue().InsertSession(s);
    Registration r;
    r.session_id = sid;
    r.participant_id = pid;
    r.channel = "IFEN";
    r.created_at = r.updated_at = now;
    Id rid = *u.registrations().Insert(r);
    u.agencies().SaveEnrolment({"IFEN", "E-1", rid, "sent@ex.lu", "As Sent", "Sent Org"}, now);
    CHECK(u.agencies().FindEnrolment("IFEN", "E-1", true)->registration_id == rid);
    auto sent = u.agencies().EnrolmentOf(rid);
    REQUIRE(sent);
    CHECK(sent->external_id == "E-1");
    CHECK(sent->name == "As Sent");
    CHECK(sent->organisation == "Sent Org");
    CHECK(sent->email == "sent@ex.lu");
    CHECK_FALSE(u.agencies().EnrolmentOf(rid + 1000));
    CHECK(*u.agencies().ExternalIdOf(rid) == "E-1");
    CHECK_FALSE(u.agencies().FindEnrolment("FEDAS", "E-1", false));
    CHECK(u.agencies().RegistrationsOf("IFEN", Utc("2027-01-01T00:00:00Z"), Utc("2028-01-01T00:00:00Z")).size() == 1);
    CHECK(u.agencies().RegistrationsOf("IFEN", Utc("2028-01-01T00:00:00Z"), Utc("2029-01-01T00:00:00Z")).empty());

    u.users().InsertPasswordReset(std::string(64, 'r'), pid, now, now + std::chrono::hours(1));
    CHECK(*u.users().FindPasswordReset(std::string(64, 'r'), now) == pid);
    CHECK_FALSE(u.users().FindPasswordReset(std::string(64, 'r'), now + std::chrono::hours(1)));
    CHECK_FALSE(u.users().FindPasswordReset(std::string(64, 's'), now));
    CHECK_FALSE(u.users().ConsumePasswordReset(std::string(64, 'r'), now + std::chrono::hours(2)));
    CHECK(*u.users().ConsumePasswordReset(std::string(64, 'r'), now) == pid);
    CHECK_FALSE(u.users().ConsumePasswordReset(std::string(64, 'r'), now));
    CHECK_FALSE(u.users().FindPasswordReset(std::string(64, 'r'), now));  // used
    u.users().SetPasswordHash(pid, "scrypt$new");
    CHECK(u.users().FindById(pid)->password_hash == "scrypt$new");

    u.attendance().Upsert({sid, pid, AttendanceStatus::kPartial, 2, pid, now});
    auto counts = u.reports().Participation(Utc("2027-01-01T00:00:00Z"), Utc("2028-01-01T00:00:00Z"));
    REQUIRE(counts.size() == 1);
    CHECK(counts[0].channel == "IFEN");
    CHECK(counts[0].people == 1);
    auto figures = u.reports().Sessions(Utc("2027-01-01T00:00:00Z"), Utc("2028-01-01T00:00:00Z"));
    REQUIRE(figures.size() == 1);
    CHECK(figures[0].registered == 1);
    CHECK(figures[0].attended == 1);
    return true;
  });
}
