// Unit tests of src/http/router: path matching, parameters, allowed methods, the route
// listing, and the small response helpers the handlers share. No server is started.
#include "http/router.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace parcours::http {
namespace {

Handler Returning(int status) {
  return [status](HttpRequest&) {
    HttpResponse r;
    r.status = status;
    return r;
  };
}

Router SampleRouter() {
  Router router;
  router.Add(Method::kGet, "/api/v1/health", Access::kAnyone, Returning(200));
  router.Add(Method::kGet, "/api/v1/sessions", Access::kAnyone, Returning(201));
  router.Add(Method::kPost, "/api/v1/sessions", Access::kSignedIn, Returning(202));
  router.Add(Method::kGet, "/api/v1/sessions/{id}", Access::kAnyone, Returning(203));
  router.Add(Method::kDelete, "/api/v1/sessions/{id}", Access::kSignedIn, Returning(204));
  router.Add(Method::kGet, "/api/v1/sessions/{id}/registrations", Access::kSignedIn,
             Returning(205));
  router.Add(Method::kPost, "/api/v1/sessions/{id}/registrations/{registration_id}/withdraw",
             Access::kSignedIn, Returning(206));
  return router;
}

bool Contains(const std::vector<Method>& v, Method m) {
  return std::find(v.begin(), v.end(), m) != v.end();
}

}  // namespace

TEST_CASE("router: literal paths match their method", "[router]") {
  Router router = SampleRouter();
  auto get = router.Find(Method::kGet, "/api/v1/sessions");
  REQUIRE(get.route);
  CHECK(get.route->method == Method::kGet);
  CHECK(get.route->pattern == "/api/v1/sessions");
  CHECK(get.route->access == Access::kAnyone);
  CHECK(get.params.empty());

  auto post = router.Find(Method::kPost, "/api/v1/sessions");
  REQUIRE(post.route);
  CHECK(post.route->method == Method::kPost);
  CHECK(post.route->access == Access::kSignedIn);

  HttpRequest req;
  CHECK(post.route->handler(req).status == 202);
}

TEST_CASE("router: {param} segments match one segment and are returned in order", "[router]") {
  Router router = SampleRouter();
  auto one = router.Find(Method::kGet, "/api/v1/sessions/42");
  REQUIRE(one.route);
  CHECK(one.route->pattern == "/api/v1/sessions/{id}");
  CHECK(one.params == std::vector<std::string>{"42"});

  auto nested = router.Find(Method::kGet, "/api/v1/sessions/42/registrations");
  REQUIRE(nested.route);
  CHECK(nested.params == std::vector<std::string>{"42"});

  auto two = router.Find(Method::kPost, "/api/v1/sessions/7/registrations/99/withdraw");
  REQUIRE(two.route);
  CHECK(two.params == std::vector<std::string>{"7", "99"});
  HttpRequest req;
  CHECK(two.route->handler(req).status == 206);
}

TEST_CASE("router: parameters are passed through as text, not validated", "[router]") {
  Router router = SampleRouter();
  auto m = router.Find(Method::kGet, "/api/v1/sessions/abc");
  REQUIRE(m.route);
  CHECK(m.params == std::vector<std::string>{"abc"});
}

TEST_CASE("router: a known path with another method reports the allowed methods", "[router]") {
  Router router = SampleRouter();
  auto put = router.Find(Method::kPut, "/api/v1/sessions/42");
  CHECK_FALSE(put.route);
  CHECK(put.allowed.size() == 2);
  CHECK(Contains(put.allowed, Method::kGet));
  CHECK(Contains(put.allowed, Method::kDelete));

  auto del = router.Find(Method::kDelete, "/api/v1/sessions");
  CHECK_FALSE(del.route);
  CHECK(del.allowed.size() == 2);
  CHECK(Contains(del.allowed, Method::kGet));
  CHECK(Contains(del.allowed, Method::kPost));

  auto other = router.Find(Method::kOther, "/api/v1/health");
  CHECK_FALSE(other.route);
  CHECK(other.allowed == std::vector<Method>{Method::kGet});
}

TEST_CASE("router: unknown paths match nothing and allow nothing", "[router]") {
  Router router = SampleRouter();
  for (const char* path : {"/api/v1/unknown", "/", "", "api/v1/health", "/API/v1/health",
                           "/api/v2/health", "/api/v1/healthz"}) {
    INFO("path '" << path << "'");
    auto m = router.Find(Method::kGet, path);
    CHECK_FALSE(m.route);
    CHECK(m.allowed.empty());
  }
}

TEST_CASE("router: extra or missing segments do not match", "[router]") {
  Router router = SampleRouter();
  for (const char* path :
       {"/api/v1/sessions/42/registrations/extra", "/api/v1/health/", "/api/v1/health/x", "/api/v1",
        "/api", "/api/v1/sessions/7/registrations/99",
        "/api/v1/sessions/7/registrations/99/withdraw/now"}) {
    INFO("path '" << path << "'");
    auto m = router.Find(Method::kGet, path);
    CHECK_FALSE(m.route);
    auto post = router.Find(Method::kPost, path);
    CHECK_FALSE(post.route);
  }
}

TEST_CASE("router: empty parameter segments do not match", "[router]") {
  Router router = SampleRouter();
  for (const char* path : {"/api/v1/sessions/", "/api/v1/sessions//registrations",
                           "/api/v1/sessions/7/registrations//withdraw",
                           "/api/v1/sessions//registrations//withdraw"}) {
    INFO("path '" << path << "'");
    auto get = router.Find(Method::kGet, path);
    CHECK_FALSE(get.route);
    CHECK(get.allowed.empty());
    auto post = router.Find(Method::kPost, path);
    CHECK_FALSE(post.route);
    CHECK(post.allowed.empty());
  }
}

TEST_CASE("router: Describe lists METHOD /pattern for every route in order", "[router]") {
  Router router = SampleRouter();
  CHECK(router.Describe() ==
        std::vector<std::string>{
            "GET /api/v1/health", "GET /api/v1/sessions", "POST /api/v1/sessions",
            "GET /api/v1/sessions/{id}", "DELETE /api/v1/sessions/{id}",
            "GET /api/v1/sessions/{id}/registrations",
            "POST /api/v1/sessions/{id}/registrations/{registration_id}/withdraw"});
  CHECK(Router().Describe().empty());
}

TEST_CASE("router: method names", "[router]") {
  CHECK(std::string(ToString(Method::kGet)) == "GET");
  CHECK(std::string(ToString(Method::kPost)) == "POST");
  CHECK(std::string(ToString(Method::kPut)) == "PUT");
  CHECK(std::string(ToString(Method::kDelete)) == "DELETE");
  CHECK(std::string(ToString(Method::kOther)) == "OTHER");
}

TEST_CASE("router: IdParam reads a positive id parameter", "[router]") {
  HttpRequest req;
  req.params = {"42", "abc", "0"};
  CHECK(IdParam(req, 0) == 42LL);
  CHECK_FALSE(IdParam(req, 1));
  CHECK_FALSE(IdParam(req, 2));
  CHECK_FALSE(IdParam(req, 3));
}

TEST_CASE("router: ReadPage without a query uses the defaults", "[router]") {
  HttpRequest req;  // no raw request: no query parameters
  auto page = ReadPage(req);
  REQUIRE(page);
  CHECK(page->limit == kDefaultPageSize);
  CHECK_FALSE(page->cursor);
}

TEST_CASE("router: response helpers write JSON and problem documents", "[router]") {
  auto ok = HttpResponse::Json(201, json{{"name", "LTAS"}});
  CHECK(ok.status == 201);
  CHECK(ok.content_type == "application/json");
  CHECK(json::parse(ok.body) == json{{"name", "LTAS"}});

  HttpRequest req;
  req.ctx.request_id = "req-7";
  auto missing = NotFound(req, "session");
  CHECK(missing.status == 404);
  CHECK(missing.content_type == "application/problem+json");
  auto doc = json::parse(missing.body);
  CHECK(doc["detail"] == "No session has this id.");
  CHECK(doc["request_id"] == "req-7");

  auto list = ListJson(json::array({1, 2}), std::nullopt);
  CHECK(list["items"] == json::array({1, 2}));
  CHECK(list["next_cursor"].is_null());
  CHECK(ListJson(json::array(), std::string("abc"))["next_cursor"] == "abc");
}

TEST_CASE("router: BodyObject answers 400 for a body that is not an object", "[router]") {
  HttpRequest req;
  HttpResponse out;
  req.headers = {{"content-type", "application/json"}};
  req.body = "[1,2]";
  CHECK_FALSE(BodyObject(req, out));
  CHECK(out.status == 400);
  req.body = R"({"a":1})";
  auto obj = BodyObject(req, out);
  REQUIRE(obj);
  CHECK((*obj)["a"] == 1);
}

TEST_CASE("router: BodyObject answers 415 unless the body is sent as JSON", "[router]") {
  HttpRequest req;
  HttpResponse out;
  req.body = R"({"a":1})";
  CHECK_FALSE(BodyObject(req, out));  // no Content-Type at all
  CHECK(out.status == 415);
  req.headers = {{"content-type", "text/plain;charset=UTF-8"}};
  CHECK_FALSE(BodyObject(req, out));
  CHECK(out.status == 415);
  req.headers = {{"content-type", "Application/JSON; charset=utf-8"}};
  CHECK(BodyObject(req, out));
  req.headers = {{"content-type", "application/merge-patch+json"}};
  CHECK(BodyObject(req, out));
}

}  // namespace parcours::http
