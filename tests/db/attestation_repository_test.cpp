// Attestation storage against the real MariaDB: one valid attestation per person and pathway
// (1062 → nullopt), lookups by code and hash, the PDF bytes round trip, revocation, and the
// query that finds everyone who completed a pathway.
#include <catch2/catch.hpp>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;

TEST_CASE("attestations: unique while valid, found by code and hash, bytes kept exactly", "[db][attestation]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 4);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  store.Transact([&](UnitOfWork& u) {
    const TimePoint now = Utc("2028-04-01T10:00:00Z");
    User p;
    p.email = "p@ex.lu";
    p.name = "João Çağlar";
    p.created_at = now;
    Id pid = *u.users().Insert(p);
    Pathway path{0, "LTAS", "Let's Talk about Sex !", {}};
    path.id = *u.catalogue().InsertPathway(path);
    std::vector<Id> sessions;
    for (int i = 0; i < 2; ++i) {
      Module m;
      m.pathway_id = path.id;
      m.position = i + 1;
      m.code = "M" + std::to_string(i);
      m.title = "Module";
      m.hours = 4;
      m.id = *u.catalogue().InsertModule(m);
      path.modules.push_back(m);
      Session s;
      s.module_id = m.id;
      s.starts_at = Utc("2027-03-04T08:00:00Z");
      s.ends_at = Utc("2027-03-04T12:00:00Z");
      s.decision_at = s.starts_at;
      s.capacity = 5;
      sessions.push_back(u.catalogue().InsertSession(s));
      Registration r;
      r.session_id = sessions.back();
      r.participant_id = pid;
      r.created_at = r.updated_at = now;
      u.registrations().Insert(r);
    }
    u.attendance().Upsert({sessions[0], pid, AttendanceStatus::kPresent, 4, pid, now});
    CHECK(u.attestations().CompletedPathway(path).empty());
    u.attendance().Upsert({sessions[1], pid, AttendanceStatus::kPartial, 3, pid, now});
    CHECK(u.attestations().CompletedPathway(path).empty());  // partial does not complete
    u.attendance().Upsert({sessions[1], pid, AttendanceStatus::kPresent, 4, pid, now});
    CHECK(u.attestations().CompletedPathway(path) == std::vector<Id>{pid});

    static constexpr char kPdf[] = "%PDF-1.3\n\0\xff binary \x80 bytes";
    const std::string pdf(kPdf, sizeof kPdf - 1);  // with its NUL byte
    Attestation a;
    a.participant_id = pid;
    a.pathway_id = path.id;
    a.verification_code = "K7QM-2XHP-9TRW-4CFD";
    a.issued_at = now;
    a.holder_name = p.name;
    a.pathway_title = path.title;
    a.total_hours = 8;
    a.language = "de";
    a.sha256 = std::string(64, 'a');
    auto id = u.attestations().Insert(a, pdf);
    REQUIRE(id);
    a.verification_code = "K7QM-2XHP-9TRW-4CFE";
    CHECK_FALSE(u.attestations().Insert(a, pdf));  // one valid per person and pathway
    CHECK(*u.attestations().Pdf(*id) == pdf);
    CHECK(u.attestations().FindByCode("K7QM-2XHP-9TRW-4CFD")->holder_name == "João Çağlar");
    CHECK(u.attestations().FindBySha256(std::string(64, 'a'))->id == *id);
    CHECK(u.attestations().FindValid(pid, path.id)->id == *id);
    CHECK(u.attestations().IssuedBetween(Utc("2028-01-01T00:00:00Z"), Utc("2029-01-01T00:00:00Z")) == 1);
    CHECK(u.attestations().Revoke(*id, "Erreur", now));
    CHECK_FALSE(u.attestations().Revoke(*id, "again", now));
    CHECK_FALSE(u.attestations().FindValid(pid, path.id));
    CHECK(u.attestations().FindAttestation(*id)->revoke_reason == "Erreur");
    CHECK(u.attestations().Insert(a, pdf));  // re-issued after the revocation
    return true;
  });
}
