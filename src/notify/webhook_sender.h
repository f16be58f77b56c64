#pragma once
// POSTs webhook bodies with libcurl (10 s timeout; a 2xx answer is a delivery).
#include "services/webhook_service.h"

namespace parcours {

class CurlWebhookSender final : public WebhookSender {
 public:
  std::optional<std::string> Post(const std::string& url, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers) override;
};

}  // namespace parcours
