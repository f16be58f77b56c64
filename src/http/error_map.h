#pragma once
// The one place where business outcomes become HTTP statuses and problem+json documents.
#include <optional>
#include <string>

#include "domain/errors.h"

namespace parcours::http {

int StatusFor(ErrorCode code);
// The Retry-After value (seconds) for a refusal that says when to come back, else nullopt.
std::optional<std::string> RetryAfter(const DomainError& e);
// RFC 9457 document: {type,title,status,detail[,errors]} plus request_id.
std::string ProblemJson(const DomainError& e, const std::string& request_id);
std::string ProblemJson(int status, const std::string& slug, const std::string& title,
                        const std::string& detail, const std::string& request_id);

}  // namespace parcours::http
