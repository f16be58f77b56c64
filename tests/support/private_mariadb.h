#pragma once
// A MariaDB of a test's own (deploy/mariadb.sh in a temporary directory, on a free port), for
// tests that stop, freeze or kill the database: the shared test server must stay up.
#include <string>

namespace parcours::testing {

class PrivateMariaDb {
 public:
  PrivateMariaDb();   // initialised and started; an admin user is created
  ~PrivateMariaDb();  // stopped and removed
  PrivateMariaDb(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;

  // mysql://user:password@127.0.0.1:port/ (append a database name).
  std::string AdminUrl() const;
  void Freeze();  // SIGSTOP: the server holds connections and answers nothing
  void Thaw();    // SIGCONT
  void Stop();    // a clean shutdown
  void Start();   // again, on the same port and data
  void Kill();    // SIGKILL

 private:
  int Pid() const;
  std::string dir_;
  int port_ = 0;
  std::string password_ = "private-test-password";
};

}  // namespace parcours::testing
