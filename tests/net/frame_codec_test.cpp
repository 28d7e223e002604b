#include "net/frame_codec.h"

#include <gtest/gtest.h>

namespace cocoon::net {
namespace {

wire::Frame Ping(uint64_t nonce) {
  wire::Frame f;
  f.mutable_ping()->set_nonce(nonce);
  return f;
}

TEST(FrameCodecTest, DecodesFramesSplitAtEveryByte) {
  std::string wire;
  for (uint64_t i = 1; i <= 3; ++i) EncodeFrame(Ping(i), wire);
  FrameDecoder d(1024);
  uint64_t expected = 1;
  for (char c : wire) {
    d.Append(AsBytes(std::string_view(&c, 1)));
    auto f = d.Next();
    ASSERT_TRUE(f.ok());
    if (*f) {
      EXPECT_EQ((*f)->ping().nonce(), expected++);
    }
  }
  EXPECT_EQ(expected, 4u);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameCodecTest, TruncatedFrameWaitsForMoreBytes) {
  std::string wire;
  EncodeFrame(Ping(7), wire);
  FrameDecoder d(1024);
  d.Append(AsBytes(std::string_view(wire).substr(0, wire.size() - 1)));
  auto f = d.Next();
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
}

TEST(FrameCodecTest, RejectsOversizedFrameBeforeBuffering) {
  FrameDecoder d(1024);
  const uint8_t header[] = {0x7f, 0xff, 0xff, 0xff};
  d.Append(header);
  auto f = d.Next();
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), ErrorCode::kProtocol);
  EXPECT_NE(f.status().message().find("exceeds the limit"), std::string::npos);
}

TEST(FrameCodecTest, RejectsGarbageAndEmptyFrames) {
  FrameDecoder garbage(1024);
  const uint8_t bad[] = {0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff};
  garbage.Append(bad);
  EXPECT_FALSE(garbage.Next().ok());

  FrameDecoder empty(1024);
  const uint8_t zero[] = {0, 0, 0, 0};
  empty.Append(zero);
  EXPECT_FALSE(empty.Next().ok());

  // A well-formed protobuf that sets no known frame kind.
  FrameDecoder unknown(1024);
  const uint8_t future[] = {0, 0, 0, 2, 0x50, 0x01};  // field 10, varint 1
  unknown.Append(future);
  auto f = unknown.Next();
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("unknown kind"), std::string::npos);
}

}  // namespace
}  // namespace cocoon::net
