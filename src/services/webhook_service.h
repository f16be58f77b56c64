#pragma once
// Webhooks: an agency registers URLs (at most five, each allowed by the WebhookUrlPolicy:
// https:// to public addresses unless the operator lists the host); each item of its change
// feed is POSTed to every one of them in feed order, signed (HMAC-SHA256 over "timestamp.body", headers Parcours-Timestamp
// and Parcours-Signature: v1=<hex>), at least once: the position advances only after a 2xx.
// Failures back off (1 min doubling, capped at 1 h); an item still failing after 3 days is
// skipped, with an audit row (webhook.item_skipped) naming it.
//
// Delivery is claimed with a lease: a short transaction takes due webhooks (SKIP LOCKED), gives
// each a claim token and claimed_until, reads its next items, and commits; the POSTs run with
// no database connection held; a second short transaction records the new position only if
// the claim still holds. So at most one delivery per webhook is in flight, a retried
// transaction never posts again, and a dispatcher that dies gives its webhooks back when the
// lease runs out. Delivery runs on background threads (WebhookDispatcher), each agency's
// independently of the others'.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/webhook_policy.h"

namespace parcours {

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // nullopt on a 2xx answer, else what went wrong.
  virtual std::optional<std::string> Post(const std::string& url, const std::string& body,
                                          const std::vector<std::pair<std::string, std::string>>& headers) = 0;
};

// A webhook taken for delivery: its state at the claim, the claim's token and lease, and the
// feed items to send (up to a batch), in order.
struct WebhookClaim {
  Webhook hook;
  std::string token;
  TimePoint lease_until;
  std::vector<AgencyChange> items;
};

// What one process is already delivering: claims queued or under way, per agency and by
// webhook id.
struct WebhookLoad {
  std::map<std::string, int> agencies;
  std::set<Id> hooks;
};

struct WebhookSettings {
  WebhookUrlPolicy policy;   // which URLs may be registered (and called: the sender checks again)
  int max_per_agency = 5;    // active webhooks of one agency; one more is refused
};

class WebhookService {
 public:
  static constexpr std::chrono::hours kGiveUpAfter{72};
  // A claim keeps other dispatchers off its webhook this long. No POST starts with less than
  // kLeaseMargin left (far more than one POST may take), so a lease never runs out under a
  // POST; the items left wait for the next claim, which comes at once.
  static constexpr std::chrono::minutes kLease{2};
  static constexpr std::chrono::seconds kLeaseMargin{30};
  static constexpr int kBatch = 50;

  WebhookService(Store& store, const Clock& clock, RandomSource& random, WebhookSettings settings = {})
      : store_(store), clock_(clock), random_(random), settings_(std::move(settings)) {}

  Result<Webhook> Create(const RequestContext& ctx, const std::string& code, const std::string& url);
  Result<std::vector<Webhook>> List(const RequestContext& ctx, const std::string& code);
  Result<Unit> Delete(const RequestContext& ctx, const std::string& code, Id id);

  // Numbers every agency's committed, not yet numbered feed items (see SequencePending).
  void SequenceFeeds();
  // Claims up to `limit` webhooks that have items to deliver, oldest due first, taking no
  // more webhooks of one agency than brings its count in `in_flight.agencies` (deliveries this
  // process already runs, per agency) to `per_agency`, and none of `in_flight.hooks`: even
  // when its lease has run out (the clock jumped, or a POST stalled), a webhook this process
  // is still delivering is not taken a second time, which would send its items out of order.
  std::vector<WebhookClaim> Claim(int limit, const WebhookLoad& in_flight, int per_agency, int batch = kBatch);
  // POSTs the claimed items in order, with no database connection held, until one fails,
  // `stopping` says so or the lease is nearly over; then records the new position and ends
  // the claim (unless it was lost). Returns the number of items attempted.
  int Deliver(const WebhookClaim& claim, WebhookSender& sender, const std::function<bool()>& stopping = {});
  // SequenceFeeds, then claims and delivers one webhook; returns the items attempted (0: none due).
  int DeliverDue(WebhookSender& sender, int batch = kBatch);

  static std::string Signature(const std::string& secret, const std::string& timestamp, const std::string& body);
  static std::chrono::milliseconds Backoff(int failures);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  WebhookSettings settings_;
};

}  // namespace parcours
