#pragma once
// The HTTP front: a Pistache endpoint whose reactor threads only parse and queue; requests
// run on a pool of worker threads (they block on the database), so a slow query never
// stalls other connections. Adds request ids, authentication, Idempotency-Key replay,
// the 1 MiB body limit, problem+json for every error and one JSON log line per request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/router.h"
#include "services/account_service.h"
#include "services/idempotency_service.h"

namespace Pistache::Http {
class Endpoint;
}

namespace parcours::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int reactor_threads = 2;
  int worker_threads = 16;
  std::size_t max_body_bytes = 1 << 20;
  // Monotonic nanoseconds for request durations (injected: only src/app reads clocks).
  std::function<std::int64_t()> monotonic_ns;
};

// One JSON object per line on stderr, safe from any thread, stamped with "time" (UTC) from
// the clock given to SetLogClock (the real one, even when a test clock drives the domain).
void LogJson(json fields);
void SetLogClock(const Clock* clock);

class HttpServer {
 public:
  HttpServer(const Router& router, AccountService& accounts, IdempotencyService& idempotency,
             ServerSettings settings);
  ~HttpServer();
  void Start();               // binds and serves in background threads
  std::uint16_t Port() const;  // the bound port (useful with port 0)
  // Stops accepting work once in-flight requests finish (or `drain` passes), then closes.
  void Shutdown(std::chrono::milliseconds drain);

  struct Core;

 private:
  std::shared_ptr<Core> core_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
};

}  // namespace parcours::http
