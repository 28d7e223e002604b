#include "worker/backend_health.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/cancel_signal.h"
#include "http/client.h"
#include "http/openai.h"
#include "util/json_depth.h"
#include "worker/backend_forwarder.h"

namespace cocoon::worker {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr size_t kMaxModelsBodyBytes = 4 << 20;
constexpr size_t kMaxReasonMessageBytes = 200;
constexpr size_t kMaxModelsListed = 8;

http::ClientOptions ClientOptionsFor(const BackendHealthOptions& options) {
  http::ClientOptions o;
  o.connect_timeout = options.timeout;
  o.first_byte_timeout = options.timeout;
  o.idle_timeout = options.timeout;
  o.max_body_bytes = kMaxModelsBodyBytes;
  o.max_idle_per_host = 1;
  return o;
}

struct Verdict {
  bool healthy = false;
  std::string reason;
  std::vector<std::string> models;
};

// Reads {"data":[{"id":"m1"},...]} (the "object":"list" marker is not
// required; llama.cpp and Ollama send it, others may not).
Result<std::vector<std::string>> ParseModelList(std::string_view body) {
  if (JsonNestingDepth(body) > 32) return InvalidArgument("nested too deeply");
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("not JSON");
  if (!j.is_object()) return InvalidArgument("not a JSON object");
  auto data = j.find("data");
  if (data == j.end() || !data->is_array()) return InvalidArgument("no \"data\" array");
  std::vector<std::string> ids;
  for (const auto& model : *data) {
    if (!model.is_object()) return InvalidArgument("a \"data\" entry is not an object");
    auto id = model.find("id");
    if (id == model.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
      return InvalidArgument("a model has no string \"id\"");
    ids.push_back(id->get<std::string>());
  }
  return ids;
}

std::string Shorten(std::string text) {
  if (text.size() > kMaxReasonMessageBytes) {
    text.resize(kMaxReasonMessageBytes);
    text += "...";
  }
  for (char& c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

}  // namespace

struct BackendHealthChecker::State {
  State(asio::any_io_executor ex, http::HttpUrl url, BackendHealthOptions opts, OnChange cb)
      : executor(ex),
        base_url(std::move(url)),
        options(std::move(opts)),
        on_change(std::move(cb)),
        timer(ex),
        client(ex, ClientOptionsFor(options)) {}

  asio::any_io_executor executor;
  const http::HttpUrl base_url;
  const BackendHealthOptions options;
  OnChange on_change;
  asio::steady_timer timer;
  http::HttpClient client;
  bool started = false;
  bool stopped = false;
  std::vector<std::shared_ptr<http::CancelSignal>> in_flight;  // checks in progress

  mutable std::mutex mu;  // guards the fields below
  bool checked = false;
  bool healthy = false;
  std::string reason;
  std::vector<std::string> models;
  uint64_t checks = 0;
};

namespace {

using State = BackendHealthChecker::State;

asio::awaitable<Verdict> Probe(std::shared_ptr<State> st,
                               std::shared_ptr<http::CancelSignal> cancel) {
  http::ClientRequest request;
  request.method = "GET";
  request.host = st->base_url.host;
  request.port = st->base_url.port;
  request.target = BackendTarget(st->base_url, "/v1/models");
  request.headers.Set("Accept", "application/json");
  if (!st->options.api_key.empty())
    request.headers.Set("Authorization", "Bearer " + st->options.api_key);
  request.cancel = cancel;

  // The whole check, connect to last byte, within the timeout.
  asio::steady_timer deadline(st->executor, st->options.timeout);
  deadline.async_wait([cancel](boost::system::error_code ec) {
    if (!ec) cancel->Cancel();
  });
  auto response = co_await st->client.Fetch(std::move(request));
  deadline.cancel();

  Verdict v;
  if (!response.ok()) {
    const Status& e = response.status();
    if (e.code() == ErrorCode::kCancelled || e.code() == ErrorCode::kDeadlineExceeded) {
      v.reason = fmt::format("the backend did not answer GET /v1/models within {} ms",
                             st->options.timeout.count());
    } else {
      v.reason = "cannot reach the backend: " + e.message();
    }
    co_return v;
  }
  if (response->status != 200) {
    v.reason = fmt::format("the backend answered GET /v1/models with {}: {}", response->status,
                           Shorten(http::ParseApiError(response->status, response->body).message));
    co_return v;
  }
  auto ids = ParseModelList(response->body);
  if (!ids.ok()) {
    v.reason = "the backend's GET /v1/models answer is not an OpenAI model list: " +
               ids.status().message();
    co_return v;
  }
  if (ids->empty()) {
    v.reason = "the backend lists no models";
    co_return v;
  }
  v.healthy = true;
  v.models = std::move(*ids);
  std::string listed;
  for (size_t i = 0; i < v.models.size() && i < kMaxModelsListed; ++i) {
    if (i) listed += ", ";
    listed += v.models[i];
  }
  if (v.models.size() > kMaxModelsListed) listed += ", ...";
  v.reason = fmt::format("the backend serves {} model(s): {}", v.models.size(), Shorten(listed));
  co_return v;
}

// One check; records and reports it. Returns the verdict (false when
// stopped meanwhile, without recording anything).
asio::awaitable<bool> RunCheck(std::shared_ptr<State> st) {
  if (st->stopped) co_return false;
  auto cancel = http::CancelSignal::Create();
  st->in_flight.push_back(cancel);
  Verdict v = co_await Probe(st, cancel);
  std::erase(st->in_flight, cancel);
  if (st->stopped) co_return false;
  bool changed;
  {
    std::lock_guard lock(st->mu);
    changed = !st->checked || st->healthy != v.healthy;
    st->checked = true;
    st->healthy = v.healthy;
    st->reason = v.reason;
    st->models = v.models;
    ++st->checks;
  }
  if (changed) {
    spdlog::debug("backend health: {} ({})", v.healthy ? "healthy" : "unhealthy", v.reason);
    if (st->on_change) st->on_change(v.healthy, v.reason);
  }
  co_return v.healthy;
}

asio::awaitable<void> Loop(std::shared_ptr<State> st) {
  while (!st->stopped) {
    co_await RunCheck(st);
    if (st->stopped) break;
    st->timer.expires_after(st->options.interval);
    co_await st->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace

BackendHealthChecker::BackendHealthChecker(asio::any_io_executor executor, http::HttpUrl base_url,
                                           BackendHealthOptions options, OnChange on_change)
    : state_(std::make_shared<State>(std::move(executor), std::move(base_url), std::move(options),
                                     std::move(on_change))) {}

BackendHealthChecker::~BackendHealthChecker() { Stop(); }

void BackendHealthChecker::Start() {
  if (state_->started || state_->stopped) return;
  state_->started = true;
  asio::co_spawn(state_->executor, Loop(state_), asio::detached);
}

void BackendHealthChecker::Stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  state_->timer.cancel();
  for (const auto& cancel : state_->in_flight) cancel->Cancel();
}

asio::awaitable<bool> BackendHealthChecker::CheckNow() { return RunCheck(state_); }

bool BackendHealthChecker::healthy() const {
  std::lock_guard lock(state_->mu);
  return state_->healthy;
}

bool BackendHealthChecker::checked() const {
  std::lock_guard lock(state_->mu);
  return state_->checked;
}

std::string BackendHealthChecker::reason() const {
  std::lock_guard lock(state_->mu);
  return state_->reason;
}

std::vector<std::string> BackendHealthChecker::models() const {
  std::lock_guard lock(state_->mu);
  return state_->models;
}

uint64_t BackendHealthChecker::checks() const {
  std::lock_guard lock(state_->mu);
  return state_->checks;
}

}  // namespace cocoon::worker
