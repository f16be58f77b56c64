#include "storage/mysql_store.h"

#include <thread>

#include "storage/mysql_repositories.h"
#include "storage/mysql_rows.h"

namespace parcours {
namespace {

// A transaction over one pooled connection. The lease goes back to the pool when the
// attempt ends; a connection that failed is discarded instead.
class PooledAttempt final : public TransactionAttempt {
 public:
  explicit PooledAttempt(ConnectionPool::Lease lease) : lease_(std::move(lease)), uow_(*lease_) {}
  UnitOfWork& Work() override { return uow_; }
  void Commit() override { lease_->Commit(); }
  void Rollback() override { lease_->Rollback(); }
  void Discard() override { lease_->broken = true; }

 private:
  ConnectionPool::Lease lease_;
  MySqlUnitOfWork uow_;
};

std::int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MySqlStore::MySqlStore(ConnectionPool& pool, RetryPolicy policy)
    : pool_(pool),
      policy_(policy),
      timing_{SteadyNs, [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); }} {}

void MySqlStore::Transact(const std::function<bool(UnitOfWork&)>& work) {
  RunTransaction([this] { return std::make_unique<PooledAttempt>(pool_.Acquire()); }, work, policy_, timing_);
}

bool MySqlStore::Ping() {
  try {
    auto lease = pool_.Acquire();
    try {
      auto& ps = lease->Prepare("SELECT 1");
      Rs rs(ps.executeQuery());
      const bool ok = rs->next();
      lease->Rollback();
      return ok;
    } catch (const sql::SQLException&) {
      lease->broken = true;
      return false;
    }
  } catch (const StoreUnavailable&) {
    return false;
  }
}

}  // namespace parcours
