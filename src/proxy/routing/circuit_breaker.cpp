#include "proxy/routing/circuit_breaker.h"

#include <algorithm>

namespace cocoon::proxy::routing {

std::string_view BreakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config) : config_(config) {
  config_.failure_threshold = std::max<uint32_t>(config_.failure_threshold, 1);
  config_.base_backoff = std::max(config_.base_backoff, Duration(1));
  config_.max_backoff = std::max(config_.max_backoff, config_.base_backoff);
  backoff_ = config_.base_backoff;
}

BreakerState CircuitBreaker::State(TimePoint now) const {
  if (state_ == BreakerState::kOpen && now >= open_until_) return BreakerState::kHalfOpen;
  return state_;
}

bool CircuitBreaker::AllowsRequest(TimePoint now) const {
  switch (State(now)) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return false;
    case BreakerState::kHalfOpen:
      return !trial_in_flight_;
  }
  return false;
}

void CircuitBreaker::OnRequestStart(TimePoint now) {
  if (State(now) != BreakerState::kHalfOpen) return;
  state_ = BreakerState::kHalfOpen;
  trial_in_flight_ = true;
}

void CircuitBreaker::OnSuccess(TimePoint now) {
  switch (State(now)) {
    case BreakerState::kClosed:
      consecutive_failures_ = 0;
      return;
    case BreakerState::kOpen:
      return;  // a straggler from before the opening
    case BreakerState::kHalfOpen:
      state_ = BreakerState::kClosed;
      consecutive_failures_ = 0;
      backoff_ = config_.base_backoff;
      trial_in_flight_ = false;
      return;
  }
}

void CircuitBreaker::OnFailure(TimePoint now) {
  switch (State(now)) {
    case BreakerState::kClosed:
      ++consecutive_failures_;
      if (consecutive_failures_ >= config_.failure_threshold) Open(now);
      return;
    case BreakerState::kOpen:
      return;  // a straggler from before the opening
    case BreakerState::kHalfOpen:
      ++consecutive_failures_;
      backoff_ = std::min(backoff_ * 2, config_.max_backoff);
      Open(now);
      return;
  }
}

void CircuitBreaker::OnAbandoned() { trial_in_flight_ = false; }

void CircuitBreaker::Open(TimePoint now) {
  state_ = BreakerState::kOpen;
  open_until_ = now + backoff_;
  trial_in_flight_ = false;
  ++times_opened_;
}

}  // namespace cocoon::proxy::routing
