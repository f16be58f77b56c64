#pragma once
// Applies the numbered migrations of sql/migrations (compiled into the binary) once each,
// in order, recording them in schema_migrations. Safe when several processes start at once
// (a named lock serialises them).
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
