// Nesting depth of JSON text, counted over brackets outside strings, without
// parsing it: callers refuse hostile input nested deeper than they handle
// before a parser (or the destructor of its tree) recurses through it.
#pragma once

#include <string_view>

namespace cocoon {

int JsonNestingDepth(std::string_view text);

}  // namespace cocoon
