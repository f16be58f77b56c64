#pragma once
// The Store over MySQL/MariaDB: one pooled connection per transaction, READ COMMITTED;
// conflicts (deadlocks, lock wait timeouts, Galera certification failures at COMMIT) and
// lost connections are retried in RunTransaction (storage/transaction_runner.h) and nowhere
// else, with a time budget; COMMIT is sent as a statement so that its failure is seen.
#include <atomic>
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
  // `serve` probes twice a second.
  bool Ping() override;

 private:
  ConnectionPool& pool_;
  RetryPolicy policy_;
  std::timed_mutex probe_mu_;
  std::atomic<bool> unreachable_{false};
  std::unique_ptr<PooledConnection> probe_;
  RetryTiming timing_;
};

}  // namespace parcours
