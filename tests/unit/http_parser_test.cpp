// The HTTP/1.1 request parser and target decoding, byte by byte where it matters: framing,
// pipelining, limits and every malformed input a hostile client sent in the review.
#include "http/http_parser.h"

#include <catch2/catch.hpp>

using namespace parcours::http;

namespace {

struct Outcome {
  std::vector<ParsedRequest> requests;
  std::optional<ParseError> error;
};

Outcome ParseAll(const std::string& bytes, ParserLimits limits = {}, std::size_t step = 0) {
  RequestParser p(limits);
  Outcome out;
  auto drain = [&] {
    for (;;) {
      ParsedRequest r;
      auto s = p.Next(r);
      if (s == RequestParser::State::kRequest) out.requests.push_back(std::move(r));
      else if (s == RequestParser::State::kError) {
        out.error = p.error();
        return false;
      } else {
        return true;
      }
    }
  };
  if (step == 0) {
    p.Feed(bytes);
    drain();
  } else {
    for (std::size_t i = 0; i < bytes.size(); i += step) {
      p.Feed(std::string_view(bytes).substr(i, step));
      if (!drain()) break;
    }
  }
  return out;
}

int ErrorStatus(const std::string& bytes, ParserLimits limits = {}) {
  auto o = ParseAll(bytes, limits);
  return o.error ? o.error->status : 0;
}

}  // namespace

TEST_CASE("http parser: a GET, persistent by default in HTTP/1.1", "[http]") {
  auto o = ParseAll("GET /api/v1/sessions?limit=20 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
  REQUIRE(o.requests.size() == 1);
  CHECK(o.requests[0].method == "GET");
  CHECK(o.requests[0].target == "/api/v1/sessions?limit=20");
  CHECK(o.requests[0].keep_alive);
  CHECK(*o.requests[0].Header("accept") == "*/*");
  CHECK_FALSE(o.error);
}

TEST_CASE("http parser: Connection close, HTTP/1.0 and its keep-alive", "[http]") {
  CHECK_FALSE(ParseAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").requests[0].keep_alive);
  CHECK_FALSE(ParseAll("GET / HTTP/1.0\r\n\r\n").requests[0].keep_alive);
  CHECK(ParseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").requests[0].keep_alive);
}

TEST_CASE("http parser: pipelined requests come out in order, fed whole or byte by byte", "[http]") {
  const std::string two =
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t step : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
    auto o = ParseAll(two, {}, step);
    REQUIRE(o.requests.size() == 2);
    CHECK(o.requests[0].body == "hello");
    CHECK(o.requests[1].target == "/b");
  }
}

TEST_CASE("http parser: chunked bodies are decoded, with extensions and trailers", "[http]") {
  auto o = ParseAll(
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n");
  REQUIRE(o.requests.size() == 1);
  CHECK(o.requests[0].body == "hello world");
}

TEST_CASE("http parser: bad Content-Length values are 400, oversized ones 413", "[http]") {
  const std::string head = "POST / HTTP/1.1\r\nHost: x\r\n";
  CHECK(ErrorStatus(head + "Content-Length: -5\r\n\r\n") == 400);
  CHECK(ErrorStatus(head + "Content-Length: 99999999999999999999\r\n\r\n") == 400);
  CHECK(ErrorStatus(head + "Content-Length: 12abc\r\n\r\n") == 400);
  CHECK(ErrorStatus(head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n") == 400);
  CHECK(ErrorStatus(head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(ErrorStatus(head + "Content-Length: 10485760\r\n\r\n") == 413);  // before any body byte
  ParserLimits small;
  small.max_body = 10;
  CHECK(ErrorStatus(head + "Transfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n", small) == 413);
  CHECK(ErrorStatus(head + "Transfer-Encoding: gzip\r\n\r\n") == 501);
}

TEST_CASE("http parser: limits on the request line, header size and header count", "[http]") {
  CHECK(ErrorStatus("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") == 414);
  CHECK(ErrorStatus("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'b') + "\r\n\r\n") == 431);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 5000; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  CHECK(ErrorStatus(many + "\r\n") == 431);
  // A request line that never ends is refused once it passes the limit, not buffered forever.
  CHECK(ErrorStatus("GET /" + std::string(20000, 'a')) == 414);
}

TEST_CASE("http parser: garbage, bad versions and bad header lines", "[http]") {
  CHECK(ErrorStatus(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15)) == 400);  // TLS
  CHECK(ErrorStatus("hello\r\n\r\n") == 400);
  CHECK(ErrorStatus("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(ErrorStatus("GET / HTTX/1.1\r\n\r\n") == 400);
  CHECK(ErrorStatus("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  CHECK(ErrorStatus("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n") == 400);
  CHECK(ErrorStatus("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n") == 400);
  CHECK(ErrorStatus(std::string("GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 35)) == 400);
  CHECK(ErrorStatus("GET / HTTP/1.1\r\n\r\n") == 400);  // no Host
  CHECK(ErrorStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(ErrorStatus("GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n") == 417);
}

TEST_CASE("http parser: Expect 100-continue is noticed before the body", "[http]") {
  RequestParser p;
  p.Feed("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  ParsedRequest r;
  CHECK(p.Next(r) == RequestParser::State::kNeedMore);
  CHECK(p.AwaitingBody());
  CHECK(p.current().expects_continue);
  p.Feed("abc");
  CHECK(p.Next(r) == RequestParser::State::kRequest);
  CHECK(r.body == "abc");
  CHECK_FALSE(p.AwaitingBody());
}

TEST_CASE("http target: path segments and query values are percent-decoded", "[http]") {
  auto t = ParseTarget("/api/v1/sessions?from=2027-03-01T00:00:00%2B02:00&q=Marie+Schmit&x=a%26b");
  REQUIRE(t);
  CHECK(t->segments == std::vector<std::string>{"api", "v1", "sessions"});
  REQUIRE(t->query.size() == 3);
  CHECK(t->query[0].second == "2027-03-01T00:00:00+02:00");
  CHECK(t->query[1].second == "Marie Schmit");
  CHECK(t->query[2].second == "a&b");
  auto encoded_slash = ParseTarget("/verify/AB%2FCD");
  REQUIRE(encoded_slash);
  CHECK(encoded_slash->segments == std::vector<std::string>{"verify", "AB/CD"});
  CHECK(ParseTarget("/caf%C3%A9")->segments[0] == "café");
}

TEST_CASE("http target: bad escapes, NUL, control characters and invalid UTF-8 are refused", "[http]") {
  CHECK_FALSE(ParseTarget("/a%2"));
  CHECK_FALSE(ParseTarget("/a%zz"));
  CHECK_FALSE(ParseTarget("/a%00b"));
  CHECK_FALSE(ParseTarget("/a?x=%0a"));
  CHECK_FALSE(ParseTarget("/a?x=%ff"));
  CHECK_FALSE(ParseTarget("/a?x=%C0%AF"));  // overlong
  CHECK_FALSE(ParseTarget("http://example.org/"));
  CHECK_FALSE(ParseTarget("*"));
}

TEST_CASE("http parser: a head the caller admits may carry a larger body, asked only when it may be large", "[http]") {
  ParserLimits limits;
  limits.max_body = 10;
  limits.max_large_body = 30;
  int asked = 0;
  limits.large_body = [&](const ParsedRequest& head) {
    ++asked;
    const std::string* auth = head.Header("authorization");
    return head.target.starts_with("/upload") && auth && *auth == "Bearer staff";
  };
  auto request = [](const std::string& target, const std::string& auth, const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: t\r\n" + (auth.empty() ? "" : "Authorization: " + auth + "\r\n") +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  // Small bodies: nobody is asked.
  CHECK(ParseAll(request("/upload", "", "small"), limits).requests.size() == 1);
  CHECK(asked == 0);
  // Admitted: up to the larger limit, and not one byte more.
  auto big = ParseAll(request("/upload?kind=a", "Bearer staff", std::string(30, 'x')), limits);
  REQUIRE(big.requests.size() == 1);
  CHECK(big.requests[0].body.size() == 30);
  CHECK(asked == 1);
  auto over = ParseAll(request("/upload", "Bearer staff", std::string(31, 'x')), limits);
  REQUIRE(over.error);
  CHECK(over.error->status == 413);
  // Not admitted (another caller, another route): the general limit, from the head.
  for (const auto& [target, auth] : {std::pair{"/upload", "Bearer participant"}, std::pair{"/upload", ""},
                                     std::pair{"/other", "Bearer staff"}}) {
    auto r = ParseAll(request(target, auth, std::string(11, 'x')), limits);
    REQUIRE(r.error);
    CHECK(r.error->status == 413);
  }
  // A chunked body is asked about at its head too, and held to the limit it gets.
  const std::string chunked = "POST /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer staff\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n14\r\n" + std::string(20, 'y') + "\r\n0\r\n\r\n";
  auto c = ParseAll(chunked, limits, 7);
  REQUIRE(c.requests.size() == 1);
  CHECK(c.requests[0].body.size() == 20);
  const std::string too_long = "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n" +
                               std::string(20, 'y') + "\r\n0\r\n\r\n";
  auto refused = ParseAll(too_long, limits);
  REQUIRE(refused.error);
  CHECK(refused.error->status == 413);
}
