// The retry loop of every transaction, driven through its seam (TransactionAttempt) with
// attempts whose COMMIT the "server" refuses or loses, as a Galera cluster does: a refused
// COMMIT is seen and the whole transaction runs again; a lost COMMIT is never success;
// conflicts that outlast the time budget become StoreBusy (503), never a 500.
#include <catch2/catch.hpp>

#include <cppconn/exception.h>

#include <deque>
#include <stdexcept>

#include "storage/transaction_runner.h"

using namespace parcours;

namespace {

[[noreturn]] void Unused() { throw std::logic_error("not used by these tests"); }

class FakeIdempotency final : public IdempotencyRepository {
 public:
  bool holds = true;
  int fence_checks = 0;
  std::optional<IdempotencyRecord> Find(const std::string&, const std::string&, bool) override { Unused(); }
  bool Insert(const std::string&, const std::string&, const IdempotencyRecord&) override { Unused(); }
  void Replace(const std::string&, const std::string&, const IdempotencyRecord&) override { Unused(); }
  void Delete(const std::string&, const std::string&, const std::string&) override { Unused(); }
  bool HoldFence(const CommitFence&) override {
    ++fence_checks;
    return holds;
  }
  int PurgeBefore(TimePoint, int) override { Unused(); }
};

class FakeUnitOfWork final : public UnitOfWork {
 public:
  explicit FakeUnitOfWork(FakeIdempotency& i) : idempotency_(i) {}
  UserRepository& users() override { Unused(); }
  LoginGuardRepository& logins() override { Unused(); }
  AgencyRepository& agencies() override { Unused(); }
  CatalogueRepository& catalogue() override { Unused(); }
  RegistrationRepository& registrations() override { Unused(); }
  AuditRepository& audit() override { Unused(); }
  IdempotencyRepository& idempotency() override { return idempotency_; }
  AttendanceRepository& attendance() override { Unused(); }
  NotificationRepository& notifications() override { Unused(); }
  ReportRepository& reports() override { Unused(); }
  AttestationRepository& attestations() override { Unused(); }
  PersonalDataRepository& personal_data() override { Unused(); }
  StructureRepository& structures() override { Unused(); }
  DocumentRepository& documents() override { Unused(); }
  EvaluationRepository& evaluations() override { Unused(); }

 private:
  FakeIdempotency& idempotency_;
};

// A scripted server: each attempt's COMMIT answers with the next code (0 = accepted).
struct FakeServer {
  std::deque<int> commit_answers;
  int begun = 0, commits = 0, rollbacks = 0, discarded = 0;
  bool alive = true;  // what a ping of the connection answers
  FakeIdempotency idempotency;

  class Attempt final : public TransactionAttempt {
   public:
    explicit Attempt(FakeServer& s) : s_(s), uow_(s.idempotency) {}
    UnitOfWork& Work() override { return uow_; }
    void Commit() override {
      int code = 0;
      if (!s_.commit_answers.empty()) {
        code = s_.commit_answers.front();
        s_.commit_answers.pop_front();
      }
      if (code != 0) throw sql::SQLException("refused", "40001", code);
      ++s_.commits;
    }
    void Rollback() override { ++s_.rollbacks; }
    void Discard() override { ++s_.discarded; }
    bool Alive() override { return s_.alive; }

   private:
    FakeServer& s_;
    FakeUnitOfWork uow_;
  };

  std::function<std::unique_ptr<TransactionAttempt>()> Begin() {
    return [this] {
      ++begun;
      return std::make_unique<Attempt>(*this);
    };
  }
};

// Simulated time: sleeping advances the monotonic clock, nothing waits.
struct FakeTime {
  std::int64_t now_ns = 0;
  RetryTiming Timing() {
    return {[this] { return now_ns; }, [this](std::chrono::microseconds d) { now_ns += d.count() * 1000 + 1000; }};
  }
};

}  // namespace

TEST_CASE("transactions: a COMMIT refused with 1213 is seen and the whole transaction runs again",
          "[unit][store]") {
  FakeServer server;
  server.commit_answers = {1213, 1213};  // two certification failures, then accepted
  FakeTime time;
  int runs = 0;
  RunTransaction(server.Begin(), [&](UnitOfWork&) { return ++runs > 0; }, RetryPolicy{}, time.Timing());
  CHECK(runs == 3);
  CHECK(server.begun == 3);
  CHECK(server.commits == 1);
  CHECK(server.rollbacks == 2);
  CHECK(server.discarded == 0);
}

TEST_CASE("transactions: conflicts that outlast the time budget are StoreBusy, nothing committed",
          "[unit][store]") {
  FakeServer server;
  server.commit_answers = std::deque<int>(100000, 1213);
  FakeTime time;
  RetryPolicy policy;
  policy.budget = std::chrono::milliseconds(2000);
  int runs = 0;
  REQUIRE_THROWS_AS(
      RunTransaction(server.Begin(), [&](UnitOfWork&) { return ++runs > 0; }, policy, time.Timing()), StoreBusy);
  CHECK(server.commits == 0);
  CHECK(runs > 10);                            // retried many times with a growing backoff...
  CHECK(time.now_ns >= 2'000'000'000LL);       // ...for the whole budget
  CHECK(time.now_ns < 2'100'000'000LL);        // and not much longer
}

TEST_CASE("transactions: a connection lost during COMMIT is never reported as success", "[unit][store]") {
  FakeServer server;
  server.commit_answers = {2013};
  FakeTime time;
  int runs = 0;
  REQUIRE_THROWS_AS(
      RunTransaction(server.Begin(), [&](UnitOfWork&) { return ++runs > 0; }, RetryPolicy{}, time.Timing()),
      CommitOutcomeUnknown);
  CHECK(runs == 1);  // not run again: it may have committed
  CHECK(server.discarded == 1);
  CHECK(server.commits == 0);
}

TEST_CASE("transactions: a connection lost before COMMIT is retried on a new connection", "[unit][store]") {
  FakeServer server;
  FakeTime time;
  int runs = 0;
  RunTransaction(server.Begin(),
                 [&](UnitOfWork&) {
                   if (++runs == 1) throw sql::SQLException("gone away", "HY000", 2006);
                   return true;
                 },
                 RetryPolicy{}, time.Timing());
  CHECK(runs == 2);
  CHECK(server.discarded == 1);
  CHECK(server.commits == 1);
}

TEST_CASE("transactions: other database errors are rethrown after a rollback, not retried", "[unit][store]") {
  FakeServer server;
  FakeTime time;
  int runs = 0;
  try {
    RunTransaction(server.Begin(),
                   [&](UnitOfWork&) -> bool {
                     ++runs;
                     throw sql::SQLException("Duplicate entry", "23000", 1062);
                   },
                   RetryPolicy{}, time.Timing());
    FAIL("no exception");
  } catch (const sql::SQLException& e) {
    CHECK(e.getErrorCode() == 1062);
  }
  CHECK(runs == 1);
  CHECK(server.rollbacks == 1);
}

TEST_CASE("transactions: false rolls back, and a lost Idempotency-Key claim stops the COMMIT", "[unit][store]") {
  FakeServer server;
  FakeTime time;
  RunTransaction(server.Begin(), [](UnitOfWork&) { return false; }, RetryPolicy{}, time.Timing());
  CHECK(server.rollbacks == 1);
  CHECK(server.commits == 0);

  CommitFence fence{"user:1", std::string(64, 'a'), "token"};
  CommitFenceScope scope(&fence);
  RunTransaction(server.Begin(), [](UnitOfWork&) { return true; }, RetryPolicy{}, time.Timing());
  CHECK(server.commits == 1);
  CHECK(server.idempotency.fence_checks == 1);

  server.idempotency.holds = false;  // another run took the claim over
  REQUIRE_THROWS_AS(RunTransaction(server.Begin(), [](UnitOfWork&) { return true; }, RetryPolicy{}, time.Timing()),
                    IdempotencyClaimLost);
  CHECK(server.commits == 1);
  CHECK(server.rollbacks == 2);
}

TEST_CASE("transactions: a driver error without a server code is an outage only when the connection is gone",
          "[unit][store]") {
  FakeTime time;
  auto failing_once = [](int& runs) {
    return [&runs](UnitOfWork&) -> bool {
      if (++runs == 1) throw sql::SQLException("Invalid value for getString", "", 0);
      return true;
    };
  };
  SECTION("on a live connection it is a programming error: rethrown after a rollback, not retried") {
    FakeServer server;
    int runs = 0;
    REQUIRE_THROWS_AS(RunTransaction(server.Begin(), failing_once(runs), RetryPolicy{}, time.Timing()),
                      sql::SQLException);
    CHECK(runs == 1);
    CHECK(server.rollbacks == 1);
    CHECK(server.discarded == 0);
  }
  SECTION("on a connection that no longer answers it is a lost link: retried on a new one") {
    FakeServer server;
    server.alive = false;
    int runs = 0;
    RunTransaction(server.Begin(), failing_once(runs), RetryPolicy{}, time.Timing());
    CHECK(runs == 2);
    CHECK(server.discarded == 1);
    CHECK(server.commits == 1);
  }
}
