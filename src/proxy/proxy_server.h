// The proxy daemon's network face: one RA-TLS listener for workers and one for
// clients; each accepted peer is verified in the handshake and then served
// over a multiplexed session.
//
// Threading: runs on one executor (the daemon's io_context); not thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <memory>

#include "net/address.h"
#include "net/connect.h"

namespace cocoon::proxy {

struct ProxyServerOptions {
  net::HostPort workers_listen{"127.0.0.1", 0};
  net::HostPort clients_listen{"127.0.0.1", 0};
  net::SessionOptions session;
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

  size_t connected_workers() const { return workers_.size(); }
  size_t connected_clients() const { return clients_.size(); }

 private:
  struct Peer {
    net::SessionPtr session;
    ratls::PeerIdentity identity;
  };

  boost::asio::awaitable<void> AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, bool workers);
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket,
                                     std::shared_ptr<ratls::TlsContext> tls, bool workers);
  boost::asio::awaitable<void> Handle(net::IncomingStream stream);

  boost::asio::any_io_executor executor_;
  ProxyServerOptions options_;
  std::shared_ptr<ratls::TlsContext> worker_tls_, client_tls_;
  boost::asio::ip::tcp::acceptor worker_acceptor_, client_acceptor_;
  std::map<uint64_t, Peer> workers_, clients_;
  uint64_t next_peer_id_ = 1;
  bool stopped_ = false;
};

}  // namespace cocoon::proxy
