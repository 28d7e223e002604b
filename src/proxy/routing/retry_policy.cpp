#include "proxy/routing/retry_policy.h"

#include <algorithm>

namespace cocoon::proxy::routing {

RetryPolicy::RetryPolicy(uint32_t max_attempts)
    : max_attempts_(std::max<uint32_t>(max_attempts, 1)) {}

void RetryPolicy::RecordAttempt(WorkerId worker) {
  ++attempts_;
  tried_.insert(worker);
}

bool RetryPolicy::ShouldRetry(FailureKind kind) const {
  return kind == FailureKind::kBeforeFirstToken && HasAttemptsLeft();
}

}  // namespace cocoon::proxy::routing
