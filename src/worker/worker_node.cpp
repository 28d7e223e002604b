#include "worker/worker_node.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cocoon::worker {

namespace asio = boost::asio;

asio::awaitable<Result<ProbeResult>> ProbeProxy(const net::HostPort& proxy,
                                                std::shared_ptr<ratls::TlsContext> tls,
                                                net::SessionOptions options) {
  auto secure = co_await net::DialSecure(proxy, std::move(tls), options, nullptr);
  if (!secure.ok()) co_return secure.status();
  auto start = std::chrono::steady_clock::now();
  auto pong = co_await secure->session->Call("ping", {});
  auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  secure->session->Close(Status::Ok());
  if (!pong.ok()) co_return pong.status().WithContext("ping");
  co_return ProbeResult{std::move(secure->peer), rtt};
}

WorkerNode::WorkerNode(asio::any_io_executor executor, WorkerNodeOptions options,
                       std::shared_ptr<ratls::TlsContext> tls)
    : executor_(executor), options_(std::move(options)), tls_(std::move(tls)) {}

void WorkerNode::Start() {
  for (const auto& p : options_.proxies) asio::co_spawn(executor_, Maintain(p), asio::detached);
}

void WorkerNode::Stop() {
  stopped_ = true;
  for (auto& s : sessions_) s->Close(Unavailable("worker is shutting down"));
}

asio::awaitable<void> WorkerNode::Maintain(net::HostPort proxy) {
  auto backoff = options_.reconnect_min;
  asio::steady_timer timer(executor_);
  while (!stopped_) {
    auto secure = co_await net::DialSecure(proxy, tls_, options_.session, nullptr);
    if (secure.ok()) {
      backoff = options_.reconnect_min;
      ++connected_;
      spdlog::info("connected to proxy {}: image {} ({})", proxy.ToString(),
                   HexEncode(secure->peer.measurements->image_hash),
                   secure->peer.measurements->tcb_status);
      auto session = secure->session;
      sessions_.push_back(session);
      bool closed = false;
      session->OnClose([&closed, &timer](const Status&) {
        closed = true;
        timer.cancel();
      });
      while (!closed) {
        timer.expires_after(std::chrono::hours(1));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      --connected_;
      std::erase(sessions_, session);
      spdlog::warn("lost proxy {}: {}", proxy.ToString(), session->close_reason().message());
    } else {
      spdlog::warn("cannot connect to proxy {}: {} (retrying in {} ms)", proxy.ToString(),
                   secure.status().message(), backoff.count());
    }
    if (stopped_) break;
    timer.expires_after(backoff);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
}

}  // namespace cocoon::worker
