#include "services/webhook_service.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "common/text.h"
#include "services/agency_service.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/views.h"

namespace parcours {

std::string WebhookService::Signature(const std::string& secret, const std::string& timestamp,
                                      const std::string& body) {
  const std::string message = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return "v1=" + HexEncode(std::string(reinterpret_cast<char*>(mac), len));
}

std::chrono::milliseconds WebhookService::Backoff(int failures) {
  using namespace std::chrono;
  return std::min<milliseconds>(minutes(1) * (1 << std::clamp(failures - 1, 0, 6)), hours(1));
}

Result<Webhook> WebhookService::Create(const RequestContext& ctx, const std::string& code, const std::string& url) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  const bool scheme = url.starts_with("https://") || url.starts_with("http://");
  if (!scheme || url.size() > 2000 || url.find_first_of(" \t\r\n\"<>") != std::string::npos)
    return Invalid({{"url", "must be an http:// or https:// URL"}});
  Webhook w;
  w.agency = code;
  w.url = url;
  w.secret = NewSecret(random_, "whsec_");
  Result<Webhook> out;
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    if (!uow.agencies().Find(code)) {
      out = Error(ErrorCode::kNotFound, "No agency has this code.");
      return false;
    }
    w.id = uow.agencies().InsertWebhook(w, now);
    w.created_at = now;
    Audit(uow, ctx, now, "webhook.created", "webhook", w.id, nullptr, {{"agency", code}, {"url", url}});
    out = w;
    return true;
  });
  return out;
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

int WebhookService::DeliverDue(WebhookSender& sender, int batch) {
  std::vector<Agency> agencies;
  store_.Transact([&](UnitOfWork& uow) {
    agencies = uow.agencies().List();
    return true;
  });
  for (const auto& a : agencies) SequenceFeed(store_, a.code);
  int attempted = 0;
  store_.Transact([&](UnitOfWork& uow) {
    attempted = 0;
    const TimePoint now = clock_.Now();
    auto hook = uow.agencies().ClaimDueWebhook(now);
    if (!hook) return false;
    long long delivered = hook->delivered_seq;
    for (const auto& item : uow.agencies().Changes(hook->agency, hook->delivered_seq, batch)) {
      ++attempted;
      const std::string body = ToJson(item).dump();
      const std::string timestamp = std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
      auto error = sender.Post(hook->url, body,
                               {{"Content-Type", "application/json"},
                                {"Parcours-Timestamp", timestamp},
                                {"Parcours-Signature", Signature(hook->secret, timestamp, body)},
                                {"Parcours-Delivery", std::to_string(hook->id) + "-" + std::to_string(item.seq)}});
      if (!error) {
        delivered = item.seq;
        continue;
      }
      // A failure run starts at this item unless this very item failed before.
      const TimePoint first = delivered != hook->delivered_seq ? now : hook->first_failure_at.value_or(now);
      if (now - first >= kGiveUpAfter) {  // three days of retries: skip this item, keep going
        delivered = item.seq;
        uow.agencies().WebhookFailed(hook->id, 0, std::nullopt, now,
                                     "gave up on item " + std::to_string(item.seq) + ": " + *error);
        RequestContext system;
        system.principal.kind = Principal::Kind::kSystem;
        system.request_id = "webhooks";
        Audit(uow, system, now, "webhook.item_skipped", "webhook", hook->id, nullptr,
              {{"agency", hook->agency}, {"seq", item.seq}, {"error", *error}});
        hook->first_failure_at.reset();
        hook->attempts = 0;
        continue;
      }
      if (delivered != hook->delivered_seq) uow.agencies().WebhookDelivered(hook->id, delivered, now);
      const int attempts = hook->attempts + 1;
      uow.agencies().WebhookFailed(hook->id, attempts, first, now + Backoff(attempts), *error);
      return true;
    }
    uow.agencies().WebhookDelivered(hook->id, delivered, now);
    return true;
  });
  return attempted;
}

}  // namespace parcours
