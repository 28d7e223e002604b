#include "scripted_backend.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

#include "http/openai.h"
#include "http/server.h"
#include "http/sse_writer.h"

namespace cocoon::fixture {

namespace asio = boost::asio;
using nlohmann::json;

struct ScriptedBackend::State {
  explicit State(ScriptedBackendOptions o) : options(std::move(o)) {}
  const ScriptedBackendOptions options;
  std::atomic<uint64_t> next_id{1};

  mutable std::mutex mu;
  ScriptedBackendStats stats;  // guarded by mu

  template <typename F>
  void Update(F f) {
    std::lock_guard lock(mu);
    f(stats);
  }
};

namespace {

using http::Request;
using http::ResponseWriter;
using State = ScriptedBackend::State;

constexpr const char* kWords[] = {"The ",   "quick ", "brown ", "fox ",   "jumps ",
                                  "over ",  "the ",   "lazy ",  "dog. ",  "Scripted ",
                                  "text, ", "not ",   "a ",     "model. "};

// Chunk i of an answer: words from position i onward, cut to `bytes`.
std::string ChunkText(int i, size_t bytes) {
  std::string s;
  constexpr size_t kCount = sizeof(kWords) / sizeof(kWords[0]);
  for (size_t w = static_cast<size_t>(i); s.size() < bytes; ++w) s += kWords[w % kCount];
  s.resize(bytes);
  return s;
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps for `d`; false if the client left meanwhile. `timer` is the
// request's timer, which OnClientGone cancels.
asio::awaitable<bool> Pause(asio::steady_timer& timer, ResponseWriter& w,
                            std::chrono::milliseconds d) {
  if (w.client_gone()) co_return false;
  if (d.count() <= 0) co_return true;
  timer.expires_after(d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !w.client_gone();
}

http::Response Json(int status, const json& j) { return http::JsonResponse(status, j.dump()); }

class CompletionHandler {
 public:
  CompletionHandler(std::shared_ptr<State> state, http::Endpoint endpoint)
      : state_(std::move(state)), endpoint_(endpoint) {}

  asio::awaitable<void> operator()(const Request& req, ResponseWriter& w) const {
    auto parsed = http::ParseCompletionRequest(req.body, endpoint_);
    spdlog::info("scripted-backend: {} {} ({} body bytes)", req.method, req.path, req.body.size());
    state_->Update([&](ScriptedBackendStats& s) {
      ++s.requests;
      ++s.in_flight;
      if (parsed.ok()) {
        if (parsed->stream) ++s.streaming_requests;
        s.last_max_tokens = parsed->max_tokens;
        s.last_include_usage = parsed->include_usage;
        s.last_model = parsed->model;
      }
    });
    Outcome outcome = co_await Answer(parsed, w);
    state_->Update([&](ScriptedBackendStats& s) {
      --s.in_flight;
      switch (outcome) {
        case Outcome::kCompleted:
          ++s.completed;
          break;
        case Outcome::kCancelled:
          ++s.cancelled;
          break;
        case Outcome::kFailed:
          ++s.failed;
          break;
        case Outcome::kDropped:
          ++s.dropped;
          break;
      }
    });
    spdlog::info("scripted-backend: {} {} -> {}", req.method, req.path, OutcomeName(outcome));
  }

 private:
  enum class Outcome { kCompleted, kCancelled, kFailed, kDropped };

  static const char* OutcomeName(Outcome o) {
    switch (o) {
      case Outcome::kCompleted:
        return "completed";
      case Outcome::kCancelled:
        return "cancelled by the client";
      case Outcome::kFailed:
        return "error";
      case Outcome::kDropped:
        return "dropped on purpose";
    }
    return "?";
  }

  asio::awaitable<Outcome> Answer(const Result<http::CompletionRequest>& parsed,
                                  ResponseWriter& w) const {
    const auto& o = state_->options;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    w.OnClientGone([&timer] { timer.cancel(); });

    if (o.hang) {
      // Never answer; wait until the client or Stop ends it.
      while (co_await Pause(timer, w, std::chrono::hours(1))) {
      }
      co_return Outcome::kCancelled;
    }
    if (o.fail_status != 0) {
      (void)co_await w.Send(
          http::ApiErrorResponse(http::ApiErrorFromHttpStatus(o.fail_status, "scripted failure")));
      co_return Outcome::kFailed;
    }
    if (!parsed.ok()) {
      (void)co_await w.Send(http::ApiErrorResponse(http::ApiErrorFromStatus(parsed.status())));
      co_return Outcome::kFailed;
    }
    const http::CompletionRequest& req = *parsed;
    if (std::find(o.models.begin(), o.models.end(), req.model) == o.models.end()) {
      http::ApiError e =
          http::ApiErrorFromHttpStatus(404, "The model '" + req.model + "' does not exist.");
      e.code = "model_not_found";
      (void)co_await w.Send(http::ApiErrorResponse(e));
      co_return Outcome::kFailed;
    }

    int n = o.chunks;
    bool cut = false;
    if (req.max_tokens && *req.max_tokens < n) {
      n = static_cast<int>(*req.max_tokens);
      cut = true;
    }
    http::Usage usage;
    usage.prompt_tokens = o.prompt_tokens;
    usage.completion_tokens = o.completion_tokens >= 0 ? o.completion_tokens : n;
    if (req.max_tokens)
      usage.completion_tokens = std::min(usage.completion_tokens, *req.max_tokens);
    usage.cached_tokens = o.cached_tokens;
    usage.reasoning_tokens = o.reasoning_tokens;
    const bool chat = endpoint_ == http::Endpoint::kChatCompletions;
    const std::string id =
        std::string(chat ? "chatcmpl-scripted-" : "cmpl-scripted-") +
        (o.deterministic ? std::string("fixed") : std::to_string(state_->next_id++));
    const int64_t created = o.deterministic ? 1700000000 : NowUnix();
    const char* finish = cut ? "length" : "stop";

    if (!req.stream) {
      std::string text;
      for (int i = 0; i < n; ++i) {
        if (i > 0 && !co_await Pause(timer, w, o.delay)) co_return Outcome::kCancelled;
        if (o.drop_after >= 0 && i >= o.drop_after) {
          w.Abort();
          co_return Outcome::kDropped;
        }
        text += ChunkText(i, o.chunk_bytes);
      }
      if (o.drop_after >= 0) {  // fewer chunks than drop_after: drop before answering
        w.Abort();
        co_return Outcome::kDropped;
      }
      json choice = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", finish}};
      if (chat) {
        choice["message"] = {{"role", "assistant"}, {"content", text}};
      } else {
        choice["text"] = text;
      }
      json body = {{"id", id},
                   {"object", chat ? "chat.completion" : "text_completion"},
                   {"created", created},
                   {"model", req.model},
                   {"choices", json::array({choice})},
                   {"usage", http::UsageJson(usage)}};
      Status s = co_await w.Send(Json(200, body));
      co_return s.ok() ? Outcome::kCompleted : Outcome::kCancelled;
    }

    http::Headers h;
    h.Set("Content-Type", "text/event-stream");
    h.Set("Cache-Control", "no-cache");
    if (!(co_await w.StartStream(200, h)).ok()) co_return Outcome::kCancelled;
    const char* object = chat ? "chat.completion.chunk" : "text_completion";
    auto chunk = [&](json choice) {
      json c = {{"id", id},
                {"object", object},
                {"created", created},
                {"model", req.model},
                {"choices", json::array({std::move(choice)})}};
      if (req.include_usage) c["usage"] = nullptr;
      return http::SseData(c.dump());
    };
    for (int i = 0; i < n; ++i) {
      if (i > 0 && !co_await Pause(timer, w, o.delay)) co_return Outcome::kCancelled;
      if (o.drop_after >= 0 && i >= o.drop_after) {
        w.Abort();
        co_return Outcome::kDropped;
      }
      json choice = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", nullptr}};
      std::string text = ChunkText(i, o.chunk_bytes);
      if (chat) {
        choice["delta"] =
            i == 0 ? json{{"role", "assistant"}, {"content", text}} : json{{"content", text}};
      } else {
        choice["text"] = text;
      }
      if (!(co_await w.Write(chunk(std::move(choice)))).ok()) co_return Outcome::kCancelled;
    }
    if (o.drop_after >= 0) {  // fewer chunks than drop_after: drop before the end
      w.Abort();
      co_return Outcome::kDropped;
    }
    json last = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", finish}};
    if (chat) {
      last["delta"] = json::object();
    } else {
      last["text"] = "";
    }
    if (!(co_await w.Write(chunk(std::move(last)))).ok()) co_return Outcome::kCancelled;
    if (req.include_usage) {
      json u = {
          {"id", id},           {"object", object},         {"created", created},
          {"model", req.model}, {"choices", json::array()}, {"usage", http::UsageJson(usage)}};
      if (!(co_await w.Write(http::SseData(u.dump()))).ok()) co_return Outcome::kCancelled;
    }
    if (!(co_await w.Write(http::kSseDone)).ok()) co_return Outcome::kCancelled;
    if (!(co_await w.End()).ok()) co_return Outcome::kCancelled;
    co_return Outcome::kCompleted;
  }

  std::shared_ptr<State> state_;
  http::Endpoint endpoint_;
};

// GCC 12 miscompiles braced json initializers inside coroutine lambdas, so
// the bodies are built in plain functions.
json ModelList(const std::vector<std::string>& models) {
  json data = json::array();
  for (const auto& m : models) {
    data.push_back({{"id", m},
                    {"object", "model"},
                    {"created", NowUnix()},
                    {"owned_by", "cocoon-scripted-backend"}});
  }
  return {{"object", "list"}, {"data", data}};
}

ScriptedBackendStats Snapshot(const State& state) {
  std::lock_guard lock(state.mu);
  return state.stats;
}

json StatsJson(const ScriptedBackendStats& s) {
  return json{{"requests", s.requests},
              {"streaming_requests", s.streaming_requests},
              {"completed", s.completed},
              {"cancelled", s.cancelled},
              {"failed", s.failed},
              {"dropped", s.dropped},
              {"in_flight", s.in_flight},
              {"models_requests", s.models_requests},
              {"last_max_tokens", s.last_max_tokens ? json(*s.last_max_tokens) : json(nullptr)},
              {"last_include_usage", s.last_include_usage},
              {"last_model", s.last_model}};
}

}  // namespace

Result<std::unique_ptr<ScriptedBackend>> ScriptedBackend::Start(asio::any_io_executor executor,
                                                                ScriptedBackendOptions options) {
  if (options.chunks < 0) return InvalidArgument("--chunks must be >= 0");
  if (options.chunk_bytes == 0) return InvalidArgument("--chunk-bytes must be > 0");
  if (options.models.empty()) return InvalidArgument("--models must name at least one model");
  std::unique_ptr<ScriptedBackend> b(new ScriptedBackend());
  b->state_ = std::make_shared<State>(std::move(options));
  http::ServerOptions server_options;
  server_options.server_name = "cocoon-scripted-backend";
  b->server_ = std::make_unique<http::HttpServer>(executor, server_options);
  auto state = b->state_;

  b->server_->Route("GET", "/v1/models",
                    [state](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
                      const auto& o = state->options;
                      state->Update([](ScriptedBackendStats& s) { ++s.models_requests; });
                      if (o.fail_status != 0 && o.fail_models) {
                        (void)co_await w.Send(http::ApiErrorResponse(
                            http::ApiErrorFromHttpStatus(o.fail_status, "scripted failure")));
                        co_return;
                      }
                      (void)co_await w.Send(Json(200, ModelList(o.models)));
                    });
  b->server_->Route("POST", "/v1/chat/completions",
                    CompletionHandler(state, http::Endpoint::kChatCompletions));
  b->server_->Route("POST", "/v1/completions",
                    CompletionHandler(state, http::Endpoint::kCompletions));
  b->server_->Route("GET", "/fixture/stats",
                    [state](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
                      (void)co_await w.Send(Json(200, StatsJson(Snapshot(*state))));
                    });
  b->server_->Route("POST", "/fixture/reset",
                    [state](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
                      state->Update([](ScriptedBackendStats& s) {
                        uint64_t in_flight = s.in_flight;
                        s = ScriptedBackendStats{};
                        s.in_flight = in_flight;
                      });
                      (void)co_await w.Send(http::JsonResponse(200, R"({"reset":true})"));
                    });
  const auto& o = b->state_->options;
  auto port = b->server_->Listen(o.host, o.port);
  if (!port.ok()) return port.status();
  std::string models;
  for (const auto& m : o.models) models += (models.empty() ? "" : ",") + m;
  spdlog::warn(
      "scripted-backend: TEST FIXTURE listening on {}:{} (models: {}; {} chunks of {} bytes, "
      "{} ms apart) - it runs no model",
      o.host, *port, models, o.chunks, o.chunk_bytes, o.delay.count());
  return b;
}

ScriptedBackend::~ScriptedBackend() { Stop(); }

uint16_t ScriptedBackend::port() const { return server_->port(); }

std::string ScriptedBackend::url() const {
  return "http://" + state_->options.host + ":" + std::to_string(port());
}

ScriptedBackendStats ScriptedBackend::stats() const {
  std::lock_guard lock(state_->mu);
  return state_->stats;
}

void ScriptedBackend::Stop() {
  if (server_) server_->StopNow();
}

Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("--listen must be host:port, e.g. 127.0.0.1:8000");
  }
  std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
    return InvalidArgument("--listen port must be 0-65535");
  }
  return std::make_pair(std::string(host), static_cast<uint16_t>(port));
}

}  // namespace cocoon::fixture
