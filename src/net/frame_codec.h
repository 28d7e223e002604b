// Frame encoding and incremental decoding: a 4-byte big-endian length, then a
// serialized wire::Frame. The decoder enforces the size limit before it
// buffers a frame's body, so a hostile length cannot make it allocate.
//
// Not thread-safe; one decoder per connection.
#pragma once

#include <optional>
#include <string>

#include "net/frames.pb.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::net {

inline constexpr size_t kFrameHeaderBytes = 4;

// Appends the encoded frame to `out`.
void EncodeFrame(const wire::Frame& frame, std::string& out);

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  void Append(ByteSpan bytes);
  // The next complete frame; nullopt when more bytes are needed; an error
  // (ErrorCode::kProtocol) for an oversized, empty or unparsable frame, after
  // which the decoder must not be used again.
  Result<std::optional<wire::Frame>> Next();

  size_t buffered() const { return buffer_.size() - offset_; }

 private:
  size_t max_frame_bytes_;
  std::string buffer_;
  size_t offset_ = 0;
};

}  // namespace cocoon::net
