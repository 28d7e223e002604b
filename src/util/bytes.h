// Byte strings and their text encodings (hex, base64, base64url).
//
// Decoders never throw: malformed text yields an error Result.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cocoon {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string ToString(ByteSpan b) { return std::string(b.begin(), b.end()); }

// Lower-case hex.
std::string HexEncode(ByteSpan data);
// Accepts upper and lower case; REQUIRES nothing, rejects odd length or
// non-hex characters.
Result<Bytes> HexDecode(std::string_view text);

enum class Base64Alphabet { kStandard, kUrl };
// Padded with '=' for kStandard, unpadded for kUrl unless `pad` is true.
std::string Base64Encode(ByteSpan data, Base64Alphabet alphabet = Base64Alphabet::kStandard,
                         bool pad = true);
// Accepts padded or unpadded input in the given alphabet; whitespace is not
// allowed.
Result<Bytes> Base64Decode(std::string_view text,
                           Base64Alphabet alphabet = Base64Alphabet::kStandard);

// Constant-time comparison of equal-length secrets; false if lengths differ.
bool ConstantTimeEquals(ByteSpan a, ByteSpan b);

}  // namespace cocoon
