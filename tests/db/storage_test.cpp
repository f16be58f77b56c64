// Storage against the real MariaDB of tests/run.sh: migrations from scratch, every repository
// query, the duplicate-key and deadlock mappings, commit/rollback semantics.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <latch>
#include <sstream>
#include <thread>

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

TimePoint T(const char* sql_utc) { return *ParseSqlUtc(sql_utc); }

using Db = parcours::testing::StoreFixture;

User NewUser(const std::string& email, unsigned roles = RoleBit(Role::kParticipant)) {
  User u;
  u.email = email;
  u.name = "Séverine Müller-Øster 🎓";
  u.language = "de";
  u.roles = roles;
  u.password_hash = "scrypt$x";
  u.created_at = TimePoint(sys_days(2026y / 11 / 23).time_since_epoch());
  return u;
}

Id AddSession(UnitOfWork& u, Id module_id, int capacity, const char* starts = "2027-03-04 08:00:00.000") {
  Session s;
  s.module_id = module_id;
  s.starts_at = T(starts);
  s.ends_at = s.starts_at + hours(4);
  s.decision_at = s.starts_at - days(14);
  s.capacity = capacity;
  s.min_registrants = 10;
  return u.catalogue().InsertSession(s);
}

Id AddModule(UnitOfWork& u, const std::string& code) {
  Module m;
  m.code = code;
  m.title = "Contraception";
  m.hours = 4;
  return *u.catalogue().InsertModule(m);
}

}  // namespace

TEST_CASE("migrations: apply from scratch once, then nothing", "[db][migrations]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  auto first = Migrator(pool).Apply(EmbeddedMigrations());
  REQUIRE(first.size() == EmbeddedMigrations().size());
  REQUIRE(first.front() == "0001_init");
  REQUIRE(Migrator(pool).Apply(EmbeddedMigrations()).empty());
  REQUIRE(db.Count("SELECT COUNT(*) FROM schema_migrations") == (long long)EmbeddedMigrations().size());
}

TEST_CASE("migrations: concurrent starts apply each migration once", "[db][migrations]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 4);
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&] { applied += (int)Migrator(pool).Apply(EmbeddedMigrations()).size(); });
  for (auto& t : threads) t.join();
  REQUIRE(applied == (int)EmbeddedMigrations().size());
}

TEST_CASE("migrations: a held lock row makes a start wait, a lapsed lease is taken over", "[db][migrations]") {
  // The lock is a row, not GET_LOCK (node-local on Galera): what another process holds is
  // seen whatever the connection, and a holder that died frees it when its lease passes.
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  db.Execute(
      "CREATE TABLE schema_migration_lock (id TINYINT NOT NULL PRIMARY KEY, holder VARCHAR(100) NOT NULL, "
      "expires_at DATETIME(3) NOT NULL) ENGINE=InnoDB");
  db.Execute("INSERT INTO schema_migration_lock VALUES (1, 'alive', UTC_TIMESTAMP(3) + INTERVAL 1 HOUR)");
  {
    auto c = pool.Connect();
    c->Execute("SET autocommit = 1");
    const auto t0 = steady_clock::now();
    REQUIRE_THROWS_WITH(MigrationLock(c->conn(), seconds(1)), Catch::Contains("held the migration lock"));
    CHECK(steady_clock::now() - t0 >= milliseconds(900));  // it waited before giving up
  }
  // Nothing applied meanwhile: the lock row's table is the only one.
  REQUIRE(db.Count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()") == 1);
  db.Execute("UPDATE schema_migration_lock SET holder = 'died', expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND");
  REQUIRE(Migrator(pool).Apply(EmbeddedMigrations()).size() == EmbeddedMigrations().size());
  CHECK(db.Count("SELECT COUNT(*) FROM schema_migration_lock") == 0);  // released when done
}

TEST_CASE("migrations: a lock renewed many times within a millisecond is still held, a lock taken over is lost",
          "[db][migrations]") {
  // The server reports changed rows: renewals that set the same expiry change nothing, yet the
  // lock is still this process's (migrations applied faster than a millisecond apart).
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  auto c = pool.Connect();
  c->Execute("SET autocommit = 1");
  {
    MigrationLock lock(c->conn(), seconds(1));
    for (int i = 0; i < 200; ++i) REQUIRE_NOTHROW(lock.Renew());
    // Another process took it over after the lease passed: the next renewal says so.
    db.Execute("UPDATE schema_migration_lock SET holder = 'other'");
    REQUIRE_THROWS_WITH(lock.Renew(), Catch::Contains("lost"));
    db.Execute("DELETE FROM schema_migration_lock");
  }
}

TEST_CASE("migrations: a changed applied migration stops the start", "[db][migrations]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  auto edited = EmbeddedMigrations();
  edited[0].sql += "\n-- edited\nSELECT 1;";
  REQUIRE_THROWS_WITH(Migrator(pool).Apply(edited), Catch::Contains("changed"));
}

TEST_CASE("seed scripts run once per database", "[db][migrations]") {
  Db d;
  const std::string script = "INSERT INTO agencies (code, name, created_at) VALUES ('IFEN', 'Institut', UTC_TIMESTAMP(3));\n";
  REQUIRE(Migrator(*d.pool).ApplySeed("demo", script));
  REQUIRE_FALSE(Migrator(*d.pool).ApplySeed("demo", script));
  REQUIRE(d.db.Count("SELECT COUNT(*) FROM agencies") == 1);
}

TEST_CASE("users: insert, find, unique e-mail (1062 → nullopt), Unicode round trip", "[db][users]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    auto id = u.users().Insert(NewUser("a@ex.lu"));
    REQUIRE(id);
    REQUIRE_FALSE(u.users().Insert(NewUser("a@ex.lu")));
    auto found = u.users().FindById(*id);
    REQUIRE(found);
    REQUIRE(found->name == "Séverine Müller-Øster 🎓");
    REQUIRE(found->language == "de");
    REQUIRE(u.users().FindByEmail("a@ex.lu", true)->id == *id);
    REQUIRE_FALSE(u.users().FindByEmail("b@ex.lu", false));
    REQUIRE_FALSE(u.users().AnyCoordinator());
    u.users().Insert(NewUser("c@ex.lu", RoleBit(Role::kCoordinator)));
    REQUIRE(u.users().AnyCoordinator());
  });
}

TEST_CASE("users: tokens expire and are revocable, expired ones are purged", "[db][users]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Id id = *u.users().Insert(NewUser("t@ex.lu"));
    const std::string hash(64, 'a');
    u.users().InsertToken(hash, id, T("2027-01-01 00:00:00.000"), T("2027-01-01 12:00:00.000"));
    REQUIRE(u.users().FindByToken(hash, T("2027-01-01 11:59:59.999"))->id == id);
    REQUIRE_FALSE(u.users().FindByToken(hash, T("2027-01-01 12:00:00.000")));
    REQUIRE(u.users().RevokeToken(hash, T("2027-01-01 01:00:00.000")));
    REQUIRE_FALSE(u.users().FindByToken(hash, T("2027-01-01 02:00:00.000")));
    REQUIRE_FALSE(u.users().RevokeToken(hash, T("2027-01-01 01:00:00.000")));
    const std::string live(64, 'b'), used(64, 'c'), open_reset(64, 'd');
    u.users().InsertToken(live, id, T("2027-01-01 00:00:00.000"), T("2027-01-02 12:00:00.000"));
    u.users().InsertPasswordReset(used, id, T("2027-01-01 00:00:00.000"), T("2027-01-15 00:00:00.000"));
    u.users().ConsumePasswordReset(used, T("2027-01-01 00:00:00.000"));
    u.users().InsertPasswordReset(open_reset, id, T("2027-01-01 00:00:00.000"), T("2027-01-15 00:00:00.000"));
    // The expired token and the used reset go; the live token and the open reset stay.
    CHECK(u.users().PurgeTokens(T("2027-01-02 00:00:00.000"), 100) == 2);
    CHECK(u.users().FindByToken(live, T("2027-01-02 00:00:00.000")));
    CHECK(u.users().FindPasswordReset(open_reset, T("2027-01-02 00:00:00.000")));
    CHECK(u.users().PurgeTokens(T("2027-01-02 00:00:00.000"), 100) == 0);
  });
}

TEST_CASE("login guard: backoff per (e-mail, address), failures per address and per e-mail", "[db][logins]") {
  Db d;
  const std::string mail(64, 'e'), other(64, 'f');
  d.Tx([&](UnitOfWork& u) {
    auto& g = u.logins();
    REQUIRE_FALSE(g.FindBackoff(mail, "10.0.0.1", true));
    g.SaveBackoff(mail, "10.0.0.1", {5, T("2027-01-01 10:00:00.000"), T("2027-01-01 10:01:00.000")});
    g.SaveBackoff(mail, "10.0.0.1", {6, T("2027-01-01 10:02:00.000"), T("2027-01-01 10:04:00.000")});
    auto b = g.FindBackoff(mail, "10.0.0.1", false);
    REQUIRE(b);
    CHECK(b->failures == 6);
    CHECK(b->last_failure_at == T("2027-01-01 10:02:00.000"));
    CHECK(*b->blocked_until == T("2027-01-01 10:04:00.000"));
    g.SaveBackoff(mail, "10.0.0.2", {1, T("2027-01-01 10:02:00.000"), std::nullopt});
    CHECK_FALSE(g.FindBackoff(mail, "10.0.0.2", false)->blocked_until);
    CHECK_FALSE(g.FindBackoff(other, "10.0.0.1", false));
    g.ClearBackoff(mail, "10.0.0.1");
    CHECK_FALSE(g.FindBackoff(mail, "10.0.0.1", false));
    CHECK(g.FindBackoff(mail, "10.0.0.2", false));

    g.RecordFailure(mail, "10.0.0.1", T("2027-01-01 10:00:00.000"));
    g.RecordFailure(mail, "10.0.0.1", T("2027-01-01 10:05:00.000"));
    g.RecordFailure(other, "10.0.0.1", T("2027-01-01 10:06:00.000"));
    g.RecordFailure(mail, "10.0.0.2", T("2027-01-01 10:07:00.000"));
    const TimePoint since = T("2027-01-01 10:01:00.000");
    CHECK(*g.NthLatestAddressFailure("10.0.0.1", since, 1) == T("2027-01-01 10:06:00.000"));
    CHECK(*g.NthLatestAddressFailure("10.0.0.1", since, 2) == T("2027-01-01 10:05:00.000"));
    CHECK_FALSE(g.NthLatestAddressFailure("10.0.0.1", since, 3));  // the third is before `since`
    CHECK(*g.NthLatestAddressFailure("10.0.0.1", T("2027-01-01 09:00:00.000"), 3) == T("2027-01-01 10:00:00.000"));
    auto spread = g.FailuresAgainst(mail, T("2027-01-01 09:00:00.000"));
    CHECK(spread.failures == 3);
    CHECK(spread.addresses == 2);
    CHECK(g.FailuresAgainst(mail, since).failures == 2);
    CHECK(g.FailuresAgainst(std::string(64, '0'), since).addresses == 0);
  });
}

TEST_CASE("login guard: known addresses, unlock links used once, purge", "[db][logins]") {
  Db d;
  Id id = 0;
  d.Tx([&](UnitOfWork& u) { id = *u.users().Insert(NewUser("k@ex.lu")); });
  d.Tx([&](UnitOfWork& u) {
    auto& g = u.logins();
    const std::string home(64, 'h'), away(64, 'a');
    CHECK_FALSE(g.IsKnownAddress(id, home));
    g.RememberAddress(id, home, T("2027-01-01 10:00:00.000"));
    g.RememberAddress(id, home, T("2027-01-02 10:00:00.000"));  // again: refreshed, not doubled
    CHECK(g.IsKnownAddress(id, home));
    CHECK_FALSE(g.IsKnownAddress(id, away));

    CHECK_FALSE(g.LatestUnlock(id));
    g.InsertUnlock({std::string(64, '1'), id, away, T("2027-01-02 10:00:00.000"), T("2027-01-02 10:30:00.000")});
    g.InsertUnlock({std::string(64, '2'), id, away, T("2027-01-02 10:10:00.000"), T("2027-01-02 10:40:00.000")});
    CHECK(*g.LatestUnlock(id) == T("2027-01-02 10:10:00.000"));
    CHECK_FALSE(g.ConsumeUnlock(std::string(64, '1'), T("2027-01-02 10:30:00.000")));  // expired
    auto used = g.ConsumeUnlock(std::string(64, '2'), T("2027-01-02 10:20:00.000"));
    REQUIRE(used);
    CHECK(used->user_id == id);
    CHECK(used->address_hash == away);
    CHECK(used->expires_at == T("2027-01-02 10:40:00.000"));
    CHECK_FALSE(g.ConsumeUnlock(std::string(64, '2'), T("2027-01-02 10:21:00.000")));  // used

    g.RecordFailure(std::string(64, 'e'), "10.0.0.1", T("2027-01-01 09:00:00.000"));
    g.RecordFailure(std::string(64, 'e'), "10.0.0.1", T("2027-01-02 10:00:00.000"));
    g.SaveBackoff(std::string(64, 'e'), "10.0.0.1", {1, T("2027-01-01 09:00:00.000"), std::nullopt});
    g.SaveBackoff(std::string(64, 'e'), "10.0.0.2", {1, T("2027-01-02 10:00:00.000"), std::nullopt});
    g.LockSignupPace("10.0.0.1", T("2027-01-01 09:00:00.000"));
    g.LockSignupPace("10.0.0.2", T("2027-01-02 12:00:00.000"));
    g.RememberAddress(id, away, T("2026-06-01 10:00:00.000"));
    LoginGuardRepository::PurgeCutoffs cut;
    cut.now = T("2027-01-02 11:00:00.000");
    cut.failures_before = T("2027-01-02 10:00:00.000");
    cut.backoff_before = T("2027-01-02 00:00:00.000");
    cut.known_before = T("2026-07-01 00:00:00.000");
    // One failure, one backoff row, one known address, both unlock links, one pace.
    CHECK(g.Purge(cut, 100) == 6);
    CHECK(g.FailuresAgainst(std::string(64, 'e'), T("2026-01-01 00:00:00.000")).failures == 1);
    CHECK_FALSE(g.FindBackoff(std::string(64, 'e'), "10.0.0.1", false));
    CHECK(g.FindBackoff(std::string(64, 'e'), "10.0.0.2", false));
    CHECK(g.IsKnownAddress(id, home));
    CHECK_FALSE(g.IsKnownAddress(id, away));
    CHECK_FALSE(g.LatestUnlock(id));
    CHECK_FALSE(g.SignupPace("10.0.0.1"));
    CHECK(g.SignupPace("10.0.0.2"));
    CHECK(g.Purge(cut, 100) == 0);
  });
}

TEST_CASE("login guard: the sign-up pace per address, created on first lock", "[db][logins]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    REQUIRE_FALSE(u.logins().SignupPace("10.0.0.1"));
    CHECK(u.logins().LockSignupPace("10.0.0.1", T("2027-01-01 10:00:00.000")) == T("2027-01-01 10:00:00.000"));
    u.logins().SetSignupPace("10.0.0.1", T("2027-01-01 10:06:00.000"));
    CHECK(*u.logins().SignupPace("10.0.0.1") == T("2027-01-01 10:06:00.000"));
    // An existing row keeps its time.
    CHECK(u.logins().LockSignupPace("10.0.0.1", T("2027-01-01 10:01:00.000")) == T("2027-01-01 10:06:00.000"));
    CHECK_FALSE(u.logins().SignupPace("10.0.0.2"));
  });
  // A rolled-back lock leaves nothing behind.
  d.store->Transact([&](UnitOfWork& u) {
    u.logins().LockSignupPace("10.0.0.3", T("2027-01-01 10:00:00.000"));
    return false;
  });
  d.Tx([&](UnitOfWork& u) { CHECK_FALSE(u.logins().SignupPace("10.0.0.3")); });
}

TEST_CASE("agencies: unique codes, keys looked up by hash", "[db][agencies]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    const TimePoint now = T("2027-01-01 00:00:00.000");
    REQUIRE(u.agencies().Insert({"IFEN", "Institut de formation de l'Éducation nationale"}, now));
    REQUIRE_FALSE(u.agencies().Insert({"IFEN", "again"}, now));
    REQUIRE(u.agencies().Insert({"FEDAS", "Fédération des acteurs du secteur social"}, now));
    REQUIRE(u.agencies().List().size() == 2);
    REQUIRE(u.agencies().Find("FEDAS")->name == "Fédération des acteurs du secteur social");
    u.agencies().InsertKey("IFEN", std::string(64, 'b'), now);
    REQUIRE(*u.agencies().AgencyForKey(std::string(64, 'b')) == "IFEN");
    REQUIRE_FALSE(u.agencies().AgencyForKey(std::string(64, 'c')));
  });
}

TEST_CASE("catalogue: pathways with ordered modules, unique codes, pagination", "[db][catalogue]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Pathway p{0, "LTAS", "Let's Talk about Sex !", {}};
    Id pid = *u.catalogue().InsertPathway(p);
    REQUIRE_FALSE(u.catalogue().InsertPathway(p));
    for (int i = 1; i <= 3; ++i) {
      Module m;
      m.pathway_id = pid;
      m.position = 4 - i;  // inserted in reverse order
      m.code = "M" + std::to_string(i);
      m.title = "Module " + std::to_string(i);
      m.hours = i == 3 ? 8 : 4;
      REQUIRE(u.catalogue().InsertModule(m));
    }
    auto found = u.catalogue().FindPathway(pid);
    REQUIRE(found->modules.size() == 3);
    REQUIRE(found->modules.front().code == "M3");
    REQUIRE(found->TotalHours() == 16);
    Id standalone = AddModule(u, "COLLOQUE");
    REQUIRE(u.catalogue().FindModule(standalone)->pathway_id == std::nullopt);
    Module dup;
    dup.code = "M1";
    dup.title = "x";
    dup.hours = 1;
    REQUIRE_FALSE(u.catalogue().InsertModule(dup));
    REQUIRE(u.catalogue().ListModules(0, 10, true).size() == 1);
    REQUIRE(u.catalogue().ListModules(0, 10, false).size() == 4);
    REQUIRE(u.catalogue().ListModules(standalone - 1, 10, false).size() == 1);
    u.catalogue().InsertPathway({0, "OTHER", "Other", {}});
    auto page1 = u.catalogue().ListPathways(0, 1);
    REQUIRE(page1.size() == 1);
    REQUIRE(u.catalogue().ListPathways(page1[0].id, 5).size() == 1);
    REQUIRE_FALSE(u.catalogue().FindPathway(999999));
  });
}

TEST_CASE("catalogue: sessions with trainers, filters, keyset order, counters", "[db][catalogue]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Id trainer = *u.users().Insert(NewUser("trainer@ex.lu", RoleBit(Role::kTrainer)));
    Id m1 = AddModule(u, "A"), m2 = AddModule(u, "B");
    u.agencies().Insert({"IFEN", "IFEN"}, T("2027-01-01 00:00:00.000"));
    Session s;
    s.module_id = m1;
    s.starts_at = T("2027-03-04 08:00:00.000");
    s.ends_at = T("2027-03-06 16:00:00.000");
    s.decision_at = T("2027-02-18 08:00:00.000");
    s.capacity = 20;
    s.min_registrants = 10;
    s.agency = "IFEN";
    s.location = "Luxembourg-Ville, 2 rue de l'École";
    s.mode = SessionMode::kHybrid;
    s.trainer_ids = {trainer};
    Id s1 = u.catalogue().InsertSession(s);
    Id s2 = AddSession(u, m2, 5, "2027-01-10 08:00:00.000");
    Id s3 = AddSession(u, m1, 5, "2027-03-04 08:00:00.000");  // same start as s1: ordered by id
    auto got = u.catalogue().FindSession(s1, true);
    REQUIRE(got->trainer_ids == std::vector<Id>{trainer});
    REQUIRE(*got->agency == "IFEN");
    REQUIRE(got->mode == SessionMode::kHybrid);
    REQUIRE(got->location == "Luxembourg-Ville, 2 rue de l'École");
    REQUIRE(got->ends_at == T("2027-03-06 16:00:00.000"));

    SessionFilter all;
    auto rows = u.catalogue().ListSessions(all);
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[0].id == s2);
    REQUIRE(rows[1].id == s1);
    REQUIRE(rows[2].id == s3);
    SessionFilter by_module;
    by_module.module_id = m1;
    REQUIRE(u.catalogue().ListSessions(by_module).size() == 2);
    SessionFilter window;
    window.from = T("2027-02-01 00:00:00.000");
    window.to = T("2027-12-31 00:00:00.000");
    REQUIRE(u.catalogue().ListSessions(window).size() == 2);
    SessionFilter after;
    after.after_starts_at = rows[1].starts_at;
    after.after_id = rows[1].id;
    auto rest = u.catalogue().ListSessions(after);
    REQUIRE(rest.size() == 1);
    REQUIRE(rest[0].id == s3);

    u.catalogue().UpdateSessionStatus(s2, SessionStatus::kCancelled, "Moins de 10 inscrits");
    u.catalogue().UpdateSessionCounts(s3, 4, 2);
    SessionFilter cancelled;
    cancelled.status = SessionStatus::kCancelled;
    auto c = u.catalogue().ListSessions(cancelled);
    REQUIRE(c.size() == 1);
    REQUIRE(c[0].cancel_reason == "Moins de 10 inscrits");
    auto counted = u.catalogue().FindSession(s3, false);
    REQUIRE(counted->confirmed_count == 4);
    REQUIRE(counted->waitlist_count == 2);
  });
}

TEST_CASE("registrations: one active per person and session (1062 → nullopt), positions", "[db][registrations]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Id m = AddModule(u, "A");
    Id s = AddSession(u, m, 2);
    std::vector<Id> people;
    for (int i = 0; i < 4; ++i) people.push_back(*u.users().Insert(NewUser("p" + std::to_string(i) + "@ex.lu")));
    const TimePoint now = T("2027-01-01 00:00:00.000");
    std::vector<Id> regs;
    for (int i = 0; i < 4; ++i) {
      Registration r;
      r.session_id = s;
      r.participant_id = people[i];
      r.status = i < 2 ? RegistrationStatus::kConfirmed : RegistrationStatus::kWaitlisted;
      r.channel = i == 0 ? "IFEN" : "DIRECT";
      r.created_at = r.updated_at = now;
      regs.push_back(*u.registrations().Insert(r));
    }
    Registration dup;
    dup.session_id = s;
    dup.participant_id = people[0];
    dup.created_at = dup.updated_at = now;
    REQUIRE_FALSE(u.registrations().Insert(dup));

    REQUIRE(u.registrations().Find(regs[3])->waitlist_position == 2);
    REQUIRE(u.registrations().FirstWaitlisted(s)->id == regs[2]);
    REQUIRE(u.registrations().FindActive(s, people[0])->channel == "IFEN");

    u.registrations().UpdateStatus(regs[0], RegistrationStatus::kWithdrawn, now);
    REQUIRE_FALSE(u.registrations().FindActive(s, people[0]));
    REQUIRE(u.registrations().Insert(dup));  // a withdrawn person may register again

    u.registrations().UpdateStatus(regs[2], RegistrationStatus::kConfirmed, now);
    auto list = u.registrations().ListForSession(s, 0, 10);
    REQUIRE(list.size() == 5);
    REQUIRE(list[3].id == regs[3]);
    REQUIRE(list[3].waitlist_position == 1);  // gapless after the promotion
    REQUIRE_FALSE(list[2].waitlist_position);
    REQUIRE(u.registrations().ListForSession(s, regs[1], 2).size() == 2);
    REQUIRE(u.registrations().ListForParticipant(people[0], 0, 10).size() == 2);
    REQUIRE(u.registrations().ListForParticipant(people[1], 0, 10).size() == 1);
  });
}

TEST_CASE("registrations: one active per person and module unless overridden, the key that refused named",
          "[db][registrations][module]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Id m = AddModule(u, "A");
    Id first = AddSession(u, m, 5), second = AddSession(u, m, 5, "2027-05-06 07:00:00.000");
    Id other = AddSession(u, AddModule(u, "B"), 5);
    Id p = *u.users().Insert(NewUser("p@ex.lu"));
    const TimePoint now = T("2027-01-01 00:00:00.000");
    auto reg = [&](Id session, bool override_rule = false) {
      Registration r;
      r.session_id = session;
      r.participant_id = p;
      r.module_override = override_rule;
      r.created_at = r.updated_at = now;
      return u.registrations().Insert(r);
    };
    auto kept = reg(first);
    REQUIRE(kept);
    REQUIRE(u.registrations().Find(*kept)->module_id == m);  // copied from the session
    auto same_session = reg(first);
    REQUIRE_FALSE(same_session);
    CHECK(same_session.error() == RegistrationConflict::kSameSession);
    auto same_module = reg(second);
    REQUIRE_FALSE(same_module);
    CHECK(same_module.error() == RegistrationConflict::kSameModule);
    CHECK(reg(other));  // another module
    auto forced = reg(second, true);
    REQUIRE(forced);
    CHECK(u.registrations().Find(*forced)->module_override);
    // Withdrawn, the place in the module is free again.
    u.registrations().UpdateStatus(*forced, RegistrationStatus::kWithdrawn, now);
    u.registrations().UpdateStatus(*kept, RegistrationStatus::kWithdrawn, now);
    CHECK(reg(second));
  });
}

TEST_CASE("cancellation reasons: code and parameters round trip", "[db][catalogue]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    Id m = AddModule(u, "A");
    Id below = AddSession(u, m, 5), by_hand = AddSession(u, m, 5);
    CancelReason threshold;
    threshold.code = CancelReasonCode::kBelowThreshold;
    threshold.confirmed = 2;
    threshold.minimum = 3;
    u.catalogue().UpdateSessionStatus(below, SessionStatus::kCancelled, "");
    u.catalogue().RecordCancellation(below, threshold);
    CancelReason words;
    words.text = "Salle \"B\" indisponible; désolé";
    u.catalogue().UpdateSessionStatus(by_hand, SessionStatus::kCancelled, words.text);
    u.catalogue().RecordCancellation(by_hand, words);
    auto a = u.catalogue().FindSession(below, false);
    REQUIRE(a->cancellation);
    CHECK(a->cancellation->code == CancelReasonCode::kBelowThreshold);
    CHECK(a->cancellation->confirmed == 2);
    CHECK(a->cancellation->minimum == 3);
    auto b = u.catalogue().FindSession(by_hand, false);
    REQUIRE(b->cancellation);
    CHECK(b->cancellation->code == CancelReasonCode::kByCoordinator);
    CHECK(b->cancellation->text == words.text);
    CHECK_FALSE(u.catalogue().FindSession(AddSession(u, m, 5), false)->cancellation);
  });
}

TEST_CASE("audit and idempotency rows", "[db][audit]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    u.audit().Append({"user:1", "registration.created", "registration", 7, "", "{\"status\":\"confirmed\"}",
                      "req-1", T("2027-01-01 00:00:00.000")});
    IdempotencyRecord r;
    r.fingerprint = std::string(64, 'f');
    r.claim_token = "claim-1";
    r.created_at = T("2027-01-01 00:00:00.000");
    REQUIRE(u.idempotency().Insert("user:1", "k1", r));
    // The fence holds for its own token only, and records that the work committed.
    REQUIRE_FALSE(u.idempotency().HoldFence({"user:1", "k1", "claim-2"}));
    REQUIRE(u.idempotency().HoldFence({"user:1", "k1", "claim-1"}));
    REQUIRE(u.idempotency().Find("user:1", "k1", false)->committed_at.has_value());
    REQUIRE_FALSE(u.idempotency().Insert("user:1", "k1", r));
    r.completed = true;
    r.status = 201;
    r.body = "{\"id\":\"1\"}";
    r.content_type = "application/json";
    u.idempotency().Replace("user:1", "k1", r);
    auto got = u.idempotency().Find("user:1", "k1", true);
    REQUIRE(got->completed);
    REQUIRE(got->status == 201);
    REQUIRE(got->body == "{\"id\":\"1\"}");
    u.idempotency().Delete("user:1", "k1", "claim-2");  // not its claim: kept
    REQUIRE(u.idempotency().Find("user:1", "k1", false));
    u.idempotency().Delete("user:1", "k1", "claim-1");
    REQUIRE_FALSE(u.idempotency().Find("user:1", "k1", false));
  });
  REQUIRE(d.db.Scalar("SELECT after_json FROM audit_log WHERE entity_id = 7") == "{\"status\":\"confirmed\"}");
  REQUIRE(d.db.Scalar("SELECT before_json IS NULL FROM audit_log WHERE entity_id = 7") == "1");
}

TEST_CASE("idempotency rows: the purge removes rows created before the cutoff, in batches", "[db][audit]") {
  Db d;
  d.Tx([&](UnitOfWork& u) {
    IdempotencyRecord r;
    r.fingerprint = std::string(64, 'f');
    for (int i = 0; i < 3; ++i) {
      r.claim_token = "old-" + std::to_string(i);
      r.created_at = T("2027-01-01 00:00:00.000");
      REQUIRE(u.idempotency().Insert("user:1", "old" + std::to_string(i), r));
    }
    r.claim_token = "new";
    r.created_at = T("2027-01-02 12:00:00.000");
    REQUIRE(u.idempotency().Insert("user:1", "new", r));
  });
  d.Tx([&](UnitOfWork& u) { CHECK(u.idempotency().PurgeBefore(T("2027-01-02 00:00:00.000"), 2) == 2); });
  d.Tx([&](UnitOfWork& u) { CHECK(u.idempotency().PurgeBefore(T("2027-01-02 00:00:00.000"), 2) == 1); });
  d.Tx([&](UnitOfWork& u) { CHECK(u.idempotency().PurgeBefore(T("2027-01-02 00:00:00.000"), 2) == 0); });
  CHECK(d.db.Count("SELECT COUNT(*) FROM idempotency_keys") == 1);
}

TEST_CASE("transactions: false or an exception rolls back, true commits", "[db][store]") {
  Db d;
  d.store->Transact([&](UnitOfWork& u) {
    u.agencies().Insert({"ROLL", "back"}, T("2027-01-01 00:00:00.000"));
    return false;
  });
  REQUIRE_THROWS(d.store->Transact([&](UnitOfWork& u) -> bool {
    u.agencies().Insert({"THROW", "back"}, T("2027-01-01 00:00:00.000"));
    throw std::runtime_error("boom");
  }));
  d.store->Transact([&](UnitOfWork& u) { return u.agencies().Insert({"KEEP", "it"}, T("2027-01-01 00:00:00.000")); });
  REQUIRE(d.db.Count("SELECT COUNT(*) FROM agencies") == 1);
  REQUIRE(d.store->Ping());
}

TEST_CASE("transactions: deadlocks (1213) are retried until both sides commit", "[db][store]") {
  Db d;
  Id a = 0, b = 0;
  d.Tx([&](UnitOfWork& u) {
    Id m = AddModule(u, "A");
    a = AddSession(u, m, 5);
    b = AddSession(u, m, 5);
  });
  std::atomic<int> attempts{0};
  std::latch both_locked_first(2);
  std::atomic<bool> first_round{true};
  auto worker = [&](Id first, Id second) {
    d.store->Transact([&](UnitOfWork& u) {
      ++attempts;
      u.catalogue().FindSession(first, true);
      if (first_round) {
        both_locked_first.count_down();
        both_locked_first.wait();  // both hold one lock and now want the other's
        first_round = false;
      }
      u.catalogue().FindSession(second, true);
      u.catalogue().UpdateSessionCounts(first, 1, 0);
      return true;
    });
  };
  std::thread t1(worker, a, b), t2(worker, b, a);
  t1.join();
  t2.join();
  REQUIRE(attempts >= 3);  // one side was chosen as the deadlock victim and ran again
  REQUIRE(d.db.Count("SELECT SUM(confirmed_count) FROM sessions") == 2);
  REQUIRE(IsTransientConflict(1213));
  REQUIRE(IsTransientConflict(1205));
  REQUIRE_FALSE(IsTransientConflict(1062));
  REQUIRE(IsConnectionLost(2013));
}

TEST_CASE("connection pool: a killed connection is replaced, work goes on", "[db][store]") {
  Db d;
  std::string id;
  d.store->Transact([&](UnitOfWork&) { return true; });
  // Kill every connection of this test's user to this database from the outside.
  id = d.db.Scalar("SELECT GROUP_CONCAT(id) FROM information_schema.processlist WHERE db = '" + d.db.name() + "' AND command = 'Sleep'");
  std::stringstream ids(id);
  for (std::string one; std::getline(ids, one, ',');)
    if (!one.empty()) d.db.Execute("KILL " + one);
  bool found = false;
  d.store->Transact([&](UnitOfWork& u) {
    found = u.agencies().List().empty();
    return true;
  });
  REQUIRE(found);
}
