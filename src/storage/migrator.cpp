#include "storage/migrator.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <sstream>
#include <stdexcept>

namespace parcours {
namespace {

std::string Checksum(const std::string& text) {
  // FNV-1a, 64 bits: detects edits of an applied migration; not a security measure.
  unsigned long long h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

}  // namespace

std::vector<std::string> SplitSqlStatements(const std::string& script) {
  std::vector<std::string> out;
  std::string current, line;
  std::istringstream in(script);
  while (std::getline(in, line)) {
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    current += line;
    current += '\n';
    std::size_t last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      current.erase(current.find_last_of(';'));
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  return out;
}

namespace {

constexpr int kLeaseSeconds = 300;  // a holder that died frees the lock after this long
constexpr int kWaitSeconds = 600;   // how long a process waits for another's migrations

std::map<int, std::string> AppliedVersions(sql::Statement& st) {
  std::map<int, std::string> done;
  std::unique_ptr<sql::ResultSet> rs(st.executeQuery("SELECT version, checksum FROM schema_migrations"));
  while (rs->next()) done[rs->getInt(1)] = rs->getString(2);
  return done;
}

bool Pending(const std::vector<Migration>& migrations, const std::map<int, std::string>& done) {
  for (const auto& m : migrations)
    if (!done.count(m.version)) return true;
  return false;
}

std::string HolderName() {
  std::random_device rd;
  char host[64] = "?";
  gethostname(host, sizeof host - 1);
  std::ostringstream out;
  out << host << ":" << getpid() << ":" << std::hex << rd();
  return out.str().substr(0, 100);
}

}  // namespace

MigrationLock::MigrationLock(sql::Connection& conn, std::chrono::seconds wait)
    : conn_(conn), holder_(HolderName()) {
  std::unique_ptr<sql::Statement> st(conn_.createStatement());
  st->execute(
      "CREATE TABLE IF NOT EXISTS schema_migration_lock (id TINYINT NOT NULL PRIMARY KEY, holder VARCHAR(100) "
      "NOT NULL, expires_at DATETIME(3) NOT NULL) ENGINE=InnoDB");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    // A holder that died: its lease has passed.
    st->execute("DELETE FROM schema_migration_lock WHERE id = 1 AND expires_at < UTC_TIMESTAMP(3)");
    try {
      std::unique_ptr<sql::PreparedStatement> take(conn_.prepareStatement(
          "INSERT INTO schema_migration_lock (id, holder, expires_at) VALUES (1, ?, UTC_TIMESTAMP(3) + INTERVAL " +
          std::to_string(kLeaseSeconds) + " SECOND)"));
      take->setString(1, holder_);
      take->execute();
      return;
    } catch (const sql::SQLException& e) {
      // 1062: another process holds it; 1213: it took it at the same time on another cluster
      // node and won certification.
      if (e.getErrorCode() != 1062 && e.getErrorCode() != 1213) throw;
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("another process has held the migration lock (schema_migration_lock) for over " +
                               std::to_string(wait.count()) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void MigrationLock::Renew() {
  std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
      "UPDATE schema_migration_lock SET expires_at = UTC_TIMESTAMP(3) + INTERVAL " + std::to_string(kLeaseSeconds) +
      " SECOND WHERE id = 1 AND holder = ?"));
  ps->setString(1, holder_);
  if (ps->executeUpdate() == 1) return;
  // The server counts changed rows, not matched ones: a renewal in the same millisecond as the
  // one before (two quick migrations) changes nothing and counts 0. Still held if still ours.
  std::unique_ptr<sql::PreparedStatement> held(
      conn_.prepareStatement("SELECT 1 FROM schema_migration_lock WHERE id = 1 AND holder = ?"));
  held->setString(1, holder_);
  std::unique_ptr<sql::ResultSet> rs(held->executeQuery());
  if (!rs->next()) throw std::runtime_error("the migration lock was lost (its lease passed)");
}

MigrationLock::~MigrationLock() {
  try {
    std::unique_ptr<sql::PreparedStatement> ps(
        conn_.prepareStatement("DELETE FROM schema_migration_lock WHERE id = 1 AND holder = ?"));
    ps->setString(1, holder_);
    ps->execute();
  } catch (const sql::SQLException&) {  // the lease frees it
  }
}

std::vector<std::string> Migrator::Apply(const std::vector<Migration>& migrations) {
  auto c = pool_.Connect();
  auto& conn = c->conn();
  c->Execute("SET autocommit = 1");
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  st->execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, "
      "name VARCHAR(200) NOT NULL, checksum VARCHAR(32) NOT NULL, applied_at DATETIME(3) NOT "
      "NULL) ENGINE=InnoDB");
  std::vector<std::string> applied_now;
  std::map<int, std::string> done = AppliedVersions(*st);
  std::optional<MigrationLock> lock;
  if (Pending(migrations, done)) {
    // A lock row rather than GET_LOCK, which a Galera cluster takes on one node only: the
    // row's insert is certified cluster-wide, so one process migrates and the others wait.
    lock.emplace(conn, std::chrono::seconds(kWaitSeconds));
    done = AppliedVersions(*st);  // what the previous holder applied
  }
  for (const auto& m : migrations) {
    auto it = done.find(m.version);
    if (it != done.end()) {
      if (it->second != Checksum(m.sql))
        throw std::runtime_error("migration " + m.name + " changed after it was applied");
      continue;
    }
    for (const auto& stmt : SplitSqlStatements(m.sql)) st->execute(stmt);
    std::unique_ptr<sql::PreparedStatement> ps(conn.prepareStatement(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, "
        "UTC_TIMESTAMP(3))"));
    ps->setInt(1, m.version);
    ps->setString(2, m.name);
    ps->setString(3, Checksum(m.sql));
    ps->execute();
    applied_now.push_back(m.name);
    lock->Renew();
  }
  return applied_now;
}

bool Migrator::ApplySeed(const std::string& name, const std::string& script) {
  auto c = pool_.Connect();
  auto& conn = c->conn();
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  st->execute(
      "CREATE TABLE IF NOT EXISTS applied_seeds (name VARCHAR(200) NOT NULL PRIMARY KEY, "
      "applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB");
  try {
    std::unique_ptr<sql::PreparedStatement> claim(conn.prepareStatement(
        "INSERT IGNORE INTO applied_seeds (name, applied_at) VALUES (?, UTC_TIMESTAMP(3))"));
    claim->setString(1, name);
    if (claim->executeUpdate() == 0) {
      c->Rollback();
      return false;
    }
    for (const auto& stmt : SplitSqlStatements(script)) st->execute(stmt);
    c->Commit();
    return true;
  } catch (...) {
    try {
      c->Rollback();
    } catch (const sql::SQLException&) {  // the connection is going away anyway
    }
    throw;
  }
}

}  // namespace parcours
