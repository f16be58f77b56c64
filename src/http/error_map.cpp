#include "http/error_map.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace parcours::http {
namespace {

struct Problem {
  int status;
  const char* slug;
  const char* title;
};

Problem Describe(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return {400, "malformed-request", "Malformed request"};
    case ErrorCode::kInvalidInput: return {422, "invalid-input", "Invalid input"};
    case ErrorCode::kUnauthenticated: return {401, "unauthenticated", "Authentication required"};
    case ErrorCode::kForbidden: return {403, "forbidden", "Not allowed"};
    case ErrorCode::kNotFound: return {404, "not-found", "Not found"};
    case ErrorCode::kConflict: return {409, "conflict", "Conflict with the current state"};
    case ErrorCode::kAlreadyRegistered: return {409, "already-registered", "Already registered"};
    case ErrorCode::kAlreadyInModule: return {409, "already-in-module", "Already registered in this module"};
    case ErrorCode::kAlreadyExists: return {409, "already-exists", "Already exists"};
    case ErrorCode::kSessionNotOpen: return {422, "session-not-open", "Session not open for registration"};
    case ErrorCode::kRuleViolation: return {422, "rule-violation", "Not allowed by the rules"};
    case ErrorCode::kTooManyAttempts: return {429, "too-many-attempts", "Too many attempts"};
    case ErrorCode::kIdempotencyKeyReused: return {422, "idempotency-key-reused", "Idempotency key reused"};
    case ErrorCode::kIdempotencyInProgress: return {409, "idempotency-in-progress", "Request in progress"};
    case ErrorCode::kIdempotencyAnswerGone: return {409, "idempotency-answer-gone", "Request already carried out"};
    case ErrorCode::kUnsupportedMediaType: return {415, "unsupported-media-type", "Unsupported media type"};
    case ErrorCode::kUnavailable: return {503, "unavailable", "Service unavailable"};
    case ErrorCode::kBusy: return {503, "busy", "Service busy"};
    case ErrorCode::kLoginConfirmationSent:
      return {403, "login-confirmation-sent", "Login to be confirmed by e-mail"};
    case ErrorCode::kTooLarge: return {413, "too-large", "Content too large"};
  }
  return {500, "internal", "Internal error"};
}

}  // namespace

int StatusFor(ErrorCode code) { return Describe(code).status; }

std::optional<std::string> RetryAfter(const DomainError& e) {
  if (e.retry_after) return std::to_string(std::max<long long>(1, e.retry_after->count()));
  if (e.code == ErrorCode::kBusy) return "1";
  return std::nullopt;
}

std::string ProblemJson(int status, const std::string& slug, const std::string& title,
                        const std::string& detail, const std::string& request_id) {
  nlohmann::json j = {{"type", "/problems/" + slug}, {"title", title}, {"status", status},
                      {"detail", detail}, {"request_id", request_id}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ProblemJson(const DomainError& e, const std::string& request_id) {
  Problem p = Describe(e.code);
  nlohmann::json j = {{"type", std::string("/problems/") + p.slug}, {"title", p.title},
                      {"status", p.status}, {"detail", e.detail}, {"request_id", request_id}};
  if (!e.errors.empty()) {
    j["errors"] = nlohmann::json::array();
    for (const auto& f : e.errors) j["errors"].push_back({{"field", f.field}, {"message", f.message}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace parcours::http
