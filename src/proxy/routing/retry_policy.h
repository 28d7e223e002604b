// RetryPolicy: whether a failed request may be tried again on another worker.
//
// One per client request. A failure before the first token is retried (the
// client has seen nothing, so another worker can answer transparently) until
// max_attempts attempts have been made. Never retried: a failure after the
// first token (output already reached the client; a second worker would
// produce a different answer) and a timeout (the request's time is spent).
// The policy also remembers which workers were tried, which is the exclude
// set to pass to Router::Pick.
//
// Thread-safety: not thread-safe; owned by the request's handler.
#pragma once

#include <cstdint>
#include <set>

#include "proxy/routing/failure_kind.h"
#include "proxy/routing/types.h"

namespace cocoon::proxy::routing {

class RetryPolicy {
 public:
  static constexpr uint32_t kDefaultMaxAttempts = 3;

  // max_attempts counts the first attempt; 0 is treated as 1 (no retries).
  explicit RetryPolicy(uint32_t max_attempts = kDefaultMaxAttempts);

  // An attempt is being sent to `worker`.
  void RecordAttempt(WorkerId worker);

  // Whether, after a failure of `kind` on the latest attempt, another attempt
  // is allowed.
  bool ShouldRetry(FailureKind kind) const;
  // Whether the attempt budget has room for another attempt (any kind).
  bool HasAttemptsLeft() const { return attempts_ < max_attempts_; }

  uint32_t attempts() const { return attempts_; }
  uint32_t max_attempts() const { return max_attempts_; }
  // The workers tried so far: Router::Pick's exclude set.
  const std::set<WorkerId>& tried() const { return tried_; }

 private:
  uint32_t max_attempts_;
  uint32_t attempts_ = 0;
  std::set<WorkerId> tried_;
};

}  // namespace cocoon::proxy::routing
