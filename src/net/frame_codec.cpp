#include "net/frame_codec.h"

#include <cstring>

namespace cocoon::net {
namespace {

// Protobuf wire format (protobuf.dev/programming-guides/encoding): a tag is
// (field << 3 | wire type); wire type 0 is a varint, 2 is length-delimited.
constexpr uint8_t kFrameDataTag = 3 << 3 | 2;  // Frame.data
constexpr uint8_t kStreamIdTag = 1 << 3 | 0;   // StreamData.stream_id
constexpr uint8_t kDataBytesTag = 2 << 3 | 2;  // StreamData.data
constexpr uint8_t kEndTag = 3 << 3 | 0;        // StreamData.end

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Reads a varint of at most 10 bytes whose value fits 64 bits; false
// otherwise (or when the input ends first).
bool GetVarint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = *p++;
    if (shift == 63 && b > 1) return false;
    v |= uint64_t{b & 0x7fu} << shift;
    if (b < 0x80) return true;
  }
  return false;
}

}  // namespace

void EncodeFrame(const wire::Frame& frame, std::string& out) {
  size_t size = frame.ByteSizeLong();
  size_t start = out.size();
  out.resize(start + kFrameHeaderBytes + size);
  auto* p = reinterpret_cast<uint8_t*>(out.data() + start);
  p[0] = static_cast<uint8_t>(size >> 24);
  p[1] = static_cast<uint8_t>(size >> 16);
  p[2] = static_cast<uint8_t>(size >> 8);
  p[3] = static_cast<uint8_t>(size);
  frame.SerializeWithCachedSizesToArray(p + kFrameHeaderBytes);
}

void EncodeDataFrame(uint64_t stream_id, ByteSpan data, bool end, std::string& out) {
  // proto3 leaves out fields that hold their default value.
  size_t inner = 0;
  if (stream_id != 0) inner += 1 + VarintSize(stream_id);
  if (!data.empty()) inner += 1 + VarintSize(data.size()) + data.size();
  if (end) inner += 2;
  const size_t size = 1 + VarintSize(inner) + inner;
  const size_t start = out.size();
  out.resize(start + kFrameHeaderBytes + size);
  char* p = out.data() + start;
  *p++ = static_cast<char>(size >> 24);
  *p++ = static_cast<char>(size >> 16);
  *p++ = static_cast<char>(size >> 8);
  *p++ = static_cast<char>(size);
  *p++ = static_cast<char>(kFrameDataTag);
  p = PutVarint(p, inner);
  if (stream_id != 0) {
    *p++ = static_cast<char>(kStreamIdTag);
    p = PutVarint(p, stream_id);
  }
  if (!data.empty()) {
    *p++ = static_cast<char>(kDataBytesTag);
    p = PutVarint(p, data.size());
    std::memcpy(p, data.data(), data.size());
    p += data.size();
  }
  if (end) {
    *p++ = static_cast<char>(kEndTag);
    *p++ = 1;
  }
}

void FrameDecoder::Append(ByteSpan bytes) {
  if (offset_ > 0 && offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else if (offset_ > (64 << 10) && offset_ * 2 > buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Result<std::optional<wire::Frame>> FrameDecoder::Next() {
  if (buffered() < kFrameHeaderBytes) return std::optional<wire::Frame>();
  const auto* p = reinterpret_cast<const uint8_t*>(buffer_.data() + offset_);
  size_t size = size_t{p[0]} << 24 | size_t{p[1]} << 16 | size_t{p[2]} << 8 | size_t{p[3]};
  if (size > max_frame_bytes_) {
    return ProtocolError("frame of " + std::to_string(size) + " bytes exceeds the limit of " +
                         std::to_string(max_frame_bytes_));
  }
  if (size == 0) return ProtocolError("empty frame");
  if (buffered() < kFrameHeaderBytes + size) return std::optional<wire::Frame>();
  wire::Frame frame;
  if (!frame.ParseFromArray(p + kFrameHeaderBytes, static_cast<int>(size))) {
    return ProtocolError("frame is not a valid protobuf message");
  }
  if (frame.kind_case() == wire::Frame::KIND_NOT_SET) {
    return ProtocolError("frame of an unknown kind");
  }
  offset_ += kFrameHeaderBytes + size;
  return std::optional<wire::Frame>(std::move(frame));
}

std::optional<DataFrameView> FrameDecoder::NextData() {
  if (buffered() < kFrameHeaderBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(buffer_.data() + offset_);
  const size_t size = size_t{p[0]} << 24 | size_t{p[1]} << 16 | size_t{p[2]} << 8 | size_t{p[3]};
  if (size == 0 || size > max_frame_bytes_ || buffered() < kFrameHeaderBytes + size)
    return std::nullopt;
  const uint8_t* at = p + kFrameHeaderBytes;
  const uint8_t* const frame_end = at + size;
  uint64_t inner = 0;
  if (*at++ != kFrameDataTag || !GetVarint(at, frame_end, inner) ||
      inner != static_cast<uint64_t>(frame_end - at))
    return std::nullopt;
  DataFrameView view;
  if (at < frame_end && *at == kStreamIdTag) {
    ++at;
    if (!GetVarint(at, frame_end, view.stream_id)) return std::nullopt;
  }
  if (at < frame_end && *at == kDataBytesTag) {
    ++at;
    uint64_t n = 0;
    if (!GetVarint(at, frame_end, n) || n > static_cast<uint64_t>(frame_end - at))
      return std::nullopt;
    view.data = ByteSpan(at, static_cast<size_t>(n));
    at += n;
  }
  if (at < frame_end && *at == kEndTag) {
    ++at;
    uint64_t end = 0;
    if (!GetVarint(at, frame_end, end)) return std::nullopt;
    view.end = end != 0;
  }
  if (at != frame_end) return std::nullopt;
  offset_ += kFrameHeaderBytes + size;
  return view;
}

}  // namespace cocoon::net
