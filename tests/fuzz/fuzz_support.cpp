#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>

#include "common/text.h"

namespace parcours::fuzz {

void Finding(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

app::OfflineRoutes& Offline() {
  static auto* offline = new app::OfflineRoutes;  // lives as long as the process
  return *offline;
}

bool FromParsed(const http::ParsedRequest& parsed, http::HttpRequest& req) {
  req.method = http::MethodFromString(parsed.method);
  req.headers = parsed.headers;
  req.body = parsed.body;
  req.ctx.client_address = "192.0.2.7";
  req.ctx.request_id = "fuzz";
  auto target = http::ParseTarget(parsed.target);
  if (!target) return false;
  req.path = std::move(target->path);
  req.segments = std::move(target->segments);
  req.query = std::move(target->query);
  return true;
}

http::HttpResponse Run(http::HttpRequest& req, const Principal* principal) {
  auto& offline = Offline();
  const auto& router = offline.router;
  try {
    const http::Method lookup = req.method == http::Method::kHead ? http::Method::kGet : req.method;
    auto match = router.Find(lookup, req.segments);
    if (!match.route && !req.path.starts_with("/api/") && req.path != "/api") return router.fallback()(req);
    if (!match.route) {  // as the server answers: problem+json
      if (match.allowed.empty())
        return http::HttpResponse::Problem({ErrorCode::kNotFound, "nothing here", {}}, req.ctx.request_id);
      http::HttpResponse r;
      r.status = 405;
      r.content_type = "application/problem+json";
      r.body = R"({"status":405})";
      return r;
    }
    req.params = std::move(match.params);
    req.route = match.route;
    if (principal) {
      req.ctx.principal = *principal;
    } else if (auto auth = req.Header("Authorization")) {
      std::string value(Trim(*auth));
      if (value.size() < 8 || AsciiLower(value.substr(0, 7)) != "bearer ")
        return http::HttpResponse::Problem({ErrorCode::kUnauthenticated, "bad scheme", {}}, req.ctx.request_id);
      auto p = offline.accounts.Authenticate(std::string(Trim(std::string_view(value).substr(7))));
      if (!p) return http::HttpResponse::Problem(p.error(), req.ctx.request_id);
      req.ctx.principal = *p;
    }
    if (match.route->access == http::Access::kSignedIn && req.ctx.principal.kind == Principal::Kind::kAnonymous)
      return http::HttpResponse::Problem({ErrorCode::kUnauthenticated, "sign in", {}}, req.ctx.request_id);
    if (!match.route->guarded)
      if (auto bad = http::CheckQuery(*match.route, req)) return http::HttpResponse::Problem(*bad, req.ctx.request_id);
    return match.route->handler(req);
  } catch (const StoreUnavailable&) {
    http::HttpResponse r;  // the server answers 503 problem+json
    r.status = 503;
    r.content_type = "application/problem+json";
    r.body = R"({"status":503})";
    return r;
  } catch (const std::exception& e) {
    Finding(std::string("exception escaped the handler of ") + req.path + ": " + e.what() +
         " (the server would answer 500)");
  }
}

void CheckAnswer(const http::HttpResponse& r, const std::string& context) {
  if (r.status >= 500 && r.status != 503) Finding(context + ": answered " + std::to_string(r.status));
  if (r.status < 100 || r.status > 599) Finding(context + ": status " + std::to_string(r.status));
  const bool page = r.content_type.starts_with("text/html");
  if (r.status >= 400 && r.status != 404 && r.status != 405 && !page) {
    if (r.content_type != "application/problem+json") Finding(context + ": error without problem+json");
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || j.value("status", 0) != r.status) Finding(context + ": problem body " + r.body);
  }
  if (r.content_type == "application/json") {
    if (nlohmann::json::parse(r.body, nullptr, false).is_discarded()) Finding(context + ": JSON answer does not parse");
  }
}

std::string ToUtf8(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t j = i;
    // Accept the longest valid sequence at i, else replace one byte.
    const unsigned char c = bytes[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len && i + len <= bytes.size() && IsValidUtf8(bytes.substr(i, len))) {
      out.append(bytes.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      i = j + 1;
    }
  }
  return out;
}

}  // namespace parcours::fuzz
