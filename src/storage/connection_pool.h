#pragma once
// A bounded pool of MySQL Connector/C++ connections. A connection is used by one thread at
// a time (a Lease); each keeps a cache of its prepared statements. Broken connections are
// dropped and replaced on the next acquisition.
#include <set>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sql {
class Connection;
class PreparedStatement;
class Statement;
}  // namespace sql

namespace parcours {

// mysql://user:password@host:port/database or mysql://user:password@unix(/path/sock)/database;
// several addresses, mysql://user:password@h1:p1,h2:p2,h3:p3/database, name the nodes of one
// cluster (Galera): the first is preferred, the others are where to go while it is down.
struct DatabaseUrl {
  std::string user, password, host = "127.0.0.1", socket, database;
  int port = 3306;
  std::vector<std::pair<std::string, int>> fallbacks;  // the addresses after the first
  static std::optional<DatabaseUrl> Parse(const std::string& url);
  std::string Redacted() const;  // for logs: no password
  std::size_t AddressCount() const { return 1 + fallbacks.size(); }
  std::string Address(std::size_t i) const;  // "host:port" (or the socket) of address i
};

class PooledConnection {
 public:
  explicit PooledConnection(std::unique_ptr<sql::Connection> c);
  ~PooledConnection();
  sql::Connection& conn() { return *conn_; }
  // Prepared once per connection; `sql` must be a string with static storage.
  sql::PreparedStatement& Prepare(const char* sql);
  // Sent as statements: the driver's commit()/rollback() discard the server's answer.
  void Execute(const char* statement);
  void Commit() { Execute("COMMIT"); }
  void Rollback() { Execute("ROLLBACK"); }
  bool broken = false;
  std::size_t address = 0;  // which of the URL's addresses it is connected to
  // On a Galera node: the number of the last transaction begun, written first into this
  // session's temporary canary row (see TransactionAttempt::Begin in mysql_store.cpp).
  bool galera = false;
  long long canary = 0;
  // People's shards (PeopleShard) this transaction changed: bumped together before COMMIT.
  std::set<int> people_shards;

 private:
  std::unique_ptr<sql::Connection> conn_;
  std::unique_ptr<sql::Statement> statement_;
  std::unordered_map<const char*, std::unique_ptr<sql::PreparedStatement>> statements_;
};

// Seconds; the driver's options take whole seconds.
struct ConnectionTimeouts {
  std::chrono::seconds connect{5};
  std::chrono::seconds read{30};
  std::chrono::seconds write{30};
  std::chrono::seconds lock_wait{5};  // innodb_lock_wait_timeout of each session
};

// What the pool did, for the metrics: counts since start and the state now.
struct PoolStats {
  std::size_t size = 0, open = 0, idle = 0, waiting = 0;
  std::uint64_t acquisitions = 0, waits = 0, wait_timeouts = 0, connect_failures = 0, failovers = 0;
  double wait_seconds = 0;
  std::size_t current_address = 0;
};

// Several addresses (a Galera cluster): a new connection goes to the current address; when
// that one refuses, cannot be reached or is not a synced cluster node (wsrep_ready OFF), to the
// next, which becomes current, and the idle connections to the failed one are dropped. While
// the current address is not the first, the health probe tries the first again and comes back
// to it once it is ready. On a Galera node each connection also sets wsrep_sync_wait (reads,
// UPDATE and DELETE), so that a transaction sees every write committed before it began on any
// node (a client whose requests land on different servers reads its own writes; a retried
// Idempotency-Key finds its claim).
class ConnectionPool {
 public:
  ConnectionPool(DatabaseUrl url, std::size_t size,
                 std::chrono::milliseconds acquire_timeout = std::chrono::seconds(10),
                 ConnectionTimeouts timeouts = {});
  ~ConnectionPool();

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<PooledConnection> c)
        : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PooledConnection* operator->() { return c_.get(); }
    PooledConnection& operator*() { return *c_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> c_;
  };

  // Throws StoreUnavailable when no connection can be had in time.
  Lease Acquire();
  std::unique_ptr<PooledConnection> Connect();  // a fresh, configured connection
  // A connection outside the pool with one-second timeouts, for health probes: a frozen
  // server must make /health fail within about a second, not after the pool's timeouts.
  std::unique_ptr<PooledConnection> ConnectProbe();
  const DatabaseUrl& url() const { return url_; }
  PoolStats Stats();
  // While connections go to a fallback address: true when the first address answers as a
  // ready node again (new connections then go there). Called by the health probe.
  bool TryReturnToFirst();

 private:
  void Release(std::unique_ptr<PooledConnection> c);
  std::unique_ptr<PooledConnection> Connect(const ConnectionTimeouts& timeouts);
  // One address; throws StoreUnavailable when it refuses or is not a ready cluster node.
  std::unique_ptr<PooledConnection> ConnectTo(std::size_t address, const ConnectionTimeouts& timeouts);
  void DropIdle(std::size_t address);

  DatabaseUrl url_;
  std::size_t size_;
  std::chrono::milliseconds acquire_timeout_;
  ConnectionTimeouts timeouts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::size_t open_ = 0;
  std::size_t waiting_ = 0;
  std::atomic<std::size_t> current_{0};
  std::atomic<std::uint64_t> acquisitions_{0}, waits_{0}, wait_timeouts_{0}, connect_failures_{0}, failovers_{0};
  std::atomic<std::uint64_t> wait_ns_{0};
};

}  // namespace parcours
