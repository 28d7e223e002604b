// Internal to module http: one accepted server connection. Reads requests
// one after another (keep-alive), answers parse failures itself, hands each
// request to the server's router with a ResponseWriter, and watches the
// socket while the handler runs so a client that disconnects is noticed.
//
// Threading: everything runs on the connection's strand (the executor of
// the accepted socket). Shutdown may be called from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.h"
#include "http/response_writer.h"
#include "http/server.h"

namespace cocoon::http::detail {

// What a connection needs from its server.
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual const ServerOptions& options() const = 0;
  virtual bool stopping() const = 0;
  virtual boost::asio::awaitable<void> Dispatch(Request& request, ResponseWriter& writer) = 0;
  virtual void Forget(uint64_t connection_id) = 0;
  // A connection's read buffer grew (delta > 0) or was released (< 0).
  virtual void AdjustReadBuffer(int64_t delta) = 0;
};

class ServerConnection : public std::enable_shared_from_this<ServerConnection> {
 public:
  ServerConnection(std::shared_ptr<ConnectionHost> host, boost::asio::ip::tcp::socket socket,
                   uint64_t id);
  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  // Serves requests until the client closes, an error, or shutdown.
  boost::asio::awaitable<void> Run();

  // Graceful: an idle connection closes now, a busy one after its response.
  // Otherwise the socket closes at once. Any thread.
  void Shutdown(bool graceful);

  boost::asio::any_io_executor executor() const { return executor_; }

 private:
  friend class ConnectionWriter;

  // Serves one request; false when the connection must close afterwards.
  boost::asio::awaitable<bool> ServeOne();
  // Answers a request that never reached a handler, then the connection closes.
  boost::asio::awaitable<void> SendEarlyError(int http_status, const std::string& message);
  boost::asio::awaitable<void> SendContinue();
  // Reads from the socket while a handler runs; EOF or an error marks the
  // client gone. Bytes that arrive (a pipelined request) stay in buffer_.
  boost::asio::awaitable<void> Watch();
  boost::asio::awaitable<void> StopWatching();
  void MarkGone();
  void CloseSocket();
  // Tells the host what buffer_ holds now (its capacity).
  void ReportReadBuffer();
  // Gives buffer_'s memory back when it holds nothing and more than a
  // typical request head's worth: a streaming handler or an idle kept-alive
  // connection then holds no copy of a large request.
  void ReleaseEmptyReadBuffer();

  std::shared_ptr<ConnectionHost> host_;
  boost::asio::any_io_executor executor_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const uint64_t id_;
  std::string remote_;

  bool idle_ = true;  // waiting for a request head
  bool close_after_response_ = false;
  bool closed_ = false;
  bool gone_ = false;  // client left before the response completed
  bool watching_ = false;
  bool stop_watching_ = false;
  boost::asio::steady_timer watch_done_;
  size_t reported_read_buffer_ = 0;
  std::vector<std::function<void()>> on_gone_;
};

}  // namespace cocoon::http::detail
