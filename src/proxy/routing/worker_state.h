// WorkerState: one worker as the router sees it — its announced WorkerInfo
// plus what the proxy has measured: requests in flight, smoothed service time
// and time to first token, smoothed success and timeout rates, and its
// circuit breaker.
//
// WorkerTable owns these and is the only caller of the mutators; everyone
// else (Router, stats pages) reads them through const references.
//
// Thread-safety: not thread-safe; owned by the proxy's executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "proxy/routing/circuit_breaker.h"
#include "proxy/routing/ewma.h"
#include "proxy/routing/failure_kind.h"
#include "proxy/routing/types.h"
#include "proxy/routing/worker_info.h"

namespace cocoon::proxy::routing {

// How measurements are smoothed; see Ewma for what a half-life means.
struct WorkerStatsConfig {
  // Service time follows load changes, so it forgets quickly.
  Duration service_time_half_life = std::chrono::seconds(30);
  // Reputation (success and timeout rates) is slower to forgive.
  Duration reputation_half_life = std::chrono::seconds(120);
  // What a new worker is assumed to take per request until measured.
  Duration prior_service_time = std::chrono::seconds(1);
  // How many samples the priors are worth (success rate prior 1, timeout 0).
  double prior_weight = 1.0;
  CircuitBreakerConfig breaker;
};

struct WorkerCounters {
  uint64_t requests = 0;  // started
  uint64_t successes = 0;
  uint64_t failures_before_first_token = 0;
  uint64_t failures_after_first_token = 0;
  uint64_t timeouts = 0;
  uint64_t abandoned = 0;  // the client went away; says nothing about the worker

  uint64_t failures() const {
    return failures_before_first_token + failures_after_first_token + timeouts;
  }
};

class WorkerState {
 public:
  WorkerState(WorkerId id, WorkerInfo info, const WorkerStatsConfig& config);

  WorkerId id() const { return id_; }
  const WorkerInfo& info() const { return info_; }
  uint32_t in_flight() const { return in_flight_; }
  const WorkerCounters& counters() const { return counters_; }
  const CircuitBreaker& breaker() const { return breaker_; }

  // Smoothed measurements as of `now`, in seconds / as fractions in [0, 1].
  double service_time_s(TimePoint now) const { return service_time_s_.Value(now); }
  double time_to_first_token_s(TimePoint now) const { return ttft_s_.Value(now); }
  double success_rate(TimePoint now) const { return success_rate_.Value(now); }
  double timeout_rate(TimePoint now) const { return timeout_rate_.Value(now); }

  bool serves(std::string_view model) const { return info_.models.count(model) > 0; }
  bool at_capacity() const { return in_flight_ >= info_.capacity; }

  // Mutators, called by WorkerTable only (it checks the preconditions).
  void SetInfo(WorkerInfo info) { info_ = std::move(info); }
  // REQUIRES: !at_capacity() and breaker().AllowsRequest(now).
  void OnStart(TimePoint now);
  void OnFirstToken(Duration time_to_first_token, TimePoint now);
  // REQUIRES: in_flight() > 0 (for both).
  void OnSuccess(Duration service_time, TimePoint now);
  void OnFailure(FailureKind kind, TimePoint now);
  void OnAbandoned();

 private:
  WorkerId id_;
  WorkerInfo info_;
  uint32_t in_flight_ = 0;
  Ewma service_time_s_;
  Ewma ttft_s_;
  Ewma success_rate_;
  Ewma timeout_rate_;
  CircuitBreaker breaker_;
  WorkerCounters counters_;
};

}  // namespace cocoon::proxy::routing
