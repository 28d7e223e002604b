#include "worker/backend_forwarder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/openai.h"
#include "http/sse_parser.h"
#include "http/usage_scan.h"
#include "inference/protocol.h"
#include "util/json_depth.h"

namespace cocoon::worker {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

using SteadyClock = std::chrono::steady_clock;

// Backend JSON nested deeper than this is not inspected for usage (parsing
// and destroying it recurse); it is still forwarded.
constexpr int kMaxJsonDepth = 128;
// How much of a backend's error body is read for its message, and how much
// of the message is kept.
constexpr size_t kMaxErrorBodyBytes = 64 << 10;
constexpr size_t kMaxErrorMessageBytes = 300;

uint64_t MicrosSince(SteadyClock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count());
}

void AddTiming(google::protobuf::RepeatedPtrField<inference::HopTiming>* timing, uint64_t micros) {
  auto* hop = timing->Add();
  hop->set_hop("backend");
  hop->set_micros(micros);
}

bool IsEventStream(std::string_view content_type) {
  constexpr std::string_view kType = "text/event-stream";
  return content_type.size() >= kType.size() &&
         http::EqualsIgnoreCase(content_type.substr(0, kType.size()), kType);
}

// Appends the canonical bytes of one event (see backend_forwarder.h) to
// `out`. `last_id` is the id the stream carried before this event; updated.
void SerializeEvent(const http::SseEvent& event, std::string& last_id, std::string& out) {
  if (!event.event.empty()) out.append("event: ").append(event.event).push_back('\n');
  if (event.id != last_id) {
    out.append("id: ").append(event.id).push_back('\n');
    last_id = event.id;
  }
  if (event.retry_ms) out.append(fmt::format("retry: {}\n", *event.retry_ms));
  std::string_view data = event.data;
  while (true) {
    size_t nl = data.find('\n');
    out.append("data: ").append(data.substr(0, nl)).push_back('\n');
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  out.push_back('\n');
}

// What one stream event tells us: its usage, and whether it is the
// usage-only chunk (empty `choices`, a `usage`) an app gets only on request.
struct EventFacts {
  std::optional<http::Usage> usage;
  bool usage_only = false;
};

EventFacts InspectEvent(std::string_view data) {
  EventFacts facts;
  if (data.empty() || data == "[DONE]" || !http::MayCarryUsage(data) ||
      JsonNestingDepth(data) > kMaxJsonDepth)
    return facts;
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return facts;
  auto usage = http::ExtractUsage(j);
  if (!usage.ok()) {
    spdlog::debug("backend: a stream event carries unreadable usage; ignored");
    return facts;
  }
  facts.usage = *usage;
  if (facts.usage) {
    auto choices = j.find("choices");
    facts.usage_only = choices != j.end() && choices->is_array() && choices->empty();
  }
  return facts;
}

std::optional<http::Usage> UsageOfWholeAnswer(std::string_view body) {
  if (JsonNestingDepth(body) > kMaxJsonDepth) return std::nullopt;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto usage = http::ExtractUsage(j);
  if (!usage.ok()) {
    spdlog::debug("backend: the answer carries unreadable usage; ignored");
    return std::nullopt;
  }
  return *usage;
}

// One request's answer on its way to the sink: body pieces, the usage seen,
// and how the answer ended.
class Exchange {
 public:
  Exchange(EventSink& sink, http::ClientStream& stream,
           const std::shared_ptr<http::CancelSignal>& cancel, size_t max_piece)
      : sink_(sink), stream_(stream), cancel_(cancel), max_piece_(max_piece) {}

  // Sends `event`; on a sink error cancels the backend stream.
  asio::awaitable<Status> Emit(inference::InferEvent event) {
    Status s = co_await sink_(std::move(event));
    if (s.ok() && cancelled()) s = CancelledByProxy();
    if (!s.ok()) stream_.Cancel();
    co_return s;
  }

  // Sends `bytes` as body pieces of at most max_piece bytes.
  asio::awaitable<Status> SendBody(std::string_view bytes) {
    while (!bytes.empty()) {
      size_t n = std::min(bytes.size(), max_piece_);
      inference::InferEvent event;
      event.set_body(std::string(bytes.substr(0, n)));
      bytes.remove_prefix(n);
      Status s = co_await Emit(std::move(event));
      if (!s.ok()) co_return s;
    }
    co_return Status::Ok();
  }

  // Adds one event to the piece being built; sends the piece first when the
  // event does not fit, and splits an event larger than a piece.
  asio::awaitable<Status> AddEvent(const http::SseEvent& event, std::string& last_id) {
    const size_t before = pending_.size();
    SerializeEvent(event, last_id, pending_);
    if (pending_.size() <= max_piece_) co_return Status::Ok();
    std::string bytes = pending_.substr(before);
    pending_.resize(before);
    Status s = co_await Flush();
    if (!s.ok()) co_return s;
    if (bytes.size() <= max_piece_) {
      pending_ = std::move(bytes);
      co_return Status::Ok();
    }
    co_return co_await SendBody(bytes);
  }

  // Sends the piece being built as one body event (it is never larger than
  // a piece).
  asio::awaitable<Status> Flush() {
    if (pending_.empty()) co_return Status::Ok();
    inference::InferEvent event;
    event.set_body(std::move(pending_));
    pending_.clear();
    co_return co_await Emit(std::move(event));
  }

  // Reads the backend's SSE answer and forwards its events. Returns a
  // non-OK status only when the request must end without a tail.
  asio::awaitable<Status> RelaySse(bool app_asked_usage) {
    http::SseParser parser;
    std::string last_id;
    std::vector<http::SseEvent> events;
    while (true) {
      auto piece = co_await stream_.Next();
      if (cancelled()) co_return CancelledByProxy();
      if (!piece.ok()) {
        end_error_ = piece.status();
        break;
      }
      if (!*piece) break;
      bytes_from_backend_ += (*piece)->size();
      events.clear();
      Status parsed = parser.Feed(**piece, events);
      for (const auto& event : events) {
        if (event.data == "[DONE]") {
          saw_done_ = true;
        } else {
          EventFacts facts = InspectEvent(event.data);
          if (facts.usage) usage_ = facts.usage;
          if (facts.usage_only && !app_asked_usage) continue;
        }
        Status s = co_await AddEvent(event, last_id);
        if (!s.ok()) co_return s;
      }
      Status s = co_await Flush();
      if (!s.ok()) co_return s;
      if (!parsed.ok()) {
        stream_.Cancel();
        end_error_ = parsed;
        break;
      }
    }
    // A clean end without [DONE]: cut short, with no further explanation.
    if (end_error_.ok() && !saw_done_) end_error_ = Unavailable("");
    if (saw_done_) end_error_ = Status::Ok();  // the answer is whole, whatever came after
    co_return Status::Ok();
  }

  // Forwards the body as it arrives. With `max_copy` > 0 keeps a copy of up
  // to that many bytes to read the usage at the end.
  asio::awaitable<Status> RelayWhole(size_t max_copy) {
    std::string copy;
    bool keep = max_copy > 0;
    while (true) {
      auto piece = co_await stream_.Next();
      if (cancelled()) co_return CancelledByProxy();
      if (!piece.ok()) {
        end_error_ = piece.status();
        break;
      }
      if (!*piece) break;
      const std::string& bytes = **piece;
      bytes_from_backend_ += bytes.size();
      if (keep) {
        if (copy.size() + bytes.size() > max_copy) {
          spdlog::warn("backend: answer larger than {} bytes; its usage is not read", max_copy);
          keep = false;
          std::string().swap(copy);
        } else {
          copy.append(bytes);
        }
      }
      Status s = co_await SendBody(bytes);
      if (!s.ok()) co_return s;
    }
    if (end_error_.ok() && keep) usage_ = UsageOfWholeAnswer(copy);
    co_return Status::Ok();
  }

  bool cancelled() const { return cancel_ && cancel_->cancelled(); }
  static Status CancelledByProxy() { return Cancelled("request cancelled by the proxy"); }

  const Status& end_error() const { return end_error_; }
  const std::optional<http::Usage>& usage() const { return usage_; }
  size_t bytes_from_backend() const { return bytes_from_backend_; }

 private:
  EventSink& sink_;
  http::ClientStream& stream_;
  const std::shared_ptr<http::CancelSignal>& cancel_;
  const size_t max_piece_;
  std::string pending_;
  Status end_error_;
  bool saw_done_ = false;
  std::optional<http::Usage> usage_;
  size_t bytes_from_backend_ = 0;
};

// The message of a backend's failure answer (status, its error message cut
// short), for the proxy and the operator.
std::string FailureMessage(int status, const Result<std::string>& body) {
  std::string message;
  if (body.ok()) message = http::ParseApiError(status, *body).message;
  if (message.size() > kMaxErrorMessageBytes) {
    message.resize(kMaxErrorMessageBytes);
    message += "...";
  }
  for (char& c : message)
    if (c == '\r' || c == '\n') c = ' ';
  std::string out = fmt::format("backend answered {} {}", status, http::ReasonPhrase(status));
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace

std::string BackendTarget(const http::HttpUrl& base, std::string_view api_path) {
  std::string_view target = base.target;
  std::string_view query;
  if (size_t q = target.find('?'); q != std::string_view::npos) {
    query = target.substr(q);
    target = target.substr(0, q);
  }
  while (!target.empty() && target.back() == '/') target.remove_suffix(1);
  constexpr std::string_view kV1 = "/v1";
  if (api_path.substr(0, kV1.size()) == kV1 && target.size() >= kV1.size() &&
      target.substr(target.size() - kV1.size()) == kV1) {
    target.remove_suffix(kV1.size());
  }
  std::string out(target);
  out.append(api_path);
  if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
  if (query.size() > 1) out.append(query);
  return out;
}

BackendForwarder::BackendForwarder(asio::any_io_executor executor, BackendOptions options)
    : options_(std::move(options)), client_(std::move(executor), options_.client) {}

BackendForwarder::~BackendForwarder() = default;

asio::awaitable<Status> BackendForwarder::Forward(inference::InferRequest& request, EventSink sink,
                                                  size_t max_body_piece,
                                                  std::shared_ptr<http::CancelSignal> cancel) {
  const std::string request_id = request.request_id();
  if (max_body_piece == 0) max_body_piece = 1;
  auto parsed =
      http::ParseCompletionRequest(request.body(), inference::FromProto(request.endpoint()));
  if (!parsed.ok()) co_return parsed.status();
  std::string().swap(*request.mutable_body());
  http::CompletionRequest& completion = *parsed;
  if (request.max_tokens() > 0) http::CapMaxTokens(completion, request.max_tokens());
  const bool app_asked_usage = completion.include_usage;
  if (completion.stream) http::RequestStreamUsage(completion);

  http::ClientRequest backend_request;
  backend_request.method = "POST";
  backend_request.host = options_.base_url.host;
  backend_request.port = options_.base_url.port;
  backend_request.target =
      BackendTarget(options_.base_url, inference::EndpointPath(request.endpoint()));
  backend_request.headers.Set("Content-Type", "application/json");
  if (completion.stream) backend_request.headers.Set("Accept", "text/event-stream");
  if (!options_.api_key.empty())
    backend_request.headers.Set("Authorization", "Bearer " + options_.api_key);
  backend_request.body =
      completion.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  completion.body = nlohmann::json();
  backend_request.cancel = cancel;
  const size_t request_bytes = backend_request.body.size();

  const auto start = SteadyClock::now();
  auto opened = co_await client_.Stream(std::move(backend_request));
  if (!opened.ok()) {
    spdlog::debug("request {}: backend request ({} bytes) failed: {}", request_id, request_bytes,
                  opened.status().ToString());
    if (opened.status().code() == ErrorCode::kCancelled) co_return opened.status();
    co_return opened.status().WithContext("backend");
  }
  http::ClientStreamPtr stream = std::move(*opened);
  const uint64_t head_micros = MicrosSince(start);
  const int status = stream->status();

  if (status == 429 || status >= 500) {
    auto body = co_await stream->ReadAll(
        std::min(kMaxErrorBodyBytes, std::max<size_t>(options_.client.max_body_bytes, 1)));
    if (cancel && cancel->cancelled()) co_return Exchange::CancelledByProxy();
    spdlog::debug("request {}: backend answered {} before any output", request_id, status);
    co_return Unavailable(FailureMessage(status, body));
  }

  inference::InferEvent head_event;
  auto* head = head_event.mutable_head();
  head->set_status(static_cast<uint32_t>(status));
  head->set_content_type(std::string(stream->headers().Get("Content-Type").value_or("")));
  AddTiming(head->mutable_timing(), head_micros);
  const bool success = status >= 200 && status < 300;
  const bool sse = success && completion.stream && IsEventStream(head->content_type());

  Exchange exchange(sink, *stream, cancel, max_body_piece);
  Status s = co_await exchange.Emit(std::move(head_event));
  if (!s.ok()) co_return s;
  if (sse) {
    s = co_await exchange.RelaySse(app_asked_usage);
  } else {
    s = co_await exchange.RelayWhole(success ? options_.client.max_body_bytes : 0);
  }
  if (!s.ok()) {
    spdlog::debug("request {}: abandoned after {} backend bytes: {}", request_id,
                  exchange.bytes_from_backend(), s.ToString());
    co_return s;
  }

  inference::InferEvent tail_event;
  if (exchange.end_error().ok()) {
    tail_event.mutable_tail()->set_complete(true);
  } else {
    const Status& e = exchange.end_error();
    std::string message = "backend stream ended early";
    if (!e.message().empty()) message += ": " + e.message();
    *tail_event.mutable_tail() = inference::FailedTail(Status(e.code(), std::move(message)));
  }
  auto* tail = tail_event.mutable_tail();
  if (exchange.usage()) *tail->mutable_usage() = inference::ToProto(*exchange.usage());
  AddTiming(tail->mutable_timing(), MicrosSince(start));
  spdlog::debug("request {}: backend status {}, {} bytes, {}", request_id, status,
                exchange.bytes_from_backend(),
                tail->complete() ? "complete" : "cut short: " + exchange.end_error().ToString());
  co_return co_await sink(std::move(tail_event));
}

}  // namespace cocoon::worker
