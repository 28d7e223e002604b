// Fuzzes the SSE parser as a worker feeds it a backend's stream: arbitrary
// bytes, split arbitrarily. Checks that splitting never changes the events
// and that usage extraction never crashes on what comes out.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "http/openai.h"
#include "http/sse_parser.h"

namespace {

struct Outcome {
  std::vector<cocoon::http::SseEvent> events;
  bool failed = false;
};

Outcome Parse(std::string_view text, size_t cap, size_t step) {
  cocoon::http::SseParser parser(cap);
  Outcome out;
  for (size_t i = 0; i < text.size() && !out.failed; i += step) {
    out.failed = !parser.Feed(text.substr(i, step), out.events).ok();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t step = 1 + data[0] % 17;
  const size_t cap = (data[1] & 1) ? 64 : cocoon::http::SseParser::kDefaultMaxEventBytes;
  std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);

  Outcome whole = Parse(text, cap, text.size() + 1);
  Outcome split = Parse(text, cap, step);
  if (!whole.failed && !split.failed) {
    if (whole.events.size() != split.events.size()) __builtin_trap();
    for (size_t i = 0; i < whole.events.size(); ++i) {
      const auto& a = whole.events[i];
      const auto& b = split.events[i];
      if (a.data != b.data || a.event != b.event || a.id != b.id || a.retry_ms != b.retry_ms) {
        __builtin_trap();
      }
      if (a.data.size() > cap) __builtin_trap();
      (void)cocoon::http::ExtractUsageFromSseData(a.data);
    }
  }
  return 0;
}
