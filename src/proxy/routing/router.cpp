#include "proxy/routing/router.h"

#include <string>
#include <vector>

namespace cocoon::proxy::routing {

namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

Router::Router(const WorkerTable& table, ScoreConfig config) : table_(table), config_(config) {}

Availability Router::Survey(std::string_view model, uint32_t max_coefficient,
                            const std::set<WorkerId>& exclude, TimePoint now) const {
  Availability availability;
  for (const auto& [id, worker] : table_.workers()) {
    availability.Count(CheckEligibility(worker, model, max_coefficient, exclude, now));
  }
  return availability;
}

Result<WorkerId> Router::Pick(std::string_view model, uint32_t max_coefficient,
                              const std::set<WorkerId>& exclude, TimePoint now,
                              std::mt19937_64& rng) const {
  std::vector<const WorkerState*> candidates;
  Availability availability;
  for (const auto& [id, worker] : table_.workers()) {
    Ineligibility reason = CheckEligibility(worker, model, max_coefficient, exclude, now);
    availability.Count(reason);
    if (reason == Ineligibility::kNone) candidates.push_back(&worker);
  }

  if (candidates.empty()) {
    if (availability.serving == 0) return NotFound("no worker serves model " + Quoted(model));
    return Unavailable(std::to_string(availability.serving) +
                       (availability.serving == 1 ? " worker serves" : " workers serve") +
                       " model " + Quoted(model) + " but none is available now (" +
                       availability.ReasonsToString() + ")");
  }
  if (candidates.size() == 1) return candidates[0]->id();

  // Two distinct candidates, uniformly: i from n, j from the other n-1.
  std::uniform_int_distribution<size_t> first(0, candidates.size() - 1);
  std::uniform_int_distribution<size_t> second(0, candidates.size() - 2);
  size_t i = first(rng);
  size_t j = second(rng);
  if (j >= i) ++j;

  double score_i = Score(*candidates[i], now, config_);
  double score_j = Score(*candidates[j], now, config_);
  const double low = std::min(score_i, score_j);
  const double high = std::max(score_i, score_j);
  if (high > low * (1.0 + std::max(config_.tie_tolerance, 0.0)))
    return score_i < score_j ? candidates[i]->id() : candidates[j]->id();
  return (rng() & 1) != 0 ? candidates[i]->id() : candidates[j]->id();
}

}  // namespace cocoon::proxy::routing
