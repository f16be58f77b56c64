// The scheduler's claims against the real MariaDB: two scheduler instances over one database
// take each decision exactly once; decided sessions are never decided again; the outbox is
// claimed without double delivery.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "common/time.h"
#include "services/outbox_service.h"
#include "services/registration_service.h"
#include "services/scheduler_service.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;
using namespace std::chrono;

namespace {

struct SchedulerWorld {
  TestDatabase db;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<MySqlStore> store;
  ManualClock clock{Utc("2027-01-01T00:00:00Z")};
  SchedulerWorld() {
    pool = std::make_unique<ConnectionPool>(*DatabaseUrl::Parse(db.Url()), 16);
    Migrator(*pool).Apply(EmbeddedMigrations());
    store = std::make_unique<MySqlStore>(*pool);
  }
  // n sessions deciding at 2027-02-01, each with `registrants` confirmed people.
  std::vector<Id> Sessions(int n, int registrants, int min_registrants) {
    std::vector<Id> ids;
    store->Transact([&](UnitOfWork& u) {
      Module m;
      m.code = "M" + std::to_string(n) + "_" + std::to_string(registrants);
      m.title = "Module";
      m.hours = 4;
      Id module = *u.catalogue().InsertModule(m);
      for (int i = 0; i < n; ++i) {
        Session s;
        s.module_id = module;
        s.starts_at = Utc("2027-02-15T08:00:00Z");
        s.ends_at = Utc("2027-02-15T12:00:00Z");
        s.decision_at = Utc("2027-02-01T08:00:00Z");
        s.capacity = 20;
        s.min_registrants = min_registrants;
        ids.push_back(u.catalogue().InsertSession(s));
      }
      return true;
    });
    RegistrationService registrations(*store, clock);
    static int person = 0;
    for (Id s : ids)
      for (int k = 0; k < registrants; ++k) {
        Id pid = 0;
        store->Transact([&](UnitOfWork& u) {
          User p;
          p.email = "p" + std::to_string(++person) + "@ex.lu";
          p.name = "P";
          p.created_at = clock.Now();
          pid = *u.users().Insert(p);
          return true;
        });
        RequestContext ctx;
        ctx.principal.kind = Principal::Kind::kUser;
        ctx.principal.user_id = pid;
        REQUIRE(registrations.Register(ctx, {s, std::nullopt, std::nullopt}).ok());
      }
    return ids;
  }
};

}  // namespace

TEST_CASE("scheduler: two instances over one database take each decision once", "[db][scheduler]") {
  SchedulerWorld w;
  auto confirmed = w.Sessions(15, 2, 2);
  auto cancelled = w.Sessions(15, 1, 2);
  w.clock.Set(Utc("2027-02-02T00:00:00Z"));
  SchedulerService one(*w.store, w.clock), two(*w.store, w.clock);
  SchedulerReport a, b;
  std::thread t1([&] { a = one.RunOnce(); });
  std::thread t2([&] { b = two.RunOnce(); });
  t1.join();
  t2.join();
  CHECK(a.confirmed + b.confirmed == 15);
  CHECK(a.cancelled + b.cancelled == 15);
  CHECK(w.db.Count("SELECT COUNT(*) FROM sessions WHERE status = 'confirmed'") == 15);
  CHECK(w.db.Count("SELECT COUNT(*) FROM sessions WHERE status = 'cancelled' AND cancelled_by_threshold = 1") == 15);
  CHECK(w.db.Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('session.confirmed', 'session.cancelled_by_threshold')") == 30);
  CHECK(w.db.Count("SELECT COUNT(*) FROM registrations WHERE status = 'cancelled'") == 15);
  // One cancellation notice per registrant of a cancelled session.
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'session_cancelled'") == 15);
  // A later pass finds nothing to decide; after the end, the confirmed ones complete once.
  auto again = one.RunOnce();
  CHECK(again.confirmed + again.cancelled == 0);
  w.clock.Set(Utc("2027-02-15T12:00:00Z"));
  SchedulerReport c, d;
  std::thread t3([&] { c = one.RunOnce(); });
  std::thread t4([&] { d = two.RunOnce(true); });
  t3.join();
  t4.join();
  CHECK(c.completed + d.completed == 15);
  CHECK(w.db.Count("SELECT COUNT(*) FROM sessions WHERE status = 'completed'") == 15);
  CHECK(w.db.Count("SELECT COUNT(*) FROM sessions WHERE status = 'cancelled'") == 15);
}

TEST_CASE("scheduler: a decision missed while down is taken at the next pass, decided sessions stay", "[db][scheduler]") {
  SchedulerWorld w;
  auto ids = w.Sessions(2, 1, 1);
  // The coordinator cancels one by hand before its decision date.
  w.store->Transact([&](UnitOfWork& u) {
    u.catalogue().UpdateSessionStatus(ids[1], SessionStatus::kCancelled, "by hand");
    return true;
  });
  w.clock.Set(Utc("2027-03-01T00:00:00Z"));  // long after decision and end: the server was down
  auto r = SchedulerService(*w.store, w.clock).RunOnce();
  CHECK(r.confirmed == 1);
  CHECK(r.cancelled == 0);
  CHECK(r.completed == 1);
  CHECK(w.db.Scalar("SELECT status FROM sessions WHERE id = " + std::to_string(ids[0])) == "completed");
  CHECK(w.db.Scalar("SELECT cancel_reason FROM sessions WHERE id = " + std::to_string(ids[1])) == "by hand");
}

TEST_CASE("scheduler: reminders two days before, once per session", "[db][scheduler]") {
  SchedulerWorld w;
  auto ids = w.Sessions(1, 3, 0);
  w.clock.Set(Utc("2027-02-13T07:00:00Z"));  // 49 h before: nothing yet
  SchedulerService s(*w.store, w.clock);
  CHECK(s.RunOnce().reminded == 0);
  w.clock.Set(Utc("2027-02-13T09:00:00Z"));  // 47 h before
  CHECK(s.RunOnce().reminded == 1);
  CHECK(s.RunOnce().reminded == 0);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder'") == 3);
}

namespace {
class OutboxRandom final : public RandomSource {  // claim tokens: a counter, never repeated
 public:
  std::string Bytes(std::size_t n) override {
    std::string out(n, '\0');
    unsigned long long v = ++next;
    for (std::size_t i = 0; i < n && i < 8; ++i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
    return out;
  }
  std::atomic<unsigned long long> next{0};
};

class CountingMailer final : public Mailer {
 public:
  std::optional<std::string> Send(const Notification& n) override {
    std::lock_guard lock(mu);
    if (fail_first && !failed.count(n.id)) {
      failed.insert(n.id);
      return "421 try later";
    }
    sent.push_back(n.id);
    return std::nullopt;
  }
  std::mutex mu;
  std::vector<Id> sent;
  std::set<Id> failed;
  bool fail_first = false;
};
}  // namespace

TEST_CASE("outbox: two dispatchers deliver each message once, failures back off", "[db][outbox]") {
  SchedulerWorld w;
  w.Sessions(4, 5, 0);  // 20 confirmation messages
  REQUIRE(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'pending'") == 20);
  CountingMailer mailer;
  OutboxRandom random;
  OutboxService one(*w.store, w.clock, mailer, random), two(*w.store, w.clock, mailer, random);
  std::thread t1([&] { while (one.DeliverDue(3) > 0) {} });
  std::thread t2([&] { while (two.DeliverDue(3) > 0) {} });
  t1.join();
  t2.join();
  std::set<Id> unique(mailer.sent.begin(), mailer.sent.end());
  CHECK(mailer.sent.size() == 20);
  CHECK(unique.size() == 20);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == 20);

  w.Sessions(1, 2, 0);
  mailer.fail_first = true;
  CHECK(one.DeliverDue() == 2);
  CHECK(one.DeliverDue() == 0);  // deferred a minute
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'pending' AND attempts = 1 AND last_error = '421 try later'") == 2);
  w.clock.Advance(minutes(1));
  CHECK(one.DeliverDue() == 2);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == 22);
}

TEST_CASE("scheduler: a session whose decision always fails does not stall the pass", "[db][scheduler]") {
  SchedulerWorld w;
  auto ids = w.Sessions(3, 1, 1);  // each would be confirmed; the first one in claim order breaks
  const std::string broken = std::to_string(ids[0]);
  // A database error on that session only, whatever the pass does to it.
  w.db.Execute("CREATE TRIGGER break_one BEFORE UPDATE ON sessions FOR EACH ROW BEGIN "
               "IF OLD.id = " + broken + " AND NEW.status <> OLD.status THEN "
               "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'session row is broken'; END IF; END");
  w.clock.Set(Utc("2027-02-02T00:00:00Z"));
  SchedulerService s(*w.store, w.clock);
  SchedulerReport r;
  REQUIRE_NOTHROW(r = s.RunOnce());
  CHECK(r.confirmed == 2);
  CHECK(w.db.Scalar("SELECT status FROM sessions WHERE id = " + std::to_string(ids[1])) == "confirmed");
  CHECK(w.db.Scalar("SELECT status FROM sessions WHERE id = " + std::to_string(ids[2])) == "confirmed");
  CHECK(w.db.Scalar("SELECT status FROM sessions WHERE id = " + broken) == "scheduled");
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].session_id == ids[0]);
  CHECK(r.failures[0].step == "decision");
  CHECK(r.failures[0].last_error.find("session row is broken") != std::string::npos);
  CHECK(w.db.Scalar("SELECT failures FROM scheduler_failures WHERE session_id = " + broken) == "1");

  // The next passes leave it alone until its backoff (1 min, then 2...) has passed.
  CHECK(s.RunOnce().failures.empty());
  w.clock.Advance(seconds(59));
  CHECK(s.RunOnce().failures.empty());
  w.clock.Advance(seconds(1));
  CHECK(s.RunOnce(true).failures.size() == 1);
  CHECK(w.db.Scalar("SELECT failures FROM scheduler_failures WHERE session_id = " + broken) == "2");
  w.clock.Advance(minutes(1));
  CHECK(s.RunOnce().failures.empty());  // the second wait is two minutes

  // A coordinator reads the sessions whose decision keeps failing; nobody else does.
  RequestContext coordinator;
  coordinator.principal.kind = Principal::Kind::kUser;
  coordinator.principal.roles = RoleBit(Role::kCoordinator);
  auto listed = s.Failures(coordinator);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].session_id == ids[0]);
  CHECK((*listed)[0].failures == 2);
  CHECK((*listed)[0].next_attempt_at == Utc("2027-02-02T00:03:00Z"));
  CHECK((*listed)[0].last_error.find("session row is broken") != std::string::npos);
  RequestContext participant;
  participant.principal.kind = Principal::Kind::kUser;
  CHECK(s.Failures(participant).error().code == ErrorCode::kForbidden);

  // Repaired, it is decided at its next attempt and leaves the list.
  w.db.Execute("DROP TRIGGER break_one");
  w.clock.Advance(minutes(1));
  auto repaired = s.RunOnce();
  CHECK(repaired.confirmed == 1);
  CHECK(repaired.failures.empty());
  CHECK(w.db.Scalar("SELECT status FROM sessions WHERE id = " + broken) == "confirmed");
  CHECK(w.db.Count("SELECT COUNT(*) FROM scheduler_failures") == 0);
}
