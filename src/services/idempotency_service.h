#pragma once
// Idempotency-Key support for POST: the same key and request within 24 h replays the first
// answer and does nothing twice. A key is claimed (with a random claim token) before the
// request runs, so a concurrent repeat sees "in progress" rather than running the work again.
// While the request runs, its transactions are fenced by the claim (CommitFenceScope): a run
// whose claim was taken over cannot commit, and the claim row records that the work committed,
// so a lost answer is never mistaken for work not done. Keys are stored hashed; an answer that
// carries a secret (a token, an API key) is never stored.
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "common/random.h"
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
  // A claim older than this whose work never committed may be taken over (the first run, if
  // it is still going, is then fenced out at its COMMIT).
  static constexpr std::chrono::seconds kStaleClaim{60};

  IdempotencyService(Store& store, const Clock& clock, RandomSource& random)
      : store_(store), clock_(clock), random_(random) {}

  // scope: the caller (principal label); fingerprint: hash of method, path and body.
  // A claim (the request should run, fenced by it), a stored response to replay, or an error.
  using Outcome = std::variant<CommitFence, StoredResponse>;
  Result<Outcome> Begin(const std::string& scope, const std::string& key, const std::string& fingerprint);
  // Records the answer. `withhold` (a secret-bearing answer): only that it completed.
  void Complete(const CommitFence& claim, const std::string& fingerprint, const StoredResponse& response,
                bool withhold);
  // Gives the key back (the request failed before doing anything).
  void Abandon(const CommitFence& claim);
  // After a COMMIT whose outcome is unknown: waits for the in-doubt transaction (the claim
  // row's lock) and says whether the work committed; gives the key back when it did not.
  bool ResolveUnknownCommit(const CommitFence& claim);
  int Purge(int limit);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
};

// Idempotency-Key values: 1 to 200 visible ASCII characters (RFC 8941 sf-string-like).
bool IsValidIdempotencyKey(const std::string& key);

}  // namespace parcours
