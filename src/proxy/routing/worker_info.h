// WorkerInfo: what routing needs to know about a worker apart from its
// measured behaviour: what it serves, whether it may be used, its price and
// how many requests it runs at once. Filled from the worker's announcement
// and the operator's/health checker's verdicts.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "util/status.h"

namespace cocoon::proxy::routing {

struct WorkerInfo {
  // Model names it serves, matched exactly; ordered by std::less<> so a
  // string_view can be looked up without a copy.
  std::set<std::string, std::less<>> models;
  bool enabled = true;                // false: disabled by its operator
  bool healthy = true;                // false: its backend failed a health check
  uint32_t price_coefficient = 1000;  // units of 1/1000 (1000 = the base price)
  uint32_t capacity = 1;              // max requests in flight at once

  // InvalidArgument when the announcement is unusable (capacity 0, an empty
  // model name).
  Status Validate() const;
};

}  // namespace cocoon::proxy::routing
