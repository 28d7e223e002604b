#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <unordered_map>

#include "http/openai.h"
#include "http/server_connection.h"

namespace cocoon::http {

namespace asio = boost::asio;
using asio::ip::tcp;

struct HttpServer::Impl final : detail::ConnectionHost,
                                std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::any_io_executor ex, ServerOptions opts)
      : executor(ex), strand(asio::make_strand(ex)), options_(std::move(opts)), acceptor(strand) {}

  const ServerOptions& options() const override { return options_; }
  bool stopping() const override { return stopping_.load(); }

  asio::awaitable<void> Dispatch(Request& request, ResponseWriter& writer) override {
    auto path = routes.find(request.path);
    if (path == routes.end()) {
      (void)co_await writer.Send(ApiErrorResponse(
          ApiErrorFromHttpStatus(404, "no route for " + request.method + " " + request.path)));
      co_return;
    }
    auto handler = path->second.find(request.method);
    if (handler == path->second.end()) {
      std::string allow;
      for (const auto& [method, h] : path->second) allow += (allow.empty() ? "" : ", ") + method;
      Response r = ApiErrorResponse(ApiErrorFromHttpStatus(
          405, "method " + request.method + " not allowed for " + request.path));
      r.headers.Set("Allow", allow);
      (void)co_await writer.Send(std::move(r));
      co_return;
    }
    co_await handler->second(request, writer);
  }

  void AdjustReadBuffer(int64_t delta) override { read_buffer_bytes += delta; }

  void Forget(uint64_t id) override {
    std::lock_guard lock(mu);
    connections.erase(id);
  }

  asio::awaitable<void> AcceptLoop() {
    auto self = shared_from_this();
    while (!stopping_) {
      tcp::socket socket(options_.one_thread ? executor
                                             : asio::any_io_executor(asio::make_strand(executor)));
      auto [ec] = co_await acceptor.async_accept(socket, asio::as_tuple(asio::use_awaitable));
      if (stopping_ || !acceptor.is_open()) break;
      if (ec) {
        // E.g. out of file descriptors: back off instead of spinning.
        spdlog::warn("http: accept failed: {}", ec.message());
        asio::steady_timer t(strand, std::chrono::milliseconds(50));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      ++accepted;
      std::shared_ptr<detail::ServerConnection> conn;
      {
        std::lock_guard lock(mu);
        if (connections.size() >= options_.max_connections) {
          spdlog::warn("http: connection limit {} reached; refusing a connection",
                       options_.max_connections);
          boost::system::error_code ignored;
          socket.close(ignored);
          continue;
        }
        uint64_t id = next_id++;
        conn = std::make_shared<detail::ServerConnection>(self, std::move(socket), id);
        connections.emplace(id, conn);
      }
      asio::co_spawn(conn->executor(), conn->Run(), asio::detached);
    }
  }

  void Stop(bool graceful) {
    stopping_ = true;
    asio::post(strand, [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor.close(ignored);
    });
    std::vector<std::shared_ptr<detail::ServerConnection>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [id, weak] : connections) {
        if (auto c = weak.lock()) live.push_back(std::move(c));
      }
    }
    for (auto& c : live) c->Shutdown(graceful);
  }

  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> strand;  // for the acceptor
  const ServerOptions options_;
  std::unordered_map<std::string, std::unordered_map<std::string, Handler>> routes;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening{false};
  std::atomic<uint16_t> port{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<int64_t> read_buffer_bytes{0};

  mutable std::mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<detail::ServerConnection>> connections;
  uint64_t next_id = 1;
};

HttpServer::HttpServer(asio::any_io_executor executor, ServerOptions options)
    : impl_(std::make_shared<Impl>(executor, std::move(options))) {}

HttpServer::~HttpServer() { impl_->Stop(/*graceful=*/false); }

void HttpServer::Route(std::string method, std::string path, Handler handler) {
  impl_->routes[std::move(path)][std::move(method)] = std::move(handler);
}

Result<uint16_t> HttpServer::Listen(std::string_view host, uint16_t port) {
  if (impl_->listening.exchange(true)) return FailedPrecondition("server is already listening");
  boost::system::error_code ec;
  asio::ip::address address;
  if (host == "localhost") {
    address = asio::ip::address_v4::loopback();
  } else {
    address = asio::ip::make_address(std::string(host), ec);
    if (ec) {
      return InvalidArgument("listen address '" + std::string(host) +
                             "' is not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)");
    }
  }
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl_->acceptor;
  std::string where = std::string(host) + ":" + std::to_string(port);
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return IoError("cannot open a socket for " + where + ": " + ec.message());
  }
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) {
    return IoError("cannot listen on " + where + ": " + ec.message() +
                   " (is another process using the port?)");
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return IoError("cannot listen on " + where + ": " + ec.message());
  }
  impl_->port = acceptor.local_endpoint(ec).port();
  asio::co_spawn(impl_->strand, impl_->AcceptLoop(), asio::detached);
  return impl_->port.load();
}

void HttpServer::Stop() { impl_->Stop(/*graceful=*/true); }

void HttpServer::StopNow() { impl_->Stop(/*graceful=*/false); }

uint16_t HttpServer::port() const { return impl_->port.load(); }

size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections.size();
}

uint64_t HttpServer::accepted_connections() const { return impl_->accepted.load(); }

size_t HttpServer::read_buffer_bytes() const {
  return static_cast<size_t>(std::max<int64_t>(0, impl_->read_buffer_bytes.load()));
}

}  // namespace cocoon::http
