// The world a browser test runs in, for the Node (Playwright) tests that cannot link the C++
// test support: a throw-away database with the demo catalogue, an SMTP sink whose messages are
// readable over HTTP (GET /mails), and the real `parcours serve` (test clock on, public URL =
// its own address, so printed links and QR codes open on it). Writes what it started as JSON to
// the file named by its argument, then runs until SIGTERM or SIGINT and cleans up.
//
// Usage: web_test_env OUT.json   (needs PARCOURS_TEST_DB_ADMIN_URL, PARCOURS_TEST_BINARY and
// PARCOURS_TEST_SOURCE_DIR, as tests/run.sh sets them)
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "loopback_server.h"
#include "server_process.h"
#include "smtp_sink.h"
#include "test_database.h"
#include "test_env.h"

using namespace parcours::testing;

namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// GET /mails: every message the sink received, oldest first, as JSON.
void ServeMails(SmtpSink& sink, int fd) {
  std::string request;
  char buf[2048];
  while (request.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    request.append(buf, static_cast<std::size_t>(n));
  }
  nlohmann::json mails = nlohmann::json::array();
  for (const auto& m : sink.All())
    mails.push_back({{"to", m.rcpt_to}, {"subject", m.Subject()}, {"text", m.Text()}});
  const std::string body = mails.dump();
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  const std::string out = head + body;
  for (std::size_t sent = 0; sent < out.size();) {
    ssize_t n = write(fd, out.data() + sent, out.size() - sent);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: web_test_env OUT.json\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    TestDatabase db;
    const std::string seed = Env("PARCOURS_TEST_SOURCE_DIR", ".") + "/sql/seed/ltas_demo.sql";
    const std::string load = "PARCOURS_DATABASE_URL='" + db.Url() + "' '" + ServerBinary() + "' seed '" + seed + "' >/dev/null";
    if (std::system(load.c_str()) != 0) throw std::runtime_error("parcours seed failed");
    SmtpSink sink;
    LoopbackServer mail_api([&sink](int fd) { ServeMails(sink, fd); });
    const int port = FreePort();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    ServerProcess server(db.Url(), {"--listen", "127.0.0.1:" + std::to_string(port), "--public-url", base,
                                    "--smtp-url", sink.Url(), "--outbox-interval-ms", "50"});
    // A fixed "now" before the demo catalogue's dates, whatever the day the tests run.
    HttpClient clock(server.BaseUrl());
    if (clock.Post("/api/v1/test-clock", {{"now", "2026-12-01T09:00:00+01:00"}}).status != 200)
      throw std::runtime_error("cannot set the test clock");
    nlohmann::json out = {{"base_url", server.BaseUrl()},
                          {"mail_url", "http://127.0.0.1:" + std::to_string(mail_api.port()) + "/mails"},
                          {"coordinator_email", kCoordinatorEmail},
                          {"coordinator_password", kCoordinatorPassword},
                          {"server_log", server.log_file()}};
    {
      std::ofstream f(std::string(argv[1]) + ".tmp");
      f << out.dump(2) << "\n";
    }
    std::rename((std::string(argv[1]) + ".tmp").c_str(), argv[1]);
    int sig = 0;
    sigwait(&signals, &sig);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "web_test_env: " << e.what() << "\n";
    return 1;
  }
}
