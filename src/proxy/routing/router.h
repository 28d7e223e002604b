// Router: picks the worker for the next attempt of a request.
//
// Filter (see eligibility.h): serves the model, not already tried, enabled,
// healthy, circuit breaker allows, price coefficient within the client's
// limit, in-flight below capacity. Score (see score.h): expected seconds to a
// successful answer. Choice: power of two choices — two distinct candidates
// drawn uniformly at random, the lower score wins; scores within
// ScoreConfig::tie_tolerance of each other are a tie, decided by a coin flip. P2C avoids the herd
// behaviour of always taking the global best (every proxy decision would pile onto the same worker
// between updates) while still steering load away from slow, loaded or unreliable workers, and
// equally idle workers share the load evenly.
//
// Pick decides only; the caller then calls WorkerTable::RecordStart (before
// any other Pick) so the decision is counted.
//
// Randomness is passed in, so a seeded std::mt19937_64 makes every decision
// reproducible in tests.
//
// Thread-safety: not thread-safe; owned by the proxy's executor (with the
// WorkerTable it reads, which must outlive it).
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <string_view>

#include "proxy/routing/eligibility.h"
#include "proxy/routing/score.h"
#include "proxy/routing/types.h"
#include "proxy/routing/worker_table.h"
#include "util/status.h"

namespace cocoon::proxy::routing {

class Router {
 public:
  explicit Router(const WorkerTable& table, ScoreConfig config = {});

  // The worker for the next attempt at a request for `model` from a client
  // whose price limit is `max_coefficient` (units of 1/1000), never one in
  // `exclude` (the workers already tried for this request). Errors:
  //  - NotFound "no worker serves model "X"" — the API answers 404 if the
  //    model is unknown to the network, else 503;
  //  - Unavailable "N workers serve model "X" but none is available now
  //    (busy: a, unhealthy: b, ...)" — the API answers 503.
  Result<WorkerId> Pick(std::string_view model, uint32_t max_coefficient,
                        const std::set<WorkerId>& exclude, TimePoint now,
                        std::mt19937_64& rng) const;

  // Why workers serving `model` are or are not eligible (for errors, /stats).
  Availability Survey(std::string_view model, uint32_t max_coefficient,
                      const std::set<WorkerId>& exclude, TimePoint now) const;

  const ScoreConfig& score_config() const { return config_; }

 private:
  const WorkerTable& table_;
  ScoreConfig config_;
};

}  // namespace cocoon::proxy::routing
