#pragma once
// Starts the real `parcours serve` binary on a free port against a test database, with the
// test clock on and a bootstrap coordinator; stops it with SIGTERM.
#include <string>
#include <vector>

namespace parcours::testing {

constexpr const char* kCoordinatorEmail = "coordinator@test.parcours.lu";
constexpr const char* kCoordinatorPassword = "lilac umbrella at noon";

// A development signing key and self-signed certificate (ECDSA P-256), made once per test
// process: {key path, certificate path}.
std::pair<std::string, std::string> TestSigningFiles();

class ServerProcess {
 public:
  explicit ServerProcess(const std::string& database_url, std::vector<std::string> extra_args = {},
                         bool test_clock = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // Sends SIGTERM and waits; returns the exit status.
  int Stop();
  // SIGKILL: the process dies at once, mid-request (crash tests); waits for it.
  void Kill();
  const std::string& log_file() const { return log_; }

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string dir_, log_;
};

}  // namespace parcours::testing
