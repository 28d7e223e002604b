// ByteReader: bounds-checked little-endian reads over an untrusted buffer.
//
// Every read either succeeds completely or fails (returns false) and leaves
// the reader unusable; it never reads past the buffer. Used by the quote
// parser, which must treat every byte as hostile.
//
// Thread-safety: a reader is a cursor; use one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "util/bytes.h"

namespace cocoon::attest::dcap {

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }

  bool U16(uint16_t& out) { return Le(out); }
  bool U32(uint32_t& out) { return Le(out); }

  template <size_t N>
  bool Array(std::array<uint8_t, N>& out) {
    if (remaining() < N) return false;
    std::memcpy(out.data(), data_.data() + offset_, N);
    offset_ += N;
    return true;
  }

  // A view of the next `n` bytes (valid as long as the underlying buffer).
  bool Span(size_t n, ByteSpan& out) {
    if (remaining() < n) return false;
    out = data_.subspan(offset_, n);
    offset_ += n;
    return true;
  }

 private:
  template <typename T>
  bool Le(T& out) {
    if (remaining() < sizeof(T)) return false;
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<T>(static_cast<T>(data_[offset_ + i]) << (8 * i));
    }
    out = v;
    offset_ += sizeof(T);
    return true;
  }

  ByteSpan data_;
  size_t offset_ = 0;
};

}  // namespace cocoon::attest::dcap
