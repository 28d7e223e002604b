// Logging set-up for the daemons and the CLI (spdlog, to stderr).
//
// Confidentiality rule for every caller: never log prompts, completions,
// request bodies, keys or secrets, at any level. Log sizes, ids and outcomes.
#pragma once

#include <string_view>

#include "util/status.h"

namespace cocoon {

// Accepts trace, debug, info, warn, error, off. May be called again to change
// the level.
Status SetupLogging(std::string_view level);

}  // namespace cocoon
