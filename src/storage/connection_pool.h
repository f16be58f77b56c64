#pragma once
// A bounded pool of MySQL Connector/C++ connections. A connection is used by one thread at
// a time (a Lease); each keeps a cache of its prepared statements. Broken connections are
// dropped and replaced on the next acquisition.
#include <chrono>
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

// mysql://user:password@host:port/database or mysql://user:password@unix(/path/sock)/database
struct DatabaseUrl {
  std::string user, password, host = "127.0.0.1", socket, database;
  int port = 3306;
  static std::optional<DatabaseUrl> Parse(const std::string& url);
  std::string Redacted() const;  // for logs: no password
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

 private:
  void Release(std::unique_ptr<PooledConnection> c);
  std::unique_ptr<PooledConnection> Connect(const ConnectionTimeouts& timeouts);

  DatabaseUrl url_;
  std::size_t size_;
  std::chrono::milliseconds acquire_timeout_;
  ConnectionTimeouts timeouts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace parcours
