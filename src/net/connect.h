// Dialing and accepting RA-TLS sessions: TCP, the RA-TLS handshake, then a
// Session on top. What the daemons use to link roles.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/address.h"
#include "net/session.h"

namespace cocoon::net {

struct SecureSession {
  SessionPtr session;
  ratls::PeerIdentity peer;
};

// Resolves, connects (within `timeout`), runs the RA-TLS handshake as the
// TLS client and starts a dialing session.
boost::asio::awaitable<Result<SecureSession>> DialSecure(
    const HostPort& address, std::shared_ptr<ratls::TlsContext> tls, SessionOptions options,
    RequestHandler handler, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Runs the server handshake on an accepted socket and starts an accepting
// session.
boost::asio::awaitable<Result<SecureSession>> AcceptSecure(
    boost::asio::ip::tcp::socket socket, std::shared_ptr<ratls::TlsContext> tls,
    SessionOptions options, RequestHandler handler,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace cocoon::net
