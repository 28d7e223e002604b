// ApiServer: the client daemon's OpenAI-compatible HTTP API (DESIGN.md §4).
//
//   POST /v1/chat/completions, POST /v1/completions — streamed (SSE, as the
//     backend sent it, ending with data: [DONE]) or whole; the body travels
//     to the backend as sent (unknown fields included), max_tokens capped by
//     the proxy.
//   GET /v1/models — the OpenAI list, each model with its live worker count
//     and price range.
//   GET /v1/attestation — the proxies' and the serving workers' measurements
//     and certificates (evidence inside), re-verified here, so a caller can
//     check them again offline (`cocoon cert inspect --verify-with`).
//
// Errors use the OpenAI shape with honest statuses: 400 malformed body or no
// model, 401 bad key, 404 unknown model, 429 over a limit, 502 broken
// upstream, 503 no proxy or worker available, 504 timeout. Every response
// carries X-Request-Id and a Server-Timing header with each hop's time up to
// the answer's head (backend, worker, proxy, client), and names the serving
// worker (X-Cocoon-Worker) and proxy (X-Cocoon-Proxy).
//
// A request a proxy cannot take before its answer begins fails over to the
// next proxy (proxy_pool.h). A caller that disconnects cancels the request
// all the way to the backend. Prompts and completions are never logged.
//
// Threading: runs on one executor (shared with the ProxyPool); not
// thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "client/api_keys.h"
#include "client/proxy_pool.h"
#include "http/openai.h"
#include "http/server.h"
#include "node/payee.h"
#include "node/registry.h"
#include "ratls/verify.h"

namespace cocoon::client {

struct ApiServerOptions {
  http::ServerOptions http;
  // From receiving a request until its answer's head; then 504.
  std::chrono::milliseconds answer_timeout{180000};
  // Highest worker price coefficient accepted (1/1000); 0: any.
  uint32_t max_coefficient = 0;
  // Models the registry allows; empty: any (the proxies decide).
  std::set<std::string> models;
  node::Prices prices;  // for /v1/models
  // Payments (node/payee.h): keeps the proxies' vouchers; with it, each
  // answer's usage carries its cost (http/usage_cost.h). Null: the
  // proxies do not charge.
  std::shared_ptr<node::Payee> payee;
};

struct ApiCounters {
  uint64_t requests = 0;
  uint64_t completed = 0;
  uint64_t incomplete = 0;  // cut after the head
  uint64_t cancelled = 0;
  uint64_t errors = 0;  // answered with an error status before the head
  uint64_t failovers = 0;
  uint64_t vouchers = 0;          // accepted from the proxies
  uint64_t vouchers_refused = 0;  // failed the contract's checks
};

class ApiServer {
 public:
  // `verify_workers` re-verifies worker certificates for /v1/attestation.
  ApiServer(boost::asio::any_io_executor executor, ApiServerOptions options, ProxyPool& proxies,
            ApiKeys& keys, ratls::PeerRequirements verify_workers);
  ~ApiServer();
  // The registry changed: the models and prices /v1/models and the 404
  // check use.
  void SetRegistry(std::set<std::string> models, node::Prices prices) {
    options_.models = std::move(models);
    options_.prices = prices;
  }

  Result<uint16_t> Listen(std::string_view host, uint16_t port);
  void Stop();

  const ApiCounters& counters() const { return counters_; }
  uint32_t in_flight() const { return in_flight_; }
  // Counters, proxies and API keys (names and counts only) as JSON.
  nlohmann::json Stats() const;

  // Called after every completion request with its outcome ("ok",
  // "incomplete", "cancelled", or the HTTP status of an error) and its time.
  using Observer = std::function<void(std::string_view model, std::string_view outcome,
                                      std::chrono::steady_clock::duration total,
                                      std::chrono::steady_clock::duration time_to_head)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  boost::asio::awaitable<void> Completions(http::Request& request, http::ResponseWriter& writer,
                                           http::Endpoint endpoint);
  // Checks the API key of a GET endpoint; answers 401 and returns false
  // when it is not valid.
  boost::asio::awaitable<bool> Authorized(const http::Request& request,
                                          http::ResponseWriter& writer,
                                          const http::Headers& headers);
  boost::asio::awaitable<void> Models(const http::Request& request, http::ResponseWriter& writer);
  boost::asio::awaitable<void> Attestation(const http::Request& request,
                                           http::ResponseWriter& writer);

  ApiServerOptions options_;
  ProxyPool& proxies_;
  ApiKeys& keys_;
  ratls::PeerRequirements verify_workers_;
  std::unique_ptr<http::HttpServer> server_;
  ApiCounters counters_;
  uint32_t in_flight_ = 0;
  Observer observer_;
};

}  // namespace cocoon::client
