#include "server_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "test_env.h"

namespace parcours::testing {

std::pair<std::string, std::string> TestSigningFiles() {
  static std::once_flag once;
  static std::pair<std::string, std::string> files;
  std::call_once(once, [] {
    char tmpl[] = "/tmp/parcours-signing.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    files = {std::string(tmpl) + "/key.pem", std::string(tmpl) + "/cert.pem"};
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 "
                      "-subj '/CN=Parcours test signing/O=Cesas' -keyout " + files.first + " -out " +
                      files.second + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  });
  return files;
}

ServerProcess::ServerProcess(const std::string& database_url, std::vector<std::string> extra_args,
                             bool test_clock) {
  char tmpl[] = "/tmp/parcours-server.XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  log_ = dir_ + "/server.log";
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> args = {ServerBinary(), "serve", "--listen", "127.0.0.1:0",
                                   "--port-file", port_file};
  if (test_clock) args.push_back("--test-clock");
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const auto [key, cert] = TestSigningFiles();
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test program that dies without running destructors (an abort, a crash, a kill) takes
    // its servers with it: a server left behind would keep its port, its database connections
    // and the inherited descriptors (tests/run.sh's CPU lock among them).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    setenv("PARCOURS_DATABASE_URL", database_url.c_str(), 1);
    setenv("PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL", kCoordinatorEmail, 1);
    setenv("PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD", kCoordinatorPassword, 1);
    setenv("PARCOURS_SCRYPT_N", "1024", 0);
    setenv("PARCOURS_SIGNING_KEY", key.c_str(), 1);
    setenv("PARCOURS_SIGNING_CERT", cert.c_str(), 1);
    setenv("PARCOURS_PUBLIC_URL", "https://parcours.test", 1);  // fast hashing for tests; production uses 2^15
    FILE* log = std::fopen(log_.c_str(), "w");
    if (log) {
      dup2(fileno(log), 1);
      dup2(fileno(log), 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) return;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream l(log_);
      std::string text((std::istreambuf_iterator<char>(l)), {});
      throw std::runtime_error("parcours serve exited at start: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("parcours serve did not start within 30 s");
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

ServerProcess::~ServerProcess() {
  Stop();
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

}  // namespace parcours::testing
