#include "admin/admin_server.h"

#include <atomic>
#include <exception>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace cocoon::admin {

namespace asio = boost::asio;

struct AdminServer::State {
  const MetricsRegistry* registry = nullptr;
  HealthCheck health;
  StatsSource stats;
  std::atomic<bool> alive{true};
  std::set<std::pair<std::string, std::string>> routes;  // method, path

  Status CheckHealth() const {
    if (!alive.load()) return Unavailable("the daemon is shutting down");
    if (!health) return Status::Ok();
    try {
      return health();
    } catch (const std::exception& e) {
      return Internal(std::string("the health check failed: ") + e.what());
    } catch (...) {
      return Internal("the health check failed");
    }
  }
};

namespace {

using State = AdminServer::State;

// Handlers are plain functions taking their state by value (never coroutine
// lambdas with captures), and build every value outside co_await
// expressions (GCC 12, docs/http.md).

asio::awaitable<void> ServeHealth(std::shared_ptr<State> state, http::ResponseWriter& writer) {
  http::Response response = AdminServer::HealthResponse(state->CheckHealth());
  (void)co_await writer.Send(std::move(response));
}

asio::awaitable<void> ServeMetrics(std::shared_ptr<State> state, http::ResponseWriter& writer) {
  http::Response response =
      AdminServer::MetricsResponse(state->alive.load() ? state->registry : nullptr);
  (void)co_await writer.Send(std::move(response));
}

nlohmann::json CollectStats(const State& state) {
  if (!state.alive.load() || !state.stats) return nlohmann::json::object();
  return state.stats();
}

asio::awaitable<void> ServeStats(std::shared_ptr<State> state, http::ResponseWriter& writer) {
  http::Response response = AdminServer::StatsResponse(CollectStats(*state));
  (void)co_await writer.Send(std::move(response));
}

http::Response ShuttingDown() {
  return AdminServer::HealthResponse(Unavailable("the daemon is shutting down"));
}

asio::awaitable<void> ServeAdded(std::shared_ptr<State> state, http::Handler handler,
                                 http::Request& request, http::ResponseWriter& writer) {
  if (!state->alive.load()) {
    http::Response response = ShuttingDown();
    (void)co_await writer.Send(std::move(response));
    co_return;
  }
  co_await handler(request, writer);
}

}  // namespace

http::Response AdminServer::HealthResponse(const Status& health) {
  nlohmann::json body;
  if (health.ok()) {
    body["status"] = "ok";
  } else {
    body["status"] = "unhealthy";
    body["reason"] = health.ToString();
  }
  return http::JsonResponse(health.ok() ? 200 : 503,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response AdminServer::MetricsResponse(const MetricsRegistry* registry) {
  http::Response response;
  response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  if (registry != nullptr) response.body = registry->RenderPrometheus();
  return response;
}

http::Response AdminServer::StatsResponse(const nlohmann::json& stats) {
  // Invalid UTF-8 in a string is replaced rather than failing the page.
  return http::JsonResponse(200,
                            stats.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

AdminServer::AdminServer(asio::any_io_executor executor, AdminOptions options,
                         const MetricsRegistry* registry)
    : state_(std::make_shared<State>()),
      server_(std::make_unique<http::HttpServer>(executor, options.http)),
      options_(std::move(options)) {
  state_->registry = registry;
  auto state = state_;
  server_->Route("GET", "/healthz", [state](const http::Request&, http::ResponseWriter& w) {
    return ServeHealth(state, w);
  });
  server_->Route("GET", "/metrics", [state](const http::Request&, http::ResponseWriter& w) {
    return ServeMetrics(state, w);
  });
  server_->Route("GET", "/stats", [state](const http::Request&, http::ResponseWriter& w) {
    return ServeStats(state, w);
  });
  state_->routes = {{"GET", "/healthz"}, {"GET", "/metrics"}, {"GET", "/stats"}};
}

AdminServer::~AdminServer() {
  state_->alive.store(false);
  server_.reset();
}

void AdminServer::SetHealthCheck(HealthCheck check) { state_->health = std::move(check); }

void AdminServer::SetStats(StatsSource stats) { state_->stats = std::move(stats); }

Status AdminServer::Route(std::string method, std::string path, http::Handler handler) {
  if (listening_) {
    return FailedPrecondition("admin route " + method + " " + path +
                              " added after Listen; add routes before listening");
  }
  if (!state_->routes.emplace(method, path).second) {
    return FailedPrecondition("admin route " + method + " " + path + " is already routed");
  }
  auto state = state_;
  server_->Route(
      std::move(method), std::move(path),
      [state, handler = std::move(handler)](http::Request& request, http::ResponseWriter& w) {
        return ServeAdded(state, handler, request, w);
      });
  return Status::Ok();
}

Result<uint16_t> AdminServer::Listen() {
  listening_ = true;
  auto port = server_->Listen(options_.host, options_.port);
  if (!port.ok()) return port.status().WithContext("admin port");
  return port;
}

void AdminServer::Stop() { server_->Stop(); }

uint16_t AdminServer::port() const { return server_->port(); }

}  // namespace cocoon::admin
