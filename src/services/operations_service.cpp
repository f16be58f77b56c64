#include "services/operations_service.h"

#include <nlohmann/json.hpp>

namespace parcours {

Result<OperationFailures> OperationsService::Failures(const RequestContext& ctx, int limit) {
  auto scheduler = scheduler_.Failures(ctx);
  if (!scheduler) return Fail(scheduler.error());
  OperationFailures out;
  out.scheduler = std::move(*scheduler);
  store_.Transact([&](UnitOfWork& uow) {
    out.notifications = uow.notifications().Failed(limit);
    out.webhooks.clear();
    for (const auto& e : uow.audit().LatestOfAction("webhook.item_skipped", limit)) {
      const auto j = nlohmann::json::parse(e.after_json.empty() ? "{}" : e.after_json, nullptr, false);
      SkippedWebhookItem item{e.entity_id, "", 0, "", e.at};
      if (j.is_object()) {
        item.agency = j.value("agency", "");
        item.seq = j.value("seq", 0LL);
        item.error = j.value("error", "");
      }
      out.webhooks.push_back(std::move(item));
    }
    return true;
  });
  return out;
}

Result<Dashboard> OperationsService::Desk(const RequestContext& ctx, int within_days) {
  auto decisions = catalogue_.Decisions(ctx, within_days, false);
  if (!decisions) return Fail(decisions.error());
  auto due = attestations_.Due(ctx);
  if (!due) return Fail(due.error());
  auto failures = Failures(ctx, 20);
  if (!failures) return Fail(failures.error());
  return Dashboard{clock_.Now(), within_days, std::move(*decisions), std::move(*due), std::move(*failures)};
}

}  // namespace parcours
