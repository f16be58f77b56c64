#pragma once
// What the coordinator's desk needs at a glance: the coming decision dates (sessions at risk
// first to see), the completions due an attestation, and the background work that gave up —
// scheduler steps that keep failing, messages the outbox gave up on, webhook items skipped
// after three days of failed deliveries.
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/attestation_service.h"
#include "services/catalogue_service.h"
#include "services/scheduler_service.h"

namespace parcours {

// A webhook item given up on (from the audit trail's webhook.item_skipped rows).
struct SkippedWebhookItem {
  Id webhook_id = 0;
  std::string agency;
  long long seq = 0;
  std::string error;
  TimePoint at;
};

struct OperationFailures {
  std::vector<SchedulerFailure> scheduler;
  std::vector<FailedNotification> notifications;
  std::vector<SkippedWebhookItem> webhooks;
};

struct Dashboard {
  TimePoint now;
  int within_days = 0;
  std::vector<ComingDecision> decisions;
  std::vector<DueAttestations> completions_due;
  OperationFailures failures;
};

class OperationsService {
 public:
  OperationsService(Store& store, const Clock& clock, CatalogueService& catalogue, AttestationService& attestations,
                    SchedulerService& scheduler)
      : store_(store), clock_(clock), catalogue_(catalogue), attestations_(attestations), scheduler_(scheduler) {}
  // The latest of each kind (coordinators).
  Result<OperationFailures> Failures(const RequestContext& ctx, int limit = 100);
  Result<Dashboard> Desk(const RequestContext& ctx, int within_days);

 private:
  Store& store_;
  const Clock& clock_;
  CatalogueService& catalogue_;
  AttestationService& attestations_;
  SchedulerService& scheduler_;
};

}  // namespace parcours
