#include "net/endpoint.h"

namespace cocoon::net {

namespace asio = boost::asio;

Status BindListener(asio::ip::tcp::acceptor& acceptor, const HostPort& address) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address.host == "localhost" ? "127.0.0.1" : address.host, ec);
  if (ec) return InvalidArgument("listen address " + address.ToString() + " is not an IP address");
  asio::ip::tcp::endpoint ep(ip, address.port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unavailable("cannot listen on " + address.ToString() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace cocoon::net
