#pragma once
// Bounds how many password hashes (scrypt: about 32 MiB and tens of milliseconds of CPU each at
// the production cost) run at once in this process, so that a burst of logins or sign-ups,
// hostile or not, cannot take every core and a gigabyte of memory. A caller that cannot enter
// within the bounded wait is told to come back (the services answer kBusy, HTTP 503) rather
// than queue without end.
//
// Invariant: at most `slots` Pass objects are alive at any time.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace parcours {

class HashingGate {
 public:
  static constexpr int kDefaultSlots = 2;
  static constexpr std::chrono::milliseconds kDefaultWait{1000};

  explicit HashingGate(int slots = kDefaultSlots, std::chrono::milliseconds max_wait = kDefaultWait);
  HashingGate(const HashingGate&) = delete;
  HashingGate& operator=(const HashingGate&) = delete;

  // A held slot, given back when the pass goes away.
  class Pass {
   public:
    Pass(Pass&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Pass& operator=(Pass&&) = delete;
    Pass(const Pass&) = delete;
    ~Pass();

   private:
    friend class HashingGate;
    explicit Pass(HashingGate* gate) : gate_(gate) {}
    HashingGate* gate_;
  };

  // A pass, or nullopt when no slot came free within the bounded wait. The wait is measured on
  // the steady clock: it bounds how long a request is held, not a business time.
  std::optional<Pass> Enter();

  int slots() const { return slots_; }

 private:
  void Leave();

  const int slots_;
  const std::chrono::milliseconds max_wait_;
  std::mutex mu_;
  std::condition_variable freed_;
  int busy_ = 0;
};

}  // namespace parcours
