#pragma once
// The Store over MySQL/MariaDB: one pooled connection per transaction, READ COMMITTED;
// conflicts (deadlocks, lock wait timeouts, Galera certification failures at COMMIT) and
// lost connections are retried in RunTransaction (storage/transaction_runner.h) and nowhere
// else, with a time budget; COMMIT is sent as a statement so that its failure is seen.
#include <memory>

#include "domain/repositories.h"
#include "storage/connection_pool.h"
#include "storage/transaction_runner.h"

namespace parcours {

class MySqlStore final : public Store {
 public:
  explicit MySqlStore(ConnectionPool& pool, RetryPolicy policy = {});
  void Transact(const std::function<bool(UnitOfWork&)>& work) override;
  bool Ping() override;

 private:
  ConnectionPool& pool_;
  RetryPolicy policy_;
  RetryTiming timing_;
};

}  // namespace parcours
