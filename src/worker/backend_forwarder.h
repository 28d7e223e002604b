// BackendForwarder: how a worker serves one inference request (DESIGN.md §4).
// It sends the app's OpenAI request to the worker's OpenAI-compatible HTTP
// backend (vLLM, SGLang, llama.cpp server, Ollama) and turns the backend's
// answer into the protocol's event stream: one head, body pieces, one tail.
//
// On the way it enforces the proxy's completion-token cap at the backend
// (max_tokens), asks a streaming backend for usage
// (stream_options.include_usage) and reads the usage (prompt, cached,
// completion, reasoning tokens) from the answer for the tail.
//
// Streamed answers are parsed as Server-Sent Events as the bytes arrive and
// re-serialized canonically: per event `event: <name>\n` and `id: <id>\n`
// when present (the id only when it changed, as SSE ids are sticky),
// `retry: <ms>\n` when present, one `data: <line>\n` per data line, then
// `\n`. For the `data: <json>\n\n` framing every OpenAI-compatible backend
// uses this is byte-identical to what the backend sent; a stream with other
// line ends (CRLF/CR), no space after the colon, or comment lines (`: ping`)
// arrives with the same events but LF framing and without the comments.
// Chunks carry `"usage": null` when the app did not ask for usage (we ask
// the backend for it); the final usage-only chunk is then dropped, so the
// app sees the chunks it asked for.
//
// Nothing of a request or an answer (prompts, completions, bodies) is ever
// logged; only sizes, statuses and the request id.
//
// Threading: a BackendForwarder belongs to the executor it was built with
// (a single-threaded io_context or a strand); call Forward there. Several
// Forwards may run at once. The forwarder must outlive its Forward calls.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/cancel_signal.h"
#include "http/client.h"
#include "http/url.h"
#include "inference/inference.pb.h"
#include "util/status.h"

namespace cocoon::worker {

struct BackendOptions {
  // The backend, e.g. http://127.0.0.1:8000. A path prefix is kept in front
  // of the API paths, except that a trailing "/v1" (as in the OpenAI SDKs'
  // base_url, "http://127.0.0.1:8000/v1") is not doubled: both of these
  // send chat requests to /v1/chat/completions, and
  // "http://host/ollama" sends them to /ollama/v1/chat/completions. A query
  // in the URL is appended to every request's target.
  http::HttpUrl base_url;
  // Optional; sent as "Authorization: Bearer <api_key>", never logged.
  std::string api_key;
  // Deadlines and limits of the backend connection. max_body_bytes bounds
  // the copy of a whole (non-streamed) answer kept to read its usage, and a
  // backend error body read for its message.
  http::ClientOptions client;
};

// The request target for `api_path` ("/v1/models") on the backend at `base`
// (see BackendOptions::base_url).
std::string BackendTarget(const http::HttpUrl& base, std::string_view api_path);

// Receives each event of the answer. An error (e.g. kCancelled: the proxy
// went away) makes Forward cancel the backend request and return that error.
using EventSink = std::function<boost::asio::awaitable<Status>(inference::InferEvent)>;

class BackendForwarder {
 public:
  BackendForwarder(boost::asio::any_io_executor executor, BackendOptions options);
  ~BackendForwarder();
  BackendForwarder(const BackendForwarder&) = delete;
  BackendForwarder& operator=(const BackendForwarder&) = delete;

  // Serves one request.
  //
  // Before the head is sent, failures are returned as a Status (the caller
  // fails the stream; the proxy may retry elsewhere): kInvalidArgument for a
  // body that does not parse; kUnavailable when the backend cannot be
  // reached or answers 5xx/429 (the message names the backend's status and
  // its error message, never the prompt); kDeadlineExceeded on a timeout;
  // kCancelled when `cancel` fired.
  //
  // Otherwise sends exactly one head (the backend's status and content type,
  // timing {"backend", micros from sending to the response head}), body
  // pieces of at most `max_body_piece` bytes, and one tail (complete, usage
  // when the backend reported it, timing {"backend", total micros}), and
  // returns OK, also when the tail reports an answer cut short (complete =
  // false: a stream without `data: [DONE]`, a dropped connection, a timeout
  // between pieces). A backend 4xx other than 429 is such an answer: its
  // body is passed through, so the app sees the backend's own error.
  //
  // A stream's pieces are cut at event boundaries: the events of one
  // backend read travel together, and only an event larger than
  // `max_body_piece` is split. A whole answer is forwarded piece by piece as
  // it arrives.
  //
  // When `cancel` fires or `sink` fails after the head, the backend request
  // is cancelled (its connection closed, so the backend stops generating)
  // and Forward returns kCancelled or the sink's error without a tail.
  //
  // The request's body is released once parsed, and the JSON once sent to
  // the backend: a long answer holds no copy of the prompt.
  //
  // REQUIRES: max_body_piece > 0; `request` stays valid until Forward ends.
  boost::asio::awaitable<Status> Forward(inference::InferRequest& request, EventSink sink,
                                         size_t max_body_piece,
                                         std::shared_ptr<http::CancelSignal> cancel);

 private:
  BackendOptions options_;
  http::HttpClient client_;
};

}  // namespace cocoon::worker
