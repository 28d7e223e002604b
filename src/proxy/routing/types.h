// Vocabulary shared by the routing module: worker ids and monotonic time.
//
// Routing never reads a clock. Every operation that depends on time takes
// `now` from the caller (a std::chrono::steady_clock reading in the proxy, any
// made-up instant in tests), so the whole module is deterministic.
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>

namespace cocoon::proxy::routing {

// The registry's id for a connected worker.
using WorkerId = uint64_t;

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

// A duration as (fractional) seconds.
inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace cocoon::proxy::routing
