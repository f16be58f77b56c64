#include "storage/connection_pool.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <regex>
#include <tuple>

#include "common/text.h"
#include "domain/repositories.h"

namespace parcours {
namespace {

sql::mysql::MySQL_Driver* Driver() {
  // Initialised once; the first call happens on the main thread at start.
  static sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

}  // namespace

std::optional<DatabaseUrl> DatabaseUrl::Parse(const std::string& url) {
  static const std::regex re(
      R"(^mysql://([^:@/]+)(?::([^@/]*))?@(?:unix\(([^)]+)\)|([A-Za-z0-9._-]+(?::\d{1,5})?(?:,[A-Za-z0-9._-]+(?::\d{1,5})?)*))/([A-Za-z0-9_]*)$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) return std::nullopt;
  auto user = PercentDecode(std::string(m[1]), false);
  auto password = PercentDecode(std::string(m[2]), false);
  if (!user || !password) return std::nullopt;
  DatabaseUrl u;
  u.user = std::move(*user);
  u.password = std::move(*password);
  if (m[3].matched) {
    u.socket = m[3];
    u.host.clear();
  } else {
    const std::string list = m[4];
    std::size_t start = 0;
    bool first = true;
    while (start <= list.size()) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string item = list.substr(start, comma - start);
      start = comma + 1;
      const auto colon = item.find(':');
      int port = 3306;
      if (colon != std::string::npos) {
        port = std::stoi(item.substr(colon + 1));  // at most 5 digits: cannot overflow
        if (port < 1 || port > 65535) return std::nullopt;
      }
      std::string host = item.substr(0, colon);
      if (first) {
        u.host = std::move(host);
        u.port = port;
        first = false;
      } else {
        u.fallbacks.emplace_back(std::move(host), port);
      }
    }
  }
  u.database = m[5];
  return u;
}

std::string DatabaseUrl::Address(std::size_t i) const {
  if (!socket.empty()) return "unix(" + socket + ")";
  if (i == 0 || i > fallbacks.size()) return host + ":" + std::to_string(port);
  return fallbacks[i - 1].first + ":" + std::to_string(fallbacks[i - 1].second);
}

std::string DatabaseUrl::Redacted() const {
  std::string where = Address(0);
  for (std::size_t i = 1; i < AddressCount(); ++i) where += "," + Address(i);
  return "mysql://" + user + ":***@" + where + "/" + database;
}

PooledConnection::PooledConnection(std::unique_ptr<sql::Connection> c) : conn_(std::move(c)) {}
PooledConnection::~PooledConnection() {
  statements_.clear();
  statement_.reset();
  try {
    if (conn_) conn_->close();
  } catch (const sql::SQLException&) {
  }
}

sql::PreparedStatement& PooledConnection::Prepare(const char* text) {
  auto it = statements_.find(text);
  if (it != statements_.end()) return *it->second;
  std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(text));
  return *statements_.emplace(text, std::move(ps)).first->second;
}

void PooledConnection::Execute(const char* statement) {
  if (!statement_) statement_.reset(conn_->createStatement());
  statement_->execute(statement);
}

ConnectionPool::ConnectionPool(DatabaseUrl url, std::size_t size,
                               std::chrono::milliseconds acquire_timeout, ConnectionTimeouts timeouts)
    : url_(std::move(url)), size_(size), acquire_timeout_(acquire_timeout), timeouts_(timeouts) {
  Driver();
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::~Lease() {
  if (c_ && pool_) pool_->Release(std::move(c_));
}

std::unique_ptr<PooledConnection> ConnectionPool::Connect() { return Connect(timeouts_); }

std::unique_ptr<PooledConnection> ConnectionPool::ConnectProbe() {
  ConnectionTimeouts quick = timeouts_;
  quick.connect = quick.read = quick.write = std::chrono::seconds(1);
  return Connect(quick);
}

std::unique_ptr<PooledConnection> ConnectionPool::Connect(const ConnectionTimeouts& t) {
  const std::size_t n = url_.AddressCount();
  const std::size_t start = current_.load();
  std::string errors;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t address = (start + i) % n;
    try {
      auto c = ConnectTo(address, t);
      if (address != start) {
        // The current address failed: go on with this one, and forget the idle connections to
        // the failed one (they would each fail once before being replaced).
        std::size_t expected = start;
        if (current_.compare_exchange_strong(expected, address)) ++failovers_;
        DropIdle(start);
      }
      return c;
    } catch (const StoreUnavailable& e) {
      ++connect_failures_;
      errors += (errors.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  throw StoreUnavailable(errors);
}

std::unique_ptr<PooledConnection> ConnectionPool::ConnectTo(std::size_t address, const ConnectionTimeouts& t) {
  sql::ConnectOptionsMap opts;
  std::string host = url_.host;
  int port = url_.port;
  if (address > 0 && address <= url_.fallbacks.size()) std::tie(host, port) = url_.fallbacks[address - 1];
  opts["hostName"] = sql::SQLString(url_.socket.empty() ? "tcp://" + host + ":" + std::to_string(port)
                                                        : "unix://" + url_.socket);
  opts["userName"] = sql::SQLString(url_.user);
  opts["password"] = sql::SQLString(url_.password);
  if (!url_.database.empty()) opts["schema"] = sql::SQLString(url_.database);
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  opts["OPT_RECONNECT"] = false;
  opts["OPT_CONNECT_TIMEOUT"] = static_cast<int>(t.connect.count());
  // A frozen or unreachable server must not hold a worker forever: reads and writes time out
  // (the connection is then lost, 2013, and replaced).
  opts["OPT_READ_TIMEOUT"] = static_cast<int>(t.read.count());
  opts["OPT_WRITE_TIMEOUT"] = static_cast<int>(t.write.count());
  try {
    std::unique_ptr<sql::Connection> c(Driver()->connect(opts));
    std::unique_ptr<sql::Statement> st(c->createStatement());
    // A Galera node that is not part of the primary component (or still joining) accepts
    // connections but refuses work (1047): not a place to send transactions.
    bool galera = false;
    {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW VARIABLES LIKE 'wsrep_on'"));
      galera = rs->next() && rs->getString(2) == "ON";
    }
    if (galera) {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW STATUS LIKE 'wsrep_ready'"));
      if (!rs->next() || rs->getString(2) != "ON")
        throw StoreUnavailable("database node " + url_.Address(address) + " is not a ready cluster node");
      // The server waits until this node has applied every write committed anywhere before a
      // statement only for the first statement of a transaction (never inside one), and only
      // for the kinds of statement named here: 1 reads, 2 UPDATE and DELETE. Every transaction
      // begins with the canary's UPDATE below, so both are needed for its reads to see them.
      st->execute("SET SESSION wsrep_sync_wait = 3");
      // A row of this session's own (a temporary table is never replicated), changed first in
      // every transaction and read back before its COMMIT (mysql_store.cpp).
      st->execute("CREATE TEMPORARY TABLE parcours_txn_canary (v BIGINT NOT NULL) ENGINE=InnoDB");
      st->execute("INSERT INTO parcours_txn_canary VALUES (0)");
    }
    st->execute("SET time_zone = '+00:00'");
    st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    st->execute("SET SESSION innodb_lock_wait_timeout = " + std::to_string(t.lock_wait.count()));
    st->execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
    st->execute("SET autocommit = 0");  // not setAutoCommit(): it discards the server's answer
    auto pooled = std::make_unique<PooledConnection>(std::move(c));
    pooled->address = address;
    pooled->galera = galera;
    return pooled;
  } catch (const sql::SQLException& e) {
    throw StoreUnavailable("cannot connect to the database at " + url_.Address(address) + ": " + e.what());
  }
}

void ConnectionPool::DropIdle(std::size_t address) {
  std::vector<std::unique_ptr<PooledConnection>> dropped;
  {
    std::lock_guard lock(mu_);
    for (auto it = idle_.begin(); it != idle_.end();) {
      if ((*it)->address == address) {
        dropped.push_back(std::move(*it));
        it = idle_.erase(it);
        --open_;
      } else {
        ++it;
      }
    }
  }
  cv_.notify_all();
  dropped.clear();  // closing may wait on the network: never under the pool's lock
}

bool ConnectionPool::TryReturnToFirst() {
  const std::size_t from = current_.load();
  if (from == 0) return false;
  ConnectionTimeouts quick = timeouts_;
  quick.connect = quick.read = quick.write = std::chrono::seconds(1);
  try {
    ConnectTo(0, quick);
  } catch (const StoreUnavailable&) {
    return false;
  }
  std::size_t expected = from;
  if (!current_.compare_exchange_strong(expected, 0)) return false;
  DropIdle(from);  // new connections go to the first address from now on
  return true;
}

PoolStats ConnectionPool::Stats() {
  PoolStats s;
  {
    std::lock_guard lock(mu_);
    s.size = size_;
    s.open = open_;
    s.idle = idle_.size();
    s.waiting = waiting_;
  }
  s.acquisitions = acquisitions_;
  s.waits = waits_;
  s.wait_timeouts = wait_timeouts_;
  s.connect_failures = connect_failures_;
  s.failovers = failovers_;
  s.wait_seconds = static_cast<double>(wait_ns_.load()) / 1e9;
  s.current_address = current_;
  return s;
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  ++acquisitions_;
  auto available = [&] { return !idle_.empty() || open_ < size_; };
  if (!available()) {
    // Every connection is in use: this request waits (the pool is the bottleneck).
    ++waits_;
    ++waiting_;
    const auto t0 = std::chrono::steady_clock::now();
    const bool got = cv_.wait_for(lock, acquire_timeout_, available);
    --waiting_;
    wait_ns_ += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    if (!got) {
      ++wait_timeouts_;
      throw StoreUnavailable("no database connection available in time");
    }
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, Connect());
  } catch (...) {
    std::lock_guard relock(mu_);
    --open_;
    cv_.notify_one();
    throw;
  }
}

void ConnectionPool::Release(std::unique_ptr<PooledConnection> c) {
  std::unique_ptr<PooledConnection> broken;
  {
    std::lock_guard lock(mu_);
    if (c->broken) {
      --open_;
      broken = std::move(c);
    } else {
      idle_.push_back(std::move(c));
    }
  }
  cv_.notify_one();
  broken.reset();  // closing may wait on the network: never under the pool's lock
}

}  // namespace parcours
