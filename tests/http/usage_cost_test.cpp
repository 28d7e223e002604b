// The cost of a request in the answer's usage object: whole answers, and
// streams whose usage event and [DONE] wait for the proxy's tail while
// everything else passes at once and in order.
#include "http/usage_cost.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace cocoon::http {
namespace {

using nlohmann::json;

UsageCost MakePayment(const std::string& amount, uint64_t adjusted) {
  return UsageCost{adjusted, amount};
}

std::string Event(const std::string& data) { return "data: " + data + "\n\n"; }

const std::string kChunk1 =
    R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"}}],"usage":null})";
const std::string kChunk2 =
    R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"}}],"usage":null})";
const std::string kUsageChunk =
    R"({"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}})";

// The usage of the `data:` event in `event`.
json UsageOf(const std::string& event) {
  EXPECT_EQ(event.rfind("data: ", 0), 0u) << event;
  EXPECT_GE(event.size(), 8u);
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n") << event;
  json doc = json::parse(event.substr(6, event.size() - 8), nullptr, false);
  EXPECT_TRUE(doc.is_object()) << event;
  return doc.is_object() ? doc["usage"] : json();
}

TEST(AddCostToUsageTest, AddsTheCostAndAdjustedTokensToUsage) {
  const std::string body =
      R"({"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}})";
  json out = json::parse(AddCostToUsage(body, MakePayment("59000", 59)));
  EXPECT_EQ(out["usage"]["cost_nanoton"], 59000);
  EXPECT_TRUE(out["usage"]["cost_nanoton"].is_number_unsigned());
  EXPECT_EQ(out["usage"]["adjusted_tokens"], 59);
  // Everything else is as it was.
  json expected = json::parse(body);
  expected["usage"]["cost_nanoton"] = 59000;
  expected["usage"]["adjusted_tokens"] = 59;
  EXPECT_EQ(out, expected);
}

TEST(AddCostToUsageTest, AnAmountAbove64BitsStaysExactAsAString) {
  const std::string body = R"({"usage":{"prompt_tokens":1}})";
  json big = json::parse(AddCostToUsage(body, MakePayment("123456789012345678901234", 1)));
  EXPECT_EQ(big["usage"]["cost_nanoton"], "123456789012345678901234");
  json max64 = json::parse(AddCostToUsage(body, MakePayment("9999999999999999999", 1)));
  EXPECT_EQ(max64["usage"]["cost_nanoton"].get<uint64_t>(), 9999999999999999999ull);
}

TEST(AddCostToUsageTest, DocumentsWithoutUsageAreReturnedUnchanged) {
  const UsageCost p = MakePayment("100", 10);
  for (const std::string& body : std::vector<std::string>{
           R"({"id":"x","choices":[]})", R"({"usage":null})", R"({"usage":[1,2]})",
           R"([{"usage":{"prompt_tokens":1}}])", "not json", "", R"({"usage":{"prompt_tokens":)",
           std::string(10000, '[') + std::string(10000, ']')}) {
    SCOPED_TRACE(body.substr(0, 40));
    EXPECT_EQ(AddCostToUsage(body, p), body);
  }
}

TEST(StreamCostWriterTest, HoldsOnlyTheUsageEventAndDoneUntilFinish) {
  StreamCostWriter writer;
  EXPECT_EQ(writer.Push(Event(kChunk1)), Event(kChunk1));
  EXPECT_EQ(writer.Push(Event(kChunk2)), Event(kChunk2));
  EXPECT_EQ(writer.Push(Event(kUsageChunk)), "");
  EXPECT_EQ(writer.Push(Event("[DONE]")), "");

  const UsageCost p = MakePayment("59000", 59);
  const std::string rest = writer.Finish(&p);
  const size_t done = rest.find(Event("[DONE]"));
  ASSERT_NE(done, std::string::npos) << rest;
  EXPECT_EQ(done + Event("[DONE]").size(), rest.size()) << "[DONE] must stay last: " << rest;
  json usage = UsageOf(rest.substr(0, done));
  EXPECT_EQ(usage["cost_nanoton"], 59000);
  EXPECT_EQ(usage["adjusted_tokens"], 59);
  EXPECT_EQ(usage["prompt_tokens"], 9);
  EXPECT_EQ(usage["completion_tokens"], 2);
  // Nothing is left for a second Finish.
  EXPECT_EQ(writer.Finish(nullptr), "");
}

TEST(StreamCostWriterTest, WithoutAPaymentTheHeldEventsGoOutUnchanged) {
  StreamCostWriter writer;
  const std::string stream = Event(kChunk1) + Event(kUsageChunk) + Event("[DONE]");
  std::string out = writer.Push(stream);
  EXPECT_EQ(out, Event(kChunk1));
  out += writer.Finish(nullptr);
  EXPECT_EQ(out, stream);
}

TEST(StreamCostWriterTest, PiecesSplitMidEventComeOutWholeAndInOrder) {
  const std::string stream = Event(kChunk1) + Event(kChunk2) + Event(kUsageChunk) + Event("[DONE]");
  StreamCostWriter writer;
  std::string out;
  for (size_t i = 0; i < stream.size(); ++i) {
    std::string written = writer.Push(stream.substr(i, 1));
    // Only whole events are written, and the first two as soon as they end.
    if (!written.empty()) {
      EXPECT_EQ(written.substr(written.size() - 2), "\n\n");
    }
    out += written;
    if (i + 1 == Event(kChunk1).size()) {
      EXPECT_EQ(out, Event(kChunk1));
    }
    if (i + 1 == Event(kChunk1).size() + Event(kChunk2).size()) {
      EXPECT_EQ(out, Event(kChunk1) + Event(kChunk2));
    }
  }
  EXPECT_EQ(out, Event(kChunk1) + Event(kChunk2));
  const UsageCost p = MakePayment("110", 11);
  out += writer.Finish(&p);
  json expected_usage = json::parse(kUsageChunk)["usage"];
  expected_usage["cost_nanoton"] = 110;
  expected_usage["adjusted_tokens"] = 11;
  const std::string tail = out.substr(Event(kChunk1).size() + Event(kChunk2).size());
  ASSERT_EQ(tail.rfind(Event("[DONE]")), tail.size() - Event("[DONE]").size()) << tail;
  EXPECT_EQ(UsageOf(tail.substr(0, tail.size() - Event("[DONE]").size())), expected_usage);
}

TEST(StreamCostWriterTest, SplitBetweenTheTwoNewlines) {
  StreamCostWriter writer;
  const std::string e = Event(kChunk1);
  EXPECT_EQ(writer.Push(e.substr(0, e.size() - 1)), "");
  EXPECT_EQ(writer.Push(e.substr(e.size() - 1) + "data: {\"a\""), e);
  EXPECT_EQ(writer.Push(":1}\n\n"), Event(R"({"a":1})"));
  EXPECT_EQ(writer.Finish(nullptr), "");
}

TEST(StreamCostWriterTest, AnEventAfterAHeldOneReleasesItUnchangedAndInOrder) {
  StreamCostWriter writer;
  EXPECT_EQ(writer.Push(Event(kUsageChunk)), "");
  // A backend that sends usage early: it goes out as it was, then the chunk.
  EXPECT_EQ(writer.Push(Event(kChunk1)), Event(kUsageChunk) + Event(kChunk1));
  EXPECT_EQ(writer.Push(Event("[DONE]")), "");
  EXPECT_EQ(writer.Push(Event(kChunk2)), Event("[DONE]") + Event(kChunk2));
  const UsageCost p = MakePayment("1", 1);
  EXPECT_EQ(writer.Finish(&p), "");
}

TEST(StreamCostWriterTest, AnIncompleteLastEventIsWrittenAtFinish) {
  StreamCostWriter writer;
  EXPECT_EQ(writer.Push(Event(kChunk1) + "data: {\"cut"), Event(kChunk1));
  const UsageCost p = MakePayment("1", 1);
  EXPECT_EQ(writer.Finish(&p), "data: {\"cut");
}

TEST(StreamCostWriterTest, OtherEventsPassAtOnce) {
  StreamCostWriter writer;
  const std::string named = "event: ping\ndata: {}\n\n";
  const std::string error = Event(R"({"error":{"message":"overloaded"}})");
  EXPECT_EQ(writer.Push(named), named);
  EXPECT_EQ(writer.Push(error), error);
  EXPECT_EQ(writer.Finish(nullptr), "");
}

TEST(StreamCostWriterTest, ManyEventsInOnePiece) {
  StreamCostWriter writer;
  std::string stream;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    stream += Event(kChunk1);
    expected += Event(kChunk1);
  }
  stream += Event(kUsageChunk) + Event("[DONE]");
  EXPECT_EQ(writer.Push(stream), expected);
  const UsageCost p = MakePayment("7", 7);
  std::string rest = writer.Finish(&p);
  EXPECT_EQ(UsageOf(rest.substr(0, rest.size() - Event("[DONE]").size()))["cost_nanoton"], 7);
}

}  // namespace
}  // namespace cocoon::http
