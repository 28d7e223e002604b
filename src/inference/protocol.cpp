#include "inference/protocol.h"

#include <fmt/format.h>

namespace cocoon::inference {

size_t MaxBodyPieceBytes(const net::SessionOptions& options) {
  // Field tags, lengths and the oneof wrapper take well under 64 bytes.
  constexpr size_t kEventOverhead = 64;
  size_t chunk = std::min<size_t>(options.max_frame_bytes, options.stream_window_bytes / 2);
  // The frame itself wraps the chunk with its own stream id and tags.
  chunk = chunk > 2 * kEventOverhead ? chunk - 2 * kEventOverhead : 1;
  return chunk;
}

std::string EncodeEvent(const InferEvent& event) { return event.SerializeAsString(); }

void EncodeEvent(const InferEvent& event, std::string& out) {
  out.clear();
  event.AppendToString(&out);
}

Result<InferEvent> DecodeEvent(ByteSpan chunk) {
  InferEvent event;
  if (!event.ParseFromArray(chunk.data(), static_cast<int>(chunk.size())))
    return ProtocolError("answer stream: a chunk is not an InferEvent");
  if (event.kind_case() == InferEvent::KIND_NOT_SET)
    return ProtocolError("answer stream: an event of unknown kind");
  return event;
}

boost::asio::awaitable<Result<std::optional<InferEvent>>> ReadEvent(net::StreamReader& reader) {
  auto chunk = co_await reader.Read();
  if (!chunk.ok()) co_return chunk.status();
  if (!chunk->has_value()) co_return std::optional<InferEvent>();
  auto event = DecodeEvent(**chunk);
  if (!event.ok()) co_return event.status();
  co_return std::optional<InferEvent>(std::move(*event));
}

boost::asio::awaitable<Result<std::optional<InferEvent>>> EventReader::Next() {
  std::optional<Result<std::optional<InferEvent>>> got;
  if (held_) {
    got.swap(held_);
  } else {
    auto read = co_await ReadEvent(reader_);
    got.emplace(std::move(read));
  }
  Result<std::optional<InferEvent>>& first = *got;
  if (!first.ok() || !first->has_value() || !(*first)->has_body()) co_return std::move(first);
  std::string* body = (*first)->mutable_body();
  while (body->size() < max_body_ && reader_.Ready()) {
    auto next = co_await ReadEvent(reader_);
    if (next.ok() && next->has_value() && (*next)->has_body() &&
        body->size() + (*next)->body().size() <= max_body_) {
      body->append((*next)->body());
      continue;
    }
    held_.emplace(std::move(next));
    break;
  }
  co_return std::move(first);
}

Endpoint ToProto(http::Endpoint endpoint) {
  return endpoint == http::Endpoint::kCompletions ? ENDPOINT_COMPLETIONS
                                                  : ENDPOINT_CHAT_COMPLETIONS;
}

http::Endpoint FromProto(Endpoint endpoint) {
  return endpoint == ENDPOINT_COMPLETIONS ? http::Endpoint::kCompletions
                                          : http::Endpoint::kChatCompletions;
}

std::string_view EndpointPath(Endpoint endpoint) {
  return endpoint == ENDPOINT_COMPLETIONS ? "/v1/completions" : "/v1/chat/completions";
}

Usage ToProto(const http::Usage& usage) {
  Usage out;
  out.set_prompt_tokens(usage.prompt_tokens);
  out.set_cached_tokens(usage.cached_tokens);
  out.set_completion_tokens(usage.completion_tokens);
  out.set_reasoning_tokens(usage.reasoning_tokens);
  return out;
}

http::Usage FromProto(const Usage& usage) {
  http::Usage out;
  out.prompt_tokens = usage.prompt_tokens();
  out.cached_tokens = usage.cached_tokens();
  out.completion_tokens = usage.completion_tokens();
  out.reasoning_tokens = usage.reasoning_tokens();
  return out;
}

void AddHopTiming(google::protobuf::RepeatedPtrField<HopTiming>* timing, std::string_view hop,
                  std::chrono::steady_clock::duration elapsed) {
  HopTiming* entry = timing->Add();
  entry->set_hop(std::string(hop));
  entry->set_micros(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
}

std::string ServerTimingValue(const google::protobuf::RepeatedPtrField<HopTiming>& timing) {
  std::string out;
  for (const auto& hop : timing) {
    if (!out.empty()) out += ", ";
    // Hop names come from our own daemons; keep only token characters anyway.
    for (char c : hop.hop())
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out += c;
    out += fmt::format(";dur={:.3f}", static_cast<double>(hop.micros()) / 1000.0);
  }
  return out;
}

ResponseTail FailedTail(const Status& error) {
  ResponseTail tail;
  tail.set_complete(false);
  tail.set_error_code(static_cast<uint32_t>(error.code()));
  tail.set_error_message(error.message());
  return tail;
}

Status TailStatus(const ResponseTail& tail) {
  if (tail.complete()) return Status::Ok();
  uint32_t code = tail.error_code();
  if (code == 0 || code > static_cast<uint32_t>(ErrorCode::kInternal))
    code = static_cast<uint32_t>(ErrorCode::kInternal);
  return Status(static_cast<ErrorCode>(code), tail.error_message());
}

}  // namespace cocoon::inference
