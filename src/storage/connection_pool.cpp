#include "storage/connection_pool.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <regex>

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
  static const std::regex re(R"(^mysql://([^:@/]+)(?::([^@/]*))?@(?:unix\(([^)]+)\)|([A-Za-z0-9._-]+)(?::(\d{1,5}))?)/([A-Za-z0-9_]*)$)");
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
    u.host = m[4];
    if (m[5].matched) {
      u.port = std::stoi(m[5]);  // at most 5 digits: cannot overflow
      if (u.port < 1 || u.port > 65535) return std::nullopt;
    }
  }
  u.database = m[6];
  return u;
}

std::string DatabaseUrl::Redacted() const {
  std::string where = socket.empty() ? host + ":" + std::to_string(port) : "unix(" + socket + ")";
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
  sql::ConnectOptionsMap opts;
  opts["hostName"] = sql::SQLString(url_.socket.empty()
                                        ? "tcp://" + url_.host + ":" + std::to_string(url_.port)
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
    st->execute("SET time_zone = '+00:00'");
    st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    st->execute("SET SESSION innodb_lock_wait_timeout = " + std::to_string(t.lock_wait.count()));
    st->execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
    st->execute("SET autocommit = 0");  // not setAutoCommit(): it discards the server's answer
    return std::make_unique<PooledConnection>(std::move(c));
  } catch (const sql::SQLException& e) {
    throw StoreUnavailable(std::string("cannot connect to the database: ") + e.what());
  }
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; }))
    throw StoreUnavailable("no database connection available in time");
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
