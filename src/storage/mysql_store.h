#pragma once
// The Store over MySQL/MariaDB: one pooled connection per transaction, READ COMMITTED;
// conflicts (deadlocks, lock wait timeouts, Galera certification failures at COMMIT) and
// lost connections are retried in RunTransaction (storage/transaction_runner.h) and nowhere
// else, with a time budget; COMMIT is sent as a statement so that its failure is seen.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

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

  // The catalogue's version (CatalogueRepository::ReadCatalogueVersion) read as one
  // autocommitted statement on a connection of its own (no transaction, no COMMIT round trip;
  // on a Galera node wsrep_sync_wait as on every connection, so it sees every change
  // committed before it on any node). Reconnects once when the connection broke; nullopt when
  // the read failed or the last probe did (never an older version). One caller at a time.
  std::optional<CatalogueVersion> ReadCatalogueVersionNow();

  // What happened to transactions, for the metrics (counts since start).
  struct Stats {
    std::uint64_t committed = 0, retried_conflict = 0, retried_connection = 0, busy = 0, outcome_unknown = 0,
                  unavailable = 0;
  };
  Stats stats() const;
  // Called after each COMMIT the server acknowledged with the audit actions the transaction
  // wrote (action, and the registration status for "registration.*"): the metrics count
  // state changes that are stored, never those of an attempt that was rolled back and retried.
  using CommitObserver = std::function<void(const std::vector<std::pair<std::string, std::string>>&)>;
  void SetCommitObserver(CommitObserver observer) { observer_ = std::move(observer); }

 private:
  ConnectionPool& pool_;
  RetryPolicy policy_;
  std::mutex probe_mu_;
  std::atomic<bool> unreachable_{false};
  std::atomic<std::int64_t> probe_started_ns_{0};  // the probe in flight, 0 when none
  std::atomic<std::int64_t> probe_done_ns_{0};     // when the last probe ended
  std::unique_ptr<PooledConnection> probe_;
  std::mutex version_mu_;
  std::unique_ptr<PooledConnection> version_conn_;
  RetryTiming timing_;
  CommitObserver observer_;
  std::atomic<std::uint64_t> committed_{0}, retried_conflict_{0}, retried_connection_{0}, busy_{0},
      outcome_unknown_{0}, unavailable_{0};
};

}  // namespace parcours
