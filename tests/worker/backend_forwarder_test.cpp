// BackendForwarder against the in-process scripted backend over 127.0.0.1:
// byte-exact relaying, no buffering, the max_tokens cap, usage, failures
// before and after the head, cancellation reaching the backend, piece sizes.
#include "worker/backend_forwarder.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "http/http_test_util.h"
#include "http/openai.h"
#include "inference/protocol.h"
#include "scripted_backend.h"

namespace cocoon::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using http::testing::RunCo;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Everything a Forward call sent to its sink.
struct Answer {
  Status status;
  std::vector<inference::InferEvent> events;
  std::vector<std::string> pieces;
  std::vector<SteadyClock::time_point> piece_times;
  int heads = 0;
  int tails = 0;

  std::string body() const {
    std::string out;
    for (const auto& p : pieces) out += p;
    return out;
  }
  const inference::ResponseHead& head() const { return events.front().head(); }
  const inference::ResponseTail& tail() const { return events.back().tail(); }
  // The answer has the shape head, body..., tail.
  bool WellFormed() const {
    if (heads != 1 || tails != 1 || events.size() < 2) return false;
    return events.front().has_head() && events.back().has_tail();
  }
};

// Decides what the sink answers after recording an event.
using SinkVerdict = std::function<Status(const Answer&)>;

json Chat(bool stream, bool usage = false, std::optional<int> max_tokens = std::nullopt) {
  json body = {{"model", "m1"},
               {"messages", json::array({{{"role", "user"}, {"content", "secret prompt"}}})},
               {"stream", stream},
               {"temperature", 0.5}};
  if (usage) body["stream_options"] = {{"include_usage", true}};
  if (max_tokens) body["max_tokens"] = *max_tokens;
  return body;
}

inference::InferRequest Request(
    const json& body, int64_t max_tokens = 0,
    inference::Endpoint endpoint = inference::ENDPOINT_CHAT_COMPLETIONS) {
  inference::InferRequest r;
  r.set_request_id("req-1");
  r.set_endpoint(endpoint);
  r.set_body(body.dump());
  r.set_model(body.value("model", ""));
  r.set_stream(body.value("stream", false));
  r.set_max_tokens(max_tokens);
  return r;
}

// The scripted backend numbers its answers and stamps the time; make two
// answers comparable byte for byte otherwise.
std::string Normalize(const std::string& s) {
  static const std::regex id(R"re("id":"(chat)?cmpl-scripted-[^"]*")re");
  static const std::regex created(R"re("created":[0-9]+)re");
  return std::regex_replace(std::regex_replace(s, id, "\"id\":\"ID\""), created, "\"created\":0");
}

// The SSE events of a body, each with its blank line.
std::vector<std::string> SplitEvents(const std::string& body) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find("\n\n", start);
    if (end == std::string::npos) {
      out.push_back(body.substr(start));
      break;
    }
    out.push_back(body.substr(start, end + 2 - start));
    start = end + 2;
  }
  return out;
}

fixture::ScriptedBackendOptions Script() {
  fixture::ScriptedBackendOptions o;
  o.models = {"m1", "m2"};
  o.chunks = 5;
  o.chunk_bytes = 7;
  o.prompt_tokens = 11;
  o.cached_tokens = 3;
  o.reasoning_tokens = 2;
  return o;
}

class BackendForwarderTest : public ::testing::Test {
 protected:
  void Start(fixture::ScriptedBackendOptions o, http::ClientOptions client = {}) {
    auto b = fixture::ScriptedBackend::Start(io_.get_executor(), std::move(o));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    backend_ = std::move(*b);
    BackendOptions options;
    auto url = http::ParseHttpUrl(backend_->url());
    ASSERT_TRUE(url.ok());
    options.base_url = *url;
    options.api_key = "sk-test";
    options.client = client;
    forwarder_ = std::make_unique<BackendForwarder>(io_.get_executor(), options);
  }

  void TearDown() override {
    forwarder_.reset();
    backend_.reset();
    io_.run_for(50ms);
  }

  Answer Forward(inference::InferRequest request, size_t max_piece = 1 << 20,
                 std::shared_ptr<http::CancelSignal> cancel = nullptr,
                 SinkVerdict verdict = nullptr) {
    auto answer = std::make_shared<Answer>();
    EventSink sink = [answer, verdict](inference::InferEvent e) -> asio::awaitable<Status> {
      if (e.has_head()) ++answer->heads;
      if (e.has_tail()) ++answer->tails;
      if (e.has_body()) {
        answer->pieces.push_back(e.body());
        answer->piece_times.push_back(SteadyClock::now());
      }
      answer->events.push_back(std::move(e));
      if (verdict) co_return verdict(*answer);
      co_return Status::Ok();
    };
    answer->status =
        RunCo(io_, forwarder_->Forward(request, std::move(sink), max_piece, std::move(cancel)));
    return std::move(*answer);
  }

  // The backend's own answer to `body`, fetched directly.
  std::string Direct(const json& body, std::string target = "/v1/chat/completions") {
    http::HttpClient client(io_.get_executor());
    http::ClientRequest r;
    r.method = "POST";
    r.host = "127.0.0.1";
    r.port = backend_->port();
    r.target = std::move(target);
    r.body = body.dump();
    r.headers.Set("Content-Type", "application/json");
    auto response = RunCo(io_, client.Fetch(std::move(r)));
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? response->body : std::string();
  }

  asio::io_context io_;
  std::unique_ptr<fixture::ScriptedBackend> backend_;
  std::unique_ptr<BackendForwarder> forwarder_;
};

// While the answer streams the worker holds no copy of the prompt: the
// request's body is released once parsed.
TEST_F(BackendForwarderTest, TheRequestBodyIsReleasedBeforeTheAnswerStreams) {
  Start(Script());
  inference::InferRequest request = Request(Chat(true));
  ASSERT_FALSE(request.body().empty());
  std::optional<size_t> body_at_head;
  EventSink sink = [&](inference::InferEvent e) -> asio::awaitable<Status> {
    if (e.has_head()) body_at_head = request.body().capacity();
    co_return Status::Ok();
  };
  Status s = RunCo(io_, forwarder_->Forward(request, std::move(sink), 1 << 20, nullptr));
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(body_at_head.has_value());
  EXPECT_LT(*body_at_head, 16u);  // an empty string's own storage
}

TEST_F(BackendForwarderTest, StreamIsByteForByteTheBackendsAnswer) {
  Start(Script());
  const json body = Chat(true, /*usage=*/true);
  Answer a = Forward(Request(body));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_EQ(a.head().status(), 200u);
  EXPECT_EQ(a.head().content_type(), "text/event-stream");
  ASSERT_EQ(a.head().timing_size(), 1);
  EXPECT_EQ(a.head().timing(0).hop(), "backend");
  EXPECT_TRUE(a.tail().complete());
  ASSERT_EQ(a.tail().timing_size(), 1);
  EXPECT_EQ(a.tail().timing(0).hop(), "backend");
  EXPECT_GE(a.tail().timing(0).micros(), a.head().timing(0).micros());

  const std::string direct = Direct(body);
  ASSERT_NE(Normalize(direct), direct) << "the normalization no longer matches the fixture";
  EXPECT_EQ(Normalize(a.body()), Normalize(direct));
  EXPECT_NE(a.body().find("data: [DONE]\n\n"), std::string::npos);
  // The app asked for usage: the usage chunk travels, and the tail has it.
  EXPECT_NE(a.body().find("\"choices\":[]"), std::string::npos);
  ASSERT_TRUE(a.tail().has_usage());
  EXPECT_EQ(inference::FromProto(a.tail().usage()), (http::Usage{11, 5, 3, 2}));
}

TEST_F(BackendForwarderTest, CompletionsEndpointStreams) {
  Start(Script());
  json body = {{"model", "m2"}, {"prompt", "once"}, {"stream", true}};
  Answer a = Forward(Request(body, 0, inference::ENDPOINT_COMPLETIONS));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_TRUE(a.tail().complete());
  EXPECT_NE(a.body().find("\"object\":\"text_completion\""), std::string::npos);
  EXPECT_EQ(backend_->stats().last_model, "m2");
}

TEST_F(BackendForwarderTest, UsageChunkDroppedWhenTheAppDidNotAsk) {
  Start(Script());
  Answer a = Forward(Request(Chat(true)));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  // We asked the backend for usage on the app's behalf...
  EXPECT_TRUE(backend_->stats().last_include_usage);
  ASSERT_TRUE(a.tail().has_usage());
  EXPECT_EQ(inference::FromProto(a.tail().usage()), (http::Usage{11, 5, 3, 2}));
  // ...and the app gets the answer without the usage-only chunk.
  std::vector<std::string> expected;
  for (auto& e : SplitEvents(Normalize(Direct(Chat(true, true)))))
    if (e.find("\"choices\":[]") == std::string::npos) expected.push_back(e);
  EXPECT_EQ(expected.size(), 5u + 1u + 1u);  // content, finish, [DONE]
  EXPECT_EQ(SplitEvents(Normalize(a.body())), expected);
}

TEST_F(BackendForwarderTest, EachEventArrivesAsItsOwnPieceWhenTheBackendPauses) {
  auto o = Script();
  o.chunks = 6;
  o.delay = 60ms;
  Start(o);
  Answer a = Forward(Request(Chat(true, true)));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  // Content chunks are written 60 ms apart, so each is its own backend read
  // and its own piece (the finish, usage and [DONE] events follow at once
  // and may share one).
  ASSERT_GE(a.pieces.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(SplitEvents(a.pieces[i]).size(), 1u) << "piece " << i;
    EXPECT_TRUE(a.pieces[i].ends_with("\n\n"));
  }
  // The first piece was delivered long before the last arrived.
  auto spread = a.piece_times.back() - a.piece_times.front();
  EXPECT_GE(spread, 200ms);
}

TEST_F(BackendForwarderTest, MaxTokensCapReachesTheBackend) {
  Start(Script());
  // Cap of 3 set by the proxy, the app set none.
  Answer capped = Forward(Request(Chat(true), /*max_tokens=*/3));
  ASSERT_TRUE(capped.status.ok());
  EXPECT_EQ(backend_->stats().last_max_tokens, 3);
  int content = 0;
  for (const auto& e : SplitEvents(capped.body())) {
    if (e.find("\"content\"") != std::string::npos) ++content;
  }
  EXPECT_EQ(content, 3);
  EXPECT_NE(capped.body().find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_EQ(capped.tail().usage().completion_tokens(), 3);
  // The app's own lower limit stays; a higher one is lowered.
  ASSERT_TRUE(Forward(Request(Chat(true, false, 2), 3)).status.ok());
  EXPECT_EQ(backend_->stats().last_max_tokens, 2);
  ASSERT_TRUE(Forward(Request(Chat(false, false, 100), 4)).status.ok());
  EXPECT_EQ(backend_->stats().last_max_tokens, 4);
  // No cap: the app's request as it is.
  ASSERT_TRUE(Forward(Request(Chat(true))).status.ok());
  EXPECT_EQ(backend_->stats().last_max_tokens, std::nullopt);
}

TEST_F(BackendForwarderTest, WholeAnswerIsByteForByteWithUsage) {
  Start(Script());
  const json body = Chat(false);
  Answer a = Forward(Request(body), /*max_piece=*/64);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_EQ(a.head().status(), 200u);
  EXPECT_EQ(a.head().content_type(), "application/json");
  EXPECT_TRUE(a.tail().complete());
  ASSERT_TRUE(a.tail().has_usage());
  EXPECT_EQ(inference::FromProto(a.tail().usage()), (http::Usage{11, 5, 3, 2}));
  EXPECT_GT(a.pieces.size(), 1u);
  for (const auto& p : a.pieces) EXPECT_LE(p.size(), 64u);
  EXPECT_EQ(Normalize(a.body()), Normalize(Direct(body)));
}

TEST_F(BackendForwarderTest, PiecesNeverExceedTheLimit) {
  auto o = Script();
  o.chunks = 20;
  o.chunk_bytes = 100;
  Start(o);
  const json body = Chat(true, true);
  for (size_t max_piece : {1u, 50u, 300u, 1000u, 4096u}) {
    Answer a = Forward(Request(body), max_piece);
    ASSERT_TRUE(a.status.ok()) << max_piece << ": " << a.status.ToString();
    ASSERT_TRUE(a.WellFormed());
    for (const auto& p : a.pieces) {
      ASSERT_FALSE(p.empty());
      ASSERT_LE(p.size(), max_piece);
    }
    EXPECT_EQ(Normalize(a.body()), Normalize(Direct(body))) << max_piece;
    // An event that fits is never split: pieces end at event boundaries.
    if (max_piece >= 1000) {
      for (const auto& p : a.pieces) EXPECT_TRUE(p.ends_with("\n\n"));
    }
  }
}

TEST_F(BackendForwarderTest, Backend500IsUnavailableWithoutHead) {
  auto o = Script();
  o.fail_status = 500;
  Start(o);
  Answer a = Forward(Request(Chat(true)));
  EXPECT_EQ(a.status.code(), ErrorCode::kUnavailable) << a.status.ToString();
  EXPECT_NE(a.status.message().find("500"), std::string::npos) << a.status.message();
  EXPECT_NE(a.status.message().find("scripted failure"), std::string::npos) << a.status.message();
  EXPECT_EQ(a.status.message().find("secret prompt"), std::string::npos);
  EXPECT_TRUE(a.events.empty());
}

TEST_F(BackendForwarderTest, Backend429IsUnavailableWithoutHead) {
  auto o = Script();
  o.fail_status = 429;
  Start(o);
  Answer a = Forward(Request(Chat(false)));
  EXPECT_EQ(a.status.code(), ErrorCode::kUnavailable) << a.status.ToString();
  EXPECT_NE(a.status.message().find("429"), std::string::npos);
  EXPECT_TRUE(a.events.empty());
}

TEST_F(BackendForwarderTest, Backend400IsPassedThrough) {
  auto o = Script();
  o.fail_status = 400;
  Start(o);
  const json body = Chat(true);
  Answer a = Forward(Request(body));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_EQ(a.head().status(), 400u);
  EXPECT_EQ(a.head().content_type(), "application/json");
  EXPECT_EQ(a.body(), Direct(body));
  EXPECT_EQ(json::parse(a.body())["error"]["message"], "scripted failure");
  EXPECT_TRUE(a.tail().complete());
  EXPECT_FALSE(a.tail().has_usage());
}

TEST_F(BackendForwarderTest, UnknownModel404IsPassedThrough) {
  Start(Script());
  json body = Chat(true);
  body["model"] = "nope";
  Answer a = Forward(Request(body));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_EQ(a.head().status(), 404u);
  EXPECT_EQ(json::parse(a.body())["error"]["code"], "model_not_found");
}

TEST_F(BackendForwarderTest, DropMidStreamGivesIncompleteTail) {
  auto o = Script();
  o.drop_after = 2;
  Start(o);
  Answer a = Forward(Request(Chat(true)));
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(a.WellFormed());
  EXPECT_EQ(a.head().status(), 200u);
  EXPECT_FALSE(a.tail().complete());
  EXPECT_EQ(a.tail().error_code(), static_cast<uint32_t>(ErrorCode::kUnavailable));
  EXPECT_TRUE(a.tail().error_message().starts_with("backend stream ended early"))
      << a.tail().error_message();
  EXPECT_EQ(SplitEvents(a.body()).size(), 2u);
  EXPECT_EQ(a.body().find("[DONE]"), std::string::npos);
  EXPECT_FALSE(a.tail().has_usage());
}

TEST_F(BackendForwarderTest, HangIsDeadlineExceeded) {
  auto o = Script();
  o.hang = true;
  http::ClientOptions client;
  client.first_byte_timeout = 200ms;
  Start(o, client);
  Answer a = Forward(Request(Chat(true)));
  EXPECT_EQ(a.status.code(), ErrorCode::kDeadlineExceeded) << a.status.ToString();
  EXPECT_TRUE(a.events.empty());
  cocoon::testing::RunUntil(io_, [&] { return backend_->stats().cancelled == 1; });
}

TEST_F(BackendForwarderTest, UnreachableBackendIsUnavailable) {
  Start(Script());
  const uint16_t port = backend_->port();
  backend_->Stop();
  io_.run_for(20ms);
  BackendOptions options;
  options.base_url = *http::ParseHttpUrl("http://127.0.0.1:" + std::to_string(port));
  forwarder_ = std::make_unique<BackendForwarder>(io_.get_executor(), options);
  Answer a = Forward(Request(Chat(true)));
  EXPECT_EQ(a.status.code(), ErrorCode::kUnavailable) << a.status.ToString();
  EXPECT_TRUE(a.events.empty());
}

TEST_F(BackendForwarderTest, CancelSignalMidStreamReachesTheBackend) {
  auto o = Script();
  o.chunks = 1000;
  o.delay = 20ms;
  Start(o);
  auto cancel = http::CancelSignal::Create();
  auto pieces = std::make_shared<size_t>(0);
  // The proxy cancels from elsewhere while Forward waits for the backend.
  asio::co_spawn(
      io_,
      [cancel, pieces]() -> asio::awaitable<void> {
        while (*pieces < 3) co_await http::testing::Sleep(5ms);
        cancel->Cancel();
      },
      asio::detached);
  Answer a = Forward(Request(Chat(true)), 1 << 20, cancel, [pieces](const Answer& so_far) {
    *pieces = so_far.pieces.size();
    return Status::Ok();
  });
  EXPECT_EQ(a.status.code(), ErrorCode::kCancelled) << a.status.ToString();
  EXPECT_EQ(a.heads, 1);
  EXPECT_EQ(a.tails, 0);
  EXPECT_LT(a.pieces.size(), 20u);
  cocoon::testing::RunUntil(
      io_, [&] { return backend_->stats().cancelled == 1; }, 5s);
  EXPECT_EQ(backend_->stats().completed, 0u);
}

TEST_F(BackendForwarderTest, FailingSinkCancelsTheBackend) {
  auto o = Script();
  o.chunks = 1000;
  o.delay = 20ms;
  Start(o);
  Answer a = Forward(Request(Chat(true)), 1 << 20, nullptr, [](const Answer& so_far) {
    return so_far.pieces.size() >= 3 ? Cancelled("the proxy went away") : Status::Ok();
  });
  EXPECT_EQ(a.status.code(), ErrorCode::kCancelled) << a.status.ToString();
  EXPECT_EQ(a.status.message(), "the proxy went away");
  EXPECT_EQ(a.pieces.size(), 3u);
  EXPECT_EQ(a.tails, 0);
  cocoon::testing::RunUntil(
      io_, [&] { return backend_->stats().cancelled == 1; }, 5s);
}

TEST_F(BackendForwarderTest, CancelledBeforeSendingIsCancelled) {
  Start(Script());
  auto cancel = http::CancelSignal::Create();
  cancel->Cancel();
  Answer a = Forward(Request(Chat(true)), 1 << 20, cancel);
  EXPECT_EQ(a.status.code(), ErrorCode::kCancelled) << a.status.ToString();
  EXPECT_TRUE(a.events.empty());
}

TEST_F(BackendForwarderTest, MalformedBodyIsInvalidArgument) {
  Start(Script());
  inference::InferRequest r = Request(Chat(true));
  r.set_body("{not json");
  Answer a = Forward(r);
  EXPECT_EQ(a.status.code(), ErrorCode::kInvalidArgument) << a.status.ToString();
  EXPECT_TRUE(a.events.empty());
  r.set_body(R"({"model":"m1","prompt":"p"})");  // a chat request needs messages
  EXPECT_EQ(Forward(r).status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(backend_->stats().requests, 0u);
}

// Prompts and completions never reach the log, at any level (DESIGN.md §4).
TEST_F(BackendForwarderTest, NeverLogsPromptsOrCompletions) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured)));
  spdlog::set_level(spdlog::level::trace);
  Start(Script());
  json body = Chat(true);
  body["messages"][0]["content"] = "SECRET-PROMPT-4711";
  Answer streamed = Forward(Request(body));
  body["stream"] = false;
  Answer whole = Forward(Request(body));
  body["model"] = "SECRET-PROMPT-4711";  // echoed in the backend's 404
  Answer missing = Forward(Request(body));
  spdlog::set_default_logger(previous);
  spdlog::set_level(spdlog::level::info);
  ASSERT_TRUE(streamed.status.ok());
  ASSERT_TRUE(whole.status.ok());
  ASSERT_TRUE(missing.status.ok());
  EXPECT_NE(streamed.body().find("quick"), std::string::npos) << "fixture text changed?";
  std::string log = captured.str();
  EXPECT_NE(log.find("request req-1"), std::string::npos) << "nothing was logged at all?";
  EXPECT_EQ(log.find("SECRET-PROMPT"), std::string::npos) << log;
  EXPECT_EQ(log.find("quick"), std::string::npos) << log;
  EXPECT_EQ(log.find("sk-test"), std::string::npos) << log;
}

TEST(BackendTarget, PlacesApiPathsUnderTheBaseUrl) {
  auto target = [](std::string url, std::string_view path) {
    return BackendTarget(*http::ParseHttpUrl(url), path);
  };
  EXPECT_EQ(target("http://127.0.0.1:8000", "/v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(target("http://127.0.0.1:8000/", "/v1/models"), "/v1/models");
  EXPECT_EQ(target("http://127.0.0.1:8000/v1", "/v1/completions"), "/v1/completions");
  EXPECT_EQ(target("http://127.0.0.1:8000/v1/", "/v1/models"), "/v1/models");
  EXPECT_EQ(target("http://h/ollama", "/v1/models"), "/ollama/v1/models");
  EXPECT_EQ(target("http://h/api/v1", "/v1/models"), "/api/v1/models");
  EXPECT_EQ(target("http://h/x?k=v", "/v1/models"), "/x/v1/models?k=v");
}

}  // namespace
}  // namespace cocoon::worker
