#include "proxy/routing/worker_state.h"

#include <utility>

namespace cocoon::proxy::routing {

WorkerState::WorkerState(WorkerId id, WorkerInfo info, const WorkerStatsConfig& config)
    : id_(id),
      info_(std::move(info)),
      service_time_s_(config.service_time_half_life, ToSeconds(config.prior_service_time),
                      config.prior_weight),
      // No separate prior for time to first token: it is reported, not scored.
      ttft_s_(config.service_time_half_life, ToSeconds(config.prior_service_time),
              config.prior_weight),
      success_rate_(config.reputation_half_life, 1.0, config.prior_weight),
      timeout_rate_(config.reputation_half_life, 0.0, config.prior_weight),
      breaker_(config.breaker) {}

void WorkerState::OnStart(TimePoint now) {
  ++in_flight_;
  ++counters_.requests;
  breaker_.OnRequestStart(now);
}

void WorkerState::OnFirstToken(Duration time_to_first_token, TimePoint now) {
  ttft_s_.Add(ToSeconds(time_to_first_token), now);
}

void WorkerState::OnSuccess(Duration service_time, TimePoint now) {
  --in_flight_;
  ++counters_.successes;
  service_time_s_.Add(ToSeconds(service_time), now);
  success_rate_.Add(1.0, now);
  timeout_rate_.Add(0.0, now);
  breaker_.OnSuccess(now);
}

void WorkerState::OnAbandoned() {
  --in_flight_;
  ++counters_.abandoned;
  breaker_.OnAbandoned();
}

void WorkerState::OnFailure(FailureKind kind, TimePoint now) {
  --in_flight_;
  switch (kind) {
    case FailureKind::kBeforeFirstToken:
      ++counters_.failures_before_first_token;
      break;
    case FailureKind::kAfterFirstToken:
      ++counters_.failures_after_first_token;
      break;
    case FailureKind::kTimeout:
      ++counters_.timeouts;
      break;
  }
  success_rate_.Add(0.0, now);
  timeout_rate_.Add(kind == FailureKind::kTimeout ? 1.0 : 0.0, now);
  breaker_.OnFailure(now);
}

}  // namespace cocoon::proxy::routing
