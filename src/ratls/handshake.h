// The RA-TLS handshake on an Asio TLS stream, as a coroutine.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "ratls/tls.h"

namespace cocoon::ratls {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// Runs the handshake and returns the verified peer. On failure the error says
// why: the certificate refusal (a "ratls.*" tag) when our side refused the
// peer, otherwise "tls.handshake_failed: ..." with OpenSSL's reason (e.g. the
// peer does not speak TLS 1.3, or it refused our certificate).
// REQUIRES: `stream` was built on `context.native()`.
boost::asio::awaitable<Result<PeerIdentity>> Handshake(TlsStream& stream,
                                                       const TlsContext& context);

}  // namespace cocoon::ratls
