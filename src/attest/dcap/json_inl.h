// Template definitions for json.h. Not for direct inclusion.
#pragma once

#include <algorithm>

#include "attest/dcap/errors.h"
#include "util/bytes.h"

namespace cocoon::attest::dcap::json {

template <size_t N>
Result<dcap::Array<N>> HexArray(const Json& obj, std::string_view key, std::string_view what) {
  COCOON_ASSIGN_OR_RETURN(std::string text, String(obj, key, what));
  auto bytes = HexDecode(text);
  if (!bytes.ok() || bytes->size() != N) {
    return Malformed(tag::kMalformedCollateral, std::string(what) + "." + std::string(key) +
                                                    " must be " + std::to_string(N) +
                                                    " bytes of hex");
  }
  dcap::Array<N> out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace cocoon::attest::dcap::json
