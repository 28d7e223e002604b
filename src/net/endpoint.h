// Binding listeners to configured addresses.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/address.h"

namespace cocoon::net {

// Opens, binds (with SO_REUSEADDR) and listens; a clear error when the
// address is taken or not local.
Status BindListener(boost::asio::ip::tcp::acceptor& acceptor, const HostPort& address);

}  // namespace cocoon::net
