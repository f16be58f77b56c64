#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include "common/text.h"
#include "common/time.h"
#include "domain/repositories.h"
#include "http/error_map.h"
#include "services/crypto.h"

namespace parcours::http {

namespace Header = Pistache::Http::Header;

// Response headers Pistache has no class for (addRaw is not sent by 0.0.5).
#define PARCOURS_RAW_HEADER(Class, HeaderName)                                   \
  class Class : public Header::Header {                                          \
   public:                                                                       \
    NAME(HeaderName)                                                             \
    Class() = default;                                                           \
    explicit Class(std::string v) : value_(std::move(v)) {}                      \
    void parse(const std::string& data) override { value_ = data; }              \
    void write(std::ostream& os) const override { os << value_; }                \
                                                                                 \
   private:                                                                      \
    std::string value_;                                                          \
  };
PARCOURS_RAW_HEADER(RequestIdHeader, "X-Request-Id")
PARCOURS_RAW_HEADER(RawContentType, "Content-Type")
PARCOURS_RAW_HEADER(RawLocation, "Location")
PARCOURS_RAW_HEADER(RawAllow, "Allow")
PARCOURS_RAW_HEADER(RawRetryAfter, "Retry-After")
PARCOURS_RAW_HEADER(RawContentDisposition, "Content-Disposition")
PARCOURS_RAW_HEADER(RawIdempotentReplay, "Idempotent-Replayed")
PARCOURS_RAW_HEADER(RawWwwAuthenticate, "WWW-Authenticate")
PARCOURS_RAW_HEADER(RawContentLanguage, "Content-Language")

namespace {

std::mutex log_mutex;
std::atomic<const Clock*> log_clock{nullptr};

Method FromPistache(Pistache::Http::Method m) {
  switch (m) {
    case Pistache::Http::Method::Get: return Method::kGet;
    case Pistache::Http::Method::Post: return Method::kPost;
    case Pistache::Http::Method::Put: return Method::kPut;
    case Pistache::Http::Method::Delete: return Method::kDelete;
    default: return Method::kOther;
  }
}

bool SaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

// A fixed pool of threads draining a FIFO of tasks.
class WorkerPool {
 public:
  explicit WorkerPool(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Stop(); }
  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
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
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

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

struct HttpServer::Core {
  const Router& router;
  AccountService& accounts;
  IdempotencyService& idempotency;
  ServerSettings settings;
  WorkerPool pool;
  std::atomic<long> in_flight{0};  // accepted before the drain began, not yet answered
  std::atomic<bool> draining{false};
  std::atomic<unsigned long long> next_request{0};
  std::string id_prefix;

  Core(const Router& r, AccountService& a, IdempotencyService& i, ServerSettings s)
      : router(r), accounts(a), idempotency(i), settings(std::move(s)), pool(settings.worker_threads) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(getpid()));
    id_prefix = buf;
  }

  HttpResponse Dispatch(HttpRequest& req, Method method) {
    auto match = router.Find(method, req.path);
    if (!match.route) {
      if (!match.allowed.empty()) {
        HttpResponse r;
        r.status = 405;
        r.content_type = "application/problem+json";
        r.body = ProblemJson(405, "method-not-allowed", "Method not allowed",
                             "This path does not accept this method.", req.ctx.request_id);
        std::string allow;
        for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(ToString(m));
        r.extra_headers.push_back({"Allow", allow});
        return r;
      }
      return HttpResponse::Problem({ErrorCode::kNotFound, "There is nothing at this path.", {}},
                                   req.ctx.request_id);
    }
    req.params = std::move(match.params);
    if (req.body.size() > settings.max_body_bytes) {
      HttpResponse r;
      r.status = 413;
      r.content_type = "application/problem+json";
      r.body = ProblemJson(413, "payload-too-large", "Payload too large",
                           "The request body is larger than 1 MiB.", req.ctx.request_id);
      return r;
    }
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
    if (match.route->access == Access::kSignedIn &&
        req.ctx.principal.kind == Principal::Kind::kAnonymous) {
      auto r = HttpResponse::Problem({ErrorCode::kUnauthenticated, "This route needs a bearer token.", {}},
                                     req.ctx.request_id);
      r.extra_headers.push_back({"WWW-Authenticate", "Bearer"});
      return r;
    }
    auto key = method == Method::kPost ? req.Header("Idempotency-Key") : std::nullopt;
    if (!key) return match.route->handler(req);

    const std::string scope = req.ctx.principal.kind == Principal::Kind::kAnonymous
                                  ? "anonymous:" + req.ctx.client_address
                                  : req.ctx.principal.Label();
    const std::string fingerprint = Sha256Hex(req.path + "\n" + req.body);
    auto begun = idempotency.Begin(scope, *key, fingerprint);
    if (!begun) return HttpResponse::Problem(begun.error(), req.ctx.request_id);
    if (auto* stored = std::get_if<StoredResponse>(&*begun)) {
      HttpResponse r{stored->status, stored->content_type, stored->body, stored->location, {}};
      r.extra_headers.push_back({"Idempotent-Replayed", "true"});
      return r;
    }
    const CommitFence claim = std::get<CommitFence>(*begun);
    HttpResponse r;
    try {
      CommitFenceScope fenced(&claim);  // every commit of this request checks the claim
      r = match.route->handler(req);
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
      LogJson({{"level", "error"}, {"request_id", req.ctx.request_id}, {"message", std::string("idempotency record not saved: ") + e.what()}});
    }
    return r;
  }

  void Handle(const Pistache::Http::Request& raw, Pistache::Http::ResponseWriter& writer,
              bool accepted) {
    const auto start = settings.monotonic_ns();
    HttpRequest req;
    req.raw = &raw;
    req.path = raw.resource();
    req.body = raw.body();
    const Method method = FromPistache(raw.method());
    req.method = method;
    auto incoming = req.Header("X-Request-Id");
    req.ctx.request_id = incoming && SaneRequestId(*incoming)
                             ? *incoming
                             : id_prefix + "-" + std::to_string(++next_request);
    req.ctx.client_address = raw.address().host();

    HttpResponse resp;
    std::string error_text;
    try {
      if (!accepted) {
        // Arrived after SIGTERM: the server is finishing what it had and will close.
        resp.status = 503;
        resp.content_type = "application/problem+json";
        resp.body = ProblemJson(503, "shutting-down", "Service unavailable",
                                "The server is shutting down; retry on another instance.", req.ctx.request_id);
        resp.extra_headers.push_back({"Retry-After", "1"});
      } else {
        resp = Dispatch(req, method);
      }
    } catch (const StoreBusy& e) {
      error_text = e.what();
      resp.status = 503;
      resp.content_type = "application/problem+json";
      resp.body = ProblemJson(503, "busy", "Service busy",
                              "Too many requests are changing the same data; nothing was stored. Try again.",
                              req.ctx.request_id);
      resp.extra_headers.push_back({"Retry-After", "1"});
    } catch (const CommitOutcomeUnknown& e) {
      error_text = e.what();
      resp.status = 503;
      resp.content_type = "application/problem+json";
      resp.body = ProblemJson(503, "outcome-unknown", "Outcome unknown",
                              "The database connection was lost while saving; the change may or may not be "
                              "stored. Retry with the same Idempotency-Key, or read the resource first.",
                              req.ctx.request_id);
      resp.extra_headers.push_back({"Retry-After", "2"});
    } catch (const StoreUnavailable& e) {
      error_text = e.what();
      resp.status = 503;
      resp.content_type = "application/problem+json";
      resp.body = ProblemJson(503, "unavailable", "Service unavailable",
                              "The database is not available; try again shortly.", req.ctx.request_id);
      resp.extra_headers.push_back({"Retry-After", "2"});
    } catch (const std::exception& e) {
      error_text = e.what();
      resp.status = 500;
      resp.content_type = "application/problem+json";
      resp.body = ProblemJson(500, "internal", "Internal error",
                              "Something went wrong on our side; the request id identifies it in our logs.",
                              req.ctx.request_id);
    }

    auto& headers = writer.headers();
    headers.add<RequestIdHeader>(req.ctx.request_id);
    headers.add<RawContentType>(resp.content_type);
    if (!resp.location.empty()) headers.add<RawLocation>(resp.location);
    for (const auto& [name, value] : resp.extra_headers) {
      if (name == "Allow") headers.add<RawAllow>(value);
      else if (name == "Retry-After") headers.add<RawRetryAfter>(value);
      else if (name == "Content-Disposition") headers.add<RawContentDisposition>(value);
      else if (name == "Idempotent-Replayed") headers.add<RawIdempotentReplay>(value);
      else if (name == "WWW-Authenticate") headers.add<RawWwwAuthenticate>(value);
      else if (name == "Content-Language") headers.add<RawContentLanguage>(value);
    }
    writer.send(static_cast<Pistache::Http::Code>(resp.status), resp.body);

    json line = {{"level", resp.status >= 500 ? "error" : "info"},
                 {"request_id", req.ctx.request_id},
                 {"method", ToString(method)},
                 {"path", req.path},
                 {"status", resp.status},
                 {"duration_ms", (settings.monotonic_ns() - start) / 1e6}};
    if (!error_text.empty()) line["error"] = error_text;
    LogJson(line);
  }
};

namespace {

class Entry final : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(Entry)
  explicit Entry(std::shared_ptr<HttpServer::Core> core) : core_(std::move(core)) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override {
    // Hand the request to a worker: the reactor thread goes back to its other connections.
    auto core = core_;
    ++core->in_flight;  // before looking at draining: Shutdown() then waits for this request
    const bool accepted = !core->draining.load();
    if (!accepted) --core->in_flight;
    auto writer = std::make_shared<Pistache::Http::ResponseWriter>(std::move(response));
    core->pool.Post([core, request, writer, accepted]() mutable {
      core->Handle(request, *writer, accepted);
      if (accepted) --core->in_flight;
    });
  }

 private:
  std::shared_ptr<HttpServer::Core> core_;
};

}  // namespace

HttpServer::HttpServer(const Router& router, AccountService& accounts,
                       IdempotencyService& idempotency, ServerSettings settings)
    : core_(std::make_shared<Core>(router, accounts, idempotency, std::move(settings))) {}

HttpServer::~HttpServer() = default;

void HttpServer::Start() {
  Pistache::Address addr(core_->settings.host, Pistache::Port(core_->settings.port));
  endpoint_ = std::make_unique<Pistache::Http::Endpoint>(addr);
  // Pistache's own limit sits above ours so that we answer 413 as problem+json.
  auto opts = Pistache::Http::Endpoint::options()
                  .threads(core_->settings.reactor_threads)
                  .threadsName("parcours-io")
                  .flags(Pistache::Tcp::Options::ReuseAddr)
                  .backlog(1024)
                  .maxRequestSize(core_->settings.max_body_bytes * 4 + 65536)
                  .maxResponseSize(64 << 20)
                  .keepaliveTimeout(std::chrono::seconds(60));
  endpoint_->init(opts);
  endpoint_->setHandler(Pistache::Http::make_handler<Entry>(core_));
  endpoint_->serveThreaded();
}

std::uint16_t HttpServer::Port() const { return static_cast<std::uint16_t>(endpoint_->getPort()); }

void HttpServer::Shutdown(std::chrono::milliseconds drain) {
  core_->draining = true;
  const auto deadline_ns = core_->settings.monotonic_ns() + drain.count() * 1000000LL;
  while (core_->in_flight.load() > 0 && core_->settings.monotonic_ns() < deadline_ns)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  endpoint_->shutdown();
  core_->pool.Stop();
}

}  // namespace parcours::http
