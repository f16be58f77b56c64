#pragma once
// A raw TCP client for tests of the HTTP layer itself: sends exact bytes (malformed requests,
// pipelined requests, slow headers) and reads exact answers, with timeouts.
#include <optional>
#include <string>
#include <vector>

namespace parcours::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, optionally from a given local address (127.0.0.x).
  explicit RawConnection(int port, const std::string& local_address = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one answer (by Content-Length), waiting at most timeout_ms; nullopt on timeout or EOF.
  std::optional<RawResponse> Read(int timeout_ms = 5000, bool head = false);
  // True when the server closed the connection within timeout_ms (reads and drops bytes).
  bool ClosedByPeer(int timeout_ms = 5000);

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace parcours::testing
