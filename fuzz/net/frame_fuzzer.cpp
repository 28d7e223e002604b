// Feeds arbitrary bytes, in arbitrary splits, to the frame decoder: it must
// return frames or a clean error, never crash or buffer beyond its limit.
#include <cstddef>
#include <cstdint>

#include "net/frame_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t split = data[0] % 17 + 1;
  cocoon::net::FrameDecoder decoder(4096);
  for (size_t i = 1; i < size; i += split) {
    decoder.Append(cocoon::ByteSpan(data + i, std::min(split, size - i)));
    for (;;) {
      auto frame = decoder.Next();
      if (!frame.ok()) return 0;  // a violation: the session would close here
      if (!*frame) break;
      std::string reencoded;
      cocoon::net::EncodeFrame(**frame, reencoded);
    }
    if (decoder.buffered() > 4096 + cocoon::net::kFrameHeaderBytes + split) __builtin_trap();
  }
  return 0;
}
