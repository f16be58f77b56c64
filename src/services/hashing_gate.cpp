#include "services/hashing_gate.h"

#include <stdexcept>

namespace parcours {

HashingGate::HashingGate(int slots, std::chrono::milliseconds max_wait)
    : slots_(slots), max_wait_(max_wait) {
  if (slots < 1) throw std::invalid_argument("the hashing gate needs at least one slot");
}

std::optional<HashingGate::Pass> HashingGate::Enter() {
  std::unique_lock lock(mu_);
  if (!freed_.wait_for(lock, max_wait_, [&] { return busy_ < slots_; })) return std::nullopt;
  ++busy_;
  return Pass(this);
}

void HashingGate::Leave() {
  {
    std::lock_guard lock(mu_);
    --busy_;
  }
  freed_.notify_one();
}

HashingGate::Pass::~Pass() {
  if (gate_) gate_->Leave();
}

}  // namespace parcours
