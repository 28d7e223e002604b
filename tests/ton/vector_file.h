// Loads the vectors that tests/ton/vectors/generate.js writes with @ton/core
// (CTest fixture ton_vectors_generate). Tests fail, not skip, when the file is
// missing: the byte-for-byte comparison with TON's reference library is the
// point of these tests.
#pragma once

#include <nlohmann/json.hpp>

#include "ton/cell.h"
#include "util/bytes.h"

namespace cocoon::ton::testing {

// The parsed vectors; sets `error` and returns null JSON if unreadable.
const nlohmann::json& Vectors(std::string* error);

Bytes Hex(const nlohmann::json& value);
std::string HashHex(const CellRef& cell);

}  // namespace cocoon::ton::testing
