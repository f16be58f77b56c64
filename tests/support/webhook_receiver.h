#pragma once
// A small HTTP server on loopback that records POSTed webhook deliveries; the first
// `fail_first` requests are answered 500 to exercise retries, and a receiver may be slow
// (`delay` before each answer) or answer something else (`reply`, a raw HTTP response).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_server.h"

namespace parcours::testing {

struct Delivery {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered = 0;
  std::chrono::steady_clock::time_point received_at;  // when the request had fully arrived
};

struct ReceiverBehaviour {
  int fail_first = 0;
  std::chrono::milliseconds delay{0};
  std::string reply;  // empty: 204 (500 while failing)
};

inline ReceiverBehaviour Failing(int first) {
  ReceiverBehaviour b;
  b.fail_first = first;
  return b;
}

class WebhookReceiver {
 public:
  explicit WebhookReceiver(int fail_first = 0) : WebhookReceiver(Failing(fail_first)) {}
  explicit WebhookReceiver(ReceiverBehaviour behaviour);
  ~WebhookReceiver();
  // Connections accepted so far, whether or not a request came over them.
  int Connections() const { return connections_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hooks/parcours"; }
  std::vector<Delivery> WaitFor(std::size_t accepted, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits until at least n requests arrived, whatever they were answered.
  std::vector<Delivery> WaitForAttempts(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<Delivery> All();

 private:
  void Serve(int fd);
  std::atomic<int> fail_left_;
  ReceiverBehaviour behaviour_;
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> deliveries_;
  LoopbackServer server_;  // last: its threads stop before the members above go
};

}  // namespace parcours::testing
