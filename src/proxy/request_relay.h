// RelayInference: serves one client "infer" stream at the proxy — picks a
// worker (routing/router.h), forwards the request, and relays the worker's
// answer event by event back to the client (DESIGN.md §4).
//
// Retries: a failure before the worker's answer head (refused, disconnected,
// backend down, no head within first_token_timeout) is retried on another
// worker, up to max_attempts in all; the client sees nothing of it. After
// the head, output has reached the client, so a failure ends the answer with
// a failed tail instead. A request the worker calls malformed
// (kInvalidArgument) is not retried. A timeout is not retried either (the
// request's time is spent).
//
// Cancellation: a client that cancels (or whose connection drops) cancels the
// worker's stream, which cancels the backend request. Back-pressure: a client
// that reads slowly slows the worker (net::Session flow control); nothing is
// buffered beyond one event.
//
// The worker's head is stamped with the serving worker's identity and the
// proxy's own timing; the routing table learns every outcome.
//
// Threading: runs on the proxy's executor, like the WorkerPool it uses.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "net/session.h"
#include "proxy/worker_pool.h"

namespace cocoon::proxy {

struct RelayOptions {
  uint32_t max_attempts = 3;
  // From sending a request to a worker until its answer head (the backend's
  // time to first byte, prompt processing included).
  std::chrono::milliseconds first_token_timeout{120000};
  // Completion tokens a request may use (the worker caps the backend's
  // max_tokens at this); 0: no cap.
  int64_t max_tokens = 0;
  // The proxy's session options (to size relayed events).
  net::SessionOptions session;
};

// What happened to one request, for metrics and logs (never its content).
struct RelayOutcome {
  std::string request_id;
  std::string model;
  // "ok", "incomplete" (cut after the head), "cancelled", or the error code
  // name of a refusal ("unavailable", "not_found", ...).
  std::string result;
  uint32_t attempts = 0;
  routing::WorkerId worker = 0;  // the serving worker; 0 if none
  uint32_t http_status = 0;      // the backend's status, 0 if no head
  std::chrono::steady_clock::duration total{};
  std::chrono::steady_clock::duration time_to_head{};  // 0 if no head
};

using RelayObserver = std::function<void(const RelayOutcome&)>;

// Where payments join the relay (both optional).
struct RelayHooks {
  // After the request is parsed and its model checked, before any routing:
  // may adjust the request (max_tokens, max_coefficient) or refuse it (the
  // client sees the error, e.g. kResourceExhausted for missing credit).
  std::function<boost::asio::awaitable<Status>(inference::InferRequest& request)> before_routing;
  // With the serving worker's tail, before it goes to the client: the
  // client's payment to put in the tail (nullopt: none). Called once per
  // request at most; a request without a tail from a worker never calls it.
  std::function<boost::asio::awaitable<std::optional<inference::Payment>>(
      const ConnectedWorker& worker, const inference::InferRequest& request,
      const inference::ResponseTail& tail)>
      on_tail;
};

boost::asio::awaitable<void> RelayInference(net::IncomingStream client, WorkerPool& pool,
                                            const RelayOptions& options, RelayObserver observer,
                                            const RelayHooks& hooks = {});

}  // namespace cocoon::proxy
