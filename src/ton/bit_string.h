// BitString: a sequence of bits, the data part of a TON cell and the key of a
// dictionary entry.
//
// Bits are packed big-endian (bit 0 is the most significant bit of byte 0);
// bits past size() in the last byte are always zero, so two equal bit strings
// have equal byte vectors. Ordering is lexicographic by bit, shorter first on
// a common prefix.
//
// Thread-safety: a plain value; const methods are safe from several threads.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/bytes.h"

namespace cocoon::ton {

class BitString {
 public:
  BitString() = default;
  // The first `bits` bits of `bytes`. REQUIRES: bits <= 8 * bytes.size().
  static BitString FromBytes(ByteSpan bytes, size_t bits);
  static BitString FromBytes(ByteSpan bytes) { return FromBytes(bytes, bytes.size() * 8); }
  // `bits` low bits of `value`, most significant first. REQUIRES: bits <= 64.
  static BitString FromUint(uint64_t value, unsigned bits);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // REQUIRES: i < size().
  bool Get(size_t i) const { return (bytes_[i >> 3] >> (7 - (i & 7))) & 1; }
  // The packed bytes; the unused low bits of the last byte are zero.
  const Bytes& bytes() const { return bytes_; }

  void PushBit(bool bit);
  // Appends `value` as a `bits`-bit big-endian unsigned integer; above 64
  // bits the high bits are zeros.
  void AppendUint(uint64_t value, unsigned bits);
  void Append(const BitString& other);
  void AppendBytes(ByteSpan bytes);
  // REQUIRES: pos + len <= size().
  BitString Substr(size_t pos, size_t len) const;
  // True if every bit in [pos, pos + len) is zero. REQUIRES: pos + len <= size().
  bool AllZero(size_t pos, size_t len) const;

  // The bytes as stored in a cell: when size() is not a multiple of 8, a 1
  // bit (the completion tag) follows the data and the rest is zero.
  Bytes PaddedBytes() const;
  // Inverse of PaddedBytes for `bytes` of a cell whose d2 descriptor says
  // the last byte carries a completion tag (`padded`). Fails when the tag is
  // missing.
  static Result<BitString> FromPaddedBytes(ByteSpan bytes, bool padded);

  // Upper-case hex as Fift prints it: when size() is not a multiple of 4,
  // the last digit carries a completion tag and is followed by '_'.
  std::string ToFiftHex() const;
  // Each bit as '0' or '1'.
  std::string ToBinary() const;

  friend bool operator==(const BitString& a, const BitString& b) {
    return a.size_ == b.size_ && a.bytes_ == b.bytes_;
  }
  friend std::strong_ordering operator<=>(const BitString& a, const BitString& b);

 private:
  Bytes bytes_;
  size_t size_ = 0;
};

}  // namespace cocoon::ton
