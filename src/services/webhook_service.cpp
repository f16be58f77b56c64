#include "services/webhook_service.h"

#include <algorithm>

#include "common/text.h"
#include "services/agency_service.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/views.h"

namespace parcours {

std::string WebhookService::Signature(const std::string& secret, const std::string& timestamp,
                                      const std::string& body) {
  return "v1=" + HexEncode(HmacSha256(secret, timestamp + "." + body));
}

std::chrono::milliseconds WebhookService::Backoff(int failures) {
  using namespace std::chrono;
  return std::min<milliseconds>(minutes(1) * (1 << std::clamp(failures - 1, 0, 6)), hours(1));
}

Result<Webhook> WebhookService::Create(const RequestContext& ctx, const std::string& code, const std::string& url) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  if (auto checked = settings_.policy.Check(url); !checked) return Invalid({{"url", checked.error()}});
  Webhook w;
  w.agency = code;
  w.url = url;
  w.secret = NewSecret(random_, "whsec_");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Webhook> {
    const TimePoint now = clock_.Now();
    if (!uow.agencies().LockAgency(code)) return Error(ErrorCode::kNotFound, "No agency has this code.");
    // Under the agency row's lock: concurrent registrations cannot both take the last place.
    if (uow.agencies().CountActiveWebhooks(code) >= settings_.max_per_agency)
      return Error(ErrorCode::kRuleViolation, "An agency has at most " + std::to_string(settings_.max_per_agency) +
                                                  " webhooks: delete one first.");
    Webhook created = w;
    created.id = uow.agencies().InsertWebhook(created, now);
    created.created_at = now;
    Audit(uow, ctx, now, "webhook.created", "webhook", created.id, nullptr, {{"agency", code}, {"url", url}});
    return created;
  });
}

Result<std::vector<Webhook>> WebhookService::List(const RequestContext& ctx, const std::string& code) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  std::vector<Webhook> hooks;
  bool known = true;
  store_.Transact([&](UnitOfWork& uow) {
    known = uow.agencies().Find(code).has_value();
    if (known) hooks = uow.agencies().Webhooks(code);
    return true;
  });
  if (!known) return Error(ErrorCode::kNotFound, "No agency has this code.");
  return hooks;
}

Result<Unit> WebhookService::Delete(const RequestContext& ctx, const std::string& code, Id id) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  Result<Unit> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!uow.agencies().DeactivateWebhook(code, id)) {
      out = Error(ErrorCode::kNotFound, "This agency has no webhook with this id.");
      return false;
    }
    Audit(uow, ctx, clock_.Now(), "webhook.deleted", "webhook", id, nullptr, nullptr);
    out = Unit{};
    return true;
  });
  return out;
}

void WebhookService::SequenceFeeds() {
  std::vector<Agency> agencies;
  store_.Transact([&](UnitOfWork& uow) {
    agencies = uow.agencies().List();
    return true;
  });
  for (const auto& a : agencies) SequenceFeed(store_, a.code);
}

std::vector<WebhookClaim> WebhookService::Claim(int limit, const WebhookLoad& in_flight, int per_agency,
                                                int batch) {
  // Candidates beyond `limit`, so that webhooks of a busy agency do not hide other agencies'.
  constexpr int kCandidates = 64;
  const std::string token = NewSecret(random_, "claim_");
  std::vector<WebhookClaim> claims;
  store_.Transact([&](UnitOfWork& uow) {
    claims.clear();
    const TimePoint now = clock_.Now();
    std::map<std::string, int> taken = in_flight.agencies;
    for (auto& hook : uow.agencies().DueWebhooks(now, std::max(limit, kCandidates))) {
      if (static_cast<int>(claims.size()) >= limit) break;
      // Rows not leased are free again at COMMIT.
      if (taken[hook.agency] >= per_agency || in_flight.hooks.count(hook.id)) continue;
      ++taken[hook.agency];
      uow.agencies().LeaseWebhook(hook.id, token, now + kLease);
      auto items = uow.agencies().Changes(hook.agency, hook.delivered_seq, batch);
      claims.push_back({std::move(hook), token, now + kLease, std::move(items)});
    }
    return true;
  });
  return claims;
}

int WebhookService::Deliver(const WebhookClaim& claim, WebhookSender& sender, const std::function<bool()>& stopping) {
  const Webhook& hook = claim.hook;
  WebhookProgress progress{hook.delivered_seq, hook.attempts, hook.first_failure_at, clock_.Now(), hook.last_error};
  std::vector<std::pair<long long, std::string>> skipped;  // items given up on: seq, error
  int attempted = 0;
  for (const auto& item : claim.items) {
    if ((stopping && stopping()) || clock_.Now() + kLeaseMargin > claim.lease_until) break;
    ++attempted;
    const TimePoint now = clock_.Now();
    const std::string body = ToJson(item).dump();
    const std::string timestamp =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    auto error = sender.Post(hook.url, body,
                             {{"Content-Type", "application/json"},
                              {"Parcours-Timestamp", timestamp},
                              {"Parcours-Signature", Signature(hook.secret, timestamp, body)},
                              {"Parcours-Delivery", std::to_string(hook.id) + "-" + std::to_string(item.seq)}});
    if (!error) {
      progress = {item.seq, 0, std::nullopt, clock_.Now(), ""};
      continue;
    }
    // A failure run starts at this item unless this very item failed before (a delivered or
    // skipped item clears first_failure_at).
    const TimePoint first = progress.first_failure_at.value_or(now);
    if (now - first >= kGiveUpAfter) {  // three days of retries: skip this item, keep going
      skipped.emplace_back(item.seq, *error);
      progress = {item.seq, 0, std::nullopt, now, "gave up on item " + std::to_string(item.seq) + ": " + *error};
      continue;
    }
    progress.attempts += 1;
    progress.first_failure_at = first;
    progress.next_attempt_at = now + Backoff(progress.attempts);
    progress.last_error = *error;
    break;
  }
  store_.Transact([&](UnitOfWork& uow) {
    // A claim lost meanwhile (the lease ran out and another dispatcher took the webhook over)
    // records nothing: the new holder starts again from the stored position.
    if (!uow.agencies().SaveWebhookProgress(hook.id, claim.token, progress)) return false;
    RequestContext system;
    system.principal.kind = Principal::Kind::kSystem;
    system.request_id = "webhooks";
    for (const auto& [seq, error] : skipped)
      Audit(uow, system, progress.next_attempt_at, "webhook.item_skipped", "webhook", hook.id, nullptr,
            {{"agency", hook.agency}, {"seq", seq}, {"error", error}});
    return true;
  });
  return attempted;
}

int WebhookService::DeliverDue(WebhookSender& sender, int batch) {
  SequenceFeeds();
  auto claims = Claim(1, {}, 1, batch);
  return claims.empty() ? 0 : Deliver(claims.front(), sender);
}

}  // namespace parcours
