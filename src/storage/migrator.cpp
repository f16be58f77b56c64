#include "storage/migrator.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <map>
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

std::vector<std::string> Migrator::Apply(const std::vector<Migration>& migrations) {
  auto c = pool_.Connect();
  auto& conn = c->conn();
  c->Execute("SET autocommit = 1");
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  {
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT GET_LOCK('parcours_migrate', 120)"));
    if (!rs->next() || rs->getInt(1) != 1) throw std::runtime_error("could not take the migration lock");
  }
  std::vector<std::string> applied_now;
  try {
    st->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, "
        "name VARCHAR(200) NOT NULL, checksum VARCHAR(32) NOT NULL, applied_at DATETIME(3) NOT "
        "NULL) ENGINE=InnoDB");
    std::map<int, std::string> done;
    {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT version, checksum FROM schema_migrations"));
      while (rs->next()) done[rs->getInt(1)] = rs->getString(2);
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
    }
  } catch (...) {
    st->execute("DO RELEASE_LOCK('parcours_migrate')");
    throw;
  }
  st->execute("DO RELEASE_LOCK('parcours_migrate')");
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
