// Snake text: UTF-8 text in a cell, continued in the first reference when
// longer than one cell holds (127 bytes per cell), as @ton/core's
// storeStringTail / loadStringTail write and read it. The root stores proxy
// endpoints this way.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ton/cell.h"

namespace cocoon::ton::contracts {

// Fails only for text longer than max_bytes (default 4 KiB).
Result<CellRef> SnakeTextCell(std::string_view text, size_t max_bytes = 4096);
// Reads the text back. Fails (kInvalidArgument) on bits not a whole number of
// bytes, more than one reference per cell, a chain longer than max_bytes
// allows, or invalid UTF-8.
Result<std::string> ReadSnakeText(const CellRef& cell, size_t max_bytes = 4096);

}  // namespace cocoon::ton::contracts
