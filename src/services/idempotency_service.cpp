#include "services/idempotency_service.h"

namespace parcours {

Result<std::optional<StoredResponse>> IdempotencyService::Begin(const std::string& scope,
                                                                const std::string& key,
                                                                const std::string& fingerprint) {
  if (key.empty() || key.size() > 200)
    return Invalid({{"Idempotency-Key", "must be 1 to 200 characters"}});
  const TimePoint now = clock_.Now();
  Result<std::optional<StoredResponse>> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto& repo = uow.idempotency();
    IdempotencyRecord claim{fingerprint, false, 0, "", "", "", now};
    auto existing = repo.Find(scope, key, true);
    if (!existing) {
      if (!repo.Insert(scope, key, claim)) {
        out = Error(ErrorCode::kIdempotencyInProgress,
                    "A request with this Idempotency-Key is still being processed.");
        return false;
      }
      out = std::optional<StoredResponse>();
      return true;
    }
    const bool expired = now - existing->created_at > kRetention;
    const bool stale = !existing->completed && now - existing->created_at > kStaleClaim;
    if (expired || stale) {
      repo.Replace(scope, key, claim);
      out = std::optional<StoredResponse>();
      return true;
    }
    if (existing->fingerprint != fingerprint) {
      out = Error(ErrorCode::kIdempotencyKeyReused,
                  "This Idempotency-Key was used for a different request.");
      return false;
    }
    if (!existing->completed) {
      out = Error(ErrorCode::kIdempotencyInProgress,
                  "A request with this Idempotency-Key is still being processed.");
      return false;
    }
    out = std::optional<StoredResponse>(StoredResponse{existing->status, existing->content_type,
                                                       existing->body, existing->location});
    return false;
  });
  return out;
}

void IdempotencyService::Complete(const std::string& scope, const std::string& key,
                                  const std::string& fingerprint, const StoredResponse& r) {
  store_.Transact([&](UnitOfWork& uow) {
    uow.idempotency().Replace(scope, key,
                              IdempotencyRecord{fingerprint, true, r.status, r.content_type,
                                                r.body, r.location, clock_.Now()});
    return true;
  });
}

void IdempotencyService::Abandon(const std::string& scope, const std::string& key) {
  store_.Transact([&](UnitOfWork& uow) {
    uow.idempotency().Delete(scope, key);
    return true;
  });
}

}  // namespace parcours
