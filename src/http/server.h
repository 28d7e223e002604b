// HttpServer: a small HTTP/1.1 server for Cocoon's OpenAI-compatible API and
// admin endpoints (DESIGN.md §4, §7), on Boost.Beast with C++20 coroutines.
//
// Connections are kept alive between requests. Every read has a deadline:
// the request head (and the idle wait before it) must arrive within
// header_timeout, the body within body_timeout, so a slow-loris client holds
// a connection only that long (it is then closed without an answer). A body over max_body_bytes
// gets 413, a head over max_header_bytes gets 431, anything malformed gets 400; the connection is
// then closed. Requests are routed by exact method and path; an unknown path gets 404 and a known
// path with another method 405. Error bodies use the OpenAI error shape. A handler that throws gets
// a 500 (or, mid-stream, a closed connection); it never takes the server down.
//
// Threading: the server runs on the executor given at construction, which
// may be a multi-threaded io_context: each connection runs on its own strand
// (unless ServerOptions::one_thread) and its handler coroutine runs there. Route must be called
// before Listen; Listen, Stop and the accessors may be called from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/request_parse.h"
#include "http/response_writer.h"
#include "util/status.h"

namespace cocoon::http {

struct ServerOptions {
  RequestLimits limits;
  // For the request head, and for the idle wait before it on a kept-alive
  // connection.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  // For each write; a client that stops reading a stream is dropped.
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 4096;  // further connections are closed at once
  // True when one thread runs the executor: connections then run on it
  // directly, without a strand each (a strand's bookkeeping per handler).
  bool one_thread = false;
  std::string server_name = "cocoon";
};

// Handles one request. `request` and `writer` live until the coroutine ends;
// the handler may move the request's body out once it has read it (a long
// answer then holds no copy of a large request).
using Handler =
    std::function<boost::asio::awaitable<void>(Request& request, ResponseWriter& writer)>;

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor executor, ServerOptions options = {});
  // Closes every connection at once (handlers still running see
  // client_gone); the io_context must still run for them to finish.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: Listen was not called yet.
  void Route(std::string method, std::string path, Handler handler);

  // Binds host:port (an IP literal or "localhost"; port 0 picks a free one)
  // and starts accepting. Returns the bound port.
  Result<uint16_t> Listen(std::string_view host, uint16_t port);

  // Graceful stop: no new connections; idle kept-alive connections close
  // now; requests in progress finish, then their connections close.
  void Stop();
  // Hard stop: no new connections, every connection closed at once; running
  // handlers see client_gone.
  void StopNow();

  uint16_t port() const;
  size_t open_connections() const;
  uint64_t accepted_connections() const;
  // Memory the open connections hold in read buffers, as each one last
  // counted it: when it parsed a request, when its watch for a leaving
  // client read, and when it closed (a request being read is counted once
  // parsed). A connection keeps no copy of a request once it is parsed, so
  // this stays within open_connections() × 2 KiB unless requests are
  // pipelined.
  size_t read_buffer_bytes() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace cocoon::http
