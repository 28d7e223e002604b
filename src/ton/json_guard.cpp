#include "ton/json_guard.h"

namespace cocoon::ton {

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return ProtocolError("JSON nested too deeply");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ProtocolError("malformed JSON");
  return parsed;
}

}  // namespace cocoon::ton
