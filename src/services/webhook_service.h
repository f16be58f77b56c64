#pragma once
// Webhooks: an agency registers URLs; each item of its change feed is POSTed to every one of
// them in feed order, signed (HMAC-SHA256 over "timestamp.body", headers Parcours-Timestamp
// and Parcours-Signature: v1=<hex>), at least once: the position advances only after a 2xx.
// Failures back off (1 min doubling, capped at 1 h); an item still failing after 3 days is
// skipped, with an audit row (webhook.item_skipped) naming it. Delivery runs on a background thread.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"

namespace parcours {

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // nullopt on a 2xx answer, else what went wrong.
  virtual std::optional<std::string> Post(const std::string& url, const std::string& body,
                                          const std::vector<std::pair<std::string, std::string>>& headers) = 0;
};

class WebhookService {
 public:
  static constexpr std::chrono::hours kGiveUpAfter{72};
  WebhookService(Store& store, const Clock& clock, RandomSource& random)
      : store_(store), clock_(clock), random_(random) {}

  Result<Webhook> Create(const RequestContext& ctx, const std::string& code, const std::string& url);
  Result<std::vector<Webhook>> List(const RequestContext& ctx, const std::string& code);
  Result<Unit> Delete(const RequestContext& ctx, const std::string& code, Id id);
  // Delivers what is due to one webhook; returns the number of items attempted (0: idle).
  int DeliverDue(WebhookSender& sender, int batch = 50);

  static std::string Signature(const std::string& secret, const std::string& timestamp, const std::string& body);
  static std::chrono::milliseconds Backoff(int failures);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace parcours
