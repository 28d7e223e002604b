// Score: how good a worker is for the next request, as an estimate of the
// seconds until the client has a successful answer. Lower is better.
//
//   expected_wait = (in_flight + 1) × service_time
//   score         = expected_wait / max(success_rate, min_success_rate)
//                   + timeout_rate × timeout_penalty
//
// Why:
//  - (in_flight + 1) × service_time is how long this request takes if the
//    worker shares itself evenly among its requests (or queues them): with
//    nothing in flight it is one service time, and each queued request adds
//    one. The +1 lets an idle fast worker beat an idle slow one.
//  - Dividing by the success rate: if an attempt succeeds with probability p,
//    the expected number of attempts is 1/p (geometric), so the expected time
//    to success scales by 1/p. The floor keeps a worker that has only failed
//    finite (the circuit breaker, not the score, removes a dead worker).
//  - A timeout is worse than a fast error: the client waited the whole
//    deadline and the request cannot be retried. timeout_penalty (default
//    30 s, roughly a request deadline) charges that waiting time in
//    proportion to how often it happens.
// All inputs are time-smoothed (Ewma), so a new worker scores with the priors.
//
// Thread-safety: plain functions and values.
#pragma once

#include "proxy/routing/types.h"
#include "proxy/routing/worker_state.h"

namespace cocoon::proxy::routing {

struct ScoreConfig {
  double min_success_rate = 0.05;
  double timeout_penalty_s = 30.0;
  // Scores closer than this fraction of the lower one count as a tie (a coin
  // flip decides), so workers that differ only by measurement noise share
  // the load instead of the marginally faster one taking every request.
  double tie_tolerance = 0.2;
};

// Seconds; lower is better. Always finite and >= 0.
double Score(const WorkerState& worker, TimePoint now, const ScoreConfig& config);

}  // namespace cocoon::proxy::routing
