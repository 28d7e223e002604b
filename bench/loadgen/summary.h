// Summary: what a load run measured, reduced to the figures reported in
// bench/RESULTS.md (throughput, latency and time-to-first-chunk percentiles,
// tokens/s, errors by kind, SSE event lateness).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "load_generator.h"

namespace cocoon::bench {

// The p-th percentile (0..100) of `values` by nearest rank; 0 when empty.
// Sorts `values`.
double Percentile(std::vector<double>& values, double p);

// Summarises `result` as JSON. Times are in milliseconds; only successful
// requests count towards latencies and throughput. With `samples`, adds
// "samples": {"latency_ms": [...], "first_chunk_ms": [...]}.
nlohmann::json Summarize(const LoadOptions& options, const LoadResult& result,
                         bool samples = false);

}  // namespace cocoon::bench
