// Each person's version (0016_person_version.sql, issue 13) against the real MariaDB: every
// write to what a person's own pages show adds to their version in the write's transaction —
// their registrations, the places of those waiting behind a registration that leaves or joins
// a waiting list, attendance, attestations issued and revoked, the profile, the erasure — and
// a rolled-back write leaves it as it was. Kept pages are used only while the version holds,
// so each of these fails if its write stops bumping.
#include <catch2/catch.hpp>

#include <map>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;

namespace {

struct People {
  UnitOfWork& u;
  std::vector<Id> ids;
  std::map<Id, std::int64_t> seen;
  void Remember() {
    for (Id p : ids) seen[p] = u.users().PersonVersion(p);
  }
  // Which people's versions grew since Remember().
  std::vector<Id> Grown() {
    std::vector<Id> out;
    for (Id p : ids)
      if (u.users().PersonVersion(p) > seen[p]) out.push_back(p);
    Remember();
    return out;
  }
};

}  // namespace

TEST_CASE("person versions: every write to a person's pages adds to their version in its transaction",
          "[db][person_version]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 4);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  const TimePoint now = Utc("2027-01-05T10:00:00Z");
  std::vector<Id> ids, regs;
  Id session = 0;
  Pathway path{0, "PV", "Person versions", {}};
  store.Transact([&](UnitOfWork& u) {
    ids.clear();
    path.modules.clear();
    for (int i = 0; i < 4; ++i) {
      User p;
      p.email = "pv" + std::to_string(i) + "@ex.lu";
      p.name = "Person " + std::to_string(i);
      p.created_at = now;
      ids.push_back(*u.users().Insert(p));
    }
    path.id = *u.catalogue().InsertPathway(path);
    Module m;
    m.pathway_id = path.id;
    m.position = 1;
    m.code = "PV1";
    m.title = "Module";
    m.hours = 4;
    m.id = *u.catalogue().InsertModule(m);
    path.modules.push_back(m);
    Session s;
    s.module_id = m.id;
    s.starts_at = Utc("2027-01-04T08:00:00Z");
    s.ends_at = Utc("2027-01-04T12:00:00Z");
    s.decision_at = s.starts_at;
    s.capacity = 1;
    session = u.catalogue().InsertSession(s);
    return true;
  });

  store.Transact([&](UnitOfWork& u) {
    regs.clear();
    People people{u, ids, {}};
    CHECK(u.users().PersonVersion(ids[0]) == 0);  // nobody has a row before a change
    people.Remember();
    // One confirmed, three waiting: each registration moves its holder only.
    for (int i = 0; i < 4; ++i) {
      Registration r;
      r.session_id = session;
      r.participant_id = ids[i];
      r.status = i == 0 ? RegistrationStatus::kConfirmed : RegistrationStatus::kWaitlisted;
      r.created_at = r.updated_at = now;
      regs.push_back(*u.registrations().Insert(r));
      CHECK(people.Grown() == std::vector<Id>{ids[i]});
    }
    // The confirmed person withdraws: nobody's place on the waiting list moves.
    u.registrations().UpdateStatus(regs[0], RegistrationStatus::kWithdrawn, now);
    CHECK(people.Grown() == std::vector<Id>{ids[0]});
    // The first waiting person is promoted: those behind move up.
    u.registrations().UpdateStatus(regs[1], RegistrationStatus::kConfirmed, now);
    CHECK(people.Grown() == std::vector<Id>{ids[1], ids[2], ids[3]});
    CHECK(u.registrations().Find(regs[3])->waitlist_position == 2);
    // A waiting person withdraws: the one behind moves up, the one ahead does not.
    u.registrations().UpdateStatus(regs[2], RegistrationStatus::kWithdrawn, now);
    CHECK(people.Grown() == std::vector<Id>{ids[2], ids[3]});
    CHECK(u.registrations().Find(regs[3])->waitlist_position == 1);
    // A registration joining the waiting list ahead of others moves them back.
    u.registrations().UpdateStatus(regs[1], RegistrationStatus::kWaitlisted, now);
    CHECK(people.Grown() == std::vector<Id>{ids[1], ids[3]});
    u.registrations().UpdateStatus(regs[1], RegistrationStatus::kConfirmed, now);
    people.Remember();

    // Attendance marked.
    u.attendance().Upsert({session, ids[1], AttendanceStatus::kPresent, 4, ids[0], now});
    CHECK(people.Grown() == std::vector<Id>{ids[1]});
    // An attestation issued, then revoked.
    Attestation a;
    a.participant_id = ids[1];
    a.pathway_id = path.id;
    a.verification_code = "K7QM-2XHP-9TRW-4CFD";
    a.issued_at = now;
    a.holder_name = "Person 1";
    a.pathway_title = path.title;
    a.total_hours = 4;
    a.language = "fr";
    a.sha256 = std::string(64, 'a');
    auto issued = u.attestations().Insert(a, "%PDF");
    REQUIRE(issued);
    CHECK(people.Grown() == std::vector<Id>{ids[1]});
    CHECK(u.attestations().Revoke(*issued, "Erreur", now));
    CHECK(people.Grown() == std::vector<Id>{ids[1]});
    CHECK_FALSE(u.attestations().Revoke(*issued, "again", now));  // nothing written, nothing moved
    CHECK(people.Grown().empty());
    // Attestations issued as a batch.
    a.verification_code = "K7QM-2XHP-9TRW-4CFE";
    Attestation b = a;
    b.participant_id = ids[3];
    b.verification_code = "K7QM-2XHP-9TRW-4CFF";
    b.sha256 = std::string(64, 'b');
    CHECK(u.attestations().InsertMany({{a, "%PDF"}, {b, "%PDF"}}).size() == 2);
    CHECK(people.Grown() == std::vector<Id>{ids[1], ids[3]});
    // The profile.
    u.users().UpdateProfile(ids[2], "Renamed", "", "de");
    CHECK(people.Grown() == std::vector<Id>{ids[2]});
    // The erasure.
    u.personal_data().Erase(ids[2], "pv2@ex.lu", "hash", true, now);
    CHECK(people.Grown() == std::vector<Id>{ids[2]});
    // The version comes with the person found by their token.
    u.users().InsertToken("token-hash", ids[3], now, now + std::chrono::hours(1));
    auto found = u.users().FindByTokenVersioned("token-hash", now);
    REQUIRE(found);
    CHECK(found->user.id == ids[3]);
    CHECK(found->version == u.users().PersonVersion(ids[3]));
    CHECK(found->version > 0);
    CHECK(found->token_expires_at > now);
    return true;
  });

  // A write rolled back leaves the version as it was.
  std::int64_t before = 0;
  store.Transact([&](UnitOfWork& u) {
    before = u.users().PersonVersion(ids[0]);
    return true;
  });
  store.Transact([&](UnitOfWork& u) {
    u.users().UpdateProfile(ids[0], "Not kept", "", "fr");
    return false;
  });
  store.Transact([&](UnitOfWork& u) {
    CHECK(u.users().PersonVersion(ids[0]) == before);
    return true;
  });
}
