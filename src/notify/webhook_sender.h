#pragma once
// POSTs webhook bodies with libcurl; a 2xx answer is a delivery.
#include <chrono>
#include <string>
#include <vector>

#include "services/webhook_policy.h"
#include "services/webhook_service.h"

namespace parcours {

struct WebhookSenderSettings {
  WebhookUrlPolicy policy;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{10000};
  std::size_t max_answer_bytes = 64 * 1024;  // headers and body of the answer
  // "host:port:address" entries used instead of DNS (libcurl's CURLOPT_RESOLVE): lets tests
  // make a name resolve to a chosen address. Empty in production.
  std::vector<std::string> resolve;
};

class CurlWebhookSender final : public WebhookSender {
 public:
  explicit CurlWebhookSender(WebhookSenderSettings settings = {}) : settings_(std::move(settings)) {}
  std::optional<std::string> Post(const std::string& url, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers) override;

 private:
  WebhookSenderSettings settings_;
};

}  // namespace parcours
