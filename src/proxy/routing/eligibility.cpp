#include "proxy/routing/eligibility.h"

namespace cocoon::proxy::routing {

Ineligibility CheckEligibility(const WorkerState& worker, std::string_view model,
                               uint32_t max_coefficient, const std::set<WorkerId>& exclude,
                               TimePoint now) {
  const WorkerInfo& info = worker.info();
  if (!worker.serves(model)) return Ineligibility::kWrongModel;
  if (exclude.count(worker.id()) > 0) return Ineligibility::kAlreadyTried;
  if (!info.enabled) return Ineligibility::kDisabled;
  if (!info.healthy) return Ineligibility::kUnhealthy;
  if (!worker.breaker().AllowsRequest(now)) return Ineligibility::kCircuitOpen;
  if (info.price_coefficient > max_coefficient) return Ineligibility::kTooExpensive;
  if (worker.at_capacity()) return Ineligibility::kBusy;
  return Ineligibility::kNone;
}

void Availability::Count(Ineligibility reason) {
  if (reason == Ineligibility::kWrongModel) return;
  ++serving;
  switch (reason) {
    case Ineligibility::kNone:
      ++eligible;
      break;
    case Ineligibility::kAlreadyTried:
      ++already_tried;
      break;
    case Ineligibility::kDisabled:
      ++disabled;
      break;
    case Ineligibility::kUnhealthy:
      ++unhealthy;
      break;
    case Ineligibility::kCircuitOpen:
      ++circuit_open;
      break;
    case Ineligibility::kTooExpensive:
      ++too_expensive;
      break;
    case Ineligibility::kBusy:
      ++busy;
      break;
    case Ineligibility::kWrongModel:
      break;
  }
}

std::string Availability::ReasonsToString() const {
  std::string out;
  auto add = [&out](const char* name, uint32_t n) {
    if (n == 0) return;
    if (!out.empty()) out += ", ";
    out += name;
    out += ": ";
    out += std::to_string(n);
  };
  add("already tried", already_tried);
  add("disabled", disabled);
  add("unhealthy", unhealthy);
  add("circuit open", circuit_open);
  add("too expensive", too_expensive);
  add("busy", busy);
  return out;
}

}  // namespace cocoon::proxy::routing
