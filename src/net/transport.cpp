#include "net/transport.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace cocoon::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

template <typename Stream>
class StreamTransport final : public Transport {
 public:
  explicit StreamTransport(Stream stream) : stream_(std::move(stream)) {}

  asio::any_io_executor executor() override { return Get().get_executor(); }

  asio::awaitable<std::tuple<error_code, size_t>> ReadSome(asio::mutable_buffer buffer) override {
    co_return co_await Get().async_read_some(buffer, asio::as_tuple(asio::use_awaitable));
  }

  asio::awaitable<error_code> WriteAll(asio::const_buffer bytes) override {
    auto [ec, n] = co_await asio::async_write(Get(), bytes, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }

  bool HasBufferedInput() override {
    if constexpr (kIsTls) {
      SSL* ssl = stream_->native_handle();
      return SSL_pending(ssl) > 0 || BIO_pending(SSL_get_rbio(ssl)) > 0;
    } else {
      return false;
    }
  }

  void Close() override {
    error_code ignored;
    Lowest().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    Lowest().close(ignored);
  }

 private:
  auto& Get() {
    if constexpr (requires { *stream_; }) {
      return *stream_;
    } else {
      return stream_;
    }
  }
  asio::ip::tcp::socket& Lowest() {
    if constexpr (requires { *stream_; }) {
      return stream_->next_layer();
    } else {
      return stream_;
    }
  }

  static constexpr bool kIsTls = requires(Stream s) { *s; };

  Stream stream_;
};

}  // namespace

std::unique_ptr<Transport> MakeTcpTransport(asio::ip::tcp::socket socket) {
  return std::make_unique<StreamTransport<asio::ip::tcp::socket>>(std::move(socket));
}

std::unique_ptr<Transport> MakeTlsTransport(std::unique_ptr<ratls::TlsStream> stream) {
  return std::make_unique<StreamTransport<std::unique_ptr<ratls::TlsStream>>>(std::move(stream));
}

}  // namespace cocoon::net
