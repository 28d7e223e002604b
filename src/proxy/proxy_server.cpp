#include "proxy/proxy_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "inference/protocol.h"
#include "net/endpoint.h"

namespace cocoon::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

uint64_t SeedOrRandom(uint64_t seed) { return seed ? seed : std::random_device{}(); }

ProxyServerOptions WithRelaySession(ProxyServerOptions options) {
  options.relay.session = options.session;
  return options;
}

}  // namespace

ProxyServer::ProxyServer(asio::any_io_executor executor, ProxyServerOptions options,
                         std::shared_ptr<ratls::TlsContext> worker_tls,
                         std::shared_ptr<ratls::TlsContext> client_tls)
    : executor_(executor),
      options_(WithRelaySession(std::move(options))),
      worker_tls_(std::move(worker_tls)),
      client_tls_(std::move(client_tls)),
      worker_acceptor_(executor),
      client_acceptor_(executor),
      pool_(options_.allowed_models, options_.worker_stats, SeedOrRandom(options_.routing_seed)) {}

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
  std::vector<net::SessionPtr> sessions;
  for (const auto& [id, client] : clients_) sessions.push_back(client.session);
  for (const auto& [id, worker] : pool_.table().workers()) {
    if (auto w = pool_.Find(id)) sessions.push_back(w->session);
  }
  for (auto& s : sessions) s->Close(Unavailable("proxy is shutting down"));
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
  auto slot = std::make_shared<PeerSlot>();
  slot->worker = workers;
  // Named, not a temporary: GCC 12 destroys temporaries with non-trivial
  // destructors twice when they sit inside a co_await expression.
  net::RequestHandler handler = [this, slot](net::IncomingStream s) {
    return Handle(slot, std::move(s));
  };
  auto secure = co_await net::AcceptSecure(std::move(socket), tls, options_.session, handler);
  if (!secure.ok()) {
    ++(workers ? counters_.workers_refused : counters_.clients_refused);
    spdlog::warn("refused {} from {}: {}", kind, from, secure.status().message());
    co_return;
  }
  if (stopped_) {
    secure->session->Close(Unavailable("proxy is shutting down"));
    co_return;
  }
  const auto& id = secure->peer;
  spdlog::info("{} connected from {}: key {} image {} ({})", kind, from, id.key.Hex(),
               id.measurements ? HexEncode(id.measurements->image_hash) : "none",
               id.measurements ? id.measurements->tcb_status : "no attestation");
  // No suspension between the handshake and filling the slot, so the
  // session's first request finds it filled.
  if (workers) {
    WorkerPtr worker = pool_.Connect(secure->session, secure->peer, from);
    slot->id = worker->id;
  } else {
    slot->id = next_client_id_++;
    clients_[slot->id] = Client{secure->session, secure->peer, from, 0};
  }
  secure->session->OnClose([this, slot, kind, from](const Status& why) {
    if (slot->worker) {
      pool_.Disconnect(slot->id);
    } else {
      clients_.erase(slot->id);
    }
    spdlog::info("{} {} disconnected: {}", kind, from, why.message());
  });
}

asio::awaitable<void> ProxyServer::Handle(std::shared_ptr<PeerSlot> peer,
                                          net::IncomingStream stream) {
  if (stream.method() == "ping") {
    (void)co_await stream.Write(AsBytes("pong"));
    (void)stream.Finish();
    co_return;
  }
  if (peer->id == 0) {
    (void)stream.Fail(Unavailable("the connection is not set up yet"));
    co_return;
  }
  if (peer->worker) {
    co_await HandleWorker(peer->id, std::move(stream));
  } else {
    co_await HandleClient(peer->id, std::move(stream));
  }
}

asio::awaitable<void> ProxyServer::HandleWorker(uint64_t id, net::IncomingStream stream) {
  if (stream.method() != inference::kAnnounceMethod) {
    (void)stream.Fail(NotFound("unknown method \"" + stream.method() + "\" for a worker"));
    co_return;
  }
  inference::WorkerAnnounce announce;
  const Bytes& payload = stream.payload();
  if (!announce.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    (void)stream.Fail(InvalidArgument("announce: the message does not parse"));
    co_return;
  }
  Status accepted = pool_.Announce(id, announce);
  if (!accepted.ok()) {
    spdlog::warn("worker {}: announcement refused: {}", id, accepted.message());
    (void)stream.Fail(accepted);
    co_return;
  }
  spdlog::info("worker {} ({}) announced: {} model(s), coefficient {}, capacity {}, {}, {}", id,
               announce.name(), announce.models_size(), announce.price_coefficient(),
               announce.max_concurrent(), announce.enabled() ? "enabled" : "disabled",
               announce.healthy() ? "healthy" : "unhealthy");
  inference::AnnounceAck ack;
  ack.set_worker_id(id);
  std::string encoded = ack.SerializeAsString();
  (void)co_await stream.Write(AsBytes(encoded));
  (void)stream.Finish();
}

asio::awaitable<void> ProxyServer::HandleClient(uint64_t id, net::IncomingStream stream) {
  const std::string& method = stream.method();
  if (method == inference::kInferMethod) {
    co_await Infer(id, std::move(stream));
    co_return;
  }
  std::string answer;
  if (method == inference::kModelsMethod) {
    answer = pool_.Models().SerializeAsString();
  } else if (method == inference::kAttestationMethod) {
    answer = pool_.Attestation().SerializeAsString();
  } else {
    (void)stream.Fail(NotFound("unknown method \"" + method + "\" for a client"));
    co_return;
  }
  (void)co_await stream.Write(AsBytes(answer));
  (void)stream.Finish();
}

asio::awaitable<void> ProxyServer::Infer(uint64_t client_id, net::IncomingStream stream) {
  auto it = clients_.find(client_id);
  if (it == clients_.end()) {
    (void)stream.Fail(Unavailable("the client connection is closing"));
    co_return;
  }
  ++counters_.requests;
  if (it->second.in_flight >= options_.max_requests_per_client) {
    ++counters_.over_client_limit;
    ++counters_.refused;
    (void)stream.Fail(ResourceExhausted("this client already has " +
                                        std::to_string(it->second.in_flight) +
                                        " requests in flight (the proxy's limit per client is " +
                                        std::to_string(options_.max_requests_per_client) + ")"));
    co_return;
  }
  ++it->second.in_flight;
  ++in_flight_;
  RelayObserver count = [this](const RelayOutcome& outcome) {
    if (outcome.attempts > 1) counters_.retries += outcome.attempts - 1;
    if (outcome.result == "ok") {
      ++counters_.completed;
    } else if (outcome.result == "incomplete") {
      ++counters_.incomplete;
    } else if (outcome.result == "cancelled") {
      ++counters_.cancelled;
    } else {
      ++counters_.refused;
    }
    if (observer_) observer_(outcome);
  };
  co_await RelayInference(std::move(stream), pool_, options_.relay, count);
  --in_flight_;
  // The client may have disconnected meanwhile.
  if (auto again = clients_.find(client_id); again != clients_.end()) --again->second.in_flight;
}

nlohmann::json ProxyServer::Stats() const {
  nlohmann::json clients = nlohmann::json::array();
  for (const auto& [id, c] : clients_) {
    clients.push_back({{"id", id},
                       {"remote", c.remote},
                       {"key", c.identity.key.Hex()},
                       {"in_flight", c.in_flight}});
  }
  return {
      {"workers", pool_.Stats(std::chrono::steady_clock::now())},
      {"clients", clients},
      {"requests_in_flight", in_flight_},
      {"requests",
       {{"total", counters_.requests},
        {"completed", counters_.completed},
        {"incomplete", counters_.incomplete},
        {"cancelled", counters_.cancelled},
        {"refused", counters_.refused},
        {"retries", counters_.retries},
        {"over_client_limit", counters_.over_client_limit}}},
      {"handshakes_refused",
       {{"workers", counters_.workers_refused}, {"clients", counters_.clients_refused}}},
  };
}

}  // namespace cocoon::proxy
