#pragma once
// Runs webhook deliveries on a few threads so that a slow receiver holds up only its own
// agency. A pump thread claims due webhooks (WebhookService::Claim) whenever a worker is free
// and hands each claim to a worker, which POSTs its items (up to a batch) and records the
// outcome. No agency gets more than `per_agency` workers at once: with the defaults (4 workers,
// 2 per agency) an agency whose receivers are slow leaves half the workers to the others, and
// its own webhooks wait their turn. The database claim keeps one delivery per webhook in
// flight across all processes.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/webhook_service.h"

namespace parcours {

struct WebhookDispatchSettings {
  int workers = 4;
  int per_agency = 2;
  std::chrono::milliseconds interval{500};  // between looks for due webhooks when idle
};

class WebhookDispatcher {
 public:
  // on_error: told about deliveries or claims that threw (the database was unavailable...).
  WebhookDispatcher(WebhookService& service, WebhookSender& sender, WebhookDispatchSettings settings,
                    std::function<void(const std::string&)> on_error);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Looks for due webhooks now instead of at the next interval.
  void Wake();
  // Lets the POSTs under way finish, gives unstarted claims back, and joins the threads.
  void Stop();

 private:
  void Pump();
  void Work();
  void ClaimWhileFree();

  WebhookService& service_;
  WebhookSender& sender_;
  const WebhookDispatchSettings settings_;
  std::function<void(const std::string&)> on_error_;
  std::mutex mu_;
  std::condition_variable pump_cv_, work_cv_;
  std::deque<WebhookClaim> queue_;
  WebhookLoad in_flight_;  // claims queued or being delivered, per agency and by webhook
  int busy_ = 0;           // claims queued or being delivered
  bool woken_ = true;      // the first look is at once
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
  std::thread pump_;
};

}  // namespace parcours
