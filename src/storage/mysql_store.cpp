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
  // On Galera, a transaction can be rolled back under the client (a brute-force abort by a
  // replicated write set) without the error reaching it: seen as a COMMIT that stored only the
  // statements after the abort, which ran in a new implicit transaction (an acknowledged
  // enrolment whose person and registration were missing while its feed item was stored). The
  // first statement of each transaction therefore sets this session's canary row to the
  // transaction's number, and COMMIT reads it back first: a different value means the
  // transaction is not the one that began, and it runs again as after a conflict.
  void Begin() override {
    lease_->people_shards.clear();
    if (!lease_->galera) return;
    auto& ps = lease_->Prepare("UPDATE parcours_txn_canary SET v = ?");
    ps.setInt64(1, ++lease_->canary);
    ps.executeUpdate();
  }
  UnitOfWork& Work() override { return uow_; }
  void Commit() override {
    if (!lease_->people_shards.empty()) {
      // Last, in shard order, so that two transactions never wait for each other's shards.
      std::string sql = "UPDATE catalogue_version SET version = version + 1 WHERE shard IN (";
      for (int s : lease_->people_shards) sql += (sql.back() == '(' ? "" : ",") + std::to_string(64 + s);
      sql += ")";
      lease_->Execute(sql.c_str());
      lease_->people_shards.clear();
    }
    if (lease_->galera) {
      auto& ps = lease_->Prepare("SELECT v FROM parcours_txn_canary");
      Rs rs(ps.executeQuery());
      if (!rs->next() || rs->getInt64(1) != lease_->canary)
        throw sql::SQLException("the transaction was rolled back under this session (Galera abort)", "40001", 1213);
    }
    lease_->Commit();
  }
  void Rollback() override { lease_->Rollback(); }
  void Discard() override { lease_->broken = true; }
  bool Alive() override {
    try {
      return lease_->conn().isValid();
    } catch (const sql::SQLException&) {
      return false;
    }
  }

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
      timing_{SteadyNs, [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); },
              [this](int code) { ++(IsTransientConflict(code) ? retried_conflict_ : retried_connection_); }} {}

void MySqlStore::Transact(const std::function<bool(UnitOfWork&)>& work) {
  if (unreachable_) {
    ++unavailable_;
    throw StoreUnavailable("the database did not answer the last health probe");
  }
  auto& staged = StagedAuditActions();
  bool committed = false;
  try {
    RunTransaction([this] { return std::make_unique<PooledAttempt>(pool_.Acquire()); },
                   [&](UnitOfWork& uow) {
                     staged.clear();  // what an earlier, rolled-back attempt wrote is not stored
                     committed = work(uow);
                     return committed;
                   },
                   policy_, timing_);
  } catch (const StoreBusy&) {
    ++busy_;
    staged.clear();
    throw;
  } catch (const CommitOutcomeUnknown&) {
    ++outcome_unknown_;
    staged.clear();
    throw;
  } catch (const StoreUnavailable&) {
    ++unavailable_;
    staged.clear();
    throw;
  } catch (...) {
    staged.clear();
    throw;
  }
  if (!committed) {
    staged.clear();
    return;
  }
  ++committed_;
  if (observer_ && !staged.empty()) observer_(staged);
  staged.clear();
}

MySqlStore::Stats MySqlStore::stats() const {
  return {committed_, retried_conflict_, retried_connection_, busy_, outcome_unknown_, unavailable_};
}

bool MySqlStore::Probe() {
  // One probe at a time, on its own connection with one-second timeouts.
  std::unique_lock lock(probe_mu_, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::seconds(1))) return !unreachable_;  // a probe is running
  probe_started_ns_ = SteadyNs();
  bool ok = false;
  // With several addresses, twice: a probe connection that broke (its node went down) is
  // replaced at once by one to the next address, so that a cluster node's loss does not make
  // this server refuse work. With one address, a second try would only double the wait.
  const int attempts = pool_.url().AddressCount() > 1 ? 2 : 1;
  for (int attempt = 0; attempt < attempts && !ok; ++attempt) {
    const bool had_connection = probe_ != nullptr;
    try {
      if (!probe_) probe_ = pool_.ConnectProbe();
      auto& ps = probe_->Prepare("SELECT 1");
      Rs rs(ps.executeQuery());
      ok = rs->next();
      probe_->Rollback();
    } catch (const sql::SQLException&) {
      probe_.reset();
    } catch (const StoreUnavailable&) {
      probe_.reset();
    }
    if (!had_connection) break;  // a fresh connection failed too: every address was tried
  }
  if (ok && pool_.TryReturnToFirst()) probe_.reset();  // the preferred node is back
  unreachable_ = !ok;
  probe_done_ns_ = SteadyNs();
  probe_started_ns_ = 0;
  return ok;
}

std::optional<CatalogueVersion> MySqlStore::ReadCatalogueVersionNow() {
  if (unreachable_) return std::nullopt;
  std::lock_guard lock(version_mu_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool had_connection = version_conn_ != nullptr;
    try {
      if (!version_conn_) {
        version_conn_ = pool_.ConnectProbe();  // one-second timeouts: a slow read falls back
        version_conn_->Execute("SET autocommit = 1");
      }
      return MakeCatalogueRepository(*version_conn_)->ReadCatalogueVersion();
    } catch (const sql::SQLException&) {
      version_conn_.reset();
    } catch (const StoreUnavailable&) {
      version_conn_.reset();
    }
    if (!had_connection) break;  // a fresh connection failed: no second try
  }
  return std::nullopt;
}

bool MySqlStore::Ping() {
  const std::int64_t now = SteadyNs();
  const std::int64_t started = probe_started_ns_;
  if (started != 0 && now - started > std::chrono::nanoseconds(kSlowProbe).count()) {
    unreachable_ = true;  // requests fail at once from now on, until a probe succeeds
    return false;
  }
  if (started == 0 && now - probe_done_ns_ > std::chrono::nanoseconds(std::chrono::seconds(1)).count())
    return Probe();
  return !unreachable_;
}

}  // namespace parcours
