// Parsing JSON from the network without trusting it: size and nesting are
// checked before nlohmann::json sees the text, and failures are values.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "util/status.h"

namespace cocoon::ton {

// kProtocol for malformed JSON or nesting deeper than `max_depth`.
Result<nlohmann::json> ParseUntrustedJson(std::string_view text, int max_depth = 64);

}  // namespace cocoon::ton
