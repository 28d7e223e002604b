// OpenAI helpers: error shape and mapping, request essentials with
// passthrough, max_tokens capping, usage extraction.
#include <gtest/gtest.h>

#include "http/openai.h"
#include "http/url.h"

namespace cocoon::http {
namespace {

using nlohmann::json;

TEST(OpenAiError, ShapeAndStatusMapping) {
  ApiError e = ApiErrorFromStatus(NotFound("model 'x' is not served"));
  EXPECT_EQ(e.http_status, 404);
  json j = ApiErrorJson(e);
  EXPECT_EQ(j["error"]["message"], "model 'x' is not served");
  EXPECT_EQ(j["error"]["type"], "invalid_request_error");
  EXPECT_TRUE(j["error"].contains("code"));

  struct Case {
    Status s;
    int http;
  };
  for (const auto& c : std::vector<Case>{{InvalidArgument("m"), 400},
                                         {Unauthenticated("m"), 401},
                                         {PermissionDenied("m"), 403},
                                         {ResourceExhausted("m"), 429},
                                         {Internal("m"), 500},
                                         {ProtocolError("m"), 502},
                                         {Unavailable("m"), 503},
                                         {DeadlineExceeded("m"), 504}}) {
    EXPECT_EQ(ApiErrorFromStatus(c.s).http_status, c.http) << c.s.ToString();
  }
  EXPECT_EQ(ApiErrorFromHttpStatus(401, "").code, "invalid_api_key");
  EXPECT_EQ(ApiErrorFromHttpStatus(503, "").type, "server_error");
  EXPECT_EQ(ApiErrorFromHttpStatus(413, "").message, "Payload Too Large");
  Response r = ApiErrorResponse(ApiErrorFromHttpStatus(429, "slow down"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Get("content-type"), "application/json");
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "rate_limit_exceeded");
  // Empty code serializes as null.
  EXPECT_TRUE(ApiErrorJson(ApiError{400, "m", "t", ""})["error"]["code"].is_null());
}

TEST(OpenAiError, ParsesBackendErrorBodies) {
  ApiError a = ParseApiError(
      400, R"({"error":{"message":"too long","type":"invalid_request_error","code":"ctx"}})");
  EXPECT_EQ(a.message, "too long");
  EXPECT_EQ(a.code, "ctx");
  ApiError b =
      ParseApiError(400, R"({"object":"error","message":"bad","type":"BadRequest","code":400})");
  EXPECT_EQ(b.message, "bad");
  EXPECT_EQ(b.code, "400");
  ApiError c = ParseApiError(502, "<html>oops</html>");
  EXPECT_EQ(c.http_status, 502);
  EXPECT_EQ(c.type, "server_error");
}

TEST(OpenAiRequest, ParsesEssentialsAndKeepsUnknownFields) {
  auto r = ParseCompletionRequest(
      R"({"model":"m1","messages":[{"role":"user","content":"hi"}],"stream":true,
          "max_completion_tokens":50,"max_tokens":90,"stream_options":{"include_usage":true,"x":1},
          "temperature":0.2,"tools":[{"type":"function"}],"vendor_ext":{"a":[1,2]}})",
      Endpoint::kChatCompletions);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->model, "m1");
  EXPECT_TRUE(r->stream);
  EXPECT_EQ(r->max_tokens, 50);  // max_completion_tokens wins
  EXPECT_TRUE(r->include_usage);
  EXPECT_EQ(r->body["temperature"], 0.2);
  EXPECT_EQ(r->body["vendor_ext"]["a"][1], 2);
  EXPECT_EQ(r->body["stream_options"]["x"], 1);

  auto c = ParseCompletionRequest(R"({"model":"m","prompt":"once upon"})", Endpoint::kCompletions);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->stream);
  EXPECT_FALSE(c->max_tokens.has_value());
  EXPECT_FALSE(c->include_usage);
}

TEST(OpenAiRequest, RejectsBadEssentialsClearly) {
  struct Case {
    const char* body;
    Endpoint ep;
    const char* needle;
  };
  for (const auto& c : std::vector<Case>{
           {"not json", Endpoint::kChatCompletions, "not valid JSON"},
           {"[1]", Endpoint::kChatCompletions, "JSON object"},
           {R"({"messages":[]})", Endpoint::kChatCompletions, "'model' is required"},
           {R"({"model":5,"messages":[]})", Endpoint::kChatCompletions, "'model'"},
           {R"({"model":"","messages":[]})", Endpoint::kChatCompletions, "'model'"},
           {R"({"model":"m"})", Endpoint::kChatCompletions, "'messages'"},
           {R"({"model":"m","messages":{}})", Endpoint::kChatCompletions, "'messages'"},
           {R"({"model":"m"})", Endpoint::kCompletions, "'prompt'"},
           {R"({"model":"m","messages":[],"stream":"yes"})", Endpoint::kChatCompletions,
            "'stream'"},
           {R"({"model":"m","messages":[],"max_tokens":-1})", Endpoint::kChatCompletions,
            "max_tokens"},
           {R"({"model":"m","messages":[],"max_tokens":1.5})", Endpoint::kChatCompletions,
            "max_tokens"},
           {R"({"model":"m","messages":[],"stream_options":3})", Endpoint::kChatCompletions,
            "stream_options"},
           {R"({"model":"m","messages":[],"stream_options":{"include_usage":1}})",
            Endpoint::kChatCompletions, "include_usage"},
       }) {
    auto r = ParseCompletionRequest(c.body, c.ep);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << r.status().message();
  }
  std::string deep =
      R"({"model":"m","messages":[],"x":)" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto d = ParseCompletionRequest(deep, Endpoint::kChatCompletions);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("nests deeper"), std::string::npos);
}

TEST(OpenAiRequest, CapMaxTokensAndRequestUsage) {
  auto r = ParseCompletionRequest(R"({"model":"m","messages":[],"stream":true})",
                                  Endpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  CapMaxTokens(*r, 100);
  EXPECT_EQ(r->body["max_tokens"], 100);
  EXPECT_EQ(r->max_tokens, 100);
  RequestStreamUsage(*r);
  EXPECT_EQ(r->body["stream_options"]["include_usage"], true);

  auto big = ParseCompletionRequest(
      R"({"model":"m","messages":[],"max_completion_tokens":500,"max_tokens":20})",
      Endpoint::kChatCompletions);
  ASSERT_TRUE(big.ok());
  CapMaxTokens(*big, 100);
  EXPECT_EQ(big->body["max_completion_tokens"], 100);
  EXPECT_EQ(big->body["max_tokens"], 20);  // already below the cap
  EXPECT_EQ(big->max_tokens, 100);

  auto nonstream = ParseCompletionRequest(R"({"model":"m","prompt":"p"})", Endpoint::kCompletions);
  ASSERT_TRUE(nonstream.ok());
  RequestStreamUsage(*nonstream);
  EXPECT_FALSE(nonstream->body.contains("stream_options"));
}

TEST(OpenAiUsage, ExtractsFromResponseAndFinalChunk) {
  auto u = ExtractUsage(json::parse(R"({"id":"x","usage":{"prompt_tokens":10,"completion_tokens":20,
      "total_tokens":30,"prompt_tokens_details":{"cached_tokens":4},
      "completion_tokens_details":{"reasoning_tokens":7}}})"));
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u->has_value());
  EXPECT_EQ(**u, (Usage{10, 20, 4, 7}));

  // Missing fields are 0; details may be null.
  auto partial =
      ExtractUsage(json::parse(R"({"usage":{"prompt_tokens":3,"prompt_tokens_details":null}})"));
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(**partial, (Usage{3, 0, 0, 0}));

  // Chunks without usage.
  EXPECT_FALSE(ExtractUsageFromSseData(R"({"choices":[],"usage":null})")->has_value());
  EXPECT_FALSE(ExtractUsageFromSseData(R"({"choices":[]})")->has_value());
  EXPECT_FALSE(ExtractUsageFromSseData("[DONE]")->has_value());
  auto fin = ExtractUsageFromSseData(
      R"({"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}})");
  ASSERT_TRUE(fin.ok());
  EXPECT_EQ(**fin, (Usage{1, 2, 0, 0}));

  // Round trip.
  auto rt = ExtractUsage(json{{"usage", UsageJson(Usage{5, 6, 1, 2})}});
  EXPECT_EQ(**rt, (Usage{5, 6, 1, 2}));
  EXPECT_EQ(UsageJson(Usage{5, 6, 1, 2})["total_tokens"], 11);
}

TEST(OpenAiUsage, WrongTypesAreClearErrors) {
  for (const char* bad :
       {R"({"usage":"lots"})", R"({"usage":{"prompt_tokens":"3"}})",
        R"({"usage":{"completion_tokens":-1}})", R"({"usage":{"completion_tokens":1.5}})",
        R"({"usage":{"prompt_tokens_details":5}})",
        R"({"usage":{"completion_tokens_details":{"reasoning_tokens":true}}})"}) {
    auto u = ExtractUsage(json::parse(bad));
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(u.status().message().find("usage"), std::string::npos);
  }
  EXPECT_FALSE(ExtractUsageFromSseData("{not json").ok());
  EXPECT_FALSE(ExtractUsage(json::array()).ok());
}

TEST(HttpUrl, ParsesBackendUrls) {
  auto a = ParseHttpUrl("http://127.0.0.1:8000/v1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8000);
  EXPECT_EQ(a->target, "/v1");
  auto b = ParseHttpUrl("http://backend");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 80);
  EXPECT_EQ(b->target, "/");
  auto c = ParseHttpUrl("http://[::1]:9000?x=1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->target, "/?x=1");
  EXPECT_EQ(c->Authority(), "[::1]:9000");
  for (const char* bad : {"https://h", "ftp://h", "http://", "http://h:0", "http://h:70000",
                          "http://h:", "http://u@h", "http://h/#f", "http://[::1"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
  EXPECT_NE(ParseHttpUrl("https://h").status().message().find("https"), std::string::npos);
}

}  // namespace
}  // namespace cocoon::http
