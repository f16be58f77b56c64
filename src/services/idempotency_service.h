#pragma once
// Idempotency-Key support for POST: the same key and request within 24 h replays the first
// answer and does nothing twice. A key is claimed before the request runs, so a concurrent
// repeat sees "in progress" rather than running the work again.
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

struct StoredResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string location;
};

class IdempotencyService {
 public:
  static constexpr std::chrono::hours kRetention{24};
  // A claim older than this whose request never completed (crash) may be taken over.
  static constexpr std::chrono::seconds kStaleClaim{60};

  IdempotencyService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // scope: the caller (principal label); fingerprint: hash of method, path and body.
  // Returns nullopt when the request should run (the key is now claimed), a stored
  // response to replay, or an error.
  Result<std::optional<StoredResponse>> Begin(const std::string& scope, const std::string& key,
                                              const std::string& fingerprint);
  void Complete(const std::string& scope, const std::string& key, const std::string& fingerprint,
                const StoredResponse& response);
  void Abandon(const std::string& scope, const std::string& key);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace parcours
