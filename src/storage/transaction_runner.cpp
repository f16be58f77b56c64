#include "storage/transaction_runner.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <random>

namespace parcours {

bool IsTransientConflict(int code) {
  // 1213 deadlock (and Galera's certification failure), 1205 lock wait timeout,
  // 1020 "record has changed since last read" (MariaDB snapshot isolation).
  return code == 1213 || code == 1205 || code == 1020;
}
bool IsConnectionLost(int code) {
  // 0: the driver itself lost the link and reported no server code.
  return code == 0 || code == 2006 || code == 2013 || code == 2002 || code == 2003 || code == 2055 ||
         code == 1927 || code == 4031;
}
bool IsNodeUnavailable(int code) { return code == 1047; }  // WSREP has not yet prepared node

namespace {

void RollbackQuietly(TransactionAttempt& a) {
  try {
    a.Rollback();
  } catch (const sql::SQLException&) {
    a.Discard();
  }
}

}  // namespace

void RunTransaction(const std::function<std::unique_ptr<TransactionAttempt>()>& begin,
                    const std::function<bool(UnitOfWork&)>& work, const RetryPolicy& policy,
                    const RetryTiming& timing) {
  static thread_local std::minstd_rand jitter(std::random_device{}());
  const std::int64_t deadline = timing.monotonic_ns() + std::chrono::nanoseconds(policy.budget).count();
  std::chrono::microseconds backoff = policy.first_backoff;
  int attempts = 0;
  for (;;) {
    ++attempts;
    std::unique_ptr<TransactionAttempt> attempt = begin();  // StoreUnavailable when none
    bool committing = false;
    int code = 0;
    std::string what;
    try {
      attempt->Begin();
      if (work(attempt->Work())) {
        if (const CommitFence* fence = CommitFenceScope::Current()) {
          if (!attempt->Work().idempotency().HoldFence(*fence))
            throw IdempotencyClaimLost("another run of this request holds its Idempotency-Key");  // rolled back below
        }
        committing = true;
        attempt->Commit();
      } else {
        attempt->Rollback();
      }
      return;
    } catch (const sql::SQLException& e) {
      code = e.getErrorCode();
      what = e.what();
      // No server code: a lost link, or the driver refusing a call on a live connection.
      const bool lost = IsConnectionLost(code) && (code != 0 || !attempt->Alive());
      if (code == 0 && !lost) {
        RollbackQuietly(*attempt);
        throw;  // a programming error: a 500 with its log line, not "database unavailable"
      }
      if (lost || IsNodeUnavailable(code)) {
        attempt->Discard();
        if (committing && lost)
          throw CommitOutcomeUnknown("connection lost during COMMIT: " + what);
      } else {
        RollbackQuietly(*attempt);
        if (!IsTransientConflict(code)) throw;
      }
    } catch (...) {
      RollbackQuietly(*attempt);
      throw;
    }
    attempt.reset();  // give the connection back before sleeping
    if (timing.monotonic_ns() >= deadline) {
      if (IsTransientConflict(code))
        throw StoreBusy("conflicts persisted over " + std::to_string(attempts) + " attempts: " + what);
      throw StoreUnavailable("database connection lost: " + what);
    }
    if (timing.on_retry) timing.on_retry(code);
    // Full jitter: a random wait up to the current backoff, which doubles up to its cap, so
    // that contenders spread out instead of colliding again.
    const auto wait = std::chrono::microseconds(jitter() % (backoff.count() + 1));
    timing.sleep(wait);
    backoff = std::min(backoff * 2, policy.max_backoff);
  }
}

}  // namespace parcours
