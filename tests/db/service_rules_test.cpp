// Focused tests of rules that otherwise rest on one long end-to-end test: the yearly report
// counts present and partial only; an attestation is refused while a module is missing;
// verification reports a revoked attestation as not valid; a decision is taken exactly at
// decision_at. Services over the real MariaDB, with a settable clock.
#include <catch2/catch.hpp>

#include "../cert/cert_support.h"
#include "common/random.h"
#include "common/time.h"
#include "services/account_service.h"
#include "services/attendance_service.h"
#include "services/attestation_service.h"
#include "services/registration_service.h"
#include "services/report_service.h"
#include "services/scheduler_service.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;
namespace cert = parcours::certificates::testing;

namespace {

class CountingRandom final : public RandomSource {
 public:
  std::string Bytes(std::size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(next_ = next_ * 1103515245u + 12345u >> 7);
    return out;
  }

 private:
  unsigned next_ = 7;
};

IssuerSettings Issuer() {
  IssuerSettings issuer;
  issuer.public_url = "https://parcours.example";
  return issuer;
}

RequestContext Coordinator() {
  RequestContext ctx;
  ctx.principal.kind = Principal::Kind::kUser;
  ctx.principal.user_id = 1;
  ctx.principal.roles = RoleBit(Role::kCoordinator);
  ctx.request_id = "test";
  return ctx;
}

struct RulesWorld {
  TestDatabase db;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<MySqlStore> store;
  ManualClock clock{Utc("2027-01-04T00:00:00Z")};
  int people = 0;

  RulesWorld() {
    pool = std::make_unique<ConnectionPool>(*DatabaseUrl::Parse(db.Url()), 4);
    Migrator(*pool).Apply(EmbeddedMigrations());
    store = std::make_unique<MySqlStore>(*pool);
  }

  Id Person(const std::string& name) {
    Id id = 0;
    store->Transact([&](UnitOfWork& u) {
      User p;
      p.email = "person" + std::to_string(++people) + "@ex.lu";
      p.name = name;
      p.created_at = clock.Now();
      id = *u.users().Insert(p);
      return true;
    });
    return id;
  }

  // A pathway of `modules` 4-hour modules, each with one session on 2027-03-0N.
  std::pair<Pathway, std::vector<Id>> PathwayWithSessions(int modules) {
    Pathway p{0, "P" + std::to_string(modules), "Parcours test", {}};
    std::vector<Id> sessions;
    store->Transact([&](UnitOfWork& u) {
      sessions.clear();
      const Id pathway_id = *u.catalogue().InsertPathway(p);
      for (int i = 0; i < modules; ++i) {
        Module m;
        m.pathway_id = pathway_id;
        m.position = i + 1;
        m.code = p.code + "-M" + std::to_string(i + 1);
        m.title = "Module " + std::to_string(i + 1);
        m.hours = 4;
        REQUIRE(u.catalogue().InsertModule(m));
      }
      p = *u.catalogue().FindPathway(pathway_id);
      for (const auto& m : p.modules) {
        Session s;
        s.module_id = m.id;
        const std::string day = "2027-03-0" + std::to_string(m.position);
        s.starts_at = Utc((day + "T08:00:00Z").c_str());
        s.ends_at = Utc((day + "T12:00:00Z").c_str());
        s.decision_at = Utc("2027-02-01T08:00:00Z");
        s.capacity = 20;
        s.min_registrants = 1;
        sessions.push_back(u.catalogue().InsertSession(s));
      }
      return true;
    });
    return {p, sessions};
  }

  void Register(Id session, Id person, const std::string& channel) {
    RegistrationService registrations(*store, clock);
    RequestContext ctx = Coordinator();
    REQUIRE(registrations.Register(ctx, {session, person, channel}).ok());
  }

  void Mark(Id session, Id person, AttendanceStatus status, std::optional<double> hours = std::nullopt) {
    AttendanceService attendance(*store, clock);
    auto r = attendance.Mark(Coordinator(), session, {{person, status, hours}});
    REQUIRE(r.ok());
  }
};

}  // namespace

TEST_CASE("report: present and partial count as participation, absent and excused do not",
          "[db][report]") {
  RulesWorld w;
  auto [pathway, sessions] = w.PathwayWithSessions(1);
  REQUIRE(sessions.size() == 1);
  const Id session = sessions[0];
  const Id present = w.Person("Présente"), partial = w.Person("Partielle"), absent = w.Person("Absente"),
           excused = w.Person("Excusée");
  for (Id p : {present, partial, absent, excused}) w.Register(session, p, "DIRECT");
  w.clock.Set(Utc("2027-03-01T09:00:00Z"));
  w.Mark(session, present, AttendanceStatus::kPresent);
  w.Mark(session, partial, AttendanceStatus::kPartial, 2.0);
  w.Mark(session, absent, AttendanceStatus::kAbsent);
  w.Mark(session, excused, AttendanceStatus::kExcused);
  REQUIRE(w.db.Count("SELECT COUNT(*) FROM attendance") == 4);

  ReportService reports(*w.store, w.clock);
  auto report = reports.Participation(Coordinator(), 2027);
  REQUIRE(report.ok());
  REQUIRE(report->rows.size() == 1);
  const auto& row = report->rows[0];
  CHECK(row.pathway_id == pathway.id);
  CHECK(row.total == 2);
  CHECK(row.counts.at("DIRECT") == 2);
  REQUIRE(row.children.size() == 1);
  CHECK(row.children[0].total == 2);
  CHECK(report->total == 2);
}

TEST_CASE("attestations: issuing is refused while a module is missing, naming it", "[db][attestation]") {
  RulesWorld w;
  cert::TempDir dir;
  auto keys = cert::MakeSelfSigned(dir, "ec", "Parcours Test");
  CountingRandom random;
  AttestationService attestations(*w.store, w.clock, random,
                                  std::make_shared<certificates::Renderer>(cert::TemplatesDir()),
                                  certificates::LoadIdentity(keys.key_pem, keys.cert_pem),
                                  Issuer());
  auto [pathway, sessions] = w.PathwayWithSessions(3);
  const Id person = w.Person("Anne Muller");
  for (Id s : sessions) w.Register(s, person, "DIRECT");
  w.clock.Set(Utc("2027-03-05T09:00:00Z"));
  w.Mark(sessions[0], person, AttendanceStatus::kPresent);
  w.Mark(sessions[1], person, AttendanceStatus::kPartial, 3.5);  // partial does not complete
  w.Mark(sessions[2], person, AttendanceStatus::kPresent);

  auto refused = attestations.Issue(Coordinator(), person, pathway.id);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kRuleViolation);
  REQUIRE(refused.error().errors.size() == 1);
  CHECK(refused.error().errors[0].message.find("Module 2") != std::string::npos);
  CHECK(w.db.Count("SELECT COUNT(*) FROM attestations") == 0);

  // Once the missing module is attended in full, the same request issues it.
  w.Mark(sessions[1], person, AttendanceStatus::kPresent);
  auto issued = attestations.Issue(Coordinator(), person, pathway.id);
  REQUIRE(issued.ok());
  CHECK(w.db.Count("SELECT COUNT(*) FROM attestations") == 1);
}

TEST_CASE("attestations: verification reports a revoked attestation as not valid", "[db][attestation]") {
  RulesWorld w;
  cert::TempDir dir;
  auto keys = cert::MakeSelfSigned(dir, "ec", "Parcours Test");
  CountingRandom random;
  AttestationService attestations(*w.store, w.clock, random,
                                  std::make_shared<certificates::Renderer>(cert::TemplatesDir()),
                                  certificates::LoadIdentity(keys.key_pem, keys.cert_pem),
                                  Issuer());
  auto [pathway, sessions] = w.PathwayWithSessions(1);
  const Id person = w.Person("Jean Weber");
  w.Register(sessions[0], person, "DIRECT");
  w.clock.Set(Utc("2027-03-01T09:00:00Z"));
  w.Mark(sessions[0], person, AttendanceStatus::kPresent);
  auto issued = attestations.Issue(Coordinator(), person, pathway.id);
  REQUIRE(issued.ok());

  auto before = attestations.Verify(issued->verification_code);
  REQUIRE(before.ok());
  CHECK(before->valid);
  CHECK_FALSE(before->attestation.revoked_at.has_value());

  REQUIRE(attestations.Revoke(Coordinator(), issued->id, "erreur de saisie").ok());
  auto after = attestations.Verify(issued->verification_code);
  REQUIRE(after.ok());
  CHECK_FALSE(after->valid);
  REQUIRE(after->attestation.revoked_at.has_value());
  CHECK(after->attestation.revoke_reason == "erreur de saisie");
}

TEST_CASE("scheduler: a decision is taken exactly at decision_at, not before", "[db][scheduler]") {
  RulesWorld w;
  auto [pathway, sessions] = w.PathwayWithSessions(1);
  w.Register(sessions[0], w.Person("Une"), "DIRECT");
  SchedulerService scheduler(*w.store, w.clock);
  const TimePoint decision = Utc("2027-02-01T08:00:00Z");

  w.clock.Set(decision - std::chrono::milliseconds(1));
  auto early = scheduler.RunOnce();
  CHECK(early.confirmed + early.cancelled == 0);
  CHECK(w.db.Scalar("SELECT status FROM sessions") == "scheduled");

  w.clock.Set(decision);
  auto on_time = scheduler.RunOnce();
  CHECK(on_time.confirmed == 1);
  CHECK(w.db.Scalar("SELECT status FROM sessions") == "confirmed");
  CHECK(w.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.confirmed'") == 1);
}

TEST_CASE("accounts: the purge removes what no login rule reads any more, and no more", "[db][logins]") {
  RulesWorld w;
  HashingGate gate;
  CountingRandom random;
  AccountSettings settings;
  settings.scrypt.n = 1024;
  AccountService accounts(*w.store, w.clock, random, gate, settings);
  RequestContext ctx;
  ctx.client_address = "192.0.2.7";
  NewAccount in{"purge@ex.lu", "lilac umbrella 42", "Purge Test", "", "en", {}};
  REQUIRE(accounts.CreateAccount(ctx, in).ok());
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(accounts.Login(ctx, "purge@ex.lu", "wrong password!").ok());
  REQUIRE(accounts.Login(ctx, "purge@ex.lu", "lilac umbrella 42").ok());
  REQUIRE_FALSE(accounts.Login(ctx, "nobody@ex.lu", "wrong password!").ok());
  auto rows = [&](const char* table) { return w.db.Count(std::string("SELECT COUNT(*) FROM ") + table); };
  REQUIRE(rows("login_failures") == 4);
  REQUIRE(rows("login_backoff") == 1);  // nobody's; the owner's was cleared by the success
  REQUIRE(rows("login_known_addresses") == 1);
  REQUIRE(rows("auth_tokens") == 1);
  REQUIRE(rows("signup_pace") == 1);

  CHECK(accounts.PurgeExpired() == 0);  // everything is still read by some rule
  w.clock.Advance(std::chrono::hours(2));  // failures are past every window; the pace is spent
  CHECK(accounts.PurgeExpired() == 5);
  CHECK(rows("login_failures") == 0);
  CHECK(rows("signup_pace") == 0);
  w.clock.Advance(std::chrono::hours(24));  // the backoff is forgotten, the token expired
  CHECK(accounts.PurgeExpired() == 2);
  CHECK(rows("login_backoff") == 0);
  CHECK(rows("auth_tokens") == 0);
  CHECK(rows("login_known_addresses") == 1);  // kept for half a year
  w.clock.Advance(std::chrono::hours(24 * 181));
  CHECK(accounts.PurgeExpired() == 1);
  CHECK(rows("login_known_addresses") == 0);
}
