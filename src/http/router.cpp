#include "http/router.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "common/text.h"
#include "http/error_map.h"

namespace parcours::http {
namespace {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  if (path.empty() || path[0] != '/') return out;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

const char* ToString(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kHead: return "HEAD";
    default: return "OTHER";
  }
}

Method MethodFromString(const std::string& token) {
  if (token == "GET") return Method::kGet;
  if (token == "POST") return Method::kPost;
  if (token == "PUT") return Method::kPut;
  if (token == "PATCH") return Method::kPatch;
  if (token == "DELETE") return Method::kDelete;
  if (token == "HEAD") return Method::kHead;
  return Method::kOther;
}

std::optional<std::string> HttpRequest::Query(const std::string& name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Header(const std::string& name) const {
  const std::string lower = AsciiLower(name);
  for (const auto& [k, v] : headers)
    if (k == lower) return v;
  return std::nullopt;
}

HttpResponse HttpResponse::Json(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::Problem(const DomainError& e, const std::string& request_id) {
  HttpResponse r;
  r.status = StatusFor(e.code);
  r.content_type = "application/problem+json";
  r.body = ProblemJson(e, request_id);
  return r;
}

void Router::Add(Method method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back({method, pattern, access, std::move(handler), SplitPath(pattern)});
}

void Router::Add(Method method, const std::string& pattern, Access access, Guarded guarded) {
  routes_.push_back({method, pattern, access, std::move(guarded.handler), SplitPath(pattern)});
  routes_.back().guarded = true;
}

void Router::AllowQuery(Method method, const std::string& pattern, std::vector<std::string> names) {
  for (auto& r : routes_)
    if (r.method == method && r.pattern == pattern) {
      r.query = std::move(names);
      return;
    }
  throw std::logic_error("AllowQuery: no route " + std::string(ToString(method)) + " " + pattern);
}

std::optional<DomainError> CheckQuery(const Route& route, const HttpRequest& req) {
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < req.query.size(); ++i) {
    const std::string& name = req.query[i].first;
    if (std::find(route.query.begin(), route.query.end(), name) == route.query.end()) {
      errors.push_back({name, "is not a query parameter of this route"});
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (req.query[j].first == name) errors.push_back({name, "is given more than once"});
  }
  if (errors.empty()) return std::nullopt;
  return DomainError{ErrorCode::kMalformed, "Invalid query parameters.", errors};
}

Router::Match Router::Find(Method method, const std::string& path) const {
  return Find(method, SplitPath(path));
}

Router::Match Router::Find(Method method, const std::vector<std::string>& segments) const {
  Match match;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      if (IsParam(route.segments[i])) {
        if (segments[i].empty()) ok = false;
        else params.push_back(segments[i]);
      } else {
        ok = route.segments[i] == segments[i];
      }
    }
    if (!ok) continue;
    if (route.method == method) {
      match.route = &route;
      match.params = std::move(params);
      return match;
    }
    match.allowed.push_back(route.method);
  }
  return match;
}

std::vector<std::string> Router::Describe() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    std::string line = std::string(ToString(r.method)) + " " + r.pattern;
    for (std::size_t i = 0; i < r.query.size(); ++i) line += (i == 0 ? " ?" : ",") + r.query[i];
    out.push_back(line);
  }
  return out;
}

std::optional<Id> IdParam(const HttpRequest& req, std::size_t index) {
  if (index >= req.params.size()) return std::nullopt;
  return ParseId(req.params[index]);
}

HttpResponse NotFound(const HttpRequest& req, const std::string& what) {
  return HttpResponse::Problem({ErrorCode::kNotFound, "No " + what + " has this id.", {}},
                               req.ctx.request_id);
}

Result<PageRequest> ReadPage(const HttpRequest& req) {
  PageRequest page;
  std::vector<FieldError> errors;
  if (auto limit = req.Query("limit")) {
    auto n = ParseId(*limit);
    if (!n || *n > kMaxPageSize) errors.push_back({"limit", "must be an integer from 1 to 500"});
    else page.limit = static_cast<int>(*n);
  }
  if (auto cursor = req.Query("cursor")) {
    if (cursor->empty() || cursor->size() > 100) errors.push_back({"cursor", "is not a valid cursor"});
    else page.cursor = *cursor;
  }
  if (!errors.empty()) return Error(ErrorCode::kMalformed, "Invalid query parameters.", errors);
  return page;
}

json ListJson(const json& items, const std::optional<std::string>& next_cursor) {
  return {{"items", items}, {"next_cursor", next_cursor ? json(*next_cursor) : json(nullptr)}};
}

bool HasMediaType(const HttpRequest& req, std::string_view type, bool json_suffix) {
  auto value = req.Header("Content-Type");
  if (!value) return false;
  std::string media = AsciiLower(Trim(std::string_view(*value).substr(0, value->find(';'))));
  return media == type || (json_suffix && media.ends_with("+json"));
}

std::optional<json> BodyObject(const HttpRequest& req, HttpResponse& out) {
  // Only a JSON media type: a form or text/plain body is what a cross-site page can send
  // without a CORS preflight, so accepting it would allow login and sign-up CSRF.
  if (!req.body.empty() && !HasMediaType(req, "application/json", true)) {
    out = HttpResponse::Problem({ErrorCode::kUnsupportedMediaType, "Send the body as application/json.", {}},
                                req.ctx.request_id);
    return std::nullopt;
  }
  auto parsed = ParseObject(req.body);
  if (!parsed) {
    out = HttpResponse::Problem(parsed.error(), req.ctx.request_id);
    return std::nullopt;
  }
  return std::move(*parsed);
}

std::optional<HttpResponse> RefuseBody(const HttpRequest& req) {
  if (req.body.empty()) return std::nullopt;
  HttpResponse bad;
  auto body = BodyObject(req, bad);
  if (!body) return bad;
  FieldReader f(*body);
  if (f.ok()) return std::nullopt;
  return HttpResponse::Problem(f.Problem("This request has no fields."), req.ctx.request_id);
}

}  // namespace parcours::http
