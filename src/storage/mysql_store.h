#pragma once
// The Store over MySQL/MariaDB: one pooled connection per transaction, READ COMMITTED;
// conflicts (deadlocks, lock wait timeouts, Galera certification failures at COMMIT) and
// lost connections are retried in RunTransaction (storage/transaction_runner.h) and nowhere
// else, with a time budget; COMMIT is sent as a statement so that its failure is seen.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "domain/repositories.h"
#include "storage/connection_pool.h"
#include "storage/transaction_runner.h"

namespace parcours {

class MySqlStore final : public Store {
 public:
  explicit MySqlStore(ConnectionPool& pool, RetryPolicy policy = {});
  void Transact(const std::function<bool(UnitOfWork&)>& work) override;
  // Probes the server on a connection of its own with one-second timeouts. While the last
  // probe failed, Transact fails at once (StoreUnavailable) instead of queueing requests
  // behind a frozen or unreachable server; the next successful probe lets work through again.
  // `serve` probes four times a second (a frozen server is then seen within 250 + kSlowProbe ms).
  bool Probe();
  // The health answer, without waiting on the server: false while a probe has been waiting
  // for it for longer than kSlowProbe (the server is frozen or gone; Transact then fails at
  // once too), else the last probe's result. Probes itself when no probe ran for a second
  // (a process without the probing loop).
  bool Ping() override;
  static constexpr std::chrono::milliseconds kSlowProbe{400};

 private:
  ConnectionPool& pool_;
  RetryPolicy policy_;
  std::timed_mutex probe_mu_;
  std::atomic<bool> unreachable_{false};
  std::atomic<std::int64_t> probe_started_ns_{0};  // the probe in flight, 0 when none
  std::atomic<std::int64_t> probe_done_ns_{0};     // when the last probe ended
  std::unique_ptr<PooledConnection> probe_;
  RetryTiming timing_;
};

}  // namespace parcours
