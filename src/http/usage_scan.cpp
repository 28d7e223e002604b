#include "http/usage_scan.h"

namespace cocoon::http {

bool MayCarryUsage(std::string_view data) {
  constexpr std::string_view kKey = "\"usage\"";
  auto skip_space = [&](size_t at) {
    while (at < data.size() &&
           (data[at] == ' ' || data[at] == '\t' || data[at] == '\n' || data[at] == '\r'))
      ++at;
    return at;
  };
  for (size_t at = data.find(kKey); at != std::string_view::npos; at = data.find(kKey, at + 1)) {
    size_t colon = skip_space(at + kKey.size());
    if (colon >= data.size() || data[colon] != ':') continue;  // a value, not a key
    size_t value = skip_space(colon + 1);
    if (data.substr(value, 4) != "null") return true;
  }
  return false;
}

}  // namespace cocoon::http
