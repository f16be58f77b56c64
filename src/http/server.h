#pragma once
// The HTTP front. Pistache's TCP layer (its listener and epoll reactors) accepts connections
// and reads bytes; Parcours speaks HTTP/1.1 on them itself (src/http/http_parser.h), because
// Pistache 0.0.5's HTTP layer closes nothing it promises to close, drops pipelined requests,
// answers bad framing with 500 text/plain and has no header limits.
//
// - Persistent connections by default (RFC 9112 9.3), pipelined requests answered in order,
//   "Connection: close" honoured by closing after the answer.
// - Limits: request line, header size and count, body (413 as soon as declared), pipelined
//   requests per connection, connections in total and per client address; timeouts for
//   reading a request (408), idle keep-alive, writing, and closing.
// - Requests run on a pool of worker threads (they block on the database) fed by a bounded
//   queue: when it is full the answer is 503 with Retry-After, at once. Health checks have
//   threads of their own so that a flood does not make the service look dead.
// - Adds request ids, authentication, Idempotency-Key replay, security headers, problem+json
//   for every error and one JSON log line per request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "http/client_address.h"
#include "http/router.h"
#include "services/account_service.h"
#include "services/idempotency_service.h"

namespace parcours::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int reactor_threads = 2;
  int worker_threads = 16;
  std::size_t max_body_bytes = 1 << 20;
  // The upload route (IsDocumentUpload) may carry up to this many bytes (kMaxDocumentBytes).
  std::size_t max_upload_bytes = 20u * 1024 * 1024;
  std::size_t max_queue = 512;                    // requests waiting for a worker; 503 beyond
  std::size_t max_connections = 20000;            // open connections in total
  std::size_t max_connections_per_address = 512;  // from one client address (schools share NAT)
  std::size_t max_pipelined = 32;                 // requests read ahead on one connection
  std::chrono::seconds header_timeout{10};        // from a request's first byte to its last header
  std::chrono::seconds request_timeout{60};       // from a request's first byte to its last body byte
  std::chrono::seconds keepalive_timeout{30};     // idle persistent connection
  std::chrono::seconds write_timeout{30};         // an answer the client does not read
  // Monotonic nanoseconds (durations, timeouts) and Unix seconds (the Date header): injected,
  // only src/app reads clocks.
  std::function<std::int64_t()> monotonic_ns;
  std::function<std::int64_t()> unix_seconds;
  // Peers whose X-Forwarded-For names the client (the reverse proxy). Connections from them
  // count toward max_connections but not toward the per-address cap: the proxy carries many
  // clients on them and limits connections per client itself.
  TrustedProxies trusted_proxies;
  // When set: requests counted and timed per route, method and status; refusals by reason.
  metrics::Registry* metrics = nullptr;
  // When set: answers marked `kept_under` are kept, and a request that asks exactly the same
  // (target and headers) waits for the next catalogue version read without a worker; when that
  // reading shows the kept answer fresh, the thread that read answers it (no hand-off), else a
  // worker runs the handler as usual. `await` calls its argument once, from another thread
  // (CatalogueService::AwaitVersion).
  std::function<void(std::function<void(const CatalogueReading&)>)> await_catalogue;
  std::size_t max_kept_answers = 512;    // everyone's answers (catalogue JSON and pages)
  std::size_t max_kept_personal = 1024;  // a person's own pages (one per sign-in and language)
  // May this person upload to that session (its trainers, coordinators)? Asked from the head of
  // a body over max_body_bytes on the upload route; unset, nobody may send one.
  std::function<bool(const Principal& who, Id session_id)> may_upload;
  // The pages' session cookie: its token admits a large body to the pages' upload form as the
  // bearer token does to the API's route (empty: the form keeps max_body_bytes).
  std::string session_cookie;
};

// One JSON object per line on stderr, safe from any thread, stamped with "time" (UTC) from
// the clock given to SetLogClock (the real one, even when a test clock drives the domain).
void LogJson(json fields);
void SetLogClock(const Clock* clock);

class HttpServer {
 public:
  HttpServer(const Router& router, AccountService& accounts, IdempotencyService& idempotency,
             ServerSettings settings);
  ~HttpServer();  // shuts down (without draining) if Shutdown was not called
  void Start();               // binds and serves in background threads
  std::uint16_t Port() const;  // the bound port (useful with port 0)
  // Stops accepting work once in-flight requests finish (or `drain` passes), then closes.
  void Shutdown(std::chrono::milliseconds drain);

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace parcours::http
