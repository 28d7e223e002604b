// A cheap pre-check on a streamed OpenAI chunk: can it carry usage?
//
// Backends asked for usage put `"usage":null` into every chunk and the
// numbers into one; parsing each chunk as JSON only to find the null was the
// worker's largest cost per streamed token (bench/README.md).
#pragma once

#include <string_view>

namespace cocoon::http {

// False only when every `"usage"` key in `data` has the value null, so the
// chunk carries no usage. Inside a JSON string a quote is escaped, so an
// unescaped `"usage"` followed by `:` is a key; any other value (an object,
// garbage) answers true and the caller parses the chunk in full.
bool MayCarryUsage(std::string_view data);

}  // namespace cocoon::http
