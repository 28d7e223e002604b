#include "proxy/proxy_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/endpoint.h"

namespace cocoon::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

ProxyServer::ProxyServer(asio::any_io_executor executor, ProxyServerOptions options,
                         std::shared_ptr<ratls::TlsContext> worker_tls,
                         std::shared_ptr<ratls::TlsContext> client_tls)
    : executor_(executor),
      options_(std::move(options)),
      worker_tls_(std::move(worker_tls)),
      client_tls_(std::move(client_tls)),
      worker_acceptor_(executor),
      client_acceptor_(executor) {}

Status ProxyServer::Listen() {
  COCOON_RETURN_IF_ERROR(net::BindListener(worker_acceptor_, options_.workers_listen));
  COCOON_RETURN_IF_ERROR(net::BindListener(client_acceptor_, options_.clients_listen));
  return Status::Ok();
}

uint16_t ProxyServer::workers_port() const { return worker_acceptor_.local_endpoint().port(); }
uint16_t ProxyServer::clients_port() const { return client_acceptor_.local_endpoint().port(); }

void ProxyServer::Start() {
  asio::co_spawn(executor_, AcceptLoop(worker_acceptor_, true), asio::detached);
  asio::co_spawn(executor_, AcceptLoop(client_acceptor_, false), asio::detached);
}

void ProxyServer::SetTlsContexts(std::shared_ptr<ratls::TlsContext> worker_tls,
                                 std::shared_ptr<ratls::TlsContext> client_tls) {
  worker_tls_ = std::move(worker_tls);
  client_tls_ = std::move(client_tls);
}

void ProxyServer::Stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  worker_acceptor_.close(ignored);
  client_acceptor_.close(ignored);
  for (auto* peers : {&workers_, &clients_}) {
    auto copy = *peers;
    for (auto& [id, peer] : copy) peer.session->Close(Unavailable("proxy is shutting down"));
  }
}

asio::awaitable<void> ProxyServer::AcceptLoop(tcp::acceptor& acceptor, bool workers) {
  while (!stopped_) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopped_ || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    asio::co_spawn(executor_,
                   Serve(std::move(socket), workers ? worker_tls_ : client_tls_, workers),
                   asio::detached);
  }
}

asio::awaitable<void> ProxyServer::Serve(tcp::socket socket, std::shared_ptr<ratls::TlsContext> tls,
                                         bool workers) {
  const char* kind = workers ? "worker" : "client";
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  std::string from =
      ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
  auto secure =
      co_await net::AcceptSecure(std::move(socket), tls, options_.session,
                                 [this](net::IncomingStream s) { return Handle(std::move(s)); });
  if (!secure.ok()) {
    spdlog::warn("refused {} from {}: {}", kind, from, secure.status().message());
    co_return;
  }
  const auto& id = secure->peer;
  spdlog::info("{} connected from {}: key {} image {} ({})", kind, from, id.key.Hex(),
               id.measurements ? HexEncode(id.measurements->image_hash) : "none",
               id.measurements ? id.measurements->tcb_status : "no attestation");
  uint64_t peer_id = next_peer_id_++;
  auto& peers = workers ? workers_ : clients_;
  peers[peer_id] = Peer{secure->session, secure->peer};
  secure->session->OnClose([this, peer_id, workers, kind, from](const Status& why) {
    (workers ? workers_ : clients_).erase(peer_id);
    spdlog::info("{} {} disconnected: {}", kind, from, why.message());
  });
}

asio::awaitable<void> ProxyServer::Handle(net::IncomingStream stream) {
  if (stream.method() == "ping") {
    (void)co_await stream.Write(AsBytes("pong"));
    (void)stream.Finish();
    co_return;
  }
  (void)stream.Fail(NotFound("unknown method \"" + stream.method() + "\""));
}

}  // namespace cocoon::proxy
