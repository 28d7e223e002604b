// AdminServer: the admin port every daemon (proxy, worker, client) serves
// (DESIGN.md §7), on http::HttpServer:
//
//   GET /healthz  200 {"status":"ok"}, or 503 {"status":"unhealthy","reason":"..."}
//                 from the health check (a daemon that cannot serve, e.g. a
//                 worker whose backend is down, says so here)
//   GET /metrics  the MetricsRegistry in Prometheus text format 0.0.4
//                 (Content-Type: text/plain; version=0.0.4; charset=utf-8)
//   GET /stats    application/json from the stats callback ({} without one)
//
// plus whatever routes the daemon adds before Listen (e.g. the worker's
// POST /admin/disable and /admin/enable). Other paths get 404, other
// methods on a known path 405 (http::HttpServer's rules).
//
// Security: the admin port has no authentication and no TLS. It listens on
// 127.0.0.1 by default and must not be exposed beyond the host (or the
// TEE's private network) unless something in front of it controls access.
// /stats and /metrics must never carry secrets, keys or prompt/completion
// text: callers must not put them in the stats JSON, label values or help.
//
// Threading: the server runs on the executor given at construction; the
// health check, the stats callback and added handlers run on a connection's
// strand of that executor. With a single-threaded io_context (the daemons'
// set-up) they run on the daemon's thread and may read its state freely;
// with a multi-threaded one they must be thread-safe. The setters and Route
// must be called before Listen; Stop and port() from any thread. After the
// destructor starts, requests still arriving get 503 and the callbacks are
// no longer called (with a multi-threaded executor, one already running may
// still finish; destroy the server before what its callbacks read).
//
// Errors: Listen returns the bind error; a callback that throws gets a 500
// (a health check that throws: 503) and never takes the daemon down.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "admin/metrics.h"
#include "http/server.h"
#include "util/status.h"

namespace cocoon::admin {

struct AdminOptions {
  // Loopback by default: the admin port is not for the outside world.
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 picks a free port; see AdminServer::port()
  http::ServerOptions http;
};

// OK when the daemon can serve; otherwise why not (the reason is shown on
// /healthz, so it must not contain secrets).
using HealthCheck = std::function<Status()>;
// The daemon's live state for /stats. No secrets, no prompt text.
using StatsSource = std::function<nlohmann::json()>;

class AdminServer {
 public:
  // `registry` (may be null: /metrics is then empty) must outlive the server.
  AdminServer(boost::asio::any_io_executor executor, AdminOptions options,
              const MetricsRegistry* registry);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Without a health check the daemon is always healthy.
  // REQUIRES: Listen was not called yet.
  void SetHealthCheck(HealthCheck check);
  // REQUIRES: Listen was not called yet.
  void SetStats(StatsSource stats);

  // Adds a route next to the built-in ones. Refuses (kFailedPrecondition)
  // after Listen, and a method+path that is already routed (the built-in
  // GET /healthz, /metrics, /stats included).
  Status Route(std::string method, std::string path, http::Handler handler);

  // Binds options.host:options.port and starts serving. Returns the bound
  // port.
  Result<uint16_t> Listen();

  // Graceful stop (http::HttpServer::Stop).
  void Stop();

  uint16_t port() const;

  // The bodies the built-in routes send, for daemons that want them
  // elsewhere and for tests.
  static http::Response HealthResponse(const Status& health);
  static http::Response MetricsResponse(const MetricsRegistry* registry);
  static http::Response StatsResponse(const nlohmann::json& stats);

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<http::HttpServer> server_;
  const AdminOptions options_;
  bool listening_ = false;
};

}  // namespace cocoon::admin
