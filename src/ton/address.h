// Address: a TON smart-contract address (workchain + 256-bit account id,
// TL-B addr_std without anycast) and its text forms.
//
// Text forms:
//   raw            "0:83df…" / "-1:3333…" (workchain, ':', 64 hex digits)
//   user-friendly  48 characters of base64 or base64url over 36 bytes:
//                  tag (0x11 bounceable, 0x51 non-bounceable, | 0x80 testnet),
//                  workchain (int8), 32-byte id, CRC16-XMODEM big-endian.
// Parsing accepts any of them; a wrong checksum, tag or length is an error.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cocoon::ton {

struct Address {
  int8_t workchain = 0;
  std::array<uint8_t, 32> hash{};

  // "wc:hex" with lower-case hex.
  std::string ToRaw() const;
  // The 48-character user-friendly form.
  std::string ToFriendly(bool bounceable = true, bool testnet = false, bool url_safe = true) const;

  friend bool operator==(const Address&, const Address&) = default;
};

// What a text address said besides the address itself.
struct ParsedAddress {
  Address address;
  bool friendly = false;   // false for the raw form
  bool bounceable = true;  // raw addresses carry no flags: true
  bool testnet = false;
  bool url_safe = false;  // the friendly text used '-' or '_'
};

Result<Address> ParseRawAddress(std::string_view text);
Result<ParsedAddress> ParseFriendlyAddress(std::string_view text);
// Raw or user-friendly.
Result<ParsedAddress> ParseAddress(std::string_view text);

}  // namespace cocoon::ton
