// The scripted backend fixture, driven through HttpClient over 127.0.0.1:
// OpenAI shapes, max_tokens, usage, failure modes, cancellation counting.
#include "scripted_backend.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "http/client.h"
#include "http/openai.h"
#include "http/sse_parser.h"
#include "http_test_util.h"

namespace cocoon::fixture {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using http::testing::RunCo;
using nlohmann::json;

struct Streamed {
  int status = 0;
  std::vector<json> events;  // parsed data of each event but [DONE]
  bool done = false;         // saw data: [DONE]
  Status error;              // how the stream ended, if not cleanly
};

class ScriptedBackendTest : public ::testing::Test {
 protected:
  void Start(ScriptedBackendOptions o) {
    auto b = ScriptedBackend::Start(io_.get_executor(), std::move(o));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    backend_ = std::move(*b);
  }

  void TearDown() override {
    backend_.reset();
    io_.run_for(50ms);
  }

  http::ClientRequest Req(std::string method, std::string target, json body = nullptr) {
    http::ClientRequest r;
    r.method = std::move(method);
    r.host = "127.0.0.1";
    r.port = backend_->port();
    r.target = std::move(target);
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers.Set("Content-Type", "application/json");
    }
    return r;
  }

  // Reads a streamed answer; after `cancel_after` events, cancels.
  Streamed Stream(http::HttpClient& client, http::ClientRequest req, int cancel_after = -1) {
    return RunCo(io_, [&]() -> asio::awaitable<Streamed> {
      Streamed out;
      auto s = co_await client.Stream(std::move(req));
      if (!s.ok()) {
        out.error = s.status();
        co_return out;
      }
      out.status = (*s)->status();
      http::SseParser parser;
      while (true) {
        auto piece = co_await (*s)->Next();
        if (!piece.ok()) {
          out.error = piece.status();
          co_return out;
        }
        if (!*piece) co_return out;
        std::vector<http::SseEvent> events;
        out.error = parser.Feed(**piece, events);
        if (!out.error.ok()) co_return out;
        for (auto& e : events) {
          if (e.data == "[DONE]") {
            out.done = true;
          } else {
            out.events.push_back(json::parse(e.data));
          }
        }
        if (cancel_after >= 0 && static_cast<int>(out.events.size()) >= cancel_after) {
          (*s)->Cancel();
          out.error = Cancelled("cancelled by the test");
          co_return out;
        }
      }
    }());
  }

  json Chat(bool stream, std::optional<int> max_tokens = std::nullopt, bool usage = false) {
    json body = {{"model", "m1"},
                 {"messages", json::array({{{"role", "user"}, {"content", "secret prompt"}}})},
                 {"stream", stream},
                 {"temperature", 0.5}};
    if (max_tokens) body["max_tokens"] = *max_tokens;
    if (usage) body["stream_options"] = {{"include_usage", true}};
    return body;
  }

  asio::io_context io_;
  std::unique_ptr<ScriptedBackend> backend_;
};

ScriptedBackendOptions Script() {
  ScriptedBackendOptions o;
  o.models = {"m1", "m2"};
  o.chunks = 5;
  o.chunk_bytes = 7;
  o.prompt_tokens = 11;
  o.cached_tokens = 3;
  o.reasoning_tokens = 2;
  return o;
}

TEST_F(ScriptedBackendTest, ListsModels) {
  Start(Script());
  http::HttpClient client(io_.get_executor());
  auto r = RunCo(io_, client.Fetch(Req("GET", "/v1/models")));
  ASSERT_TRUE(r.ok());
  auto j = json::parse(r->body);
  EXPECT_EQ(j["object"], "list");
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][1]["id"], "m2");
  EXPECT_EQ(backend_->stats().models_requests, 1u);
}

TEST_F(ScriptedBackendTest, StreamsChatChunksThenUsageThenDone) {
  Start(Script());
  http::HttpClient client(io_.get_executor());
  auto s = Stream(client, Req("POST", "/v1/chat/completions", Chat(true, std::nullopt, true)));
  ASSERT_TRUE(s.error.ok()) << s.error.ToString();
  EXPECT_EQ(s.status, 200);
  EXPECT_TRUE(s.done);
  ASSERT_EQ(s.events.size(), 5u + 2u);  // content, finish, usage
  std::string text;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s.events[i]["object"], "chat.completion.chunk");
    EXPECT_TRUE(s.events[i]["usage"].is_null());
    text += s.events[i]["choices"][0]["delta"]["content"].get<std::string>();
  }
  EXPECT_EQ(s.events[0]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(text.size(), 35u);
  EXPECT_EQ(s.events[5]["choices"][0]["finish_reason"], "stop");
  auto usage = http::ExtractUsage(s.events[6]);
  ASSERT_TRUE(usage.ok() && usage->has_value());
  EXPECT_EQ(**usage, (http::Usage{11, 5, 3, 2}));
  EXPECT_TRUE(s.events[6]["choices"].empty());
  auto st = backend_->stats();
  EXPECT_EQ(st.requests, 1u);
  EXPECT_EQ(st.streaming_requests, 1u);
  EXPECT_EQ(st.completed, 1u);
  EXPECT_TRUE(st.last_include_usage);
}

TEST_F(ScriptedBackendTest, RespectsMaxTokens) {
  Start(Script());
  http::HttpClient client(io_.get_executor());
  auto s = Stream(client, Req("POST", "/v1/chat/completions", Chat(true, 2, true)));
  ASSERT_TRUE(s.error.ok());
  ASSERT_EQ(s.events.size(), 2u + 2u);
  EXPECT_EQ(s.events[2]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(s.events[3]["usage"]["completion_tokens"], 2);
  EXPECT_EQ(backend_->stats().last_max_tokens, 2);
  // No usage chunk unless asked for.
  auto plain = Stream(client, Req("POST", "/v1/chat/completions", Chat(true)));
  ASSERT_EQ(plain.events.size(), 5u + 1u);
  EXPECT_FALSE(plain.events[0].contains("usage"));
}

TEST_F(ScriptedBackendTest, WholeAnswersForBothEndpoints) {
  Start(Script());
  http::HttpClient client(io_.get_executor());
  auto chat = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", Chat(false, 3))));
  ASSERT_TRUE(chat.ok());
  auto cj = json::parse(chat->body);
  EXPECT_EQ(cj["object"], "chat.completion");
  EXPECT_EQ(cj["choices"][0]["message"]["content"].get<std::string>().size(), 21u);
  EXPECT_EQ(**http::ExtractUsage(cj), (http::Usage{11, 3, 3, 2}));

  json prompt = {{"model", "m2"}, {"prompt", "once"}, {"max_completion_tokens", 100}};
  auto comp = RunCo(io_, client.Fetch(Req("POST", "/v1/completions", prompt)));
  ASSERT_TRUE(comp.ok());
  auto pj = json::parse(comp->body);
  EXPECT_EQ(pj["object"], "text_completion");
  EXPECT_EQ(pj["model"], "m2");
  EXPECT_EQ(pj["choices"][0]["text"].get<std::string>().size(), 35u);
  EXPECT_EQ(pj["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(backend_->stats().completed, 2u);
}

TEST_F(ScriptedBackendTest, RejectsUnknownModelAndBadBodies) {
  Start(Script());
  http::HttpClient client(io_.get_executor());
  json body = Chat(false);
  body["model"] = "nope";
  auto r = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", body)));
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "model_not_found");
  auto bad = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", json{{"x", 1}})));
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(backend_->stats().failed, 2u);
}

TEST_F(ScriptedBackendTest, FailStatus) {
  auto o = Script();
  o.fail_status = 503;
  Start(o);
  http::HttpClient client(io_.get_executor());
  auto r = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", Chat(true))));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["type"], "server_error");
  EXPECT_EQ(RunCo(io_, client.Fetch(Req("GET", "/v1/models")))->status, 200);
  EXPECT_EQ(backend_->stats().failed, 1u);
}

TEST_F(ScriptedBackendTest, DropAfterClosesMidStream) {
  auto o = Script();
  o.drop_after = 2;
  Start(o);
  http::HttpClient client(io_.get_executor());
  auto s = Stream(client, Req("POST", "/v1/chat/completions", Chat(true)));
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.events.size(), 2u);
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.error.code(), ErrorCode::kUnavailable) << s.error.ToString();
  auto whole = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", Chat(false))));
  EXPECT_EQ(whole.status().code(), ErrorCode::kUnavailable);
  cocoon::testing::RunUntil(io_, [&] { return backend_->stats().dropped == 2; });
}

TEST_F(ScriptedBackendTest, HangIsCutByClientTimeoutAndCountedAsCancelled) {
  auto o = Script();
  o.hang = true;
  Start(o);
  http::ClientOptions co;
  co.first_byte_timeout = 200ms;
  http::HttpClient client(io_.get_executor(), co);
  auto r = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", Chat(true))));
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded);
  cocoon::testing::RunUntil(io_, [&] { return backend_->stats().cancelled == 1; });
  EXPECT_EQ(backend_->stats().in_flight, 0u);
}

TEST_F(ScriptedBackendTest, ClientCancelMidStreamReachesTheBackend) {
  auto o = Script();
  o.chunks = 1000;
  o.delay = 20ms;
  Start(o);
  http::HttpClient client(io_.get_executor());
  auto s = Stream(client, Req("POST", "/v1/chat/completions", Chat(true)), 3);
  EXPECT_EQ(s.events.size(), 3u);
  cocoon::testing::RunUntil(
      io_, [&] { return backend_->stats().cancelled == 1; }, 5s);
  // Visible over HTTP too, for out-of-process tests.
  http::HttpClient other(io_.get_executor());
  auto stats = RunCo(io_, other.Fetch(Req("GET", "/fixture/stats")));
  ASSERT_TRUE(stats.ok());
  auto j = json::parse(stats->body);
  EXPECT_EQ(j["requests"], 1);
  EXPECT_EQ(j["cancelled"], 1);
  EXPECT_EQ(j["completed"], 0);
  EXPECT_EQ(j["in_flight"], 0);
  auto reset = RunCo(io_, other.Fetch(Req("POST", "/fixture/reset")));
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(backend_->stats().requests, 0u);
}

// Prompts and completions never reach the log, at any level (DESIGN.md §4).
TEST_F(ScriptedBackendTest, NeverLogsPromptsOrCompletions) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured)));
  spdlog::set_level(spdlog::level::trace);
  Start(Script());
  http::HttpClient client(io_.get_executor());
  json body = Chat(false);
  body["messages"][0]["content"] = "SECRET-PROMPT-4711";
  auto whole = RunCo(io_, client.Fetch(Req("POST", "/v1/chat/completions", body)));
  body["stream"] = true;
  auto streamed = Stream(client, Req("POST", "/v1/chat/completions", body));
  auto bad =
      RunCo(io_, client.Fetch(Req("POST", "/v1/completions", json{{"SECRET-PROMPT-4711", 1}})));
  backend_.reset();
  io_.run_for(50ms);
  spdlog::set_default_logger(previous);
  spdlog::set_level(spdlog::level::info);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(streamed.events.size(), 6u);
  EXPECT_EQ(bad->status, 400);
  std::string log = captured.str();
  EXPECT_NE(log.find("body bytes"), std::string::npos) << "nothing was logged at all?";
  EXPECT_EQ(log.find("SECRET-PROMPT"), std::string::npos) << log;
  EXPECT_EQ(log.find("quick"), std::string::npos) << log;  // the scripted completion text
}

TEST(ScriptedBackendFlags, ParsesListenAddress) {
  auto a = ParseListenAddress("127.0.0.1:8000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 8000);
  auto b = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first, "::1");
  EXPECT_FALSE(ParseListenAddress("8000").ok());
  EXPECT_FALSE(ParseListenAddress("h:99999").ok());
}

}  // namespace
}  // namespace cocoon::fixture
