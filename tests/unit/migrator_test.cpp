// Unit tests of the pure part of src/storage/migrator: splitting scripts into statements,
// and the shape of the migrations compiled into the binary. No database is touched.
#include "storage/migrator.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/text.h"

namespace parcours {
namespace {

std::vector<std::string> Trimmed(const std::vector<std::string>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.emplace_back(Trim(s));
  return out;
}

}  // namespace

TEST_CASE("migrator: statements are split at a semicolon that ends a line", "[migrator]") {
  auto statements = SplitSqlStatements("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n");
  CHECK(statements == std::vector<std::string>{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"});
}

TEST_CASE("migrator: comment lines are skipped", "[migrator]") {
  auto statements = SplitSqlStatements(
      "-- Parcours schema\n"
      "  -- indented comment; with a semicolon;\n"
      "SELECT 1;\n"
      "--\n"
      "SELECT 2;\n");
  CHECK(statements == std::vector<std::string>{"SELECT 1", "SELECT 2"});
}

TEST_CASE("migrator: multi-line statements are kept whole", "[migrator]") {
  auto statements = SplitSqlStatements(
      "CREATE TABLE t (\n"
      "  id BIGINT NOT NULL,\n"
      "  -- the display name\n"
      "  name VARCHAR(80) NOT NULL\n"
      ") ENGINE=InnoDB;\n"
      "\n"
      "CREATE INDEX ix ON t (name);\n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] ==
        "CREATE TABLE t (\n  id BIGINT NOT NULL,\n  name VARCHAR(80) NOT NULL\n) ENGINE=InnoDB");
  CHECK(statements[0].find("display name") == std::string::npos);
  CHECK(statements[1] == "CREATE INDEX ix ON t (name)");
}

TEST_CASE("migrator: a semicolon inside a line does not split", "[migrator]") {
  CHECK(SplitSqlStatements("SELECT 'a;b' AS x;\n") ==
        std::vector<std::string>{"SELECT 'a;b' AS x"});
  auto statements =
      SplitSqlStatements("INSERT INTO t VALUES ('a;b'); INSERT INTO t VALUES ('c')\n;\n");
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] == "INSERT INTO t VALUES ('a;b'); INSERT INTO t VALUES ('c')\n");
}

TEST_CASE("migrator: trailing blanks and CRLF line ends after semicolon still split", "[migrator]") {
  auto statements = SplitSqlStatements("SELECT 1; \t\r\nSELECT 2;\r\n");
  CHECK(statements == std::vector<std::string>{"SELECT 1", "SELECT 2"});
}

TEST_CASE("migrator: a last statement without semicolon is kept", "[migrator]") {
  auto statements = SplitSqlStatements("SELECT 1;\nSELECT 2");
  CHECK(Trimmed(statements) == std::vector<std::string>{"SELECT 1", "SELECT 2"});
}

TEST_CASE("migrator: empty scripts and comment-only scripts have no statements", "[migrator]") {
  CHECK(SplitSqlStatements("").empty());
  CHECK(SplitSqlStatements("\n\n   \n\t\n").empty());
  CHECK(SplitSqlStatements("-- nothing here\n-- at all;\n").empty());
}

// Numbers are handed out to work in progress in advance (one branch has 0008 while another
// still writes 0007), so a branch may lack a number below its own; the order still holds.
TEST_CASE("migrator: the embedded migrations are numbered from 1, in increasing order", "[migrator]") {
  const auto& migrations = EmbeddedMigrations();
  REQUIRE_FALSE(migrations.empty());
  CHECK(migrations[0].version == 1);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const auto& m = migrations[i];
    INFO(m.name);
    if (i > 0) CHECK(m.version > migrations[i - 1].version);
    const std::string number = std::to_string(m.version);
    CHECK(m.name.size() > 5);
    CHECK(m.name.substr(0, 4) == std::string(4 - number.size(), '0') + number);
    auto statements = SplitSqlStatements(m.sql);
    CHECK_FALSE(statements.empty());
    for (const auto& s : statements) CHECK_FALSE(Trim(s).empty());
  }
}

}  // namespace parcours
