// Load generator for bench/rush.sh. Three measurements, same data shape, same machine:
//   raw     the registration use case driven directly from C++ (RegistrationService over
//           MySqlStore), no HTTP: the database ceiling;
//   http    POST /api/v1/sessions/{id}/registrations over keep-alive HTTP;
//   health  GET /health over keep-alive HTTP: the server's bare request rate;
//   opening the opening of a catalogue (bench/opening.sh): a scripted mix of reads and
//           registrations by thousands of people.
// Each prints one JSON line: committed/s, p50/p99 latency, errors, overbooking.
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <strings.h>
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
  int people = 5000;  // opening
};

struct Data {
  std::vector<Id> sessions;
  std::vector<Id> people;
  std::vector<std::string> tokens;
};

// Fresh sessions and people (with bearer tokens) in the given database; consecutive sessions
// share a module, `per_module` at a time.
Data Setup(Store& store, const std::string& tag, int sessions = kSessions, int people = kPeople,
           int capacity = kCapacity, int per_module = 1) {
  Data d;
  WallClock clock;
  const TimePoint now = clock.Now();
  store.Transact([&](UnitOfWork& u) {
    // One module per session: a person holds one active place per module, and each client
    // registers one person into every session in turn, as in a catalogue opening.
    Id module_id = 0;
    for (int i = 0; i < sessions; ++i) {
      if (i % per_module == 0) {
        Module m;
        m.code = "BENCH-" + tag + "-" + std::to_string(i);
        m.title = "Bench " + std::to_string(i / per_module);
        m.hours = 4;
        module_id = *u.catalogue().InsertModule(m);
      }
      Session s;
      s.module_id = module_id;
      s.starts_at = now + std::chrono::hours(24 * (60 + i));
      s.ends_at = s.starts_at + std::chrono::hours(4);
      s.decision_at = s.starts_at - std::chrono::hours(24 * 14);
      s.capacity = capacity;
      s.min_registrants = 10;
      d.sessions.push_back(u.catalogue().InsertSession(s));
    }
    return true;
  });
  for (int batch = 0; batch < people; batch += 500) {
    store.Transact([&](UnitOfWork& u) {
      for (int i = batch; i < std::min(people, batch + 500); ++i) {
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

struct Answer {
  long status = 0;  // 0: no answer (connection failed)
  std::string etag;
};

size_t KeepEtag(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  if (line.size() > 5 && strncasecmp(line.c_str(), "etag:", 5) == 0) {
    auto v = line.substr(5);
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t\r\n") + 1);
    *static_cast<std::string*>(out) = v;
  }
  return size * n;
}

// One request; `headers` are whole header lines ("Authorization: Bearer ...").
Answer Fetch(CurlState& s, const std::string& url, const std::string& method, const std::vector<std::string>& headers) {
  Answer a;
  curl_easy_setopt(s.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(s.curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(s.curl, CURLOPT_HEADERFUNCTION, KeepEtag);
  curl_easy_setopt(s.curl, CURLOPT_HEADERDATA, &a.etag);
  curl_easy_setopt(s.curl, CURLOPT_NOSIGNAL, 1L);
  if (!g_cacert.empty()) curl_easy_setopt(s.curl, CURLOPT_CAINFO, g_cacert.c_str());
  curl_easy_setopt(s.curl, CURLOPT_HTTPGET, 1L);
  if (method == "POST") {
    curl_easy_setopt(s.curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(s.curl, CURLOPT_POSTFIELDSIZE, 0L);
  }
  curl_easy_setopt(s.curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_slist_free_all(s.headers);
  // An ordinary HTTP/1.1 client: no Connection header, so the connection persists only because
  // HTTP/1.1 is persistent by default (RFC 9112 section 9.3).
  s.headers = nullptr;
  for (const auto& h : headers) s.headers = curl_slist_append(s.headers, h.c_str());
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
  if (curl_easy_perform(s.curl) != CURLE_OK) return a;
  curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &a.status);
  return a;
}

long Perform(CurlState& s, const std::string& url, const std::string& method, const std::string& token) {
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
  return Fetch(s, url, method, headers).status;
}

// The opening of a catalogue (bench/opening.sh). People arrive over `seconds` (40 % of them in
// the first tenth, the rest evenly after), each served by the next free client: the catalogue
// (the page for one person in two, the JSON for the other), the page of the session they want
// twice (the second time as a browser reloads: If-None-Match with the ETag it got, when it got
// one), a registration (most sessions fill and spill into their waiting lists), "mon parcours".
// Signed in throughout: pages with the session cookie, the registration with the bearer token.
void Opening(const Args& a, const Data& data, int people) {
  struct Kind {
    std::vector<double> ms;
    long ok = 0, not_modified = 0, errors = 0;
  };
  std::map<std::string, Kind> kinds;
  std::mutex mu;
  std::atomic<int> next{0};
  const auto start = Steady::now();
  const double span = a.seconds;
  auto arrival = [&](int k) {
    const double f = static_cast<double>(k) / people;
    const double t = f < 0.4 ? f / 0.4 * 0.1 * span : 0.1 * span + (f - 0.4) / 0.6 * 0.9 * span;
    return start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(t));
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < a.clients; ++c)
    threads.emplace_back([&] {
      CurlState s;
      std::map<std::string, Kind> mine;
      auto timed = [&](const std::string& kind, const std::string& path, const std::string& method,
                       const std::vector<std::string>& headers, long expected) {
        auto t0 = Steady::now();
        Answer r = Fetch(s, a.url + path, method, headers);
        Kind& k = mine[kind];
        k.ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        if (r.status == expected) ++k.ok;
        else if (r.status == 304) ++k.not_modified;
        else ++k.errors;
        return r;
      };
      for (;;) {
        const int k = next++;
        if (k >= people) break;
        std::this_thread::sleep_until(arrival(k));
        const std::string cookie = "Cookie: parcours_session=" + data.tokens[k];
        const std::string session = std::to_string(data.sessions[(k * 7919L) % data.sessions.size()]);
        if (k % 2 == 0) timed("catalogue page", "/", "GET", {cookie}, 200);
        else timed("catalogue json", "/api/v1/sessions?limit=100", "GET", {}, 200);
        Answer first = timed("session page", "/sessions/" + session, "GET", {cookie}, 200);
        std::vector<std::string> reload = {cookie};
        if (!first.etag.empty()) reload.push_back("If-None-Match: " + first.etag);
        timed("session page", "/sessions/" + session, "GET", reload, 200);
        timed("registration", "/api/v1/sessions/" + session + "/registrations", "POST",
              {"Authorization: Bearer " + data.tokens[k]}, 201);
        timed("mon parcours", "/parcours", "GET", {cookie}, 200);
      }
      std::lock_guard lock(mu);
      for (auto& [name, k] : mine) {
        Kind& t = kinds[name];
        t.ms.insert(t.ms.end(), k.ms.begin(), k.ms.end());
        t.ok += k.ok;
        t.not_modified += k.not_modified;
        t.errors += k.errors;
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  nlohmann::json out = {{"mode", "opening"}, {"clients", a.clients}, {"people", people}, {"seconds", seconds}};
  long errors = 0;
  for (auto& [name, k] : kinds) {
    errors += k.errors;
    out["kinds"][name] = {{"requests", k.ms.size()}, {"ok", k.ok}, {"not_modified", k.not_modified},
                          {"errors", k.errors}, {"p50_ms", Percentile(k.ms, 0.50)}, {"p99_ms", Percentile(k.ms, 0.99)}};
  }
  out["errors"] = errors;
  out["registrations_per_second"] = kinds["registration"].ok / seconds;
  std::cout << out.dump() << std::endl;
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
    else if (k == "--people") a.people = std::stoi(next());
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
  if (!url || (a.mode != "raw" && a.mode != "http" && a.mode != "opening")) {
    std::cerr << "usage: parcours_bench raw|http|health|opening --db URL [--url http(s)://...] [--cacert FILE] "
                 "[--clients N] [--seconds S] [--people N]\n";
    return 2;
  }
  ConnectionPool pool(*url, std::min(a.clients, 64) + 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  const std::string tag = a.mode + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
  if (a.mode == "opening") {
    // 100 sessions of 30 places, five per module: 3,000 places for 5,000 people.
    Data data = Setup(store, tag, 100, a.people, 30, 5);
    Opening(a, data, a.people);
    std::cout << nlohmann::json{{"mode", "opening-check"}, {"overbooked_sessions", Overbooked(store, data)}}.dump()
              << std::endl;
    return 0;
  }
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
