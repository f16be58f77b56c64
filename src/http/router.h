#pragma once
// Request/response values the handlers see, and a small path router: patterns like
// "/api/v1/sessions/{id}/registrations", literal segments matched exactly, "{x}" one segment.
// Unknown paths are 404, known paths with another method 405, both as problem+json.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <pistache/http.h>

#include "domain/errors.h"
#include "domain/model.h"
#include "http/json_io.h"
#include "services/pagination.h"

namespace parcours::http {

enum class Method { kGet, kPost, kPut, kDelete, kOther };
const char* ToString(Method m);

struct HttpRequest {
  Method method = Method::kGet;
  std::string path;
  std::vector<std::string> params;  // the "{x}" segments, in order
  std::string body;
  RequestContext ctx;
  const Pistache::Http::Request* raw = nullptr;

  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string location;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // Allow, Retry-After...
  // The body holds a secret shown once (a token, an API key): never stored for replay.
  bool carries_secret = false;

  static HttpResponse Json(int status, const json& body);
  static HttpResponse Problem(const DomainError& e, const std::string& request_id);
};

enum class Access { kAnyone, kSignedIn };
using Handler = std::function<HttpResponse(HttpRequest&)>;

struct Route {
  Method method;
  std::string pattern;
  Access access;
  Handler handler;
  std::vector<std::string> segments;
};

class Router {
 public:
  void Add(Method method, const std::string& pattern, Access access, Handler handler);
  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::vector<Method> allowed;  // when the path matched with other methods only
  };
  Match Find(Method method, const std::string& path) const;
  // "GET /api/v1/sessions/{id}", one line per route, for the OpenAPI coverage check.
  std::vector<std::string> Describe() const;

 private:
  std::vector<Route> routes_;
};

// Helpers shared by the handler files.
// A route id parameter: nullopt when it cannot name anything (→ 404).
std::optional<Id> IdParam(const HttpRequest& req, std::size_t index);
HttpResponse NotFound(const HttpRequest& req, const std::string& what);
Result<PageRequest> ReadPage(const HttpRequest& req);
json ListJson(const json& items, const std::optional<std::string>& next_cursor);

// Maps a service result: the error as problem+json, or `to_json(value)` with `status`.
template <class T, class F>
HttpResponse Reply(const HttpRequest& req, const Result<T>& r, int status, F to_json) {
  if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
  return HttpResponse::Json(status, to_json(*r));
}

template <class T, class F>
HttpResponse ReplyPage(const HttpRequest& req, const Result<Page<T>>& r, F to_json) {
  if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
  json items = json::array();
  for (const auto& item : r->items) items.push_back(to_json(item));
  return HttpResponse::Json(200, ListJson(items, r->next_cursor));
}

// Parses the body as a JSON object; on failure `out` holds the 400 response.
std::optional<json> BodyObject(const HttpRequest& req, HttpResponse& out);

}  // namespace parcours::http
