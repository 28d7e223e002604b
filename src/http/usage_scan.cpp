#include "http/usage_scan.h"

#include <string.h>  // memmem

namespace cocoon::http {

namespace {

// The first `key` in `data` at or after `from`, or npos. glibc's memmem skips
// ahead by the needle; string_view::find stops at each of the thirty-odd
// quotes of a chunk and took twice as long (it runs for every streamed chunk
// in the worker and the client).
size_t Find(std::string_view data, std::string_view key, size_t from) {
  if (from >= data.size()) return std::string_view::npos;
  const void* hit = memmem(data.data() + from, data.size() - from, key.data(), key.size());
  return hit ? static_cast<size_t>(static_cast<const char*>(hit) - data.data())
             : std::string_view::npos;
}

}  // namespace

bool MayCarryUsage(std::string_view data) {
  constexpr std::string_view kKey = "\"usage\"";
  auto skip_space = [&](size_t at) {
    while (at < data.size() &&
           (data[at] == ' ' || data[at] == '\t' || data[at] == '\n' || data[at] == '\r'))
      ++at;
    return at;
  };
  for (size_t at = Find(data, kKey, 0); at != std::string_view::npos;
       at = Find(data, kKey, at + 1)) {
    size_t colon = skip_space(at + kKey.size());
    if (colon >= data.size() || data[colon] != ':') continue;  // a value, not a key
    size_t value = skip_space(colon + 1);
    if (data.substr(value, 4) != "null") return true;
  }
  return false;
}

}  // namespace cocoon::http
