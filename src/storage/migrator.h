#pragma once
// Applies the numbered migrations of sql/migrations (compiled into the binary) once each,
// in order, recording them in schema_migrations. Safe when several processes start at once,
// on one server or on the nodes of a Galera cluster: a lock row serialises them.
#include <chrono>
#include <string>
#include <vector>

#include "storage/connection_pool.h"

namespace parcours {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The migrations built into this binary, in version order.
const std::vector<Migration>& EmbeddedMigrations();

// The cluster-safe migration lock: the row id = 1 of schema_migration_lock, inserted with
// autocommit (a second process gets a duplicate key; a concurrent insert on another Galera
// node fails certification), renewed after each migration, deleted when done. A holder that
// dies leaves a lease that passes after five minutes. GET_LOCK is not used: under Galera it
// locks one node only, and three servers starting together raced on the migrations.
class MigrationLock {
 public:
  MigrationLock(sql::Connection& conn, std::chrono::seconds wait);  // blocks; throws after `wait`
  ~MigrationLock();
  void Renew();  // throws when the lock was lost

 private:
  sql::Connection& conn_;
  std::string holder_;
};

class Migrator {
 public:
  explicit Migrator(ConnectionPool& pool) : pool_(pool) {}
  // Returns the names of the migrations applied now. Throws on failure or on a migration
  // whose text changed after it was applied.
  std::vector<std::string> Apply(const std::vector<Migration>& migrations);
  // Runs a data script (e.g. the demo catalogue) once per database, recorded by name;
  // false when it had already been applied.
  bool ApplySeed(const std::string& name, const std::string& sql);

 private:
  ConnectionPool& pool_;
};

// Splits a script into statements: ';' ending a line closes one; "--" lines are comments.
std::vector<std::string> SplitSqlStatements(const std::string& script);

}  // namespace parcours
