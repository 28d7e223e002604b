// LoadGenerator: drives an OpenAI-compatible HTTP endpoint with a fixed
// number of concurrent callers (a closed loop) and records, per request, the
// times a streaming client cares about: response head, first body bytes
// (for SSE: the first event), every event, and the last byte.
//
// It exists because hey and wrk time whole responses only; time to first
// chunk and the lateness of each SSE event need a client that reads the body
// as it arrives. It is a measuring tool, not part of the network: it shares
// no code with the request path it measures (plain Beast over TCP).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cocoon::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/v1/chat/completions";
  std::string body;  // sent with POST; empty: GET
  std::vector<std::pair<std::string, std::string>> headers;
  int concurrency = 1;  // callers, each with at most one request in flight
  // When > 0, an open loop: request i is due at i / rate seconds after the
  // start, whatever the others are doing, and its times count from when it
  // was due (so a request that waited for a free caller shows the wait).
  // `concurrency` then bounds the requests in flight.
  double rate = 0;
  uint64_t requests = 100;  // in total, over all callers
  bool keep_alive = true;   // false: a new TCP connection per request
  int threads = 1;          // io_context threads; callers are spread over them
  // Callers start evenly spread over this time (0: all at once), so that
  // thousands of streams do not hit a listen backlog in one burst.
  std::chrono::milliseconds ramp{0};
  std::chrono::milliseconds timeout{120000};  // per read/write, not per request
  // When > 0, the lateness of each SSE event after the first is recorded:
  // its arrival minus (first event + index × interval).
  std::chrono::microseconds expected_event_interval{0};
};

// One request as the caller saw it. Times are seconds since the request was
// started (with LoadOptions::rate, since it was due); negative when the
// point was never reached.
struct RequestRecord {
  double start = 0;  // seconds since the run began
  double head = -1;
  double first_chunk = -1;
  double end = -1;
  uint32_t status = 0;
  uint32_t events = 0;  // SSE events ("data: [DONE]" included)
  uint64_t body_bytes = 0;
  uint64_t completion_tokens = 0;  // from the last usage record seen
  bool saw_done = false;
  std::string error;  // empty when the request succeeded
};

struct LoadResult {
  double wall_seconds = 0;
  std::vector<RequestRecord> requests;
  std::vector<double> event_lateness;  // seconds, see expected_event_interval
};

// Runs the load to completion. A request fails (RequestRecord::error) on a
// connection error, a timeout, a non-200 status, an SSE error event, or a
// stream that ends without "data: [DONE]".
LoadResult RunLoad(const LoadOptions& options);

}  // namespace cocoon::bench
