#include <algorithm>

#include "ton/tvm_stack.h"

namespace cocoon::ton {
namespace {

constexpr size_t kMaxMagnitudeBytes = 33;  // 257 bits

void Trim(Bytes& b) {
  auto first = std::find_if(b.begin(), b.end(), [](uint8_t x) { return x != 0; });
  b.erase(b.begin(), first);
}

Status OutOfRange() { return InvalidArgument("TVM integer out of range for the requested type"); }

}  // namespace

TvmInt TvmInt::FromInt64(int64_t value) {
  const bool negative = value < 0;
  uint64_t magnitude = negative ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  Bytes b(8);
  for (int i = 7; i >= 0; --i) {
    b[static_cast<size_t>(i)] = static_cast<uint8_t>(magnitude & 0xff);
    magnitude >>= 8;
  }
  return FromBytes(b, negative);
}

TvmInt TvmInt::FromUint128(Uint128 value) {
  Bytes b(16);
  for (int i = 15; i >= 0; --i) {
    b[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return FromBytes(b);
}

TvmInt TvmInt::FromBytes(ByteSpan big_endian, bool negative) {
  TvmInt out;
  out.magnitude_.assign(big_endian.begin(), big_endian.end());
  Trim(out.magnitude_);
  out.negative_ = negative && !out.magnitude_.empty();
  return out;
}

Result<TvmInt> TvmInt::Parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 100) return InvalidArgument("not a TVM integer");
  Bytes mag;  // little-endian while accumulating
  for (char ch : text) {
    unsigned digit;
    if (ch >= '0' && ch <= '9') {
      digit = static_cast<unsigned>(ch - '0');
    } else if (base == 16 && ch >= 'a' && ch <= 'f') {
      digit = static_cast<unsigned>(ch - 'a' + 10);
    } else if (base == 16 && ch >= 'A' && ch <= 'F') {
      digit = static_cast<unsigned>(ch - 'A' + 10);
    } else {
      return InvalidArgument("not a TVM integer");
    }
    unsigned carry = digit;
    for (uint8_t& byte : mag) {
      const unsigned v = byte * base + carry;
      byte = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    while (carry != 0) {
      mag.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::reverse(mag.begin(), mag.end());
  Trim(mag);
  if (mag.size() > kMaxMagnitudeBytes || (mag.size() == kMaxMagnitudeBytes && mag[0] > 1)) {
    return InvalidArgument("TVM integer wider than 257 bits");
  }
  return FromBytes(mag, negative);
}

std::string TvmInt::ToHex() const {
  std::string hex = HexEncode(magnitude_);
  const size_t nz = hex.find_first_not_of('0');
  hex = nz == std::string::npos ? "0" : hex.substr(nz);
  return (negative_ ? "-0x" : "0x") + hex;
}

std::string TvmInt::ToDecimal() const {
  if (magnitude_.empty()) return "0";
  Bytes work = magnitude_;
  std::string digits;
  while (!work.empty()) {
    unsigned rem = 0;
    for (uint8_t& byte : work) {
      const unsigned v = (rem << 8) | byte;
      byte = static_cast<uint8_t>(v / 10);
      rem = v % 10;
    }
    digits += static_cast<char>('0' + rem);
    Trim(work);
  }
  if (negative_) digits += '-';
  std::reverse(digits.begin(), digits.end());
  return digits;
}

Result<int64_t> TvmInt::ToInt64() const {
  if (magnitude_.size() > 8) return OutOfRange();
  uint64_t m = 0;
  for (uint8_t b : magnitude_) m = (m << 8) | b;
  if (!negative_) {
    if (m > static_cast<uint64_t>(INT64_MAX)) return OutOfRange();
    return static_cast<int64_t>(m);
  }
  if (m > static_cast<uint64_t>(INT64_MAX) + 1) return OutOfRange();
  return static_cast<int64_t>(~m + 1);
}

Result<Uint128> TvmInt::ToUint128() const {
  if (negative_ || magnitude_.size() > 16) return OutOfRange();
  Uint128 m = 0;
  for (uint8_t b : magnitude_) m = (m << 8) | b;
  return m;
}

Result<Bytes> TvmInt::ToBytes(size_t width) const {
  if (negative_ || magnitude_.size() > width) return OutOfRange();
  Bytes out(width - magnitude_.size(), 0);
  out.insert(out.end(), magnitude_.begin(), magnitude_.end());
  return out;
}

}  // namespace cocoon::ton
