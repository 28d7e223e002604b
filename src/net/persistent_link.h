// PersistentLink: keeps one RA-TLS session to a peer up — dials, runs an
// on-connect step (e.g. the worker's announcement), and when the session
// drops or the step fails, dials again with exponential backoff — until
// Stop(). What workers and clients use to stay connected to their proxies.
//
// Threading: create with std::make_shared; runs on one executor; every
// method must be called there. The link keeps itself alive while its dial
// loop runs.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>

#include "net/connect.h"

namespace cocoon::net {

struct PersistentLinkOptions {
  SessionOptions session;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
};

class PersistentLink : public std::enable_shared_from_this<PersistentLink> {
 public:
  // Runs after each handshake; an error closes the session with it and the
  // link dials again after the backoff.
  using OnConnect = std::function<boost::asio::awaitable<Status>(const SecureSession&)>;
  // `tls` is asked for the current context before each dial (so renewed
  // certificates are used).
  PersistentLink(boost::asio::any_io_executor executor, HostPort address,
                 std::function<std::shared_ptr<ratls::TlsContext>()> tls,
                 PersistentLinkOptions options, RequestHandler handler, OnConnect on_connect);

  void Start();
  // Closes the session (telling the peer `why`) and stops dialing.
  void Stop(const Status& why);

  const HostPort& address() const { return address_; }
  // The live session, or nullptr while disconnected.
  const SessionPtr& session() const { return session_; }
  // The peer of the live session. REQUIRES: session() != nullptr.
  const ratls::PeerIdentity& peer() const { return peer_; }
  // Closes the live session when the peer's image hash is in `images` (the
  // registry removed it); the link dials again, and the handshake decides.
  // Returns whether it closed one.
  bool CloseIfImageIn(const std::set<attest::ImageHash>& images, const Status& why);
  // Why the last dial or session failed (OK if none did yet).
  const Status& last_error() const { return last_error_; }
  uint64_t connects() const { return connects_; }

 private:
  boost::asio::awaitable<void> Run();

  boost::asio::any_io_executor executor_;
  HostPort address_;
  std::function<std::shared_ptr<ratls::TlsContext>()> tls_;
  PersistentLinkOptions options_;
  RequestHandler handler_;
  OnConnect on_connect_;
  SessionPtr session_;
  ratls::PeerIdentity peer_;
  Status last_error_;
  uint64_t connects_ = 0;
  bool stopped_ = false;
  std::unique_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace cocoon::net
