#include "webhook_receiver.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace parcours::testing {

WebhookReceiver::WebhookReceiver(ReceiverBehaviour behaviour)
    : fail_left_(behaviour.fail_first), behaviour_(std::move(behaviour)), server_([this](int fd) { Serve(fd); }) {}

WebhookReceiver::~WebhookReceiver() = default;

void WebhookReceiver::Serve(int fd) {
  ++connections_;
  std::string data;
  char chunk[8192];
  for (;;) {  // one request per connection is enough for libcurl's POST
    auto header_end = data.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      Delivery d;
      std::size_t line_start = data.find("\r\n") + 2;
      while (line_start < header_end) {
        auto eol = data.find("\r\n", line_start);
        std::string line = data.substr(line_start, eol - line_start);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(), ::tolower);
          std::string value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          d.headers[name] = value;
        }
        line_start = eol + 2;
      }
      std::size_t length = d.headers.count("content-length") ? std::stoul(d.headers["content-length"]) : 0;
      if (data.size() >= header_end + 4 + length) {
        d.body = data.substr(header_end + 4, length);
        d.received_at = std::chrono::steady_clock::now();
        d.answered = fail_left_.fetch_sub(1) > 0 ? 500 : 204;
        std::string reply = d.answered == 500 ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                              : "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        if (d.answered != 500 && !behaviour_.reply.empty()) {
          reply = behaviour_.reply;
          d.answered = std::stoi(reply.substr(9, 3));  // "HTTP/1.1 302 ..."
        }
        // Recorded in the order the requests arrived, before the answer: the next POST of a
        // sender that waits for this answer cannot be recorded first (recording after the write
        // let a loaded machine list B before A).
        {
          std::lock_guard lock(mu_);
          deliveries_.push_back(std::move(d));
        }
        cv_.notify_all();
        if (behaviour_.delay.count() > 0) std::this_thread::sleep_for(behaviour_.delay);
        (void)!write(fd, reply.data(), reply.size());
        break;
      }
    }
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    data.append(chunk, n);
  }
}

std::vector<Delivery> WebhookReceiver::WaitFor(std::size_t accepted, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] {
    return static_cast<std::size_t>(std::count_if(deliveries_.begin(), deliveries_.end(),
                                                  [](const Delivery& d) { return d.answered == 204; })) >= accepted;
  });
  return deliveries_;
}

std::vector<Delivery> WebhookReceiver::WaitForAttempts(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return deliveries_.size() >= n; });
  return deliveries_;
}

std::vector<Delivery> WebhookReceiver::All() {
  std::lock_guard lock(mu_);
  return deliveries_;
}

}  // namespace parcours::testing
