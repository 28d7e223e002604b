// ResponseWriter: how a server handler answers one HTTP request, either with
// a whole response or with a streamed (chunked) one such as Server-Sent
// Events, and how it learns that the client went away.
//
// Threading: a writer belongs to the connection that received the request;
// call it only from the handler's coroutine (the connection's strand). The
// OnClientGone callback runs on that strand too. The writer lives until the
// handler's coroutine returns.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string_view>

#include "http/message.h"
#include "util/status.h"

namespace cocoon::http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // Sends a whole response; Content-Length is set from the body.
  // REQUIRES: nothing was sent yet.
  virtual boost::asio::awaitable<Status> Send(Response response) = 0;

  // Sends the status line and headers of a chunked response (for SSE, set
  // Content-Type: text/event-stream). REQUIRES: nothing was sent yet.
  virtual boost::asio::awaitable<Status> StartStream(int status, Headers headers) = 0;

  // Sends `data` as one chunk and returns once it is handed to the socket,
  // so each event reaches the client as soon as it is written (no buffering
  // to the end). Empty data sends nothing. Fails with kCancelled once the
  // client is gone. REQUIRES: StartStream succeeded and End was not called.
  virtual boost::asio::awaitable<Status> Write(std::string_view data) = 0;

  // Ends a streamed response (the terminating chunk). REQUIRES: StartStream.
  virtual boost::asio::awaitable<Status> End() = 0;

  // Closes the connection at once, leaving the response unfinished so the
  // client sees a truncated answer. For fatal errors mid-stream and for
  // fault injection.
  virtual void Abort() = 0;

  // True once the client closed or reset its connection (or the server is
  // shutting it down) before the response was complete.
  virtual bool client_gone() const = 0;

  // Runs `callback` once when the client goes (at once if it already has),
  // so the handler can cancel upstream work it is waiting on. Not run once
  // the response's last write has begun (Send, End): a client that closes
  // after reading it has not left mid-answer.
  virtual void OnClientGone(std::function<void()> callback) = 0;

  // True once Send or StartStream was called.
  virtual bool started() const = 0;
};

}  // namespace cocoon::http
