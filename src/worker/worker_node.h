// The worker daemon's link to its proxies (DESIGN.md §1, §4): dials each
// proxy over RA-TLS, verifies it in the handshake, announces what this worker
// serves, keeps the session up (reconnecting with backoff when it drops) and
// serves the proxies' "infer" requests through an InferenceHandler (the
// backend forwarder in the daemon).
//
// The announcement (models, price coefficient, capacity) is sent on every
// connect and again to every proxy whenever the worker is enabled/disabled by
// its operator or its backend's health changes. Capacity is enforced here
// across all proxies: a request beyond max_concurrent, or while disabled or
// unhealthy, is refused with kUnavailable/kResourceExhausted before any
// output, so the proxy retries it on another worker.
//
// Threading: runs on one executor; not thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/cancel_signal.h"
#include "inference/inference.pb.h"
#include "net/connect.h"
#include "net/persistent_link.h"
#include "node/payee.h"

namespace cocoon::worker {

// Serves one request: sends the answer's events through `sink` (head, body
// pieces of at most `max_body_piece` bytes, tail) or returns an error before
// the head. `cancel` fires when the proxy cancels. The handler may release
// the request's body once it has read it.
using InferenceHandler = std::function<boost::asio::awaitable<Status>(
    inference::InferRequest& request,
    std::function<boost::asio::awaitable<Status>(inference::InferEvent)> sink,
    size_t max_body_piece, std::shared_ptr<http::CancelSignal> cancel)>;

struct WorkerNodeOptions {
  std::vector<net::HostPort> proxies;
  net::SessionOptions session;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
  // Models, price coefficient, max_concurrent and name; enabled/healthy are
  // kept by the node (SetEnabled, SetHealthy).
  inference::WorkerAnnounce announce;
  // Payments (node/payee.h): where this worker is paid and the vouchers it
  // holds. Null: it serves only proxies that do not pay.
  std::shared_ptr<node::Payee> payee;
};

// Connects once to `proxy`, pings it and reports what was verified.
struct ProbeResult {
  ratls::PeerIdentity proxy;
  std::chrono::microseconds round_trip{0};
};
boost::asio::awaitable<Result<ProbeResult>> ProbeProxy(const net::HostPort& proxy,
                                                       std::shared_ptr<ratls::TlsContext> tls,
                                                       net::SessionOptions options);

struct WorkerCounters {
  uint64_t requests = 0;
  uint64_t completed = 0;  // a tail was sent
  uint64_t failed = 0;     // refused or failed before the head
  uint64_t cancelled = 0;  // the proxy cancelled
  uint64_t over_capacity = 0;
  uint64_t vouchers = 0;          // vouchers accepted
  uint64_t vouchers_refused = 0;  // vouchers that failed the contract's checks
};

class WorkerNode {
 public:
  WorkerNode(boost::asio::any_io_executor executor, WorkerNodeOptions options,
             std::shared_ptr<ratls::TlsContext> tls, InferenceHandler handler);
  // Keeps a session to every proxy until Stop().
  void Start();
  void Stop();
  // Replaces the TLS context for new connections (certificate rotation).
  void SetTlsContext(std::shared_ptr<ratls::TlsContext> tls) { *tls_ = std::move(tls); }

  // The registry removed these proxy images: their sessions are closed (the
  // new policy refuses them when the links dial again).
  void CloseProxiesWithImages(const std::set<attest::ImageHash>& images);

  // Operator's switch; announced to every proxy.
  void SetEnabled(bool enabled);
  // The backend health checker's verdict; announced to every proxy.
  void SetHealthy(bool healthy);
  bool enabled() const { return announce_.enabled(); }
  bool healthy() const { return announce_.healthy(); }

  size_t connected_proxies() const;
  uint32_t in_flight() const { return in_flight_; }
  const WorkerCounters& counters() const { return counters_; }
  nlohmann::json Stats() const;

 private:
  boost::asio::awaitable<Status> Announce(net::SessionPtr session,
                                          crypto::Ed25519PublicKey proxy_key);
  void AnnounceToAll();
  boost::asio::awaitable<void> Serve(size_t link, net::IncomingStream stream);
  boost::asio::awaitable<void> TakeVoucher(size_t link, net::IncomingStream stream);
  boost::asio::awaitable<void> Infer(net::IncomingStream stream);

  boost::asio::any_io_executor executor_;
  WorkerNodeOptions options_;
  // Shared with the links, which read it before each dial.
  std::shared_ptr<std::shared_ptr<ratls::TlsContext>> tls_;
  InferenceHandler handler_;
  inference::WorkerAnnounce announce_;
  std::vector<std::shared_ptr<net::PersistentLink>> links_;
  uint32_t in_flight_ = 0;
  WorkerCounters counters_;
  bool stopped_ = false;
};

}  // namespace cocoon::worker
