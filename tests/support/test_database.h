#pragma once
// A fresh, uniquely named database on the test server, dropped when the object goes away.
#include <string>
#include <vector>

namespace parcours::testing {

class TestDatabase {
 public:
  // On the test server (PARCOURS_TEST_DB_ADMIN_URL), or on another given by its admin URL.
  explicit TestDatabase(std::string admin_url = "");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // mysql://user:password@host:port/<name>
  std::string Url() const;
  // Runs a statement on this database as the admin user (for assertions on stored rows).
  void Execute(const std::string& sql) const;
  // First column of the first row as text ("" when no row or NULL).
  std::string Scalar(const std::string& sql) const;
  long long Count(const std::string& sql) const { return std::stoll(Scalar(sql)); }
  // Every row, each column as text (NULL as "").
  std::vector<std::vector<std::string>> Rows(const std::string& sql) const;

 private:
  std::string admin_url_;
  std::string name_;
};

}  // namespace parcours::testing
