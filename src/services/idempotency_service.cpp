#include "services/idempotency_service.h"

#include "services/crypto.h"

namespace parcours {

bool IsValidIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 200) return false;
  for (unsigned char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

Result<IdempotencyService::Outcome> IdempotencyService::Begin(const std::string& scope, const std::string& key,
                                                              const std::string& fingerprint) {
  if (!IsValidIdempotencyKey(key))
    return Error(ErrorCode::kMalformed, "The Idempotency-Key header is not valid.",
                 {{"Idempotency-Key", "must be 1 to 200 visible ASCII characters"}});
  const TimePoint now = clock_.Now();
  CommitFence claim{scope, Sha256Hex(key), NewSecret(random_, "").substr(0, 32)};
  const auto in_progress = [] {
    return Error(ErrorCode::kIdempotencyInProgress, "A request with this Idempotency-Key is still being processed.");
  };
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Outcome> {
    auto& repo = uow.idempotency();
    IdempotencyRecord record;
    record.fingerprint = fingerprint;
    record.claim_token = claim.token;
    record.created_at = now;
    auto existing = repo.Find(claim.scope, claim.key_hash, true);
    if (!existing) {
      if (!repo.Insert(claim.scope, claim.key_hash, record)) return in_progress();
      return Outcome(claim);
    }
    const bool expired = now - existing->created_at > kRetention;
    const bool stale = !existing->completed && !existing->committed_at && now - existing->created_at > kStaleClaim;
    if (expired || stale) {
      repo.Replace(claim.scope, claim.key_hash, record);
      return Outcome(claim);
    }
    if (existing->fingerprint != fingerprint)
      return Error(ErrorCode::kIdempotencyKeyReused, "This Idempotency-Key was used for a different request.");
    if (existing->completed && existing->withheld)
      return Error(ErrorCode::kIdempotencyAnswerGone,
                   "This request was carried out already; its answer held a secret that is shown only once.");
    if (existing->completed)
      return Outcome(StoredResponse{existing->status, existing->content_type, existing->body, existing->location});
    if (existing->committed_at)
      return Error(ErrorCode::kIdempotencyAnswerGone,
                   "This request was carried out already, but its answer was lost; read the resource to see "
                   "its state.");
    return in_progress();
  });
}

void IdempotencyService::Complete(const CommitFence& claim, const std::string& fingerprint,
                                  const StoredResponse& r, bool withhold) {
  store_.Transact([&](UnitOfWork& uow) {
    auto existing = uow.idempotency().Find(claim.scope, claim.key_hash, true);
    if (!existing || existing->claim_token != claim.token) return false;  // taken over meanwhile
    IdempotencyRecord done = *existing;
    done.fingerprint = fingerprint;
    done.completed = true;
    done.withheld = withhold;
    done.status = r.status;
    done.content_type = r.content_type;
    done.body = withhold ? "" : r.body;
    done.location = r.location;
    done.created_at = clock_.Now();
    uow.idempotency().Replace(claim.scope, claim.key_hash, done);
    return true;
  });
}

void IdempotencyService::Abandon(const CommitFence& claim) {
  store_.Transact([&](UnitOfWork& uow) {
    uow.idempotency().Delete(claim.scope, claim.key_hash, claim.token);
    return true;
  });
}

bool IdempotencyService::ResolveUnknownCommit(const CommitFence& claim) {
  bool committed = true;  // when in doubt, keep the claim: the work must not run twice
  store_.Transact([&](UnitOfWork& uow) {
    // FOR UPDATE waits for the in-doubt transaction, which held this row's lock to its end.
    auto existing = uow.idempotency().Find(claim.scope, claim.key_hash, true);
    if (!existing || existing->claim_token != claim.token) return false;
    committed = existing->committed_at.has_value();
    if (!committed) uow.idempotency().Delete(claim.scope, claim.key_hash, claim.token);
    return !committed;
  });
  return committed;
}

int IdempotencyService::Purge(int limit) {
  int purged = 0;
  store_.Transact([&](UnitOfWork& uow) {
    purged = uow.idempotency().PurgeBefore(clock_.Now() - kRetention, limit);
    return true;
  });
  return purged;
}

}  // namespace parcours
