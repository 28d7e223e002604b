// MayCarryUsage must never say "no usage" for a chunk that has some: the
// worker would then bill nothing for the request.
#include "http/usage_scan.h"

#include <gtest/gtest.h>

namespace cocoon::http {
namespace {

TEST(MayCarryUsage, NullUsageNeedsNoParse) {
  EXPECT_FALSE(MayCarryUsage(R"({"choices":[{"delta":{"content":"hi"}}],"usage":null})"));
  EXPECT_FALSE(MayCarryUsage(R"({"choices": [], "usage" :  null})"));
  EXPECT_FALSE(MayCarryUsage(R"({"choices":[{"delta":{"content":"hi"}}]})"));
}

TEST(MayCarryUsage, UsageWithNumbersIsAlwaysParsed) {
  EXPECT_TRUE(MayCarryUsage(R"({"choices":[],"usage":{"prompt_tokens":1}})"));
  EXPECT_TRUE(MayCarryUsage("{\"choices\":[],\"usage\" :\n {\"prompt_tokens\":1}}"));
  // A null usage inside a choice does not hide the real one after it.
  EXPECT_TRUE(MayCarryUsage(R"({"choices":[{"usage":null}],"usage":{"completion_tokens":3}})"));
  // Anything but null, even garbage, goes to the parser to decide.
  EXPECT_TRUE(MayCarryUsage(R"({"usage":nul)"));
  EXPECT_TRUE(MayCarryUsage(R"({"usage":)"));
  EXPECT_TRUE(MayCarryUsage(R"({"usage":0})"));
}

TEST(MayCarryUsage, TheWordInTextIsNotAKey) {
  // Generated text quoting JSON: its quotes are escaped.
  EXPECT_FALSE(MayCarryUsage(
      R"({"choices":[{"delta":{"content":"say \"usage\": {\"a\":1}"}}],"usage":null})"));
  // "usage" as a value is not followed by a colon.
  EXPECT_FALSE(MayCarryUsage(R"({"object":"usage","usage":null})"));
}

}  // namespace
}  // namespace cocoon::http
