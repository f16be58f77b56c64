#pragma once
// Business outcomes that are not successes. Services return them as values; one file
// (src/http/error_map.cpp) turns them into HTTP statuses.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"

namespace parcours {

enum class ErrorCode {
  kMalformed,              // the request cannot be read at all
  kInvalidInput,           // readable, but fields break rules (carries FieldErrors)
  kUnauthenticated,        // no or invalid credentials
  kForbidden,              // authenticated, not allowed
  kNotFound,
  kConflict,               // conflicts with the current state (generic)
  kAlreadyRegistered,      // one active registration per person and session
  kAlreadyInModule,        // one active registration per person and module (another date)
  kAlreadyExists,          // unique code or e-mail taken
  kSessionNotOpen,         // cancelled, completed or started session
  kRuleViolation,          // valid input that breaks a business rule (422)
  kTooManyAttempts,        // login or sign-up throttled (says when to come back)
  kIdempotencyKeyReused,   // same key, different request
  kIdempotencyInProgress,  // same key, first request still running
  kIdempotencyAnswerGone,  // same key, work done, but its answer cannot be replayed
  kUnsupportedMediaType,   // the body is not of the type the route reads
  kUnavailable,            // a dependency is down
  kBusy,                   // too much work of this kind at once (password hashing); retry shortly
  kLoginConfirmationSent,  // right password, new address, account under attack: confirm by e-mail
  kTooLarge,               // the content is larger than the route accepts (413)
};

struct FieldError {
  std::string field;
  std::string message;
};

struct DomainError {
  ErrorCode code;
  std::string detail;
  std::vector<FieldError> errors;
  std::optional<std::chrono::seconds> retry_after = std::nullopt;  // when to try again, if known
};

template <class T>
using Result = Expected<T, DomainError>;

inline Unexpected<DomainError> Error(ErrorCode code, std::string detail,
                                     std::vector<FieldError> errors = {}) {
  return {DomainError{code, std::move(detail), std::move(errors)}};
}
// A refusal that says when to come back (throttling, a busy resource).
inline Unexpected<DomainError> RetryLater(ErrorCode code, std::string detail, std::chrono::seconds after) {
  return {DomainError{code, std::move(detail), {}, after}};
}
// The refusal of an action only coordinators may take.
inline Unexpected<DomainError> CoordinatorsOnly() {
  return Error(ErrorCode::kForbidden, "This action is reserved to coordinators.");
}
inline Unexpected<DomainError> Invalid(std::vector<FieldError> errors) {
  return Error(ErrorCode::kInvalidInput, "The request has invalid fields.", std::move(errors));
}

}  // namespace parcours
