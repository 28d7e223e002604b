#include "ton/bit_string.h"

#include <algorithm>

namespace cocoon::ton {

BitString BitString::FromBytes(ByteSpan bytes, size_t bits) {
  BitString out;
  out.size_ = bits;
  out.bytes_.assign(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>((bits + 7) / 8));
  if (bits % 8 != 0) out.bytes_.back() &= static_cast<uint8_t>(0xff << (8 - bits % 8));
  return out;
}

BitString BitString::FromUint(uint64_t value, unsigned bits) {
  BitString out;
  out.AppendUint(value, bits);
  return out;
}

void BitString::PushBit(bool bit) {
  if (size_ % 8 == 0) bytes_.push_back(0);
  if (bit) bytes_.back() |= static_cast<uint8_t>(0x80 >> (size_ % 8));
  ++size_;
}

void BitString::AppendUint(uint64_t value, unsigned bits) {
  // Bits above the 64th are zeros (shifting a uint64_t by 64 or more is UB).
  for (unsigned i = bits; i > 64; --i) PushBit(false);
  for (unsigned i = bits > 64 ? 64 : bits; i > 0; --i) PushBit((value >> (i - 1)) & 1);
}

void BitString::Append(const BitString& other) {
  if (size_ % 8 == 0) {
    bytes_.insert(bytes_.end(), other.bytes_.begin(), other.bytes_.end());
    size_ += other.size_;
    return;
  }
  for (size_t i = 0; i < other.size_; ++i) PushBit(other.Get(i));
}

void BitString::AppendBytes(ByteSpan bytes) { Append(FromBytes(bytes)); }

BitString BitString::Substr(size_t pos, size_t len) const {
  BitString out;
  if (pos % 8 == 0) {
    return FromBytes(ByteSpan(bytes_).subspan(pos / 8), len);
  }
  for (size_t i = 0; i < len; ++i) out.PushBit(Get(pos + i));
  return out;
}

bool BitString::AllZero(size_t pos, size_t len) const {
  for (size_t i = 0; i < len; ++i) {
    if (Get(pos + i)) return false;
  }
  return true;
}

Bytes BitString::PaddedBytes() const {
  Bytes out = bytes_;
  if (size_ % 8 != 0) out.back() |= static_cast<uint8_t>(0x80 >> (size_ % 8));
  return out;
}

Result<BitString> BitString::FromPaddedBytes(ByteSpan bytes, bool padded) {
  if (!padded) return FromBytes(bytes);
  if (bytes.empty() || bytes.back() == 0) {
    return InvalidArgument("cell data: completion tag missing in the last byte");
  }
  const int trailing = __builtin_ctz(bytes.back());
  return FromBytes(bytes, bytes.size() * 8 - static_cast<size_t>(trailing) - 1);
}

std::string BitString::ToFiftHex() const {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  const size_t full = size_ / 4;
  for (size_t i = 0; i < full; ++i) {
    const uint8_t byte = bytes_[i / 2];
    out += kDigits[i % 2 == 0 ? byte >> 4 : byte & 15];
  }
  const size_t rest = size_ % 4;
  if (rest != 0) {
    unsigned nibble = 0;
    for (size_t i = 0; i < rest; ++i) nibble = (nibble << 1) | (Get(full * 4 + i) ? 1 : 0);
    nibble = (nibble << 1) | 1;
    nibble <<= 3 - rest;
    out += kDigits[nibble];
    out += '_';
  }
  return out;
}

std::string BitString::ToBinary() const {
  std::string out;
  out.reserve(size_);
  for (size_t i = 0; i < size_; ++i) out += Get(i) ? '1' : '0';
  return out;
}

std::strong_ordering operator<=>(const BitString& a, const BitString& b) {
  const size_t common = std::min(a.size_, b.size_);
  for (size_t i = 0; i < common; ++i) {
    if (a.Get(i) != b.Get(i))
      return a.Get(i) ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  return a.size_ <=> b.size_;
}

}  // namespace cocoon::ton
