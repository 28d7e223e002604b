// Fuzzes the server's request parsing path: Beast's parser with our limits,
// the conversion to Request, then (as the client daemon does with a body)
// the OpenAI request essentials, max_tokens capping and re-serialization.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/openai.h"
#include "http/request_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  cocoon::http::RequestLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 8192;
  auto request = cocoon::http::ParseRequestBytes(bytes, limits);
  if (!request.ok()) return 0;
  if (request->body.size() > limits.max_body_bytes) __builtin_trap();
  if (request->path.empty() || request->path[0] != '/') __builtin_trap();
  for (auto endpoint :
       {cocoon::http::Endpoint::kChatCompletions, cocoon::http::Endpoint::kCompletions}) {
    auto parsed = cocoon::http::ParseCompletionRequest(request->body, endpoint);
    if (!parsed.ok()) continue;
    cocoon::http::CapMaxTokens(*parsed, 16);
    cocoon::http::RequestStreamUsage(*parsed);
    if (!parsed->max_tokens || *parsed->max_tokens > 16) __builtin_trap();
    (void)parsed->body.dump();
    (void)cocoon::http::ExtractUsage(parsed->body);
  }
  return 0;
}
