// Request parsing from bytes: the server's parser configuration and limits.
#include <gtest/gtest.h>

#include "http/request_parse.h"

namespace cocoon::http {
namespace {

TEST(RequestParse, ParsesARequest) {
  auto r = ParseRequestBytes(
      "POST /v1/chat/completions?a=b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
      "X-Test: 1\r\n\r\n{}",
      {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->path, "/v1/chat/completions");
  EXPECT_EQ(r->query, "a=b");
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(r->headers.Get("x-test"), "1");
  EXPECT_TRUE(r->keep_alive);
}

TEST(RequestParse, ChunkedBody) {
  auto r = ParseRequestBytes(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "abc");
}

TEST(RequestParse, LimitsAndMalformedInput) {
  RequestLimits small{256, 8};
  auto big = ParseRequestBytes("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n123456789", small);
  EXPECT_EQ(big.status().code(), ErrorCode::kResourceExhausted);
  auto head =
      ParseRequestBytes("GET / HTTP/1.1\r\nX: " + std::string(400, 'a') + "\r\n\r\n", small);
  EXPECT_EQ(head.status().code(), ErrorCode::kResourceExhausted);
  for (std::string bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/1.1\r\n"),
        std::string("GET http://abs/ HTTP/1.1\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
        // Truncated body (once looped forever in ParseRequestBytes; found by the fuzzer).
        std::string("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc"),
        std::string("\0\0\0\r\n\r\n", 7)}) {
    auto r = ParseRequestBytes(bad, {});
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace cocoon::http
