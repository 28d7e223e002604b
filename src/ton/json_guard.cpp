#include "ton/json_guard.h"

#include "util/json_depth.h"

namespace cocoon::ton {

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, int max_depth) {
  if (JsonNestingDepth(text) > max_depth) return ProtocolError("JSON nested too deeply");
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ProtocolError("malformed JSON");
  return parsed;
}

}  // namespace cocoon::ton
