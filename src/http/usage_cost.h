// Puts what a request cost into the answer's OpenAI `usage` object (issue:
// "each response's usage includes its cost in nanoTON"):
//
//   "usage": { "prompt_tokens": 9, ..., "cost_nanoton": 59000, "adjusted_tokens": 59 }
//
// The cost is known only from the proxy's tail, which comes after the body.
// A whole answer is rewritten when the tail arrives. A stream holds back only
// its last events — the one whose usage is not null and `data: [DONE]`,
// which backends send last — and writes everything else as it comes; the
// held events go out, with the cost added, once the tail is there. An event
// after a held one releases it unchanged, so order is always kept.
//
// Thread-safety: a plain value, one per request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cocoon::http {

// What a request cost, as the proxy's tail says.
struct UsageCost {
  uint64_t adjusted_tokens = 0;
  std::string nanoton;  // decimal; may exceed 64 bits
};

// Adds cost_nanoton and adjusted_tokens to the top-level "usage" object of a
// JSON document; returns it unchanged when it has none or does not parse.
std::string AddCostToUsage(std::string_view json, const UsageCost& cost);

class StreamCostWriter {
 public:
  // What can be written now of `piece` (a run of SSE events as relayed).
  std::string Push(std::string_view piece);
  // Everything still held, with the cost added when `cost` is given.
  std::string Finish(const UsageCost* cost);

 private:
  std::string partial_;  // an event not yet complete
  std::string held_;     // complete events held back, in order
};

}  // namespace cocoon::http
