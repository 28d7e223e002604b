// Feeds arbitrary bytes, in arbitrary splits, to the frame decoder: it must
// return frames or a clean error, never crash or buffer beyond its limit.
// A second decoder fed the same bytes reads them with the full parser only:
// every data frame the fast path (NextData) takes must be one the full parser
// reads the same way, and the two must agree frame by frame.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/frame_codec.h"

namespace {

std::string_view View(cocoon::ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t split = data[0] % 17 + 1;
  cocoon::net::FrameDecoder decoder(4096);
  cocoon::net::FrameDecoder reference(4096);
  for (size_t i = 1; i < size; i += split) {
    const cocoon::ByteSpan piece(data + i, std::min(split, size - i));
    decoder.Append(piece);
    reference.Append(piece);
    for (;;) {
      auto expected = reference.Next();
      if (auto view = decoder.NextData()) {
        if (!expected.ok() || !*expected || !(*expected)->has_data()) __builtin_trap();
        const auto& d = (*expected)->data();
        if (d.stream_id() != view->stream_id || d.end() != view->end ||
            d.data() != View(view->data))
          __builtin_trap();
        std::string reencoded;
        cocoon::net::EncodeDataFrame(view->stream_id, view->data, view->end, reencoded);
        std::string canonical;
        cocoon::net::EncodeFrame(**expected, canonical);
        if (reencoded != canonical) __builtin_trap();
        continue;
      }
      auto frame = decoder.Next();
      if (frame.ok() != expected.ok()) __builtin_trap();
      if (!frame.ok()) return 0;  // a violation: the session would close here
      if (frame->has_value() != expected->has_value()) __builtin_trap();
      if (!*frame) break;
      std::string reencoded;
      cocoon::net::EncodeFrame(**frame, reencoded);
    }
    if (decoder.buffered() > 4096 + cocoon::net::kFrameHeaderBytes + split) __builtin_trap();
  }
  return 0;
}
