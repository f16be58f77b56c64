#include "raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace parcours::testing {

std::string RawResponse::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return "";
}

RawConnection::RawConnection(int port, const std::string& local_address) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (!local_address.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, local_address.c_str(), &local.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

namespace {
// Reads more bytes into `buffer` before `deadline`; false on timeout or EOF.
bool ReadMore(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[65536];
  ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<std::size_t>(n));
  return true;
}
}  // namespace

std::optional<RawResponse> RawConnection::Read(int timeout_ms, bool head) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      RawResponse r;
      std::string head_text = buffer_.substr(0, end);
      std::size_t line_end = head_text.find("\r\n");
      std::string status_line = head_text.substr(0, line_end);
      if (status_line.size() < 12) return std::nullopt;
      r.status = std::stoi(status_line.substr(9, 3));
      std::size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
      while (pos < head_text.size()) {
        std::size_t next = head_text.find("\r\n", pos);
        if (next == std::string::npos) next = head_text.size();
        std::string line = head_text.substr(pos, next - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
          std::string value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          r.headers.emplace_back(name, value);
        }
        pos = next + 2;
      }
      std::size_t length = 0;
      if (!head && r.status != 100 && r.status != 204 && r.status != 304) {
        auto cl = r.header("content-length");
        length = cl.empty() ? 0 : std::stoul(cl);
      }
      while (buffer_.size() < end + 4 + length)
        if (!ReadMore(fd_, buffer_, deadline)) return std::nullopt;
      r.body = buffer_.substr(end + 4, length);
      buffer_.erase(0, end + 4 + length);
      return r;
    }
    if (!ReadMore(fd_, buffer_, deadline)) return std::nullopt;
  }
}

bool RawConnection::ClosedByPeer(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;
  }
}

}  // namespace parcours::testing
