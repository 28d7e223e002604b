// Transport: the byte stream under a Session (TLS in production, plain TCP in
// tests of the framing layer). Type-erased so Session is compiled once.
//
// Thread-safety: used only from the owning session's executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <tuple>

#include "ratls/handshake.h"

namespace cocoon::net {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual boost::asio::any_io_executor executor() = 0;
  // Reads at least one byte; an error at end of stream or on failure.
  virtual boost::asio::awaitable<std::tuple<boost::system::error_code, size_t>> ReadSome(
      boost::asio::mutable_buffer buffer) = 0;
  // Writes all of `bytes` (over TLS: a record per 16 KiB, not per call of
  // the caller's, so callers batch into one buffer). One WriteAll at a time.
  virtual boost::asio::awaitable<boost::system::error_code> WriteAll(
      boost::asio::const_buffer bytes) = 0;
  // Whether received bytes are already buffered inside the transport (TLS
  // records read from the socket but not yet returned by ReadSome), so the
  // next ReadSome completes without waiting for the peer.
  virtual bool HasBufferedInput() { return false; }
  // Closes the underlying socket; pending reads and writes fail.
  virtual void Close() = 0;
};

std::unique_ptr<Transport> MakeTcpTransport(boost::asio::ip::tcp::socket socket);
// REQUIRES: the TLS handshake has completed.
std::unique_ptr<Transport> MakeTlsTransport(std::unique_ptr<ratls::TlsStream> stream);

}  // namespace cocoon::net
