#include "proxy/routing/score.h"

#include <algorithm>

namespace cocoon::proxy::routing {

double Score(const WorkerState& worker, TimePoint now, const ScoreConfig& config) {
  double service_time = std::max(worker.service_time_s(now), 0.0);
  double expected_wait = (static_cast<double>(worker.in_flight()) + 1.0) * service_time;
  double success_rate =
      std::clamp(worker.success_rate(now), std::max(config.min_success_rate, 1e-6), 1.0);
  double timeout_rate = std::clamp(worker.timeout_rate(now), 0.0, 1.0);
  return expected_wait / success_rate + timeout_rate * std::max(config.timeout_penalty_s, 0.0);
}

}  // namespace cocoon::proxy::routing
