#include "http/server.h"
#include "http/handlers.h"

#include <pistache/listener.h>
#include <pistache/net.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/lru_map.h"
#include "common/text.h"
#include "common/time.h"
#include "domain/repositories.h"
#include "http/error_map.h"
#include "http/http_parser.h"
#include "services/catalogue_cache.h"
#include "services/crypto.h"

namespace parcours::http {

namespace {

std::mutex log_mutex;
std::atomic<const Clock*> log_clock{nullptr};

bool SaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7).
std::string HttpDate(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool IsHtml(const std::string& content_type) { return content_type.starts_with("text/html"); }

// A header value we are about to send: no CR/LF may reach the wire.
std::string HeaderSafe(std::string v) {
  for (auto& c : v)
    if (c == '\r' || c == '\n') c = ' ';
  return v;
}

HttpResponse ProblemResponse(int status, const std::string& slug, const std::string& title, const std::string& detail,
                             const std::string& request_id) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = ProblemJson(status, slug, title, detail, request_id);
  return r;
}

}  // namespace

// A fixed pool of threads draining a bounded FIFO of tasks. Not in the anonymous namespace:
// HttpServer::Core, which has external linkage, holds two.
namespace server_detail {

class WorkerPool {
 public:
  WorkerPool(int threads, std::size_t max_queue) : max_queue_(max_queue) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Stop(); }
  // False when the queue is full (or the pool stopped): the caller answers 503.
  bool TryPost(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || queue_.size() >= max_queue_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }
  const std::size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace server_detail

using server_detail::WorkerPool;

namespace {

constexpr const char* kPeerKey = "parcours.connection";

}  // namespace

void SetLogClock(const Clock* clock) { log_clock = clock; }

void LogJson(json fields) {
  if (const Clock* clock = log_clock.load()) {
    json stamped = {{"time", FormatRfc3339(clock->Now(), 0)}};
    stamped.update(fields);
    fields = std::move(stamped);
  }
  std::string line = fields.dump(-1, ' ', false, json::error_handler_t::replace);
  std::lock_guard lock(log_mutex);
  std::cerr << line << '\n';
}

// One client connection. The reactor thread that owns the socket feeds the parser; requests
// are answered in order, one at a time, by a worker; the socket is written by whichever thread
// answers (or by the flusher when the client reads slowly). `mu` guards everything below it,
// and the descriptor is used only while `open` (Pistache closes it after onDisconnection,
// which takes `mu` first), so a reused descriptor number is never written.
struct Connection {
  Connection(std::uint64_t id, int fd, std::string address, ParserLimits limits, std::int64_t now)
      : id(id), fd(fd), address(std::move(address)), parser(limits), idle_since_ns(now) {}
  const std::uint64_t id;
  const int fd;
  const std::string address;

  std::mutex mu;
  bool open = true;            // false once Pistache reported the disconnection
  bool closing = false;        // read no more requests; close once the output is flushed
  bool busy = false;           // a request is being answered
  bool sent_continue = false;  // "100 Continue" sent for the request being read
  bool in_flusher = false;     // registered with the flusher's epoll for EPOLLOUT
  RequestParser parser;
  struct Pending {
    ParsedRequest request;
    std::optional<ParseError> error;  // the stream broke here: answer it and close
  };
  std::deque<Pending> pending;
  std::string out;  // bytes not yet accepted by the socket
  std::size_t out_offset = 0;

  // Read by the sweeper without `mu`.
  std::atomic<std::int64_t> request_started_ns{0};  // first byte of the request being read
  std::atomic<std::int64_t> headers_done_ns{0};     // its header section was complete
  std::atomic<std::int64_t> idle_since_ns;          // nothing pending, nothing being answered
  std::atomic<std::int64_t> write_stalled_ns{0};    // output waiting for the client since
  std::atomic<std::int64_t> close_deadline_ns{0};   // force the close at this time
};

struct HttpServer::Core : std::enable_shared_from_this<HttpServer::Core> {
  const Router& router;
  AccountService& accounts;
  IdempotencyService& idempotency;
  ServerSettings settings;
  ParserLimits limits;
  WorkerPool pool;
  WorkerPool health_pool;
  std::atomic<long> in_flight{0};  // requests being answered
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};
  std::atomic<unsigned long long> next_request{0};
  std::atomic<std::uint64_t> next_connection{0};
  std::string id_prefix;

  std::mutex registry_mu;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::unordered_map<std::string, std::size_t> per_address;

  int flusher_epoll = -1;
  std::thread flusher;
  std::unique_ptr<Pistache::Tcp::Listener> listener;

  std::mutex date_mu;
  std::int64_t date_second = -1;
  std::string date_text;

  // Kept answers (settings.await_catalogue): by KeptKey, what a handler answered to a GET
  // and the catalogue stamp it holds under. Bounded: the least recently used goes first.
  struct KeptAnswer {
    CatalogueStamp stamp;
    HttpResponse resp;
    std::string route;  // the metrics label
  };
  std::mutex kept_mu;
  LruMap<std::shared_ptr<const KeptAnswer>> kept{settings.max_kept_answers};             // everyone's
  LruMap<std::shared_ptr<const KeptAnswer>> kept_personal{settings.max_kept_personal};  // a person's own

  Core(const Router& r, AccountService& a, IdempotencyService& i, ServerSettings s)
      : router(r),
        accounts(a),
        idempotency(i),
        settings(std::move(s)),
        pool(settings.worker_threads, settings.max_queue),
        health_pool(2, 64) {
    limits.max_body = settings.max_body_bytes;
    limits.max_large_body = settings.max_upload_bytes;
    limits.large_body = [this](const ParsedRequest& head) { return AdmitsLargeUpload(head); };
    char buf[16];
    std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(getpid()));
    id_prefix = buf;
  }

  std::int64_t Now() const { return settings.monotonic_ns(); }

  // A body over the general limit is read only for the upload route and only from someone
  // who may upload to THAT session (a coordinator, or one of its trainers, with a valid token):
  // the caller is authorised from the head, before the body is read. Anyone else (another
  // trainer too) gets 413 at once.
  // The pages' upload form is admitted alike, by the session cookie's token.
  bool AdmitsLargeUpload(const ParsedRequest& head) {
    if (!settings.may_upload) return false;
    std::string token;
    auto session = DocumentUploadSession(head.method, head.target);
    if (session) {
      const std::string* auth = head.Header("authorization");
      if (!auth || auth->size() < 8 || AsciiLower(auth->substr(0, 7)) != "bearer ") return false;
      token = std::string(Trim(std::string_view(*auth).substr(7)));
    } else if (!settings.session_cookie.empty() && (session = DocumentUploadSession(head.method, head.target, true))) {
      const std::string* cookies = head.Header("cookie");
      if (!cookies) return false;
      token = CookieValue(*cookies, settings.session_cookie);
    }
    if (!session || token.empty()) return false;
    try {
      auto who = accounts.Authenticate(token);
      return who && who->kind == Principal::Kind::kUser && settings.may_upload(*who, *session);
    } catch (const std::exception&) {
      return false;  // the database is away: the small-body limit holds
    }
  }
  static std::int64_t Ns(std::chrono::seconds s) { return std::chrono::nanoseconds(s).count(); }

  std::string Date() {
    const std::int64_t now = settings.unix_seconds ? settings.unix_seconds() : 0;
    std::lock_guard lock(date_mu);
    if (now != date_second) {
      date_second = now;
      date_text = HttpDate(now);
    }
    return date_text;
  }

  // ---- requests -------------------------------------------------------------------------

  HttpResponse Dispatch(HttpRequest& req) {
    const Method lookup = req.method == Method::kHead ? Method::kGet : req.method;
    auto match = router.Find(lookup, req.segments);
    if (!match.route && router.fallback() && !req.path.starts_with("/api/") && req.path != "/api") return router.fallback()(req);
    if (!match.route) {
      if (!match.allowed.empty()) {
        auto r = ProblemResponse(405, "method-not-allowed", "Method not allowed",
                                 "This path does not accept this method.", req.ctx.request_id);
        std::string allow;
        for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(ToString(m));
        r.extra_headers.push_back({"Allow", allow});
        return r;
      }
      return HttpResponse::Problem({ErrorCode::kNotFound, "There is nothing at this path.", {}}, req.ctx.request_id);
    }
    req.params = std::move(match.params);
    req.route = match.route;
    // Authentication: a token that is present must be valid, even on public routes.
    if (auto auth = req.Header("Authorization")) {
      std::string value(Trim(*auth));
      if (value.size() < 8 || AsciiLower(value.substr(0, 7)) != "bearer ")
        return HttpResponse::Problem({ErrorCode::kUnauthenticated, "Use 'Authorization: Bearer <token>'.", {}},
                                     req.ctx.request_id);
      auto principal = accounts.Authenticate(std::string(Trim(std::string_view(value).substr(7))));
      if (!principal) return HttpResponse::Problem(principal.error(), req.ctx.request_id);
      req.ctx.principal = *principal;
    }
    if (match.route->access == Access::kSignedIn && req.ctx.principal.kind == Principal::Kind::kAnonymous) {
      auto r = HttpResponse::Problem({ErrorCode::kUnauthenticated, "This route needs a bearer token.", {}},
                                     req.ctx.request_id);
      r.extra_headers.push_back({"WWW-Authenticate", "Bearer"});
      return r;
    }
    // A guarded route checks its query after authorising (its guard does); others here.
    if (!match.route->guarded)
      if (auto bad_query = CheckQuery(*match.route, req)) return HttpResponse::Problem(*bad_query, req.ctx.request_id);
    auto key = req.method == Method::kPost ? req.Header("Idempotency-Key") : std::nullopt;
    if (!key) return WithLocation(*match.route, req, match.route->handler(req));

    const std::string scope = req.ctx.principal.kind == Principal::Kind::kAnonymous
                                  ? "anonymous:" + req.ctx.client_address
                                  : req.ctx.principal.Label();
    const std::string fingerprint = Sha256Hex(std::string(ToString(req.method)) + " " + req.path + "\n" + req.body);
    auto begun = idempotency.Begin(scope, *key, fingerprint);
    if (!begun) return HttpResponse::Problem(begun.error(), req.ctx.request_id);
    if (auto* stored = std::get_if<StoredResponse>(&*begun)) {
      HttpResponse r;
      r.status = stored->status;
      r.content_type = stored->content_type;
      r.body = stored->body;
      r.location = stored->location;
      r.extra_headers.push_back({"Idempotent-Replayed", "true"});
      return r;
    }
    const CommitFence claim = std::get<CommitFence>(*begun);
    HttpResponse r;
    try {
      CommitFenceScope fenced(&claim);  // every commit of this request checks the claim
      r = WithLocation(*match.route, req, match.route->handler(req));
    } catch (const CommitOutcomeUnknown&) {
      // The claim row says whether the work committed (waiting for the in-doubt transaction);
      // when it did not, the key is given back so that a retry runs at once.
      try {
        idempotency.ResolveUnknownCommit(claim);
      } catch (const std::exception&) {  // keep the claim: the work must not run twice
      }
      throw;
    } catch (const IdempotencyClaimLost&) {
      return HttpResponse::Problem({ErrorCode::kIdempotencyInProgress,
                                    "Another run of this request holds its Idempotency-Key.", {}},
                                   req.ctx.request_id);
    } catch (...) {
      idempotency.Abandon(claim);
      throw;
    }
    try {
      if (r.status >= 500) idempotency.Abandon(claim);
      else idempotency.Complete(claim, fingerprint, {r.status, r.content_type, r.body, r.location}, r.carries_secret);
    } catch (const std::exception& e) {
      // The work is done and committed: answer it; a retry finds that the work committed.
      LogJson({{"level", "error"}, {"request_id", req.ctx.request_id},
               {"message", std::string("idempotency record not saved: ") + e.what()}});
    }
    return r;
  }

  // Every 201 says where the created resource is.
  static HttpResponse WithLocation(const Route& route, const HttpRequest& req, HttpResponse r) {
    if (r.status != 201 || !r.location.empty() || r.content_type != "application/json") return r;
    auto created = json::parse(r.body, nullptr, false);
    if (created.is_object()) r.location = LocationOf(std::string(ToString(route.method)) + " " + route.pattern, req, created);
    return r;
  }

  // Runs one parsed request to its answer (on a worker thread).
  HttpResponse Execute(HttpRequest& req, std::string& error_text) {
    try {
      return Dispatch(req);
    } catch (const StoreBusy& e) {
      error_text = e.what();
      auto r = ProblemResponse(503, "busy", "Service busy",
                               "Too many requests are changing the same data; nothing was stored. Try again.",
                               req.ctx.request_id);
      r.extra_headers.push_back({"Retry-After", "1"});
      return r;
    } catch (const CommitOutcomeUnknown& e) {
      error_text = e.what();
      auto r = ProblemResponse(503, "outcome-unknown", "Outcome unknown",
                               "The database connection was lost while saving; the change may or may not be stored. "
                               "Retry with the same Idempotency-Key, or read the resource first.",
                               req.ctx.request_id);
      r.extra_headers.push_back({"Retry-After", "2"});
      return r;
    } catch (const StoreUnavailable& e) {
      error_text = e.what();
      auto r = ProblemResponse(503, "unavailable", "Service unavailable",
                               "The database is not available; try again shortly.", req.ctx.request_id);
      r.extra_headers.push_back({"Retry-After", "2"});
      return r;
    } catch (const std::exception& e) {
      error_text = e.what();
      return ProblemResponse(500, "internal", "Internal error",
                             "Something went wrong on our side; the request id identifies it in our logs.",
                             req.ctx.request_id);
    }
  }

  // A GET whose If-None-Match names the answer's ETag gets 304 and no body (RFC 9110 13.1.2),
  // for every route and page that sets an ETag.
  static void NotModifiedIfUnchanged(const HttpRequest& req, HttpResponse& r) {
    if (req.method != Method::kGet && req.method != Method::kHead) return;
    auto condition = req.Header("If-None-Match");
    if (!condition || !NotModified(&*condition, r)) return;
    r.status = 304;
    r.body.clear();
  }

  // The bytes of an answer: status line, headers (ours, then the handler's), body.
  std::string Serialize(const HttpResponse& r, const std::string& request_id, bool head, bool keep_alive) {
    std::string out;
    out.reserve(r.body.size() + 512);
    out += "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
    out += "Date: " + Date() + "\r\n";
    if (!request_id.empty()) out += "X-Request-Id: " + request_id + "\r\n";
    if (r.status != 304) {  // a 304 describes the representation it stands for, which has a length
      out += "Content-Type: " + HeaderSafe(r.content_type) + "\r\n";
      out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    if (IsHtml(r.content_type)) {
      out +=
          "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
          "X-Frame-Options: DENY\r\n";
    }
    bool has_cache_control = false, has_referrer_policy = false;
    for (const auto& [name, value] : r.extra_headers) {
      has_cache_control |= AsciiLower(name) == "cache-control";
      has_referrer_policy |= AsciiLower(name) == "referrer-policy";
    }
    if (!has_referrer_policy) out += "Referrer-Policy: same-origin\r\n";
    if (!has_cache_control) out += "Cache-Control: no-store\r\n";
    if (!r.location.empty()) out += "Location: " + HeaderSafe(r.location) + "\r\n";
    for (const auto& [name, value] : r.extra_headers) out += name + ": " + HeaderSafe(value) + "\r\n";
    out += "\r\n";
    if (!head) out += r.body;
    return out;
  }

  void LogRequest(const std::string& request_id, const std::string& method, const std::string& path, int status,
                  std::int64_t start_ns, const std::string& error_text) {
    json line = {{"level", status >= 500 ? "error" : "info"},
                 {"request_id", request_id},
                 {"method", method},
                 {"path", path},
                 {"status", status},
                 {"duration_ms", (Now() - start_ns) / 1e6}};
    if (!error_text.empty()) line["error"] = error_text;
    LogJson(line);
  }

  // ---- connections ------------------------------------------------------------------------

  std::shared_ptr<Connection> Find(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
    return std::static_pointer_cast<Connection>(peer->tryGetData(kPeerKey));
  }

  void OnConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
    auto conn = std::make_shared<Connection>(++next_connection, peer->fd(), peer->address().host(), limits, Now());
    peer->putData(kPeerKey, conn);
    bool refused = false;
    {
      std::lock_guard lock(registry_mu);
      auto& count = per_address[conn->address];
      const bool capped = !settings.trusted_proxies.Trusts(conn->address);
      refused = connections.size() >= settings.max_connections ||
                (capped && count >= settings.max_connections_per_address);
      connections.emplace(conn->id, conn);
      ++count;
    }
    if (refused) {
      std::lock_guard lock(conn->mu);
      auto r = ProblemResponse(503, "too-many-connections", "Too many connections",
                               "This server has too many open connections (or too many from your address).", "");
      r.extra_headers.push_back({"Retry-After", "5"});
      conn->closing = true;
      Write(*conn, Serialize(r, "", false, false));
      CountRefusal("too_many_connections");
    }
  }

  void OnDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
    auto conn = Find(peer);
    if (!conn) return;
    {
      std::lock_guard lock(conn->mu);
      conn->open = false;
      if (conn->in_flusher) {
        epoll_ctl(flusher_epoll, EPOLL_CTL_DEL, conn->fd, nullptr);
        conn->in_flusher = false;
      }
      conn->pending.clear();
      conn->out.clear();
    }
    std::lock_guard lock(registry_mu);
    connections.erase(conn->id);
    auto it = per_address.find(conn->address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

  void OnInput(const char* data, std::size_t len, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
    auto conn = Find(peer);
    if (!conn) return;
    std::lock_guard lock(conn->mu);
    if (!conn->open || conn->closing) return;  // what follows a broken request is not read
    const std::int64_t now = Now();
    if (conn->request_started_ns == 0) conn->request_started_ns = now;
    conn->parser.Feed(std::string_view(data, len));
    for (;;) {
      ParsedRequest request;
      auto state = conn->parser.Next(request);
      if (state == RequestParser::State::kRequest) {
        conn->pending.push_back({std::move(request), std::nullopt});
        conn->sent_continue = false;
        conn->headers_done_ns = 0;
        conn->request_started_ns = conn->parser.InRequest() ? now : 0;
        if (conn->pending.size() > settings.max_pipelined) {
          conn->pending.push_back({{}, ParseError{429, "Too many pipelined requests on one connection."}});
          conn->closing = true;
          break;
        }
        continue;
      }
      if (state == RequestParser::State::kError) {
        conn->pending.push_back({{}, conn->parser.error()});
        conn->closing = true;
        conn->request_started_ns = 0;
        break;
      }
      // More bytes needed. A client that announced "Expect: 100-continue" is told to send
      // its body, unless answers to earlier requests are still due (they come first).
      if (conn->parser.AwaitingBody()) {
        if (conn->headers_done_ns == 0) conn->headers_done_ns = now;
        if (conn->parser.current().expects_continue && !conn->sent_continue && !conn->busy &&
            conn->pending.empty() && conn->out.empty()) {
          conn->sent_continue = true;
          Write(*conn, "HTTP/1.1 100 Continue\r\n\r\n");
        }
      }
      break;
    }
    MaybeDispatch(conn);
  }

  // Starts answering the next pending request if none is being answered. `conn->mu` held.
  void MaybeDispatch(const std::shared_ptr<Connection>& conn) {
    while (conn->open && !conn->busy && !conn->pending.empty()) {
      Connection::Pending next = std::move(conn->pending.front());
      conn->pending.pop_front();
      if (next.error) {
        // The request could not be read: answer why, then close (the stream is lost).
        const auto& e = *next.error;
        auto r = ProblemResponse(e.status, "malformed-request", Reason(e.status), e.message, "");
        conn->closing = true;
        conn->pending.clear();
        Write(*conn, Serialize(r, "", false, false));
        LogRequest("", "-", "-", e.status, Now(), "");
        CountRefusal(e.status == 408 ? "timeout" : "malformed");
        return;
      }
      conn->busy = true;
      ++in_flight;
      if (!draining && ParkIfKept(conn, next.request)) continue;
      if (!PostToWorker(conn, std::move(next.request))) {
        if (draining) return;
      }
    }
    if (conn->open && !conn->busy && conn->pending.empty() && conn->out.empty()) {
      if (conn->closing) CloseAfterFlush(*conn);
      else if (!conn->parser.InRequest()) conn->idle_since_ns = Now();
    }
  }

  // Hands a request (counted in flight, its connection busy) to a worker; when the queue is
  // full or the server drains, answers 503 at once instead of queueing without bound (false).
  // `conn->mu` held.
  bool PostToWorker(const std::shared_ptr<Connection>& conn, ParsedRequest request) {
    auto self = shared_from_this();
    const bool health = request.target == "/health" || request.target == "/api/v1/health";
    auto task = [self, conn, request = std::move(request)]() mutable { self->Answer(conn, std::move(request)); };
    auto& target_pool = health ? health_pool : pool;
    if (!draining && target_pool.TryPost(std::move(task))) return true;
    --in_flight;
    conn->busy = false;
    const bool shutting = draining.load();
    auto r = ProblemResponse(503, shutting ? "shutting-down" : "overloaded", "Service unavailable",
                             shutting ? "The server is shutting down; retry on another instance."
                                      : "The server is busy; retry shortly.",
                             "");
    r.extra_headers.push_back({"Retry-After", "1"});
    if (shutting) conn->closing = true;
    Write(*conn, Serialize(r, "", false, !shutting));
    LogRequest("", "-", "-", 503, Now(), shutting ? "draining" : "worker queue full");
    CountRefusal(shutting ? "shutting_down" : "queue_full");
    return false;
  }

  // ---- kept answers -----------------------------------------------------------------------

  // Headers that change nothing in a kept answer (the client's software, transport, the
  // conditional request, which is answered per request from the kept ETag).
  static bool IgnoredForKept(std::string_view name) {
    static constexpr std::string_view kIgnored[] = {"user-agent", "accept-encoding", "connection", "if-none-match",
                                                    "x-request-id", "x-forwarded-for", "cache-control", "pragma",
                                                    "referer", "dnt", "upgrade-insecure-requests", "priority", "te"};
    for (auto n : kIgnored)
      if (name == n) return true;
    return name.starts_with("sec-");
  }

  // What identifies a request whose answer may be kept: the target and every header that may
  // change the answer (language, cookies, Accept...). None for anything but a GET or HEAD
  // without body and without Authorization.
  std::optional<std::string> KeptKey(const ParsedRequest& p) const {
    if (!settings.await_catalogue || (p.method != "GET" && p.method != "HEAD") || !p.body.empty()) return std::nullopt;
    std::string key = p.target;
    for (const auto& [name, value] : p.headers) {
      if (name == "authorization") return std::nullopt;
      if (IgnoredForKept(name)) continue;
      key += '\n';
      key += name;
      key += ':';
      key += value;
    }
    if (key.size() > 4096) return std::nullopt;
    return key;
  }

  void Keep(const std::string& key, const HttpResponse& resp, std::string route) {
    for (const auto& [name, value] : resp.extra_headers)
      if (name == "Set-Cookie") return;  // someone's own answer
    const bool personal = resp.kept_under->person_shard >= 0;
    auto entry = std::make_shared<const KeptAnswer>(KeptAnswer{*resp.kept_under, resp, std::move(route)});
    std::lock_guard lock(kept_mu);
    (personal ? kept_personal : kept).Put(key, std::move(entry));
  }

  // When an answer to this request is kept, parks the request until the next version read
  // (true); the reading thread answers it (AnswerKept). `conn->mu` held, request in flight.
  bool ParkIfKept(const std::shared_ptr<Connection>& conn, ParsedRequest& request) {
    auto key = KeptKey(request);
    if (!key) return false;
    std::shared_ptr<const KeptAnswer> hit;
    {
      std::lock_guard lock(kept_mu);
      if (auto* everyone = kept.Find(*key)) hit = *everyone;
      else if (auto* mine = kept_personal.Find(*key)) hit = *mine;
    }
    if (!hit) return false;
    settings.await_catalogue([self = shared_from_this(), conn, hit, start = Now(),
                              request = std::move(request)](const CatalogueReading& reading) mutable {
      self->AnswerKept(conn, std::move(request), *hit, reading, start);
    });
    return true;
  }

  // On the thread that read the version: the kept answer when it is still fresh, else the
  // handler on a worker as for any request.
  void AnswerKept(const std::shared_ptr<Connection>& conn, ParsedRequest parsed, const KeptAnswer& hit,
                  const CatalogueReading& reading, std::int64_t start) {
    if (!IsFresh(hit.stamp, reading)) {
      std::lock_guard lock(conn->mu);
      if (!PostToWorker(conn, std::move(parsed)) && !draining) MaybeDispatch(conn);
      return;
    }
    auto incoming = parsed.Header("x-request-id");
    const std::string id = incoming && SaneRequestId(*incoming) ? *incoming : id_prefix + "-" + std::to_string(++next_request);
    const bool keep_alive = parsed.keep_alive && !draining;
    const bool head = parsed.method == "HEAD";
    int status = hit.resp.status;
    std::string bytes;
    if (NotModified(parsed.Header("if-none-match"), hit.resp)) {
      HttpResponse r;
      r.status = status = 304;
      r.content_type = hit.resp.content_type;
      r.extra_headers = hit.resp.extra_headers;
      bytes = Serialize(r, id, head, keep_alive);
    } else {
      bytes = Serialize(hit.resp, id, head, keep_alive);
    }
    Finish(conn, keep_alive, std::move(bytes));
    const std::string& target = parsed.target;
    LogRequest(id, parsed.method, target.substr(0, target.find('?')), status, start, "");
    Observe(hit.route, head ? "HEAD" : "GET", status, start);
  }

  static bool NotModified(const std::string* if_none_match, const HttpResponse& r) {
    if (!if_none_match || r.status != 200) return false;
    for (const auto& [name, value] : r.extra_headers)
      if (name == "ETag" && EtagMatches(*if_none_match, value)) return true;
    return false;
  }

  // The answer's bytes out, the connection free for its next request.
  void Finish(const std::shared_ptr<Connection>& conn, bool keep_alive, std::string bytes) {
    {
      std::lock_guard lock(conn->mu);
      conn->busy = false;
      if (!keep_alive) {
        conn->closing = true;
        conn->pending.clear();
      }
      Write(*conn, std::move(bytes));
      MaybeDispatch(conn);
    }
    --in_flight;
  }

  void Observe(const std::string& route, const std::string& method, int status, std::int64_t start) {
    if (!settings.metrics) return;
    // Labels from the route table, never from the client's text: bounded cardinality.
    const metrics::Labels labels = {{"route", route}, {"method", method}, {"status", std::to_string(status)}};
    settings.metrics->GetCounter("parcours_http_requests_total", "HTTP requests answered, by route, method and status.", labels).Add();
    settings.metrics
        ->GetHistogram("parcours_http_request_duration_seconds",
                       "Time from a request's dispatch to its answer, by route, method and status.", labels)
        .Observe(static_cast<double>(Now() - start) / 1e9);
  }

  // On a worker thread: the whole life of one request.
  void Answer(const std::shared_ptr<Connection>& conn, ParsedRequest parsed) {
    const std::int64_t start = Now();
    const std::optional<std::string> kept_key = parsed.method == "GET" ? KeptKey(parsed) : std::nullopt;
    HttpRequest req;
    req.method = MethodFromString(parsed.method);
    req.headers = std::move(parsed.headers);
    req.body = std::move(parsed.body);
    req.ctx.client_address = settings.trusted_proxies.ClientAddress(conn->address, req.Header("X-Forwarded-For"));
    auto incoming = req.Header("X-Request-Id");
    req.ctx.request_id = incoming && SaneRequestId(*incoming) ? *incoming : id_prefix + "-" + std::to_string(++next_request);
    std::string error_text;
    HttpResponse resp;
    auto target = ParseTarget(parsed.target);
    if (!target) {
      req.path = parsed.target.substr(0, 200);
      resp = ProblemResponse(400, "malformed-request", "Malformed request",
                             "The request target is not a valid path (bad %-escape, control character or not UTF-8).",
                             req.ctx.request_id);
    } else {
      req.path = std::move(target->path);
      req.segments = std::move(target->segments);
      req.query = std::move(target->query);
      resp = Execute(req, error_text);
    }
    const std::string route = req.route ? req.route->pattern : req.path.starts_with("/api/") ? "unmatched" : "pages";
    if (kept_key && resp.kept_under && resp.status == 200) Keep(*kept_key, resp, route);
    NotModifiedIfUnchanged(req, resp);
    const bool keep_alive = parsed.keep_alive && !draining;
    Finish(conn, keep_alive, Serialize(resp, req.ctx.request_id, req.method == Method::kHead, keep_alive));
    LogRequest(req.ctx.request_id, parsed.method, req.path, resp.status, start, error_text);
    Observe(route, req.method == Method::kOther ? "OTHER" : ToString(req.method), resp.status, start);
  }

  // A request or connection refused before any handler ran (queue full, draining, caps, bad framing).
  void CountRefusal(const char* reason) {
    if (settings.metrics)
      settings.metrics->GetCounter("parcours_http_refused_total",
                                   "Requests and connections refused before reaching a handler, by reason.",
                                   {{"reason", reason}})
          .Add();
  }

  // Sends what the socket takes now; the rest waits for the flusher. `conn.mu` held.
  void Write(Connection& conn, std::string bytes) {
    if (!conn.open) return;
    if (!conn.out.empty() || conn.in_flusher) {
      conn.out.append(bytes);
      return;
    }
    conn.out = std::move(bytes);
    conn.out_offset = 0;
    Flush(conn);
  }

  // `conn.mu` held.
  void Flush(Connection& conn) {
    while (conn.out_offset < conn.out.size()) {
      const ssize_t n = ::send(conn.fd, conn.out.data() + conn.out_offset, conn.out.size() - conn.out_offset,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        conn.out_offset += static_cast<std::size_t>(n);
        conn.write_stalled_ns = 0;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (conn.write_stalled_ns == 0) conn.write_stalled_ns = Now();
        epoll_event ev{};
        ev.events = EPOLLOUT | EPOLLONESHOT;
        ev.data.u64 = conn.id;
        if (epoll_ctl(flusher_epoll, conn.in_flusher ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, conn.fd, &ev) == 0)
          conn.in_flusher = true;
        return;
      }
      // The peer is gone (EPIPE, ECONNRESET...): stop writing; the reactor will see it.
      conn.out.clear();
      conn.out_offset = 0;
      conn.closing = true;
      ::shutdown(conn.fd, SHUT_RDWR);
      return;
    }
    conn.out.clear();
    conn.out_offset = 0;
    if (conn.in_flusher) {
      epoll_ctl(flusher_epoll, EPOLL_CTL_DEL, conn.fd, nullptr);
      conn.in_flusher = false;
    }
    if (conn.closing && !conn.busy) CloseAfterFlush(conn);
  }

  // Half-close: the client sees the end of the answer and closes; if it does not, the sweeper
  // closes for good after a grace period. `conn.mu` held.
  void CloseAfterFlush(Connection& conn) {
    if (!conn.open || !conn.out.empty() || conn.close_deadline_ns != 0) return;
    ::shutdown(conn.fd, SHUT_WR);
    conn.close_deadline_ns = Now() + Ns(std::chrono::seconds(5));
  }

  // Timeouts, every quarter of a second (on the flusher thread).
  void Sweep() {
    std::vector<std::shared_ptr<Connection>> all;
    {
      std::lock_guard lock(registry_mu);
      all.reserve(connections.size());
      for (auto& [id, c] : connections) all.push_back(c);
    }
    const std::int64_t now = Now();
    for (auto& conn : all) {
      std::lock_guard lock(conn->mu);
      if (!conn->open) continue;
      if (conn->close_deadline_ns != 0) {
        if (now >= conn->close_deadline_ns) ::shutdown(conn->fd, SHUT_RDWR);
        continue;
      }
      if (!conn->out.empty() && conn->write_stalled_ns != 0 &&
          now - conn->write_stalled_ns > Ns(settings.write_timeout)) {
        conn->out.clear();
        conn->closing = true;
        ::shutdown(conn->fd, SHUT_RDWR);
        continue;
      }
      const std::int64_t started = conn->request_started_ns;
      if (started != 0 && !conn->closing) {
        const bool headers_late = conn->headers_done_ns == 0 && now - started > Ns(settings.header_timeout);
        const bool body_late = now - started > Ns(settings.request_timeout);
        if (headers_late || body_late) {
          conn->pending.push_back({{}, ParseError{408, "The request did not arrive in time."}});
          conn->closing = true;
          conn->request_started_ns = 0;
          MaybeDispatch(conn);
          continue;
        }
      }
      if (started == 0 && !conn->busy && conn->pending.empty() && conn->out.empty() && !conn->closing &&
          now - conn->idle_since_ns > Ns(settings.keepalive_timeout)) {
        ::shutdown(conn->fd, SHUT_RDWR);  // an idle persistent connection: close quietly
      }
    }
  }

  void RunFlusher() {
    epoll_event events[64];
    std::int64_t last_sweep = Now();
    while (!stopped) {
      const int n = epoll_wait(flusher_epoll, events, 64, 250);
      for (int i = 0; i < n; ++i) {
        std::shared_ptr<Connection> conn;
        {
          std::lock_guard lock(registry_mu);
          auto it = connections.find(events[i].data.u64);
          if (it != connections.end()) conn = it->second;
        }
        if (!conn) continue;
        std::lock_guard lock(conn->mu);
        if (!conn->open || !conn->in_flusher) continue;
        Flush(*conn);
        if (conn->out.empty()) MaybeDispatch(conn);
      }
      if (Now() - last_sweep >= 250'000'000) {
        last_sweep = Now();
        Sweep();
      }
    }
  }
};

namespace {

// Pistache's TCP handler: cloned for each reactor thread, all clones share the core.
class TcpEntry final : public Pistache::Tcp::Handler {
 public:
  PROTOTYPE_OF(Pistache::Tcp::Handler, TcpEntry)
  explicit TcpEntry(std::shared_ptr<HttpServer::Core> core) : core_(std::move(core)) {}
  void onInput(const char* buffer, size_t len, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    core_->OnInput(buffer, len, peer);
  }
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override { core_->OnConnection(peer); }
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override { core_->OnDisconnection(peer); }

 private:
  std::shared_ptr<HttpServer::Core> core_;
};

}  // namespace

HttpServer::HttpServer(const Router& router, AccountService& accounts, IdempotencyService& idempotency,
                       ServerSettings settings)
    : core_(std::make_shared<Core>(router, accounts, idempotency, std::move(settings))) {}

HttpServer::~HttpServer() {
  if (core_->listener && !core_->stopped) Shutdown(std::chrono::milliseconds(0));
}

void HttpServer::Start() {
  core_->flusher_epoll = epoll_create1(EPOLL_CLOEXEC);
  if (core_->flusher_epoll < 0) throw std::runtime_error("epoll_create1 failed");
  core_->flusher = std::thread([core = core_] { core->RunFlusher(); });
  Pistache::Address addr(core_->settings.host, Pistache::Port(core_->settings.port));
  core_->listener = std::make_unique<Pistache::Tcp::Listener>(addr);
  core_->listener->init(core_->settings.reactor_threads,
                        Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr) |
                            Pistache::Tcp::Options::NoDelay,
                        "parcours-io", 1024);
  core_->listener->setHandler(std::make_shared<TcpEntry>(core_));
  core_->listener->bind();
  core_->listener->runThreaded();
}

std::uint16_t HttpServer::Port() const { return static_cast<std::uint16_t>(core_->listener->getPort()); }

void HttpServer::Shutdown(std::chrono::milliseconds drain) {
  core_->draining = true;
  const auto deadline_ns = core_->Now() + drain.count() * 1000000LL;
  while (core_->in_flight.load() > 0 && core_->Now() < deadline_ns)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (core_->listener) core_->listener->shutdown();
  core_->pool.Stop();
  core_->health_pool.Stop();
  core_->stopped = true;
  if (core_->flusher.joinable()) core_->flusher.join();
  if (core_->flusher_epoll >= 0) ::close(core_->flusher_epoll);
  core_->flusher_epoll = -1;
  // The listener's handler clones (TcpEntry) hold the core, which holds the listener: freed
  // here, that cycle would otherwise keep the core, its connections and Pistache's reactor
  // alive after the server is gone (LeakSanitizer reported them at every server exit).
  core_->listener.reset();
}

}  // namespace parcours::http
