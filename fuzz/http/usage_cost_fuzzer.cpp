// Fuzzes the client's cost-in-usage writer on a backend's stream as relayed:
// arbitrary bytes, split arbitrarily. Without a cost the output must be the
// input byte for byte, whatever the split (nothing lost, duplicated or
// reordered); with a cost, whatever is not a held event must still pass
// unchanged and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/usage_cost.h"

namespace {

std::string Run(std::string_view text, size_t step, const cocoon::http::UsageCost* cost) {
  cocoon::http::StreamCostWriter writer;
  std::string out;
  for (size_t i = 0; i < text.size(); i += step) out += writer.Push(text.substr(i, step));
  out += writer.Finish(cost);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t step = 1 + data[0] % 23;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (Run(text, step, nullptr) != text) __builtin_trap();
  if (Run(text, text.size() + 1, nullptr) != text) __builtin_trap();

  const cocoon::http::UsageCost cost{42, "4200"};
  const std::string split = Run(text, step, &cost);
  const std::string whole = Run(text, text.size() + 1, &cost);
  if (split != whole) __builtin_trap();
  (void)cocoon::http::AddCostToUsage(text, cost);
  return 0;
}
