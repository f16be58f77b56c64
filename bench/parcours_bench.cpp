// Load generator for bench/rush.sh. Three measurements, same data shape, same machine:
//   raw     the registration use case driven directly from C++ (RegistrationService over
//           MySqlStore), no HTTP: the database ceiling;
//   http    POST /api/v1/sessions/{id}/registrations over keep-alive HTTP;
//   health  GET /health over keep-alive HTTP: the server's bare request rate.
// Each prints one JSON line: committed/s, p50/p99 latency, errors, overbooking.
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/time.h"
#include "domain/repositories.h"
#include "services/crypto.h"
#include "services/registration_service.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"

using namespace parcours;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kSessions = 50;
constexpr int kCapacity = 40;
constexpr int kPeople = 2000;

class WallClock final : public parcours::Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

struct Args {
  std::string mode, db, url, cacert;
  int clients = 48;
  int seconds = 10;
};

struct Data {
  std::vector<Id> sessions;
  std::vector<Id> people;
  std::vector<std::string> tokens;
};

// Fresh sessions and people (with bearer tokens) in the given database.
Data Setup(Store& store, const std::string& tag) {
  Data d;
  WallClock clock;
  const TimePoint now = clock.Now();
  store.Transact([&](UnitOfWork& u) {
    // One module per session: a person holds one active place per module, and each client
    // registers one person into every session in turn, as in a catalogue opening.
    for (int i = 0; i < kSessions; ++i) {
      Module m;
      m.code = "BENCH-" + tag + "-" + std::to_string(i);
      m.title = "Bench";
      m.hours = 4;
      Session s;
      s.module_id = *u.catalogue().InsertModule(m);
      s.starts_at = now + std::chrono::hours(24 * 60);
      s.ends_at = s.starts_at + std::chrono::hours(4);
      s.decision_at = s.starts_at - std::chrono::hours(24 * 14);
      s.capacity = kCapacity;
      s.min_registrants = 10;
      d.sessions.push_back(u.catalogue().InsertSession(s));
    }
    return true;
  });
  for (int batch = 0; batch < kPeople; batch += 500) {
    store.Transact([&](UnitOfWork& u) {
      for (int i = batch; i < std::min(kPeople, batch + 500); ++i) {
        User p;
        p.email = "bench-" + tag + "-" + std::to_string(i) + "@bench.lu";
        p.name = "Bench " + std::to_string(i);
        p.created_at = now;
        Id id = *u.users().Insert(p);
        std::string token = "pt_bench_" + tag + "_" + std::to_string(i) + "_0123456789abcdef";
        u.users().InsertToken(Sha256Hex(token), id, now, now + std::chrono::hours(24));
        d.people.push_back(id);
        d.tokens.push_back(token);
      }
      return true;
    });
  }
  return d;
}

// Sessions whose confirmed registrations exceed capacity (must be 0).
int Overbooked(Store& store, const Data& d) {
  int over = 0;
  store.Transact([&](UnitOfWork& u) {
    for (Id s : d.sessions) {
      int confirmed = 0;
      for (Id after = 0;;) {
        auto rows = u.registrations().ListForSession(s, after, 500);
        if (rows.empty()) break;
        for (auto& r : rows) confirmed += r.status == RegistrationStatus::kConfirmed;
        after = rows.back().id;
      }
      auto session = u.catalogue().FindSession(s, false);
      if (confirmed > session->capacity || confirmed != session->confirmed_count) ++over;
    }
    return true;
  });
  return over;
}

struct Result {
  long ok = 0, errors = 0;
  std::vector<double> latencies_ms;
  double seconds = 0;
};

// Runs `op(k)` from `clients` threads for `seconds`; k is a global sequence number.
template <class Op>
Result Drive(int clients, int seconds, long max_ops, Op op) {
  Result total;
  std::mutex mu;
  std::atomic<long> next{0};
  const auto start = Steady::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      Result mine;
      auto state = op.MakeState(c);
      for (;;) {
        long k = next++;
        if (k >= max_ops || Steady::now() >= deadline) break;
        auto t0 = Steady::now();
        bool ok = op.Run(state, k);
        mine.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        (ok ? mine.ok : mine.errors)++;
      }
      std::lock_guard lock(mu);
      total.ok += mine.ok;
      total.errors += mine.errors;
      total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(), mine.latencies_ms.end());
    });
  for (auto& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return total;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

void Report(const std::string& mode, Result r, int clients, int overbooked) {
  nlohmann::json j = {{"mode", mode},
                      {"clients", clients},
                      {"ok", r.ok},
                      {"errors", r.errors},
                      {"seconds", r.seconds},
                      {"per_second", r.ok / r.seconds},
                      {"p50_ms", Percentile(r.latencies_ms, 0.50)},
                      {"p99_ms", Percentile(r.latencies_ms, 0.99)},
                      {"overbooked_sessions", overbooked}};
  std::cout << j.dump() << std::endl;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

std::string g_cacert;  // --cacert: the CA of an https:// URL (nginx in front of the servers)

struct CurlState {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  CurlState() = default;
  CurlState(const CurlState&) = delete;
  CurlState& operator=(const CurlState&) = delete;
  ~CurlState() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
};

long Perform(CurlState& s, const std::string& url, const std::string& method, const std::string& token) {
  curl_easy_setopt(s.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(s.curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(s.curl, CURLOPT_NOSIGNAL, 1L);
  if (!g_cacert.empty()) curl_easy_setopt(s.curl, CURLOPT_CAINFO, g_cacert.c_str());
  if (method == "POST") {
    curl_easy_setopt(s.curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(s.curl, CURLOPT_POSTFIELDSIZE, 0L);
  }
  curl_slist_free_all(s.headers);
  // An ordinary HTTP/1.1 client: no Connection header, so the connection persists only because
  // HTTP/1.1 is persistent by default (RFC 9112 section 9.3).
  s.headers = nullptr;
  if (!token.empty()) s.headers = curl_slist_append(s.headers, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
  if (curl_easy_perform(s.curl) != CURLE_OK) return 0;
  long status = 0;
  curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--db") a.db = next();
    else if (k == "--url") a.url = next();
    else if (k == "--cacert") a.cacert = next();
    else if (k == "--clients") a.clients = std::stoi(next());
    else if (k == "--seconds") a.seconds = std::stoi(next());
    else a.mode = k;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  g_cacert = a.cacert;
  const long max_ops = static_cast<long>(kSessions) * kPeople;

  if (a.mode == "health") {
    struct Op {
      std::string url;
      std::unique_ptr<CurlState> MakeState(int) { return std::make_unique<CurlState>(); }
      bool Run(std::unique_ptr<CurlState>& s, long) { return Perform(*s, url + "/health", "GET", "") == 200; }
    } op{a.url};
    Report("health", Drive(a.clients, a.seconds, 1L << 40, op), a.clients, 0);
    return 0;
  }

  auto url = DatabaseUrl::Parse(a.db);
  if (!url || (a.mode != "raw" && a.mode != "http")) {
    std::cerr << "usage: parcours_bench raw|http|health --db URL [--url http(s)://...] [--cacert FILE] [--clients N] "
                 "[--seconds S]\n";
    return 2;
  }
  ConnectionPool pool(*url, a.clients + 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  const std::string tag = a.mode + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
  Data data = Setup(store, tag);

  if (a.mode == "raw") {
    WallClock clock;
    RegistrationService service(store, clock);
    struct Op {
      RegistrationService& service;
      Data& data;
      int MakeState(int) { return 0; }
      bool Run(int, long k) {
        RequestContext ctx;
        ctx.principal.kind = Principal::Kind::kUser;
        ctx.principal.roles = RoleBit(Role::kParticipant);
        ctx.principal.user_id = data.people[k / kSessions];
        ctx.request_id = "bench";
        RegistrationRequest in;
        in.session_id = data.sessions[k % kSessions];
        return service.Register(ctx, in).ok();
      }
    } op{service, data};
    auto r = Drive(a.clients, a.seconds, max_ops, op);
    Report("raw", std::move(r), a.clients, Overbooked(store, data));
  } else {
    struct Op {
      std::string base;
      Data& data;
      std::unique_ptr<CurlState> MakeState(int) { return std::make_unique<CurlState>(); }
      bool Run(std::unique_ptr<CurlState>& s, long k) {
        std::string path = base + "/api/v1/sessions/" + std::to_string(data.sessions[k % kSessions]) + "/registrations";
        return Perform(*s, path, "POST", data.tokens[k / kSessions]) == 201;
      }
    } op{a.url, data};
    auto r = Drive(a.clients, a.seconds, max_ops, op);
    Report("http", std::move(r), a.clients, Overbooked(store, data));
  }
  return 0;
}
