#include "net/frame_codec.h"

namespace cocoon::net {

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

}  // namespace cocoon::net
