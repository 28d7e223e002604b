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

// Appends a StreamData frame to `out`, byte for byte what EncodeFrame writes
// for the same fields, without building the message (the hot path: it saves
// a copy and an allocation per chunk).
void EncodeDataFrame(uint64_t stream_id, ByteSpan data, bool end, std::string& out);

// A StreamData frame, viewed in the decoder's buffer.
struct DataFrameView {
  uint64_t stream_id = 0;
  ByteSpan data;  // valid until the decoder's next Append, Next or NextData
  bool end = false;
};

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  void Append(ByteSpan bytes);
  // The next complete frame; nullopt when more bytes are needed; an error
  // (ErrorCode::kProtocol) for an oversized, empty or unparsable frame, after
  // which the decoder must not be used again.
  Result<std::optional<wire::Frame>> Next();
  // The next frame when it is complete and is a StreamData frame in the
  // layout EncodeFrame writes (fields in order, none repeated, nothing
  // unknown): consumed and returned as a view, without a copy. Anything
  // else, including a frame Next() would refuse, is left for Next().
  std::optional<DataFrameView> NextData();

  size_t buffered() const { return buffer_.size() - offset_; }

 private:
  size_t max_frame_bytes_;
  std::string buffer_;
  size_t offset_ = 0;
};

}  // namespace cocoon::net
