#pragma once
// The one place where database transactions are retried.
//
// What Connector/C++ 1.1.12 reports, and what it does not (checked against its source,
// driver/mysql_connection.cpp and nativeapi/mysql_native_connection_wrapper.cpp):
// - Connection::commit(), rollback() and setAutoCommit() call mysql_commit(), mysql_rollback()
//   and mysql_autocommit() and DISCARD their return codes: a COMMIT that the server refuses
//   (a Galera certification failure is error 1213 at COMMIT) returns normally and the rows are
//   gone. Parcours never calls them: it sends "COMMIT", "ROLLBACK" and "SET autocommit" as
//   statements, whose failures the driver raises as sql::SQLException with the server's code.
// - setTransactionIsolation() sends a statement and does raise; Parcours sets the isolation
//   level with its own statement at connect.
// - reconnect() (and OPT_RECONNECT) would silently start a new session without the settings
//   made at connect; Parcours disables it and replaces a broken connection with a new one.
// - Statement and PreparedStatement execution raise every server error (duplicate key 1062,
//   deadlock 1213, lock wait timeout 1205, lost connection 2006/2013...).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "domain/repositories.h"

namespace parcours {

// One attempt at a transaction over one connection. The seam between the retry loop and the
// driver: tests drive the loop with attempts whose COMMIT is refused or lost.
class TransactionAttempt {
 public:
  virtual ~TransactionAttempt() = default;
  virtual void Begin() {}  // before the work, inside the retry loop (may throw sql::SQLException)
  virtual UnitOfWork& Work() = 0;
  virtual void Commit() = 0;    // throws sql::SQLException when the server refuses or is lost
  virtual void Rollback() = 0;  // throws sql::SQLException when the connection is unusable
  virtual void Discard() = 0;   // the connection is broken: never reuse it
  // Whether the connection still answers (a ping). Asked only when the driver raised an error
  // without a server code: the link is gone, or the driver refused a call (a programming
  // error, such as reading a column that is not there), which must not pass for an outage.
  virtual bool Alive() = 0;
};

struct RetryPolicy {
  // Conflicts and lost connections are retried until this much time has passed since the
  // first attempt; then StoreBusy (nothing stored, answer 503 with Retry-After).
  std::chrono::milliseconds budget{2000};
  std::chrono::microseconds first_backoff{500};
  std::chrono::microseconds max_backoff{50000};
};

// Time for the retry loop (injected so that tests need not sleep).
struct RetryTiming {
  std::function<std::int64_t()> monotonic_ns;
  std::function<void(std::chrono::microseconds)> sleep;
  // Told of each attempt that will be run again, with the server's error code (optional: metrics).
  std::function<void(int mysql_error)> on_retry{};
};

// Error classes of the server's codes (exposed for tests).
bool IsTransientConflict(int mysql_error);  // deadlock, lock wait timeout, certification failure
bool IsConnectionLost(int mysql_error);     // 2006, 2013, ... (and 0, when the connection is not Alive())
bool IsNodeUnavailable(int mysql_error);    // a cluster node that cannot take work now (1047)

// Runs `work` in a transaction from `begin()`, committing when it returns true. Returns only
// after an acknowledged COMMIT (or a rollback when work returned false). Throws:
// StoreBusy when conflicts outlast the budget, CommitOutcomeUnknown when the connection was
// lost during COMMIT, StoreUnavailable when no connection can be had, IdempotencyClaimLost
// when the thread's CommitFence no longer holds; anything else `work` throws, after rollback.
void RunTransaction(const std::function<std::unique_ptr<TransactionAttempt>()>& begin,
                    const std::function<bool(UnitOfWork&)>& work, const RetryPolicy& policy,
                    const RetryTiming& timing);

}  // namespace parcours
