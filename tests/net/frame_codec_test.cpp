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

wire::Frame Data(uint64_t id, std::string_view data, bool end) {
  wire::Frame f;
  f.mutable_data()->set_stream_id(id);
  f.mutable_data()->set_data(std::string(data));
  f.mutable_data()->set_end(end);
  return f;
}

TEST(FrameCodecTest, DataFramesEncodeAsProtobufDoes) {
  const std::string big(300, 'x');  // a two-byte length
  for (uint64_t id : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, ~uint64_t{0}}) {
    for (std::string_view data :
         {std::string_view(), std::string_view("abc"), std::string_view(big)}) {
      for (bool end : {false, true}) {
        std::string expected = "prefix";
        EncodeFrame(Data(id, data, end), expected);
        std::string got = "prefix";
        EncodeDataFrame(id, AsBytes(data), end, got);
        EXPECT_EQ(got, expected) << "id " << id << ", " << data.size() << " bytes, end " << end;
      }
    }
  }
}

TEST(FrameCodecTest, DataFramesAreViewedInPlaceAndOtherFramesLeftForNext) {
  std::string wire;
  EncodeDataFrame(5, AsBytes("hello"), false, wire);
  EncodeFrame(Ping(9), wire);
  EncodeDataFrame(5, {}, true, wire);
  FrameDecoder d(1024);
  d.Append(AsBytes(wire));

  auto first = d.NextData();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->stream_id, 5u);
  EXPECT_EQ(ToString(first->data), "hello");
  EXPECT_FALSE(first->end);

  EXPECT_FALSE(d.NextData().has_value());  // a ping: not consumed
  auto ping = d.Next();
  ASSERT_TRUE(ping.ok() && ping->has_value());
  EXPECT_EQ((*ping)->ping().nonce(), 9u);

  auto last = d.NextData();
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->data.empty());
  EXPECT_TRUE(last->end);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameCodecTest, DataFramesInAnotherLayoutGoThroughTheFullParser) {
  // StreamData{end = 1, stream_id = 3}: valid protobuf, fields out of order.
  const uint8_t reordered[] = {0, 0, 0, 6, 0x1a, 0x04, 0x18, 0x01, 0x08, 0x03};
  FrameDecoder d(1024);
  d.Append(reordered);
  EXPECT_FALSE(d.NextData().has_value());
  auto f = d.Next();
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->data().stream_id(), 3u);
  EXPECT_TRUE((*f)->data().end());

  // A data length past the frame's end: refused by Next, not read past.
  const uint8_t overlong[] = {0, 0, 0, 6, 0x1a, 0x04, 0x08, 0x03, 0x12, 0x7f};
  FrameDecoder bad(1024);
  bad.Append(overlong);
  EXPECT_FALSE(bad.NextData().has_value());
  EXPECT_FALSE(bad.Next().ok());
}

TEST(FrameCodecTest, IncompleteOrOversizedDataFramesAreNotViewed) {
  std::string wire;
  EncodeDataFrame(1, AsBytes(std::string(100, 'y')), false, wire);
  FrameDecoder d(1024);
  d.Append(AsBytes(std::string_view(wire).substr(0, wire.size() - 1)));
  EXPECT_FALSE(d.NextData().has_value());
  d.Append(AsBytes(std::string_view(wire).substr(wire.size() - 1)));
  EXPECT_TRUE(d.NextData().has_value());

  FrameDecoder small(50);
  small.Append(AsBytes(wire));
  EXPECT_FALSE(small.NextData().has_value());
  EXPECT_FALSE(small.Next().ok());
}

}  // namespace
}  // namespace cocoon::net
