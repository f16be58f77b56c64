// Storage behind the professionals' pages against the real MariaDB: the profile, password-reset
// bookkeeping, ending every session of an account, the calendar subscription (one per person,
// stored hashed, replaced and deleted), a person's attestations, and attendance certificates
// (one valid per registration, found by code, bytes kept, revocable).
#include <catch2/catch.hpp>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;

namespace {
TimePoint At(const char* rfc) { return *ParseRfc3339(rfc); }

struct AccountsDb {
  TestDatabase db;
  ConnectionPool pool{*DatabaseUrl::Parse(db.Url()), 4};
  MySqlStore store{pool};
  AccountsDb() { Migrator(pool).Apply(EmbeddedMigrations()); }
};

Id NewUser(UnitOfWork& u, const std::string& email, TimePoint now) {
  User p;
  p.email = email;
  p.name = "Séverine Müller";
  p.created_at = now;
  return *u.users().Insert(p);
}
}  // namespace

TEST_CASE("web accounts: profile, reset links, sessions ended, calendar subscription", "[db][web]") {
  AccountsDb d;
  const TimePoint now = At("2027-01-10T10:00:00Z");
  d.store.Transact([&](UnitOfWork& u) {
    Id id = NewUser(u, "p@ex.lu", now);
    u.users().UpdateProfile(id, "Claire Weber", "Lycée Aline Mayrisch", "de");
    auto user = u.users().FindById(id);
    CHECK(user->name == "Claire Weber");
    CHECK(user->organisation == "Lycée Aline Mayrisch");
    CHECK(user->language == "de");

    CHECK_FALSE(u.users().LatestPasswordReset(id).has_value());
    u.users().InsertPasswordReset(std::string(64, 'a'), id, now, now + std::chrono::hours(1));
    u.users().InsertPasswordReset(std::string(64, 'b'), id, now + std::chrono::minutes(7), now + std::chrono::hours(2));
    CHECK(u.users().LatestPasswordReset(id) == now + std::chrono::minutes(7));

    u.users().InsertToken(std::string(64, 'c'), id, now, now + std::chrono::hours(12));
    u.users().InsertToken(std::string(64, 'd'), id, now, now + std::chrono::hours(12));
    CHECK(u.users().FindByToken(std::string(64, 'c'), now).has_value());
    u.users().RevokeTokensOf(id, now);
    CHECK_FALSE(u.users().FindByToken(std::string(64, 'c'), now).has_value());
    CHECK_FALSE(u.users().FindByToken(std::string(64, 'd'), now).has_value());

    CHECK_FALSE(u.users().CalendarFeedCreated(id).has_value());
    u.users().SaveCalendarFeed(id, std::string(64, 'e'), now);
    CHECK(u.users().CalendarFeedUser(std::string(64, 'e')) == id);
    CHECK(u.users().CalendarFeedCreated(id) == now);
    u.users().SaveCalendarFeed(id, std::string(64, 'f'), now + std::chrono::hours(1));  // renewed: replaces
    CHECK_FALSE(u.users().CalendarFeedUser(std::string(64, 'e')).has_value());
    CHECK(u.users().CalendarFeedUser(std::string(64, 'f')) == id);
    CHECK(u.users().CalendarFeedCreated(id) == now + std::chrono::hours(1));
    CHECK(u.users().DeleteCalendarFeed(id));
    CHECK_FALSE(u.users().DeleteCalendarFeed(id));
    CHECK_FALSE(u.users().CalendarFeedUser(std::string(64, 'f')).has_value());
    return true;
  });
  CHECK(d.db.Count("SELECT COUNT(*) FROM calendar_feeds") == 0);
}

TEST_CASE("web accounts: a person's attestations and attendance certificates", "[db][web]") {
  AccountsDb d;
  const TimePoint now = At("2027-03-10T10:00:00Z");
  d.store.Transact([&](UnitOfWork& u) {
    Id pid = NewUser(u, "p@ex.lu", now);
    Id other = NewUser(u, "o@ex.lu", now);
    Pathway path{0, "LTAS", "Let's Talk about Sex !", {}};
    path.id = *u.catalogue().InsertPathway(path);
    Module m;
    m.pathway_id = path.id;
    m.code = "M1";
    m.title = "Contraception";
    m.hours = 4;
    m.id = *u.catalogue().InsertModule(m);
    Session s;
    s.module_id = m.id;
    s.starts_at = At("2027-03-04T08:00:00Z");
    s.ends_at = At("2027-03-04T12:00:00Z");
    s.decision_at = s.starts_at;
    s.capacity = 5;
    s.id = u.catalogue().InsertSession(s);
    Registration r;
    r.session_id = s.id;
    r.module_id = m.id;
    r.participant_id = pid;
    r.created_at = r.updated_at = now;
    Id rid = *u.registrations().Insert(r);

    Attestation a;
    a.participant_id = pid;
    a.pathway_id = path.id;
    a.verification_code = "K7QM-4WXT-9HPC-R2ZD";
    a.issued_at = now;
    a.holder_name = "Séverine Müller";
    a.pathway_title = path.title;
    a.total_hours = 32;
    a.language = "fr";
    a.sha256 = std::string(64, '1');
    Id first = *u.attestations().Insert(a, "%PDF-1");
    u.attestations().Revoke(first, "error", now);
    a.verification_code = "K7QM-4WXT-9HPC-R2ZE";
    a.issued_at = now + std::chrono::hours(1);
    Id second = *u.attestations().Insert(a, "%PDF-2");
    auto mine = u.attestations().ForParticipant(pid);
    REQUIRE(mine.size() == 2);
    CHECK(mine[0].id == second);  // newest first
    CHECK(mine[1].revoked_at.has_value());
    CHECK(u.attestations().ForParticipant(other).empty());

    AttendanceCertificate c;
    c.registration_id = rid;
    c.participant_id = pid;
    c.session_id = s.id;
    c.verification_code = "ABCD-EFGH-JKMN-PQRS";
    c.issued_at = now;
    c.holder_name = "Séverine Müller";
    c.module_title = "Contraception";
    c.pathway_title = path.title;
    c.hours = 4;
    c.session_starts_at = s.starts_at;
    c.session_ends_at = s.ends_at;
    c.language = "fr";
    c.sha256 = std::string(64, '2');
    const std::string pdf("%PDF-\x00\xff\xfe", 8);
    auto cid = u.attestations().InsertCertificate(c, pdf);
    REQUIRE(cid);
    c.verification_code = "ABCD-EFGH-JKMN-PQRT";
    CHECK_FALSE(u.attestations().InsertCertificate(c, pdf).has_value());  // one valid per registration
    auto found = u.attestations().FindCertificateByCode("ABCD-EFGH-JKMN-PQRS");
    REQUIRE(found);
    CHECK(found->holder_name == "Séverine Müller");
    CHECK(found->hours == 4);
    CHECK(found->session_starts_at == s.starts_at);
    CHECK(u.attestations().ValidCertificate(rid)->id == *cid);
    CHECK(u.attestations().CertificatePdf(*cid) == pdf);
    CHECK(u.attestations().RevokeCertificate(*cid, "attendance corrected", now));
    CHECK_FALSE(u.attestations().RevokeCertificate(*cid, "again", now));
    CHECK_FALSE(u.attestations().ValidCertificate(rid).has_value());
    CHECK(u.attestations().FindCertificateByCode("ABCD-EFGH-JKMN-PQRS")->revoke_reason == "attendance corrected");
    CHECK(u.attestations().InsertCertificate(c, pdf).has_value());  // a new one after revocation

    // Completed modules carry the hours and the channel of the attendance.
    u.attendance().Upsert({s.id, pid, AttendanceStatus::kPresent, 4, pid, now});
    auto done = u.attendance().CompletedModules(pid, {m});
    REQUIRE(done.size() == 1);
    CHECK(done[0].hours == 4);
    CHECK(done[0].channel == "DIRECT");
    return true;
  });
}
