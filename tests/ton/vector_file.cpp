#include "ton/vector_file.h"

#include "util/file.h"

#ifndef COCOON_TON_VECTORS
#error "COCOON_TON_VECTORS must name the generated vector file"
#endif

namespace cocoon::ton::testing {

const nlohmann::json& Vectors(std::string* error) {
  static std::string load_error;
  static const nlohmann::json vectors = [] {
    Result<std::string> text = ReadFile(COCOON_TON_VECTORS, 256 << 20);
    if (!text.ok()) {
      load_error = std::string("vector file ") + COCOON_TON_VECTORS +
                   " is missing; it is made by the CTest fixture ton_vectors_generate "
                   "(cd tests/ton/vectors && npm ci && node generate.js FILE): " +
                   text.status().ToString();
      return nlohmann::json();
    }
    nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_discarded()) load_error = "vector file is not valid JSON";
    return parsed;
  }();
  if (error) *error = load_error;
  return vectors;
}

Bytes Hex(const nlohmann::json& value) {
  Result<Bytes> b = HexDecode(value.get<std::string>());
  return b.ok() ? *b : Bytes();
}

std::string HashHex(const CellRef& cell) { return HexEncode(cell->hash()); }

}  // namespace cocoon::ton::testing
