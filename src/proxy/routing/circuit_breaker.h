// CircuitBreaker: stops sending requests to a worker that keeps failing, and
// lets it back in cautiously.
//
//   closed ──(failure_threshold consecutive failures)──► open
//   open ──(backoff elapsed)──► half-open: exactly one trial request may start
//   half-open ──(success)──► closed, backoff reset to base_backoff
//   half-open ──(failure)──► open again for twice the previous backoff
//                            (capped at max_backoff)
//
// Why consecutive failures rather than a failure rate over a window: it needs
// no window bookkeeping, reacts within a handful of requests to a worker that
// is dead (the case that matters: every request to it wastes an attempt), and
// leaves "fails sometimes" to the router's reputation score (smoothed success
// rate), which already steers traffic away gradually. Any success resets the
// count.
//
// Outcomes that arrive while open are ignored: they belong to requests
// started before the breaker opened and say nothing new. While half-open, the
// next outcome decides (normally the trial's; a straggler's outcome is
// evidence too).
//
// Thread-safety: not thread-safe; owned by the proxy's executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "proxy/routing/types.h"

namespace cocoon::proxy::routing {

enum class BreakerState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half-open".
std::string_view BreakerStateName(BreakerState state);

struct CircuitBreakerConfig {
  // Consecutive failures that open a closed breaker; 0 is treated as 1.
  uint32_t failure_threshold = 5;
  // How long the first opening lasts; each failed trial doubles it.
  Duration base_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(60);
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerConfig config = {});

  // The state as of `now`: an open breaker whose backoff has elapsed reports
  // kHalfOpen.
  BreakerState State(TimePoint now) const;

  // Whether a new request may start now: closed, or half-open with no trial
  // in flight.
  bool AllowsRequest(TimePoint now) const;

  // A request starts. In half-open this is the trial; no other request is
  // allowed until an outcome arrives.
  // REQUIRES: AllowsRequest(now). Every start is followed by exactly one
  // OnSuccess or OnFailure (a lost request must be reported as a failure).
  void OnRequestStart(TimePoint now);
  void OnSuccess(TimePoint now);
  void OnFailure(TimePoint now);
  // The request ended with no verdict on the worker (the client went away):
  // a half-open trial slot is freed for the next request, nothing else
  // changes.
  void OnAbandoned();

  uint32_t consecutive_failures() const { return consecutive_failures_; }
  // The backoff of the current (or, when closed, the next) opening.
  Duration backoff() const { return backoff_; }
  // When the current opening ends; meaningful only while open.
  TimePoint open_until() const { return open_until_; }
  // How many times the breaker has opened (including re-opens).
  uint64_t times_opened() const { return times_opened_; }

 private:
  void Open(TimePoint now);

  CircuitBreakerConfig config_;
  BreakerState state_ = BreakerState::kClosed;  // kOpen may have expired; see State()
  uint32_t consecutive_failures_ = 0;
  Duration backoff_;
  TimePoint open_until_{};
  bool trial_in_flight_ = false;
  uint64_t times_opened_ = 0;
};

}  // namespace cocoon::proxy::routing
