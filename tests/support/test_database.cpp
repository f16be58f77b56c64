#include "test_database.h"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <atomic>
#include <memory>
#include <random>
#include <stdexcept>
#include <unistd.h>

#include "storage/connection_pool.h"
#include "test_env.h"

namespace parcours::testing {
namespace {

std::unique_ptr<sql::Connection> Connect(const std::string& admin_url, const std::string& database) {
  auto url = DatabaseUrl::Parse(admin_url + database);
  if (!url) throw std::runtime_error("PARCOURS_TEST_DB_ADMIN_URL is not set or invalid");
  sql::ConnectOptionsMap opts;
  opts["hostName"] = sql::SQLString("tcp://" + url->host + ":" + std::to_string(url->port));
  opts["userName"] = sql::SQLString(url->user);
  opts["password"] = sql::SQLString(url->password);
  if (!database.empty()) opts["schema"] = sql::SQLString(database);
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  std::unique_ptr<sql::Connection> conn(sql::mysql::get_mysql_driver_instance()->connect(opts));
  conn->setAutoCommit(true);
  return conn;
}

}  // namespace

TestDatabase::TestDatabase(std::string admin_url) : admin_url_(admin_url.empty() ? AdminUrl() : std::move(admin_url)) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(rd() % 100000);
  auto c = Connect(admin_url_, "");
  std::unique_ptr<sql::Statement> st(c->createStatement());
  st->execute("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}

TestDatabase::~TestDatabase() {
  try {
    auto c = Connect(admin_url_, "");
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute("DROP DATABASE IF EXISTS " + name_);
  } catch (...) {
  }
}

std::string TestDatabase::Url() const { return admin_url_ + name_; }

void TestDatabase::Execute(const std::string& sql) const {
  auto c = Connect(admin_url_, name_);
  std::unique_ptr<sql::Statement> st(c->createStatement());
  st->execute(sql);
}

std::string TestDatabase::Scalar(const std::string& sql) const {
  auto c = Connect(admin_url_, name_);
  std::unique_ptr<sql::Statement> st(c->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
  if (!rs->next() || rs->isNull(1)) return "";
  return std::string(rs->getString(1));
}

std::vector<std::vector<std::string>> TestDatabase::Rows(const std::string& sql) const {
  auto c = Connect(admin_url_, name_);
  std::unique_ptr<sql::Statement> st(c->createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
  const unsigned columns = rs->getMetaData()->getColumnCount();
  std::vector<std::vector<std::string>> out;
  while (rs->next()) {
    std::vector<std::string> row;
    for (unsigned i = 1; i <= columns; ++i) row.push_back(rs->isNull(i) ? "" : std::string(rs->getString(i)));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace parcours::testing
