// HttpClient: a plain-HTTP/1.1 client for talking to inference backends
// (vLLM, SGLang, llama.cpp server, Ollama, the scripted backend) at
// http://host:port, on Boost.Beast with C++20 coroutines.
//
// Connections are kept alive and reused per host:port (a small idle pool; a
// reused connection the server had closed is retried once on a fresh one,
// only if no byte of the response had arrived). Every step has a deadline:
// connect, first byte (the request is sent and the response head arrives),
// and idle (the gap between two pieces of body). A response body is read
// incrementally, chunked or Content-Length or until close, so a streaming
// caller gets each piece as soon as it arrives. A request can be cancelled at
// any stage from elsewhere through a CancelSignal, and a stream by Cancel();
// either closes the socket, and the pending call fails with kCancelled.
//
// Errors: kUnavailable (cannot connect, connection lost), kDeadlineExceeded
// (a timeout), kCancelled, kProtocol (malformed response), kResourceExhausted
// (response head or Fetch body over the limit), kInvalidArgument (bad request).
//
// Threading: an HttpClient and its streams belong to one executor (a
// single-threaded io_context or a strand); call them and await their results
// only there. A ClientStream may outlive its HttpClient (its connection is
// then closed instead of pooled). CancelSignal::Cancel may come from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/cancel_signal.h"
#include "http/message.h"
#include "http/url.h"
#include "util/status.h"

namespace cocoon::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // From sending the request until the whole response head has arrived
  // (for a backend: the time to the first token, prompt processing included).
  std::chrono::milliseconds first_byte_timeout{120000};
  // Longest silence between two pieces of the response body.
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_header_bytes = 64 << 10;
  size_t max_body_bytes = 64 << 20;  // Fetch only; streams are not limited
  size_t max_idle_per_host = 8;
  // Idle pooled connections older than this are closed instead of reused.
  std::chrono::milliseconds pool_idle_timeout{30000};
  std::string user_agent = "cocoon";
};

struct ClientRequest {
  std::string method = "GET";
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 80;
  std::string target = "/";
  Headers headers;  // Host, User-Agent and Content-Length are set by the client
  std::string body;
  std::shared_ptr<CancelSignal> cancel;  // optional

  // A request to `url` (its target) with `method`.
  static ClientRequest For(std::string method, const HttpUrl& url);
};

// A response whose head has arrived and whose body is read piece by piece.
// Destroying it before the end closes the connection.
class ClientStream {
 public:
  virtual ~ClientStream() = default;

  virtual int status() const = 0;
  virtual const Headers& headers() const = 0;

  // The next piece of the body as it arrives (never empty); nullopt after
  // the last. REQUIRES: no other Next is pending.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> Next() = 0;

  // Reads the rest of the body; kResourceExhausted past `max_bytes`.
  boost::asio::awaitable<Result<std::string>> ReadAll(size_t max_bytes);

  // Closes the connection; a pending or later Next fails with kCancelled.
  virtual void Cancel() = 0;
};
using ClientStreamPtr = std::unique_ptr<ClientStream>;

class HttpClient {
 public:
  explicit HttpClient(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns once the response head has arrived, with
  // any status (a 4xx/5xx answer is a stream, not an error).
  boost::asio::awaitable<Result<ClientStreamPtr>> Stream(ClientRequest request);

  // Stream + ReadAll(options.max_body_bytes).
  boost::asio::awaitable<Result<Response>> Fetch(ClientRequest request);

  // Closes the pooled idle connections.
  void CloseIdle();
  size_t idle_connections() const;
  // Connections this client has opened so far (to observe reuse).
  uint64_t connections_opened() const;

  struct Pool;

 private:
  boost::asio::any_io_executor executor_;
  const ClientOptions options_;
  std::shared_ptr<Pool> pool_;
};

}  // namespace cocoon::http
