#include "services/webhook_dispatcher.h"

namespace parcours {

WebhookDispatcher::WebhookDispatcher(WebhookService& service, WebhookSender& sender,
                                     WebhookDispatchSettings settings,
                                     std::function<void(const std::string&)> on_error)
    : service_(service), sender_(sender), settings_(settings), on_error_(std::move(on_error)) {
  for (int i = 0; i < settings_.workers; ++i) workers_.emplace_back([this] { Work(); });
  pump_ = std::thread([this] { Pump(); });
}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  pump_cv_.notify_all();
}

void WebhookDispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  pump_cv_.notify_all();
  work_cv_.notify_all();
  pump_.join();
  for (auto& t : workers_) t.join();
}

void WebhookDispatcher::Pump() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      pump_cv_.wait_for(lock, settings_.interval, [&] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      service_.SequenceFeeds();
      ClaimWhileFree();
    } catch (const std::exception& e) {
      if (on_error_) on_error_(std::string("webhook claims failed: ") + e.what());
    }
  }
}

void WebhookDispatcher::ClaimWhileFree() {
  for (;;) {
    int free = 0;
    WebhookLoad in_flight;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      free = settings_.workers - busy_;
      in_flight = in_flight_;
    }
    if (free <= 0) return;  // a worker that finishes wakes the pump
    auto claims = service_.Claim(free, in_flight, settings_.per_agency);
    if (claims.empty()) return;
    {
      std::lock_guard lock(mu_);
      for (auto& c : claims) {
        ++in_flight_.agencies[c.hook.agency];
        in_flight_.hooks.insert(c.hook.id);
        ++busy_;
        queue_.push_back(std::move(c));
      }
    }
    work_cv_.notify_all();
  }
}

void WebhookDispatcher::Work() {
  for (;;) {
    WebhookClaim claim;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to give back
      claim = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      // Once stopping, Deliver posts nothing more and gives the claim back.
      service_.Deliver(claim, sender_, [this] { return stopping_.load(); });
    } catch (const std::exception& e) {
      // The claim stays leased until it runs out; then the webhook is claimed again.
      if (on_error_) on_error_("webhook " + std::to_string(claim.hook.id) + " delivery failed: " + e.what());
    }
    {
      std::lock_guard lock(mu_);
      if (--in_flight_.agencies[claim.hook.agency] == 0) in_flight_.agencies.erase(claim.hook.agency);
      in_flight_.hooks.erase(claim.hook.id);
      --busy_;
      woken_ = true;  // a worker is free: claim more (a backlog drains without waiting)
    }
    pump_cv_.notify_all();
  }
}

}  // namespace parcours
