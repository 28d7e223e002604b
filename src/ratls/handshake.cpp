#include "ratls/handshake.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cocoon::ratls {

namespace asio = boost::asio;

asio::awaitable<Result<PeerIdentity>> Handshake(TlsStream& stream, const TlsContext& context) {
  auto outcome = context.Prepare(stream.native_handle());
  auto type = context.side() == TlsSide::kServer ? asio::ssl::stream_base::server
                                                 : asio::ssl::stream_base::client;
  auto [ec] = co_await stream.async_handshake(type, asio::as_tuple(asio::use_awaitable));
  if (!outcome->refusal.ok()) co_return outcome->refusal;
  if (ec) co_return Unauthenticated("tls.handshake_failed: " + ec.message());
  if (!outcome->peer) co_return Internal("tls handshake finished without verifying the peer");
  co_return std::move(*outcome->peer);
}

}  // namespace cocoon::ratls
