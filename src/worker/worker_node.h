// The worker daemon's link to its proxies: dials each proxy over RA-TLS,
// verifies it in the handshake and keeps the session up, reconnecting with
// backoff when it drops.
//
// Threading: runs on one executor; not thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <vector>

#include "net/connect.h"

namespace cocoon::worker {

struct WorkerNodeOptions {
  std::vector<net::HostPort> proxies;
  net::SessionOptions session;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
};

// Connects once to `proxy`, pings it and reports what was verified.
struct ProbeResult {
  ratls::PeerIdentity proxy;
  std::chrono::microseconds round_trip{0};
};
boost::asio::awaitable<Result<ProbeResult>> ProbeProxy(const net::HostPort& proxy,
                                                       std::shared_ptr<ratls::TlsContext> tls,
                                                       net::SessionOptions options);

class WorkerNode {
 public:
  WorkerNode(boost::asio::any_io_executor executor, WorkerNodeOptions options,
             std::shared_ptr<ratls::TlsContext> tls);
  // Keeps a session to every proxy until Stop().
  void Start();
  void Stop();
  size_t connected_proxies() const { return connected_; }

 private:
  boost::asio::awaitable<void> Maintain(net::HostPort proxy);

  boost::asio::any_io_executor executor_;
  WorkerNodeOptions options_;
  std::shared_ptr<ratls::TlsContext> tls_;
  std::vector<net::SessionPtr> sessions_;
  size_t connected_ = 0;
  bool stopped_ = false;
};

}  // namespace cocoon::worker
