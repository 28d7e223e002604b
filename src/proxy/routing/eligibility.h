// Eligibility: whether one worker may take one request now, and if not, why.
//
// The checks run in a fixed order and a worker is attributed to the first one
// it fails, so that the reason counts in an error add up to the number of
// workers serving the model:
//   serves the model → not already tried for this request → enabled →
//   healthy → circuit breaker lets a request through → price coefficient
//   within the client's limit → in-flight below capacity.
//
// Thread-safety: plain functions and values.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "proxy/routing/types.h"
#include "proxy/routing/worker_state.h"

namespace cocoon::proxy::routing {

enum class Ineligibility {
  kNone,          // eligible
  kWrongModel,    // does not serve the model
  kAlreadyTried,  // in the request's exclude set
  kDisabled,      // disabled by its operator
  kUnhealthy,     // its backend failed a health check
  kCircuitOpen,   // breaker open, or half-open with its one trial in flight
  kTooExpensive,  // price coefficient above the client's limit
  kBusy,          // in-flight == capacity
};

// Whether `worker` may take a request for `model` from a client whose price
// limit is `max_coefficient` (units of 1/1000, inclusive), given the workers
// already tried for this request.
Ineligibility CheckEligibility(const WorkerState& worker, std::string_view model,
                               uint32_t max_coefficient, const std::set<WorkerId>& exclude,
                               TimePoint now);

// How many workers serving a model fell into each case; the body of a 503.
struct Availability {
  uint32_t serving = 0;  // serve the model (the sum of all fields below)
  uint32_t eligible = 0;
  uint32_t already_tried = 0;
  uint32_t disabled = 0;
  uint32_t unhealthy = 0;
  uint32_t circuit_open = 0;
  uint32_t too_expensive = 0;
  uint32_t busy = 0;

  void Count(Ineligibility reason);
  // "busy: 2, unhealthy: 1" — the non-zero reasons, in check order.
  std::string ReasonsToString() const;
};

}  // namespace cocoon::proxy::routing
