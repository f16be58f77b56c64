#pragma once
// The Store over MySQL/MariaDB: one pooled connection per transaction, READ COMMITTED,
// deadlocks and lock-wait timeouts (1213/1205) retried here and nowhere else.
#include <memory>

#include "domain/repositories.h"
#include "storage/connection_pool.h"

namespace parcours {

class MySqlStore final : public Store {
 public:
  explicit MySqlStore(ConnectionPool& pool) : pool_(pool) {}
  void Transact(const std::function<bool(UnitOfWork&)>& work) override;
  bool Ping() override;

  static constexpr int kMaxAttempts = 8;

 private:
  ConnectionPool& pool_;
};

// Error codes the store treats specially (exposed for tests).
bool IsTransientConflict(int mysql_error);  // 1213 deadlock, 1205 lock wait timeout
bool IsConnectionLost(int mysql_error);     // 2006, 2013, ...

}  // namespace parcours
