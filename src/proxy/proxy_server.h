// The proxy daemon's network face: one RA-TLS listener for workers and one
// for clients; each accepted peer is verified in the handshake and then
// served over a multiplexed session (DESIGN.md §1, §4).
//
// Workers announce what they serve ("worker.announce") and become routable;
// clients send "infer" requests, relayed to a worker (request_relay.h), and
// ask for the live model list ("proxy.models") and the workers' attestation
// ("proxy.attestation"). Each client connection may have at most
// max_requests_per_client requests in flight; more are refused with
// kResourceExhausted (the API's 429).
//
// Threading: runs on one executor (the daemon's io_context); not thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json_fwd.hpp>

#include "net/address.h"
#include "net/connect.h"
#include "node/registry_watcher.h"
#include "proxy/payment_desk.h"
#include "proxy/request_relay.h"
#include "proxy/worker_pool.h"

namespace cocoon::proxy {

struct ProxyServerOptions {
  net::HostPort workers_listen{"127.0.0.1", 0};
  net::HostPort clients_listen{"127.0.0.1", 0};
  net::SessionOptions session;
  RelayOptions relay;  // relay.session is set from `session`
  uint32_t max_requests_per_client = 256;
  std::set<std::string> allowed_models;  // from the registry; empty: any
  // Optimistic prior: a new worker is assumed fast, so it gets requests at
  // once and is measured, instead of waiting behind measured workers.
  routing::WorkerStatsConfig worker_stats = [] {
    routing::WorkerStatsConfig c;
    c.prior_service_time = std::chrono::seconds(0);
    return c;
  }();
  uint64_t routing_seed = 0;  // 0: random
  // Payments (payment_desk.h); null: this proxy serves without charging.
  std::shared_ptr<PaymentDesk> payments;
  // A client refused for credit has its contract re-read (a top-up may have
  // landed) at most this often.
  std::chrono::milliseconds client_refresh{5000};
};

// Totals since start, for /stats and /metrics.
struct ProxyCounters {
  uint64_t requests = 0;
  uint64_t completed = 0;
  uint64_t incomplete = 0;
  uint64_t cancelled = 0;
  uint64_t refused = 0;
  uint64_t retries = 0;  // attempts beyond the first
  uint64_t over_client_limit = 0;
  uint64_t workers_refused = 0;  // handshakes refused (attestation, policy)
  uint64_t clients_refused = 0;
  uint64_t settled = 0;          // requests committed to the ledger
  uint64_t settle_failures = 0;  // served, but the ledger refused the settlement
  uint64_t insufficient_credit = 0;
  uint64_t peers_refused_payments = 0;  // hello/announce refused by the payment checks
};

class ProxyServer {
 public:
  // `worker_tls` accepts workers only, `client_tls` clients only.
  ProxyServer(boost::asio::any_io_executor executor, ProxyServerOptions options,
              std::shared_ptr<ratls::TlsContext> worker_tls,
              std::shared_ptr<ratls::TlsContext> client_tls);

  // Binds both listeners; the ports are known afterwards (port 0 picks one).
  Status Listen();
  uint16_t workers_port() const;
  uint16_t clients_port() const;

  // Accepts until Stop().
  void Start();
  // Replaces the TLS contexts for new connections (certificate rotation).
  void SetTlsContexts(std::shared_ptr<ratls::TlsContext> worker_tls,
                      std::shared_ptr<ratls::TlsContext> client_tls);
  void Stop();

  // The registry changed: new announcements are checked against its models,
  // and workers whose image or any model was removed are disconnected (a
  // worker that still has allowed models reconnects and announces them; one
  // whose image was removed is refused at the handshake by the new policy).
  void ApplyRegistry(const node::RegistryChange& change, const node::RegistrySnapshot& snapshot);

  // Runs after every request (for metrics); never sees request content.
  void SetObserver(RelayObserver observer) { observer_ = std::move(observer); }

  size_t connected_workers() const { return pool_.size(); }
  size_t connected_clients() const { return clients_.size(); }
  size_t requests_in_flight() const { return in_flight_; }
  const ProxyCounters& counters() const { return counters_; }
  const WorkerPool& pool() const { return pool_; }
  // Workers, clients and counters as JSON (no secrets, no request content).
  nlohmann::json Stats() const;

 private:
  struct Client {
    net::SessionPtr session;
    ratls::PeerIdentity identity;
    std::string remote;
    uint32_t in_flight = 0;
    std::optional<BilledParty> payer;                   // after a successful client.hello
    std::string payment_refusal;                        // why payments refused it, if they did
    std::chrono::steady_clock::time_point refreshed{};  // its contract last read
  };
  // Filled once the handshake is done; request handlers look it up.
  struct PeerSlot {
    bool worker = false;
    uint64_t id = 0;
  };

  boost::asio::awaitable<void> AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, bool workers);
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket,
                                     std::shared_ptr<ratls::TlsContext> tls, bool workers);
  boost::asio::awaitable<void> Handle(std::shared_ptr<PeerSlot> peer, net::IncomingStream stream);
  boost::asio::awaitable<void> HandleWorker(uint64_t id, net::IncomingStream stream);
  boost::asio::awaitable<void> HandleClient(uint64_t id, net::IncomingStream stream);
  boost::asio::awaitable<void> Infer(uint64_t client_id, net::IncomingStream stream);
  boost::asio::awaitable<void> Hello(uint64_t client_id, net::IncomingStream stream);
  // Reserves the request's worst case for the client, re-reading its
  // contract once when its credit falls short.
  boost::asio::awaitable<Result<pay::Reservation>> ReserveFor(uint64_t client_id, BilledParty payer,
                                                              inference::InferRequest& request,
                                                              uint32_t coefficient);
  // With payments: settles a served request and sends the worker its voucher.
  boost::asio::awaitable<std::optional<inference::Payment>> SettleRequest(
      const pay::Reservation& reservation, const BilledParty& client, const ConnectedWorker& worker,
      const inference::InferRequest& request, const std::string& ledger_id,
      const inference::ResponseTail& tail);

  boost::asio::any_io_executor executor_;
  ProxyServerOptions options_;
  std::shared_ptr<ratls::TlsContext> worker_tls_, client_tls_;
  boost::asio::ip::tcp::acceptor worker_acceptor_, client_acceptor_;
  WorkerPool pool_;
  std::map<uint64_t, Client> clients_;
  uint64_t next_client_id_ = 1;
  size_t in_flight_ = 0;
  ProxyCounters counters_;
  RelayObserver observer_;
  bool stopped_ = false;
};

}  // namespace cocoon::proxy
