// Page rendering for bench/pages.sh, on the demo database (catalogue and demo people):
//   direct  each page through web::Site::Handle over the real services and MariaDB, no HTTP:
//           what the server spends on a page (service calls + templates);
//   render  the templates alone (layout included) with each page's data captured once;
//   http    GET over a keep-alive HTTP connection to a running server (libcurl).
// Prints one JSON line per page: p50/p99 in ms, HTML bytes, HTML + stylesheet bytes.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "services/account_service.h"
#include "services/attendance_service.h"
#include "services/attestation_service.h"
#include "services/catalogue_service.h"
#include "services/registration_service.h"
#include "storage/connection_pool.h"
#include "storage/mysql_store.h"
#include "web/site.h"

using namespace parcours;
using Steady = std::chrono::steady_clock;

namespace {

class WallClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()); }
};

class FixedRandom final : public RandomSource {
 public:
  std::string Bytes(std::size_t n) override { return std::string(n, '\x5a'); }
};

struct Figures {
  double p50 = 0, p99 = 0;
};

Figures Percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

web::WebRequest Request(const std::string& path, const std::string& cookie) {
  web::WebRequest r;
  r.method = "GET";
  r.path = path;
  for (std::size_t start = 1; start <= path.size();) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    r.segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (r.segments.empty()) r.segments.push_back("");
  r.headers = {{"accept", "text/html"}, {"accept-language", "fr"}, {"host", "127.0.0.1:8080"}};
  if (!cookie.empty()) r.headers.push_back({"cookie", cookie});
  r.client_address = "127.0.0.1";
  return r;
}

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: pages_bench direct|http DATABASE_URL|BASE_URL EMAIL PASSWORD [REPEATS [PAGE...]]\n";
    return 2;
  }
  const std::string mode = argv[1], target = argv[2], email = argv[3], password = argc > 4 ? argv[4] : "";
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 500;
  std::vector<std::pair<std::string, bool>> pages = {
      {"/", false}, {"/sessions/1", false}, {"/login", false}, {"/signup", false}, {"/password/forgot", false},
      {"/parcours", true}, {"/registrations", true}, {"/attestations", true}, {"/profile", true}};
  // Pages named after REPEATS replace the list, all read signed in (the staff's pages).
  if (argc > 6) {
    pages.clear();
    for (int i = 6; i < argc; ++i) pages.push_back({argv[i], true});
  }

  if (mode == "http") {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL* c = curl_easy_init();
    std::string body;
    auto get = [&](const std::string& path, const std::string& cookie, const std::string& post = "") {
      body.clear();
      curl_easy_setopt(c, CURLOPT_URL, (target + path).c_str());
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
      curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
      curl_easy_setopt(c, CURLOPT_COOKIE, cookie.c_str());
      curl_slist* headers = curl_slist_append(nullptr, "Accept: text/html");
      if (!post.empty()) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.c_str());
      } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
      }
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
      curl_easy_perform(c);
      curl_slist_free_all(headers);
    };
    get("/api/v1/auth/login", "", nlohmann::json{{"email", email}, {"password", password}}.dump());
    const std::string token = nlohmann::json::parse(body).value("token", "");
    get("/static/site.css", "");
    const std::size_t css = body.size();
    for (const auto& [path, signed_in] : pages) {
      std::vector<double> ms;
      const std::string cookie = signed_in ? "parcours_session=" + token : "";
      for (int i = 0; i < repeats; ++i) {
        auto t0 = Steady::now();
        get(path, cookie);
        ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
      }
      auto f = Percentiles(ms);
      std::cout << nlohmann::json{{"mode", "http"}, {"page", path}, {"p50_ms", f.p50}, {"p99_ms", f.p99},
                                  {"html_bytes", body.size()}, {"with_css_bytes", body.size() + css}}
                       .dump()
                << std::endl;
    }
    curl_easy_cleanup(c);
    return 0;
  }

  auto url = DatabaseUrl::Parse(target);
  if (!url) return 2;
  ConnectionPool pool(*url, 4);
  MySqlStore store(pool);
  WallClock clock;
  FixedRandom random;
  HashingGate gate;
  AccountSettings settings;
  AccountService accounts(store, clock, random, gate, settings);
  CatalogueService catalogue(store, clock);
  RegistrationService registrations(store, clock);
  AttendanceService attendance(store, clock);
  AttestationService attestations(store, clock, random, nullptr, nullptr, {});
  web::Site site({accounts, catalogue, registrations, attendance, attestations, clock, random}, {"http://127.0.0.1:8080"});
  RequestContext ctx;
  ctx.client_address = "127.0.0.1";
  auto token = accounts.Login(ctx, email, password);
  if (!token) {
    std::cerr << "login failed: " << token.error().detail << "\n";
    return 1;
  }
  const std::string css = site.Handle(Request("/static/site.css", "")).body;
  for (const auto& [path, signed_in] : pages) {
    const auto req = Request(path, signed_in ? "parcours_session=" + token->token : "parcours_csrf=" + std::string(40, 'a'));
    std::vector<double> ms;
    std::string html;
    int status = 0;
    for (int i = 0; i < repeats; ++i) {
      auto t0 = Steady::now();
      auto r = site.Handle(req);
      ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
      html = std::move(r.body);
      status = r.status;
    }
    auto f = Percentiles(ms);
    std::cout << nlohmann::json{{"mode", "direct"}, {"page", path}, {"status", status}, {"p50_ms", f.p50}, {"p99_ms", f.p99},
                                {"html_bytes", html.size()}, {"with_css_bytes", html.size() + css.size()}}
                     .dump()
              << std::endl;
  }
  return 0;
}
