#pragma once
// Shared by the fuzz targets: a finding is reported by Finding (abort, so that libFuzzer keeps the
// input), and requests are run through the route table as the server runs them.
#include <cstdint>
#include <string>
#include <string_view>

#include "app/offline_routes.h"
#include "http/http_parser.h"
#include "http/router.h"

namespace parcours::fuzz {

// Prints what broke and aborts: libFuzzer records the input as a crash.
// Not named Fail: the targets say `using namespace parcours`, and parcours::Fail (common/
// expected.h, a template that makes an error value) was chosen over it for string literals, so
// that most checks did nothing at all.
[[noreturn]] void Finding(const std::string& what);

// The route table over a store that refuses every transaction, made once per process.
app::OfflineRoutes& Offline();

// What HttpServer does with one parsed request (server.cpp, Answer and Dispatch, up to the
// Idempotency-Key step): decode the target, match a route (or the pages' fallback), 404/405,
// authenticate a bearer token, refuse a missing one, check the query, run the handler. The
// refusing store makes every transaction throw StoreUnavailable, which the server answers 503.
// `principal` stands for what authentication would have found (the store can find nothing).
// Returns the answer; an escaping exception other than StoreUnavailable is a finding.
http::HttpResponse Run(http::HttpRequest& req, const Principal* principal);

// The request as the server builds it from a parsed one (method, headers, body, target).
// False when the target does not decode (the server answers 400).
bool FromParsed(const http::ParsedRequest& parsed, http::HttpRequest& req);

// Checks what every answer must be: no 5xx other than 503; an error is problem+json (or a
// page) whose JSON "status" is the status; a JSON answer parses.
void CheckAnswer(const http::HttpResponse& r, const std::string& context);

// Valid UTF-8 made from arbitrary bytes (each invalid byte becomes U+FFFD), as text read from
// the database always is.
std::string ToUtf8(std::string_view bytes);

}  // namespace parcours::fuzz
