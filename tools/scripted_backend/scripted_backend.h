// ScriptedBackend: an OpenAI-compatible HTTP server that answers every
// completion with deterministic, scripted text.
//
// THIS IS A TEST AND BENCHMARK FIXTURE, NEVER A PRODUCT BACKEND. It runs no
// model. It stands in for vLLM/SGLang/llama.cpp behind a worker so the
// request path, streaming, usage accounting and failure handling can be
// tested and measured without a GPU.
//
// It serves GET /v1/models, POST /v1/chat/completions and POST
// /v1/completions (streamed as SSE with OpenAI chunk objects, a usage chunk
// when stream_options.include_usage is true, then data: [DONE]; or whole).
// The script: how many chunks (never more than the request's max_tokens /
// max_completion_tokens), how many bytes each, the delay between them, the
// usage numbers to report, and failure modes (an HTTP error status, dropping
// the connection after N chunks, hanging without an answer). It counts
// requests and cancellations (a client that disconnects before the answer
// is complete) and shows them at GET /fixture/stats (POST /fixture/reset
// zeroes them). It logs sizes only, never request or response bodies.
//
// Threading: Start, Stop, port and stats may be called from any thread; the
// server runs on the executor given to Start.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cocoon::http {
class HttpServer;
}

namespace cocoon::fixture {

struct ScriptedBackendOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port
  std::vector<std::string> models = {"scripted-model"};
  int chunks = 8;                      // content chunks per answer (before max_tokens)
  size_t chunk_bytes = 16;             // bytes of text per chunk
  std::chrono::milliseconds delay{0};  // between chunks
  int64_t prompt_tokens = 10;
  int64_t completion_tokens = -1;  // -1: the number of chunks sent
  int64_t cached_tokens = 0;
  int64_t reasoning_tokens = 0;
  int fail_status = 0;       // non-zero: completions answer this HTTP error
  bool fail_models = false;  // with fail_status: /v1/models fails too
  int drop_after = -1;       // >= 0: close the connection after that many chunks
  bool hang = false;         // completions are read and never answered
  // Every answer carries the same id and created time, so answers can be
  // compared byte for byte (through the network vs direct).
  bool deterministic = false;
};

struct ScriptedBackendStats {
  uint64_t requests = 0;            // completion requests received
  uint64_t streaming_requests = 0;  // of which stream=true
  uint64_t completed = 0;           // answered in full
  uint64_t cancelled = 0;           // client left before the answer was complete
  uint64_t failed = 0;              // answered with an error (scripted or bad request)
  uint64_t dropped = 0;             // connection dropped on purpose (drop_after)
  uint64_t in_flight = 0;
  uint64_t models_requests = 0;
  std::optional<int64_t> last_max_tokens;  // as the last request asked
  bool last_include_usage = false;
  std::string last_model;
};

class ScriptedBackend {
 public:
  // Binds and starts serving. REQUIRES: chunks >= 0, chunk_bytes > 0.
  static Result<std::unique_ptr<ScriptedBackend>> Start(boost::asio::any_io_executor executor,
                                                        ScriptedBackendOptions options);
  ~ScriptedBackend();
  ScriptedBackend(const ScriptedBackend&) = delete;
  ScriptedBackend& operator=(const ScriptedBackend&) = delete;

  uint16_t port() const;
  // "http://host:port".
  std::string url() const;
  ScriptedBackendStats stats() const;
  // Stops at once: every connection closes, hanging requests end (counted
  // as cancelled).
  void Stop();

  struct State;

 private:
  ScriptedBackend() = default;
  std::shared_ptr<State> state_;
  std::unique_ptr<http::HttpServer> server_;
};

// Parses "host:port" as given to --listen.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text);

}  // namespace cocoon::fixture
