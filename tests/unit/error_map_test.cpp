// Unit tests of src/http/error_map: the one mapping from business outcomes to HTTP statuses
// and RFC 9457 problem documents.
#include "http/error_map.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace parcours::http {
namespace {

using nlohmann::json;

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kMalformed,
    ErrorCode::kInvalidInput,
    ErrorCode::kUnauthenticated,
    ErrorCode::kForbidden,
    ErrorCode::kNotFound,
    ErrorCode::kConflict,
    ErrorCode::kAlreadyRegistered,
    ErrorCode::kAlreadyInModule,
    ErrorCode::kAlreadyExists,
    ErrorCode::kSessionNotOpen,
    ErrorCode::kTooManyAttempts,
    ErrorCode::kIdempotencyKeyReused,
    ErrorCode::kIdempotencyInProgress,
    ErrorCode::kUnavailable,
    ErrorCode::kBusy,
    ErrorCode::kLoginConfirmationSent,
};

}  // namespace

TEST_CASE("error_map: every error code has its HTTP status", "[error_map]") {
  CHECK(StatusFor(ErrorCode::kMalformed) == 400);
  CHECK(StatusFor(ErrorCode::kInvalidInput) == 422);
  CHECK(StatusFor(ErrorCode::kUnauthenticated) == 401);
  CHECK(StatusFor(ErrorCode::kForbidden) == 403);
  CHECK(StatusFor(ErrorCode::kNotFound) == 404);
  CHECK(StatusFor(ErrorCode::kConflict) == 409);
  CHECK(StatusFor(ErrorCode::kAlreadyRegistered) == 409);
  CHECK(StatusFor(ErrorCode::kAlreadyInModule) == 409);
  CHECK(StatusFor(ErrorCode::kAlreadyExists) == 409);
  CHECK(StatusFor(ErrorCode::kSessionNotOpen) == 422);
  CHECK(StatusFor(ErrorCode::kTooManyAttempts) == 429);
  CHECK(StatusFor(ErrorCode::kIdempotencyKeyReused) == 422);
  CHECK(StatusFor(ErrorCode::kIdempotencyInProgress) == 409);
  CHECK(StatusFor(ErrorCode::kUnavailable) == 503);
  CHECK(StatusFor(ErrorCode::kBusy) == 503);
  CHECK(StatusFor(ErrorCode::kLoginConfirmationSent) == 403);
}

TEST_CASE("error_map: refusals that say when to come back carry Retry-After", "[error_map]") {
  CHECK(RetryAfter(DomainError{ErrorCode::kTooManyAttempts, "wait", {}, std::chrono::seconds(360)}) == "360");
  CHECK(RetryAfter(DomainError{ErrorCode::kBusy, "busy", {}}) == "1");
  CHECK(RetryAfter(DomainError{ErrorCode::kTooManyAttempts, "now", {}, std::chrono::seconds(0)}) == "1");
  CHECK_FALSE(RetryAfter(DomainError{ErrorCode::kNotFound, "gone", {}}));
  json doc = json::parse(ProblemJson(DomainError{ErrorCode::kBusy, "Try again.", {}}, "r"));
  CHECK(doc["type"] == "/problems/busy");
  CHECK(doc["status"] == 503);
}

TEST_CASE("error_map: ProblemJson has type, title, status, detail and request_id", "[error_map]") {
  DomainError e{ErrorCode::kNotFound, "No session has this id.", {}};
  json doc = json::parse(ProblemJson(e, "req-42"));
  CHECK(doc["type"] == "/problems/not-found");
  CHECK(doc["title"] == "Not found");
  CHECK(doc["status"] == 404);
  CHECK(doc["detail"] == "No session has this id.");
  CHECK(doc["request_id"] == "req-42");
  CHECK_FALSE(doc.contains("errors"));
  CHECK(doc.size() == 5);
}

TEST_CASE("error_map: ProblemJson lists field errors when present", "[error_map]") {
  DomainError e{ErrorCode::kInvalidInput,
                "The request has invalid fields.",
                {{"email", "is required"}, {"capacity", "must be between 1 and 100000"}}};
  json doc = json::parse(ProblemJson(e, "req-1"));
  CHECK(doc["type"] == "/problems/invalid-input");
  CHECK(doc["status"] == 422);
  REQUIRE(doc["errors"].is_array());
  REQUIRE(doc["errors"].size() == 2);
  CHECK(doc["errors"][0] == json{{"field", "email"}, {"message", "is required"}});
  CHECK(doc["errors"][1]["field"] == "capacity");
  CHECK(doc["errors"][1]["message"] == "must be between 1 and 100000");
}

TEST_CASE("error_map: every code has a distinct problem type and a matching status",
          "[error_map]") {
  std::set<std::string> types;
  for (ErrorCode code : kAllCodes) {
    json doc = json::parse(ProblemJson(DomainError{code, "d", {}}, "r"));
    INFO(doc.dump());
    CHECK(doc["status"] == StatusFor(code));
    std::string type = doc["type"];
    CHECK(type.rfind("/problems/", 0) == 0);
    CHECK_FALSE(doc["title"].get<std::string>().empty());
    types.insert(type);
  }
  CHECK(types.size() == std::size(kAllCodes));
}

TEST_CASE("error_map: ProblemJson survives invalid UTF-8 in the detail", "[error_map]") {
  DomainError e{ErrorCode::kMalformed, "bad \xff byte", {{"na\xffme", "x"}}};
  std::string text;
  REQUIRE_NOTHROW(text = ProblemJson(e, "r"));
  json doc = json::parse(text);
  CHECK(doc["status"] == 400);
}

TEST_CASE("error_map: the explicit ProblemJson overload writes the given fields", "[error_map]") {
  json doc = json::parse(
      ProblemJson(405, "method-not-allowed", "Method not allowed", "Use GET or POST.", "req-9"));
  CHECK(doc == json{{"type", "/problems/method-not-allowed"},
                    {"title", "Method not allowed"},
                    {"status", 405},
                    {"detail", "Use GET or POST."},
                    {"request_id", "req-9"}});
}

}  // namespace parcours::http
