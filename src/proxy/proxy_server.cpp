#include "proxy/proxy_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "crypto/random.h"
#include "inference/protocol.h"
#include "net/endpoint.h"
#include "net/session_stats_json.h"
#include "ton/uint128.h"

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

void ProxyServer::ApplyRegistry(const node::RegistryChange& change,
                                const node::RegistrySnapshot& snapshot) {
  if (!options_.allowed_models.empty() || !snapshot.models.empty()) {
    pool_.SetAllowedModels(snapshot.models);
  }
  std::vector<std::pair<net::SessionPtr, std::string>> to_close;
  for (const auto& [id, entry] : pool_.table().workers()) {
    WorkerPtr w = pool_.Find(id);
    if (!w) continue;
    if (w->identity.measurements &&
        change.removed_worker_images.count(w->identity.measurements->image_hash)) {
      to_close.emplace_back(w->session, "its image hash was removed from the registry");
      continue;
    }
    for (const auto& model : w->announce.models()) {
      if (change.removed_models.count(model) ||
          change.removed_model_hashes.count(node::ModelHash(model))) {
        to_close.emplace_back(w->session, "model \"" + model + "\" was removed from the registry");
        break;
      }
    }
  }
  for (auto& [session, why] : to_close) {
    spdlog::warn("closing worker connection: {}", why);
    session->Close(PermissionDenied(why));
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
  inference::AnnounceAck ack;
  if (options_.payments) {
    WorkerPtr worker = pool_.Find(id);
    Result<PaidPeer> paid =
        !announce.has_payment()
            ? Result<PaidPeer>(FailedPrecondition(
                  "this proxy pays workers through their worker contract; the worker must name "
                  "its owner wallet ([worker] payout wallet)"))
            : options_.payments->AdmitWorker(announce.payment(),
                                             worker ? worker->identity.key.Hex() : "");
    if (!paid.ok()) {
      ++counters_.peers_refused_payments;
      spdlog::error("worker {}: not served: {}", id, paid.status().ToString());
      (void)stream.Fail(paid.status());
      co_return;
    }
    if (worker) worker->payee = paid->party;
    *ack.mutable_payment() = std::move(paid->terms);
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
  if (method == inference::kClientHelloMethod) {
    co_await Hello(id, std::move(stream));
    co_return;
  }
  std::string answer;
  if (method == inference::kModelsMethod) {
    answer = pool_.Models().SerializeAsString();
  } else if (method == inference::kAttestationMethod) {
    answer = pool_.Attestation().SerializeAsString();
  } else if (method == inference::kPaymentTermsMethod) {
    answer = options_.payments ? options_.payments->PublicTerms().SerializeAsString() : "";
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
  std::optional<BilledParty> payer;
  if (options_.payments) {
    if (!it->second.payer) {
      ++counters_.refused;
      (void)stream.Fail(
          it->second.payment_refusal.empty()
              ? FailedPrecondition("this proxy charges for requests: the client must say who "
                                   "pays (client.hello) before its first request")
              : PermissionDenied("this proxy does not serve this client: " +
                                 it->second.payment_refusal));
      co_return;
    }
    payer = it->second.payer;
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
  RelayHooks hooks;
  auto reservation = std::make_shared<std::optional<pay::Reservation>>();
  if (payer) {
    hooks.before_routing = [this, client_id, payer, reservation](
                               inference::InferRequest& request) -> asio::awaitable<Status> {
      uint32_t coefficient = request.max_coefficient();
      if (coefficient == 0) {
        // "Any price": reserve at the dearest worker now serving the model,
        // and route only to workers at most that dear.
        coefficient = pool_.MaxCoefficient(request.model());
        if (coefficient == 0) co_return Status::Ok();  // nobody serves it: the relay refuses
        request.set_max_coefficient(coefficient);
      }
      Result<pay::Reservation> r = co_await ReserveFor(client_id, *payer, request, coefficient);
      if (!r.ok()) co_return r.status();
      *reservation = *r;
      co_return Status::Ok();
    };
    hooks.on_tail = [this, payer, reservation](const ConnectedWorker& worker,
                                               const inference::InferRequest& request,
                                               const inference::ResponseTail& tail)
        -> asio::awaitable<std::optional<inference::Payment>> {
      if (!*reservation) co_return std::nullopt;
      pay::Reservation held = **reservation;
      reservation->reset();
      const std::string ledger_id = PaymentDesk::LedgerId(request.request_id());
      std::optional<inference::Payment> payment =
          co_await SettleRequest(held, *payer, worker, request, ledger_id, tail);
      co_return payment;
    };
  }
  co_await RelayInference(std::move(stream), pool_, options_.relay, count, hooks);
  // Not served (refused, cancelled, no tail): nothing is charged.
  if (*reservation) options_.payments->Release(**reservation);
  --in_flight_;
  // The client may have disconnected meanwhile.
  if (auto again = clients_.find(client_id); again != clients_.end()) --again->second.in_flight;
}

asio::awaitable<void> ProxyServer::Hello(uint64_t client_id, net::IncomingStream stream) {
  inference::ClientHello hello;
  const Bytes& payload = stream.payload();
  if (!hello.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    (void)stream.Fail(InvalidArgument("client.hello: the message does not parse"));
    co_return;
  }
  inference::ClientWelcome welcome;
  if (options_.payments) {
    auto it = clients_.find(client_id);
    if (it == clients_.end()) co_return;
    const std::string key = it->second.identity.key.Hex();
    Result<PaidPeer> paid = co_await options_.payments->AdmitClient(hello, key);
    it = clients_.find(client_id);  // it may have gone while the chain was read
    if (it == clients_.end()) co_return;
    if (!paid.ok()) {
      ++counters_.peers_refused_payments;
      it->second.payer.reset();
      it->second.payment_refusal = paid.status().message();
      spdlog::error("client {} ({}): not served: {}", client_id, it->second.remote,
                    paid.status().ToString());
      (void)stream.Fail(paid.status());
      co_return;
    }
    it->second.payer = paid->party;
    it->second.payment_refusal.clear();
    it->second.refreshed = std::chrono::steady_clock::now();
    const pay::CreditAccount account = options_.payments->billing().Account(paid->party.contract);
    spdlog::info("client {} pays through {}: available credit {} nanoTON", client_id,
                 paid->party.contract.ToRaw(), ton::Uint128ToString(account.available));
    *welcome.mutable_payment() = std::move(paid->terms);
    welcome.set_available_credit(ton::Uint128ToString(account.available));
  }
  std::string encoded = welcome.SerializeAsString();
  (void)co_await stream.Write(AsBytes(encoded));
  (void)stream.Finish();
}

asio::awaitable<Result<pay::Reservation>> ProxyServer::ReserveFor(uint64_t client_id,
                                                                  BilledParty payer,
                                                                  inference::InferRequest& request,
                                                                  uint32_t coefficient) {
  Result<pay::Reservation> r = options_.payments->Reserve(payer, request, coefficient);
  auto it = clients_.find(client_id);
  const auto now = std::chrono::steady_clock::now();
  if (r.ok() || r.status().code() != ErrorCode::kResourceExhausted || it == clients_.end() ||
      now - it->second.refreshed < options_.client_refresh) {
    if (!r.ok() && r.status().code() == ErrorCode::kResourceExhausted) {
      ++counters_.insufficient_credit;
    }
    co_return r;
  }
  // Out of credit: a top-up may have landed since the contract was read.
  it->second.refreshed = now;
  Status refreshed = co_await options_.payments->RefreshClient(payer.contract);
  if (!refreshed.ok()) {
    spdlog::warn("client {}: re-reading its contract failed: {}", client_id, refreshed.ToString());
  }
  r = options_.payments->Reserve(payer, request, coefficient);
  if (!r.ok() && r.status().code() == ErrorCode::kResourceExhausted) {
    ++counters_.insufficient_credit;
  }
  co_return r;
}

asio::awaitable<std::optional<inference::Payment>> ProxyServer::SettleRequest(
    const pay::Reservation& reservation, const BilledParty& client, const ConnectedWorker& worker,
    const inference::InferRequest& request, const std::string& ledger_id,
    const inference::ResponseTail& tail) {
  if (!worker.payee) {
    options_.payments->Release(reservation);
    co_return std::nullopt;
  }
  if (!tail.has_usage()) {
    // Nothing to charge from: the client is not charged and the worker not
    // paid; a worker that never reports usage serves for free.
    spdlog::warn("request {}: worker {} reported no usage; nothing charged", request.request_id(),
                 worker.id);
    options_.payments->Release(reservation);
    co_return std::nullopt;
  }
  const BilledParty payee = *worker.payee;
  const net::SessionPtr worker_session = worker.session;
  Result<Receipt> receipt = co_await options_.payments->Settle(
      reservation, ledger_id, client, payee, tail.usage(), worker.announce.price_coefficient());
  if (!receipt.ok()) {
    ++counters_.settle_failures;
    spdlog::error("request {}: settlement failed: {}", request.request_id(),
                  receipt.status().ToString());
    co_return std::nullopt;
  }
  ++counters_.settled;
  if (!receipt->worker_voucher.empty()) {
    inference::VoucherNotice notice;
    notice.set_request_id(request.request_id());
    *notice.mutable_payment() = WorkerPayment(*receipt);
    const std::string encoded = notice.SerializeAsString();
    // Not awaited: the client's answer does not wait for the worker's ack.
    auto deliver = [worker_session, encoded]() -> asio::awaitable<void> {
      auto opened = worker_session->Open(inference::kVoucherMethod, AsBytes(encoded));
      if (!opened.ok()) co_return;
      net::StreamReader reader = std::move(*opened);
      (void)co_await reader.ReadAll(1024);
    };
    asio::co_spawn(executor_, std::move(deliver), asio::detached);
  }
  co_return ClientPayment(*receipt);
}

nlohmann::json ProxyServer::Stats() const {
  nlohmann::json clients = nlohmann::json::array();
  nlohmann::json client_buffers = nlohmann::json::object();
  for (const auto& [id, c] : clients_) {
    nlohmann::json entry = {{"id", id},
                            {"remote", c.remote},
                            {"key", c.identity.key.Hex()},
                            {"in_flight", c.in_flight}};
    if (c.session) {
      const net::SessionStats connection = c.session->stats();
      entry["connection"] = net::ConnectionStats(connection);
      net::AddBuffers(connection, client_buffers);
    }
    if (c.payer && options_.payments) {
      const pay::CreditAccount a = options_.payments->billing().Account(c.payer->contract);
      entry["payments"] = {{"contract", c.payer->contract.ToRaw()},
                           {"balance_nanoton", ton::Uint128ToString(a.balance)},
                           {"stake_nanoton", ton::Uint128ToString(a.stake)},
                           {"charged_nanoton", ton::Uint128ToString(a.charged)},
                           {"settled_on_chain_nanoton", ton::Uint128ToString(a.settled)},
                           {"reserved_nanoton", ton::Uint128ToString(a.reserved)},
                           {"available_nanoton", ton::Uint128ToString(a.available)},
                           {"total_tokens", options_.payments->billing().ledger().Total(
                                                pay::Party::kClient, c.payer->contract)}};
    } else if (!c.payment_refusal.empty()) {
      entry["payments"] = {{"refused", c.payment_refusal}};
    }
    clients.push_back(std::move(entry));
  }
  nlohmann::json payments = nullptr;
  if (options_.payments) {
    const pay::Ledger& ledger = options_.payments->billing().ledger();
    const pay::LedgerHead head = ledger.Head();
    const auto anchor = ledger.LastAnchor();
    payments = {
        {"proxy_contract", options_.payments->options().proxy_contract.ToRaw()},
        {"ledger", {{"seqno", head.seqno}, {"session_hash", HexEncode(head.session_hash)}}},
        {"last_anchor", anchor ? nlohmann::json{{"seqno", anchor->seqno},
                                                {"session_hash", HexEncode(anchor->session_hash)},
                                                {"sent_at", anchor->sent_at}}
                               : nlohmann::json(nullptr)},
        {"settled", counters_.settled},
        {"settle_failures", counters_.settle_failures},
        {"insufficient_credit", counters_.insufficient_credit},
        {"peers_refused", counters_.peers_refused_payments}};
    nlohmann::json workers = nlohmann::json::array();
    for (const auto& [contract, total] : ledger.Totals(pay::Party::kWorker)) {
      workers.push_back({{"contract", contract.ToRaw()}, {"total_tokens", total}});
    }
    payments["worker_totals"] = std::move(workers);
  }
  return {
      {"payments", payments},
      {"workers", pool_.Stats(std::chrono::steady_clock::now())},
      {"clients", clients},
      {"buffers", {{"clients", client_buffers}, {"workers", pool_.Buffers()}}},
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
