#include "ton/address.h"

#include <charconv>

#include "ton/checksum.h"
#include "util/bytes.h"

namespace cocoon::ton {
namespace {

constexpr uint8_t kBounceableTag = 0x11;
constexpr uint8_t kNonBounceableTag = 0x51;
constexpr uint8_t kTestnetFlag = 0x80;

}  // namespace

std::string Address::ToRaw() const { return std::to_string(workchain) + ":" + HexEncode(hash); }

std::string Address::ToFriendly(bool bounceable, bool testnet, bool url_safe) const {
  Bytes raw(36);
  raw[0] = static_cast<uint8_t>((bounceable ? kBounceableTag : kNonBounceableTag) |
                                (testnet ? kTestnetFlag : 0));
  raw[1] = static_cast<uint8_t>(workchain);
  std::copy(hash.begin(), hash.end(), raw.begin() + 2);
  const uint16_t crc = Crc16(ByteSpan(raw).first(34));
  raw[34] = static_cast<uint8_t>(crc >> 8);
  raw[35] = static_cast<uint8_t>(crc & 0xff);
  return Base64Encode(raw, url_safe ? Base64Alphabet::kUrl : Base64Alphabet::kStandard, true);
}

Result<Address> ParseRawAddress(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return InvalidArgument("raw address needs 'workchain:hex'");
  const std::string_view wc_text = text.substr(0, colon);
  const std::string_view hex = text.substr(colon + 1);
  int wc = 0;
  auto [end, ec] = std::from_chars(wc_text.data(), wc_text.data() + wc_text.size(), wc);
  if (ec != std::errc() || end != wc_text.data() + wc_text.size() || wc_text.empty()) {
    return InvalidArgument("raw address has a bad workchain");
  }
  if (wc < -128 || wc > 127) return InvalidArgument("workchain out of the int8 range");
  if (hex.size() != 64) return InvalidArgument("raw address needs 64 hex digits after ':'");
  COCOON_ASSIGN_OR_RETURN(Bytes bytes, HexDecode(hex));
  Address out;
  out.workchain = static_cast<int8_t>(wc);
  std::copy(bytes.begin(), bytes.end(), out.hash.begin());
  return out;
}

Result<ParsedAddress> ParseFriendlyAddress(std::string_view text) {
  if (text.size() != 48) return InvalidArgument("user-friendly address must have 48 characters");
  std::string standard(text);
  bool url_safe = false;
  for (char& c : standard) {
    if (c == '-' || c == '_') {
      url_safe = true;
      c = c == '-' ? '+' : '/';
    }
  }
  Result<Bytes> decoded = Base64Decode(standard);
  if (!decoded.ok()) return InvalidArgument("user-friendly address is not base64");
  const Bytes& raw = *decoded;
  if (raw.size() != 36) return InvalidArgument("user-friendly address must decode to 36 bytes");
  const uint16_t crc = Crc16(ByteSpan(raw).first(34));
  if (raw[34] != (crc >> 8) || raw[35] != (crc & 0xff)) {
    return InvalidArgument("user-friendly address has a wrong checksum");
  }
  ParsedAddress out;
  out.friendly = true;
  out.url_safe = url_safe;
  uint8_t tag = raw[0];
  if (tag & kTestnetFlag) {
    out.testnet = true;
    tag ^= kTestnetFlag;
  }
  if (tag != kBounceableTag && tag != kNonBounceableTag) {
    return InvalidArgument("user-friendly address has an unknown tag");
  }
  out.bounceable = tag == kBounceableTag;
  out.address.workchain = static_cast<int8_t>(raw[1]);
  std::copy(raw.begin() + 2, raw.begin() + 34, out.address.hash.begin());
  return out;
}

Result<ParsedAddress> ParseAddress(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    COCOON_ASSIGN_OR_RETURN(Address a, ParseRawAddress(text));
    ParsedAddress out;
    out.address = a;
    return out;
  }
  return ParseFriendlyAddress(text);
}

}  // namespace cocoon::ton
