// The Galera tier's storage tests: the real transaction runner and connection pool against
// the three-node cluster that tests/cluster.sh starts (not part of ctest: run by that script
// with PARCOURS_GALERA_ADMIN_URL naming two of the nodes).
//
// A transaction can be rolled back under its client by a replicated write set (a brute-force
// abort) and the client not be told: the MariaDB server reports the abort on the session's
// next command, and when that command is one whose answer carries no error (COM_PING, which
// Connector/C++ sends for Connection::isValid()), the error is gone. The statements after it
// then run in a new transaction, and COMMIT stores only them: the partial commit seen in the
// rush (an enrolment answered 201 whose person, registration and audit rows were missing
// while its feed item, written last, was stored). The runner must see that the transaction
// it commits is not the one it began, and run the work again.
#include <catch2/catch.hpp>

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "storage/connection_pool.h"
#include "storage/mysql_repositories.h"
#include "storage/mysql_store.h"

using namespace parcours;

namespace {

// A connection of the test's own to one address of the URL (autocommit).
std::unique_ptr<sql::Connection> Open(const DatabaseUrl& url, std::size_t address, const std::string& schema = "") {
  const auto& [host, port] = address == 0 ? std::pair{url.host, url.port} : url.fallbacks.at(address - 1);
  std::unique_ptr<sql::Connection> c(
      sql::mysql::get_mysql_driver_instance()->connect("tcp://" + host + ":" + std::to_string(port), url.user, url.password));
  if (!schema.empty()) c->setSchema(schema);
  return c;
}

void Run(sql::Connection& c, const std::string& statement) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  st->execute(statement);
}

long long One(sql::Connection& c, const std::string& query) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(query));
  return rs->next() ? rs->getInt64(1) : -1;
}

// A status counter of the node `c` is connected to.
std::string Status(sql::Connection& c, const std::string& name) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'"));
  return rs->next() ? std::string(rs->getString(2)) : "?";
}

struct Scratch {
  DatabaseUrl admin;  // two nodes: the first for the transaction, the second for the conflict
  std::string schema;
  Scratch() {
    const char* env = std::getenv("PARCOURS_GALERA_ADMIN_URL");
    REQUIRE(env != nullptr);
    auto url = DatabaseUrl::Parse(env);
    REQUIRE(url);
    REQUIRE(url->fallbacks.size() >= 1);
    admin = *url;
    schema = "galera_probe_" + std::to_string(std::random_device{}() % 1000000000u);
    auto c = Open(admin, 0);
    Run(*c, "CREATE DATABASE " + schema);
    c->setSchema(schema);
    Run(*c, "CREATE TABLE marks (attempt INT NOT NULL, part INT NOT NULL, PRIMARY KEY (attempt, part)) ENGINE=InnoDB");
    Run(*c, "CREATE TABLE hot (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    Run(*c, "INSERT INTO hot VALUES (1, 0)");
    Run(*c, "CREATE TABLE seen (id INT PRIMARY KEY) ENGINE=InnoDB");
    admin.database = schema;
  }
  ~Scratch() {
    try {
      Run(*Open(admin, 0), "DROP DATABASE " + schema);
    } catch (...) {
    }
  }
};

// Runs one transaction through MySqlStore that writes part 1, takes the hot row, and part 2.
// On its first attempt a conflicting write is committed on the other node between the two
// parts; with `ping`, the session is then pinged before part 2.
struct Outcome {
  int attempts = 0;
  std::set<std::pair<long long, long long>> rows;  // (attempt, part)
  std::uint64_t retried = 0;
  long long hot = 0;
};

Outcome AbortFirstAttempt(bool ping) {
  Scratch scratch;
  ConnectionPool pool(scratch.admin, 2);
  MySqlStore store(pool);
  auto other_node = Open(scratch.admin, 1, scratch.schema);
  auto watcher = Open(scratch.admin, 0, scratch.schema);
  Run(*watcher, "SET SESSION wsrep_sync_wait = 1");

  Outcome out;
  store.Transact([&](UnitOfWork& uow) {
    PooledConnection& c = dynamic_cast<MySqlUnitOfWork&>(uow).connection();
    const int attempt = ++out.attempts;
    auto& mark = c.Prepare("INSERT INTO marks (attempt, part) VALUES (?, ?)");
    mark.setInt(1, attempt);
    mark.setInt(2, 1);
    mark.executeUpdate();
    c.Execute("UPDATE hot SET v = v + 1 WHERE id = 1");  // this node's lock on the row
    if (attempt == 1) {
      // A write to the same row committed on the other node: applying it here aborts this
      // transaction (it holds the row) while its session is idle.
      Run(*other_node, "UPDATE hot SET v = v + 100 WHERE id = 1");
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (One(*watcher, "SELECT v FROM hot WHERE id = 1") < 100 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      REQUIRE(One(*watcher, "SELECT v FROM hot WHERE id = 1") >= 100);
      if (ping) c.conn().isValid();  // the server reports the abort to it, which shows no error
    }
    mark.setInt(1, attempt);
    mark.setInt(2, 2);
    mark.executeUpdate();
    return true;
  });
  std::unique_ptr<sql::Statement> st(watcher->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT attempt, part FROM marks"));
  while (rs->next()) out.rows.insert({rs->getInt64(1), rs->getInt64(2)});
  out.retried = store.stats().retried_conflict;
  out.hot = One(*watcher, "SELECT v FROM hot WHERE id = 1");
  return out;
}

}  // namespace

TEST_CASE("galera: a transaction aborted under its session and not told is run again, never committed in part",
          "[galera]") {
  const Outcome out = AbortFirstAttempt(true);
  // Both parts of the second attempt; never the first attempt's second part alone.
  CHECK(out.attempts == 2);
  CHECK(out.rows == std::set<std::pair<long long, long long>>{{2, 1}, {2, 2}});
  CHECK(out.retried == 1);
  CHECK(out.hot == 101);
}

TEST_CASE("galera: a transaction aborted under its session is told at its next statement and run again",
          "[galera]") {
  const Outcome out = AbortFirstAttempt(false);
  CHECK(out.attempts == 2);
  CHECK(out.rows == std::set<std::pair<long long, long long>>{{2, 1}, {2, 2}});
  CHECK(out.retried == 1);
  CHECK(out.hot == 101);
}

TEST_CASE("galera: a transaction sees every write committed on another node before it began", "[galera]") {
  // Each round commits a row on the second node, then reads it in a transaction on the first.
  // The node waits until it has applied that write only if the transaction's first statement
  // (the canary's UPDATE) is one wsrep_sync_wait names: with reads alone, 18 of 500 were missed.
  Scratch scratch;
  ConnectionPool pool(scratch.admin, 1);
  MySqlStore store(pool);
  auto other_node = Open(scratch.admin, 1, scratch.schema);
  std::unique_ptr<sql::PreparedStatement> insert(other_node->prepareStatement("INSERT INTO seen (id) VALUES (?)"));
  int missed = 0;
  for (int i = 0; i < 300; ++i) {
    insert->setInt(1, i);
    // Autocommit: committed on the second node when it returns. Galera may refuse a commit with
    // 1213 for reasons of its own (a certification conflict, an abort by a replicated DDL) and
    // asks clients to run it again; this INSERT conflicts with nothing the transactions write, so
    // its refusals are retried and reported with the node's counters instead of failing the test.
    for (int attempt = 1;; ++attempt) {
      try {
        insert->executeUpdate();
        break;
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != 1213 || attempt == 5) throw;
        WARN("INSERT " << i << " refused with 1213 (attempt " << attempt << "); second node: wsrep_local_bf_aborts "
                       << Status(*other_node, "wsrep_local_bf_aborts") << ", wsrep_local_cert_failures "
                       << Status(*other_node, "wsrep_local_cert_failures"));
      }
    }
    store.Transact([&](UnitOfWork& uow) {
      auto& read = dynamic_cast<MySqlUnitOfWork&>(uow).connection().Prepare("SELECT COUNT(*) FROM seen WHERE id = ?");
      read.setInt(1, i);
      std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
      if (!rs->next() || rs->getInt(1) != 1) ++missed;
      return true;
    });
  }
  CHECK(missed == 0);
}
