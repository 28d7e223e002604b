// OpenAI API schema helpers (DESIGN.md §4): the error shape, the essentials
// of a chat/completions request, and token usage.
//
// Requests are parsed for the few fields Cocoon acts on (model, stream,
// max_tokens / max_completion_tokens, stream_options) while the whole JSON
// body is kept as it came, so fields we do not know travel to the backend
// untouched. Usage is read from a non-streamed response or from the final
// SSE chunk of a stream.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/message.h"
#include "util/status.h"

namespace cocoon::http {

// ---- Errors ----------------------------------------------------------------

// An error as an OpenAI-compatible API reports it: an HTTP status and the
// body {"error":{"message","type","code"}}.
struct ApiError {
  int http_status = 500;
  std::string message;
  std::string type;  // e.g. "invalid_request_error"
  std::string code;  // e.g. "model_not_found"; empty serializes as null
};

// Maps a Status to an honest HTTP status and error type: invalid argument →
// 400, unauthenticated → 401, permission denied → 403, not found → 404,
// resource exhausted → 429, cancelled → 499, internal → 500, protocol and io
// errors (a broken upstream) → 502, unavailable → 503, deadline → 504.
// REQUIRES: !status.ok().
ApiError ApiErrorFromStatus(const Status& status);

// The error type and code OpenAI uses for an HTTP status (for errors that
// start as a status, e.g. a backend's reply or the server's own 413).
ApiError ApiErrorFromHttpStatus(int http_status, std::string message);

// {"error":{"message":...,"type":...,"code":...}} (code null when empty).
nlohmann::json ApiErrorJson(const ApiError& error);
// A JSON response carrying `error`, with its status.
Response ApiErrorResponse(const ApiError& error);

// Reads an error body a backend sent (OpenAI shape, or vLLM's older flat
// {"message","type","code"}). Falls back to the status's defaults when the
// body is not one of these.
ApiError ParseApiError(int http_status, std::string_view body);

// ---- Requests --------------------------------------------------------------

enum class Endpoint { kChatCompletions, kCompletions };

// The essentials of a /v1/chat/completions or /v1/completions request, plus
// the full body for passthrough.
struct CompletionRequest {
  Endpoint endpoint = Endpoint::kChatCompletions;
  nlohmann::json body;  // the whole request object, unknown fields included
  std::string model;
  bool stream = false;
  // max_completion_tokens if present, otherwise max_tokens.
  std::optional<int64_t> max_tokens;
  bool include_usage = false;  // stream_options.include_usage
};

// Parses and checks the essentials: a JSON object; `model` a non-empty
// string; `stream` a bool; max_tokens / max_completion_tokens non-negative
// integers; `stream_options` an object whose include_usage is a bool; chat
// requests need a `messages` array, completions a `prompt`. Errors are
// kInvalidArgument with a message fit for the API caller.
Result<CompletionRequest> ParseCompletionRequest(std::string_view body, Endpoint endpoint);

// Caps the completion length at `limit`: lowers whichever of max_tokens /
// max_completion_tokens the caller set (to at most `limit`), or sets
// max_tokens when neither was set. Updates both `body` and `max_tokens`.
// REQUIRES: limit >= 0.
void CapMaxTokens(CompletionRequest& request, int64_t limit);

// For a streamed request, sets stream_options.include_usage = true so the
// backend reports usage in its final chunk (keeps other stream_options).
void RequestStreamUsage(CompletionRequest& request);

// ---- Usage -----------------------------------------------------------------

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_tokens = 0;     // prompt_tokens_details.cached_tokens
  int64_t reasoning_tokens = 0;  // completion_tokens_details.reasoning_tokens

  bool operator==(const Usage&) const = default;
};

// The "usage" of a response object or stream chunk: nullopt when the object
// has no usage (absent or null, as in every chunk but the last); missing
// counters are 0. A usage of the wrong type, a counter that is not a
// non-negative integer, or details that are not objects are errors.
Result<std::optional<Usage>> ExtractUsage(const nlohmann::json& object);

// Same for the data of one SSE event: "[DONE]" and chunks without usage give
// nullopt; data that is not JSON is an error.
Result<std::optional<Usage>> ExtractUsageFromSseData(std::string_view data);

// The OpenAI "usage" object, total_tokens included.
nlohmann::json UsageJson(const Usage& usage);

}  // namespace cocoon::http
