#pragma once
// A TCP listener on 127.0.0.1 (free port) that serves each connection on its own thread with
// the given function; the test peers (SMTP sink, webhook receiver) are built on it.
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace parcours::testing {

class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int fd)> serve);  // serve closes nothing: we do
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  int port() const { return port_; }

 private:
  std::function<void(int)> serve_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace parcours::testing
