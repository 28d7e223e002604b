#include "proxy/routing/worker_snapshot.h"

namespace cocoon::proxy::routing {

WorkerSnapshot TakeSnapshot(const WorkerState& worker, TimePoint now) {
  const WorkerInfo& info = worker.info();
  WorkerSnapshot s;
  s.id = worker.id();
  s.models.assign(info.models.begin(), info.models.end());
  s.enabled = info.enabled;
  s.healthy = info.healthy;
  s.price_coefficient = info.price_coefficient;
  s.in_flight = worker.in_flight();
  s.capacity = info.capacity;
  s.service_time_s = worker.service_time_s(now);
  s.time_to_first_token_s = worker.time_to_first_token_s(now);
  s.success_rate = worker.success_rate(now);
  s.timeout_rate = worker.timeout_rate(now);
  s.breaker = worker.breaker().State(now);
  s.consecutive_failures = worker.breaker().consecutive_failures();
  if (s.breaker == BreakerState::kOpen) {
    s.breaker_retry_in_s = ToSeconds(worker.breaker().open_until() - now);
  }
  s.breaker_openings = worker.breaker().times_opened();
  s.counters = worker.counters();
  return s;
}

}  // namespace cocoon::proxy::routing
