#include "domain/repositories.h"

namespace parcours {
namespace {
thread_local const CommitFence* current_fence = nullptr;
}

CommitFenceScope::CommitFenceScope(const CommitFence* fence) : previous_(current_fence) {
  current_fence = fence;
}
CommitFenceScope::~CommitFenceScope() { current_fence = previous_; }
const CommitFence* CommitFenceScope::Current() { return current_fence; }

}  // namespace parcours
