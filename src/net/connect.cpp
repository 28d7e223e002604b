#include "net/connect.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cocoon::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Handshake and session start under one deadline: a peer that stalls is cut.
asio::awaitable<Result<SecureSession>> Secure(tcp::socket socket,
                                              std::shared_ptr<ratls::TlsContext> tls,
                                              SessionOptions options, RequestHandler handler,
                                              std::chrono::milliseconds timeout) {
  socket.set_option(tcp::no_delay(true));
  auto stream = std::make_unique<ratls::TlsStream>(std::move(socket), tls->native());
  asio::steady_timer deadline(stream->get_executor(), timeout);
  bool timed_out = false;
  auto* raw = stream.get();
  deadline.async_wait([&timed_out, raw](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    boost::system::error_code ignored;
    raw->next_layer().close(ignored);
  });
  auto peer = co_await ratls::Handshake(*stream, *tls);
  if (!peer.ok()) {
    deadline.cancel();
    if (timed_out) co_return DeadlineExceeded("RA-TLS handshake timed out");
    co_return peer.status();
  }
  const bool initiator = tls->side() == ratls::TlsSide::kClient;
  auto session =
      Session::Create(MakeTlsTransport(std::move(stream)), initiator, options, std::move(handler));
  Status started = co_await session->Start();
  deadline.cancel();
  if (timed_out) co_return DeadlineExceeded("session start timed out");
  if (!started.ok()) {
    // In TLS 1.3 the server checks the client's certificate after the client
    // has finished its half of the handshake, so a refusal arrives as an alert
    // on the first read.
    if (initiator && started.message().find("alert") != std::string::npos) {
      co_return Unauthenticated("the peer refused our certificate (" + started.message() +
                                "); its log says why, e.g. an image hash it does not allow");
    }
    co_return started;
  }
  co_return SecureSession{std::move(session), std::move(*peer)};
}

}  // namespace

asio::awaitable<Result<SecureSession>> DialSecure(const HostPort& address,
                                                  std::shared_ptr<ratls::TlsContext> tls,
                                                  SessionOptions options, RequestHandler handler,
                                                  std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(
      address.host, std::to_string(address.port), asio::as_tuple(asio::use_awaitable));
  if (rec) co_return Unavailable("cannot resolve " + address.ToString() + ": " + rec.message());
  tcp::socket socket(ex);
  asio::steady_timer deadline(ex, timeout);
  deadline.async_wait([&socket](boost::system::error_code ec) {
    if (!ec) {
      boost::system::error_code ignored;
      socket.close(ignored);
    }
  });
  auto [cec, ep] =
      co_await asio::async_connect(socket, endpoints, asio::as_tuple(asio::use_awaitable));
  deadline.cancel();
  if (cec) co_return Unavailable("cannot connect to " + address.ToString() + ": " + cec.message());
  co_return co_await Secure(std::move(socket), std::move(tls), options, std::move(handler),
                            timeout);
}

asio::awaitable<Result<SecureSession>> AcceptSecure(tcp::socket socket,
                                                    std::shared_ptr<ratls::TlsContext> tls,
                                                    SessionOptions options, RequestHandler handler,
                                                    std::chrono::milliseconds timeout) {
  co_return co_await Secure(std::move(socket), std::move(tls), options, std::move(handler),
                            timeout);
}

}  // namespace cocoon::net
