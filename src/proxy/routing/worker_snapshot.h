// WorkerSnapshot: a copy of one worker's routing state at an instant, for
// /stats (JSON) and /metrics (Prometheus) and for tests. Detached from the
// table: safe to keep, copy and hand to another thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proxy/routing/circuit_breaker.h"
#include "proxy/routing/types.h"
#include "proxy/routing/worker_state.h"

namespace cocoon::proxy::routing {

struct WorkerSnapshot {
  WorkerId id = 0;
  std::vector<std::string> models;  // sorted
  bool enabled = false;
  bool healthy = false;
  uint32_t price_coefficient = 0;
  uint32_t in_flight = 0;
  uint32_t capacity = 0;
  double service_time_s = 0;         // smoothed
  double time_to_first_token_s = 0;  // smoothed
  double success_rate = 0;           // smoothed, [0, 1]
  double timeout_rate = 0;           // smoothed, [0, 1]
  BreakerState breaker = BreakerState::kClosed;
  uint32_t consecutive_failures = 0;
  // Seconds until an open breaker lets a trial through; 0 unless open.
  double breaker_retry_in_s = 0;
  uint64_t breaker_openings = 0;
  WorkerCounters counters;  // requests, successes, failures by kind
};

WorkerSnapshot TakeSnapshot(const WorkerState& worker, TimePoint now);

}  // namespace cocoon::proxy::routing
