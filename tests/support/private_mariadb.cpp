#include "private_mariadb.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "test_env.h"

namespace parcours::testing {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void Run(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

std::string Script() { return Env("PARCOURS_TEST_SOURCE_DIR", ".") + std::string("/deploy/mariadb.sh"); }

}  // namespace

PrivateMariaDb::PrivateMariaDb() {
  char tmpl[] = "/tmp/pdb.XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  port_ = FreePort();
  Start();
  Run(Script() + " create-admin " + dir_ + " admin " + password_ + " >/dev/null");
}

PrivateMariaDb::~PrivateMariaDb() {
  try {
    Thaw();
    std::system((Script() + " stop " + dir_ + " >/dev/null 2>&1").c_str());
  } catch (...) {
  }
  std::system(("rm -rf " + dir_).c_str());
}

std::string PrivateMariaDb::AdminUrl() const {
  return "mysql://admin:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/";
}

int PrivateMariaDb::Pid() const {
  std::ifstream in(dir_ + "/run/mysqld.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

void PrivateMariaDb::Freeze() {
  if (int pid = Pid()) ::kill(pid, SIGSTOP);
}
void PrivateMariaDb::Thaw() {
  if (int pid = Pid()) ::kill(pid, SIGCONT);
}
void PrivateMariaDb::Stop() { Run(Script() + " stop " + dir_ + " >/dev/null"); }
void PrivateMariaDb::Start() { Run(Script() + " start " + dir_ + " " + std::to_string(port_) + " >/dev/null"); }
void PrivateMariaDb::Kill() {
  if (int pid = Pid()) ::kill(pid, SIGKILL);
  ::usleep(300000);
}

}  // namespace parcours::testing
