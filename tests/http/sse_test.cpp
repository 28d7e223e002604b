// SSE parser: spec rules, every byte split, size cap; writer round trip.
#include <gtest/gtest.h>

#include "http/sse_parser.h"
#include "http/sse_writer.h"

namespace cocoon::http {
namespace {

std::vector<SseEvent> ParseAll(std::string_view text,
                               size_t cap = SseParser::kDefaultMaxEventBytes) {
  SseParser p(cap);
  std::vector<SseEvent> out;
  EXPECT_TRUE(p.Feed(text, out).ok());
  return out;
}

// Parses `text` fed in pieces split at `cuts`.
std::vector<SseEvent> ParseSplit(std::string_view text, const std::vector<size_t>& cuts) {
  SseParser p;
  std::vector<SseEvent> out;
  size_t prev = 0;
  for (size_t c : cuts) {
    EXPECT_TRUE(p.Feed(text.substr(prev, c - prev), out).ok());
    prev = c;
  }
  EXPECT_TRUE(p.Feed(text.substr(prev), out).ok());
  return out;
}

bool SameEvents(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].event != b[i].event || a[i].data != b[i].data || a[i].id != b[i].id ||
        a[i].retry_ms != b[i].retry_ms) {
      return false;
    }
  }
  return true;
}

TEST(SseParser, DataLinesJoinedWithNewline) {
  auto ev = ParseAll("data: first\ndata: second\ndata:third\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "first\nsecond\nthird");
  EXPECT_EQ(ev[0].event, "");
}

TEST(SseParser, EventIdRetryAndComments) {
  auto ev = ParseAll(
      ": keepalive\nevent: error\nid: 7\nretry: 1500\ndata: {\"x\":1}\n\n"
      "data: next\n\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].event, "error");
  EXPECT_EQ(ev[0].id, "7");
  EXPECT_EQ(ev[0].retry_ms, 1500);
  EXPECT_EQ(ev[0].data, "{\"x\":1}");
  EXPECT_EQ(ev[1].event, "");  // event type does not carry over
  EXPECT_EQ(ev[1].id, "7");    // the last event id does (spec)
  EXPECT_FALSE(ev[1].retry_ms.has_value());
}

TEST(SseParser, LineEndingsCrLfCrAndLf) {
  auto a = ParseAll("data: a\r\ndata: b\r\n\r\n");
  auto b = ParseAll("data: a\rdata: b\r\r");
  auto c = ParseAll("data: a\ndata: b\n\n");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].data, "a\nb");
  EXPECT_TRUE(SameEvents(a, b));
  EXPECT_TRUE(SameEvents(a, c));
}

TEST(SseParser, FieldRules) {
  auto ev = ParseAll("data\n\ndata:  two spaces\nunknown: x\n\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].data, "");                             // a bare field name means an empty value
  EXPECT_EQ(ev[1].data, " two spaces");                  // only one space is dropped
  EXPECT_TRUE(ParseAll("event: x\nid: 3\n\n").empty());  // no data, no event
  EXPECT_FALSE(ParseAll("retry: 12a\ndata: x\n\n")[0].retry_ms.has_value());
}

TEST(SseParser, ByteOrderMarkSkippedOnlyAtStart) {
  auto ev = ParseAll(
      "\xEF\xBB\xBF"
      "data: x\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "x");
  // Split inside the BOM.
  auto split = ParseSplit(
      "\xEF\xBB\xBF"
      "data: x\n\n",
      {1, 2});
  EXPECT_TRUE(SameEvents(ev, split));
}

TEST(SseParser, OpenAiStreamSplitAtEveryByte) {
  std::string stream =
      ": ping\r\n\r\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"lo\\n\"}}]}\n\n"
      "event: usage\rdata: {\"usage\":{\"prompt_tokens\":3}}\r\r"
      "data: multi\ndata: line\n\n"
      "data: [DONE]\n\n";
  auto whole = ParseAll(stream);
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[2].event, "usage");
  EXPECT_EQ(whole[3].data, "multi\nline");
  EXPECT_EQ(whole[4].data, "[DONE]");
  for (size_t i = 0; i <= stream.size(); ++i) {
    ASSERT_TRUE(SameEvents(whole, ParseSplit(stream, {i}))) << "split at " << i;
    for (size_t j = i; j <= stream.size(); j += 7) {
      ASSERT_TRUE(SameEvents(whole, ParseSplit(stream, {i, j}))) << "split at " << i << "," << j;
    }
  }
  // One byte at a time.
  std::vector<size_t> every;
  for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  EXPECT_TRUE(SameEvents(whole, ParseSplit(stream, every)));
}

TEST(SseParser, EventsArriveAsSoonAsTheirBlankLineDoes) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.Feed("data: one\n", out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(p.HasPartialEvent());
  ASSERT_TRUE(p.Feed("\ndata: tw", out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "one");
  EXPECT_TRUE(p.HasPartialEvent());
  ASSERT_TRUE(p.Feed("o\n\n", out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(p.HasPartialEvent());
}

TEST(SseParser, SizeCapIsAClearErrorAndSticks) {
  SseParser p(64);
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.Feed("data: " + std::string(40, 'a') + "\n\n", out).ok());
  EXPECT_EQ(out.size(), 1u);
  // Many small data lines adding up past the cap.
  Status s;
  for (int i = 0; i < 20 && s.ok(); ++i) s = p.Feed("data: 0123456789\n", out);
  EXPECT_EQ(s.code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(s.message().find("64"), std::string::npos) << s.message();
  EXPECT_FALSE(p.Feed("\n", out).ok());
  // One endless line without a line break.
  SseParser q(64);
  Status t;
  for (int i = 0; i < 20 && t.ok(); ++i) t = q.Feed("xxxxxxxxxx", out);
  EXPECT_EQ(t.code(), ErrorCode::kResourceExhausted);
  EXPECT_LE(q.buffered_bytes(), 64u);
}

TEST(SseWriter, FormatsAndRoundTrips) {
  EXPECT_EQ(SseData("{\"a\":1}"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(kSseDone, "data: [DONE]\n\n");
  EXPECT_EQ(SseComment("ping"), ": ping\n\n");
  EXPECT_EQ(SseNamedEvent("error", "x"), "event: error\ndata: x\n\n");
  std::string multi = SseData("a\r\nb\nc\rd") + SseNamedEvent("e", "") + std::string(kSseDone);
  auto ev = ParseAll(multi);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].data, "a\nb\nc\nd");
  EXPECT_EQ(ev[1].event, "e");
  EXPECT_EQ(ev[1].data, "");
  EXPECT_EQ(ev[2].data, "[DONE]");
}

}  // namespace
}  // namespace cocoon::http
