#pragma once
// Request/response values the handlers see, and a small path router: patterns like
// "/api/v1/sessions/{id}/registrations", literal segments matched exactly, "{x}" one segment.
// Unknown paths are 404, known paths with another method 405, both as problem+json.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"
#include "http/json_io.h"
#include "services/catalogue_cache.h"
#include "services/pagination.h"

namespace parcours::http {

enum class Method { kGet, kPost, kPut, kPatch, kDelete, kHead, kOther };
const char* ToString(Method m);
Method MethodFromString(const std::string& token);

struct HttpRequest {
  Method method = Method::kGet;
  std::string path;                   // percent-decoded
  std::vector<std::string> segments;  // the path's decoded segments
  std::vector<std::string> params;    // the "{x}" segments, in order
  std::string body;
  RequestContext ctx;
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  const struct Route* route = nullptr;                      // the matched route

  // The first value of a query parameter / a header (name case-insensitive).
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
  // The answer is the same for every request with the same target and headers while the
  // catalogue holds this stamp (a public catalogue read): the server may keep it and answer
  // such requests itself once a version read shows it still fresh (server.cpp, "kept answers").
  std::optional<CatalogueStamp> kept_under{};

  static HttpResponse Json(int status, const json& body);
  static HttpResponse Problem(const DomainError& e, const std::string& request_id);
};

enum class Access { kAnyone, kSignedIn };
using Handler = std::function<HttpResponse(HttpRequest&)>;
// A handler that authorises the caller first (handlers.h: CoordinatorOnly...): it also checks
// the query parameters, after authorising, so that a caller who may not use a route learns
// nothing about what it reads.
struct Guarded {
  Handler handler;
};

struct Route {
  Method method;
  std::string pattern;
  Access access;
  Handler handler;
  std::vector<std::string> segments;
  std::vector<std::string> query{};  // the query parameters it reads; any other is a 400
  bool guarded = false;            // the handler authorises, then checks the query itself
};

class Router {
 public:
  void Add(Method method, const std::string& pattern, Access access, Handler handler);
  void Add(Method method, const std::string& pattern, Access access, Guarded guarded);
  // Declares the query parameters a route reads (none unless declared): an unknown or repeated
  // parameter is a 400 naming it, before the handler runs.
  void AllowQuery(Method method, const std::string& pattern, std::vector<std::string> names);
  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::vector<Method> allowed;  // when the path matched with other methods only
  };
  Match Find(Method method, const std::vector<std::string>& segments) const;
  Match Find(Method method, const std::string& path) const;  // splits, without decoding
  // "GET /api/v1/sessions ?module_id,limit", one line per route with the query parameters it
  // reads, for the OpenAPI coverage check.
  std::vector<std::string> Describe() const;
  // Answers every request outside /api/ and /health that no route matched (the pages).
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }
  const Handler& fallback() const { return fallback_; }

 private:
  std::vector<Route> routes_;
  Handler fallback_;
};

// nullopt when every query parameter is one the route reads, once; else the 400 to answer.
std::optional<DomainError> CheckQuery(const Route& route, const HttpRequest& req);

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

// The Location of a 201 answer from route "METHOD /pattern" (empty when the creation has no
// single resource). Defined beside the routes it names (resources_handler.cpp).
std::string LocationOf(const std::string& route, const HttpRequest& req, const json& created);

// For a route that reads no body: nullopt when the body is empty or an empty JSON object, else
// the 4xx to answer (a field is a 400 naming it).
std::optional<HttpResponse> RefuseBody(const HttpRequest& req);
// Parses the body as a JSON object; on failure `out` holds the 400 (or 415: not sent as
// application/json) response.
std::optional<json> BodyObject(const HttpRequest& req, HttpResponse& out);
// Is the request's Content-Type `type` (parameters ignored; "+json" types too when asked)?
bool HasMediaType(const HttpRequest& req, std::string_view type, bool json_suffix = false);

}  // namespace parcours::http
