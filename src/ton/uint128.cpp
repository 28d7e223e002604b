#include "ton/uint128.h"

#include <algorithm>

namespace cocoon::ton {

std::string Uint128ToString(Uint128 value) {
  if (value == 0) return "0";
  std::string out;
  while (value != 0) {
    out += static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<Uint128> ParseUint128(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty number");
  const Uint128 max = ~static_cast<Uint128>(0);
  Uint128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return InvalidArgument("not a decimal number: " + std::string(text.substr(0, 64)));
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (max - digit) / 10)
      return InvalidArgument("number too large: " + std::string(text.substr(0, 64)));
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace cocoon::ton
