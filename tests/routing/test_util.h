// Helpers shared by the routing tests: a fixed time origin and worker infos.
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>

#include "proxy/routing/types.h"
#include "proxy/routing/worker_info.h"

namespace cocoon::proxy::routing::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// An arbitrary instant; tests only ever add to it.
inline TimePoint T0() { return TimePoint{} + std::chrono::hours(1000); }

inline WorkerInfo Info(std::initializer_list<std::string> models, uint32_t capacity = 4,
                       uint32_t coefficient = 1000) {
  WorkerInfo info;
  info.models.insert(models.begin(), models.end());
  info.capacity = capacity;
  info.price_coefficient = coefficient;
  return info;
}

}  // namespace cocoon::proxy::routing::testing
