#include "proxy/request_relay.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "crypto/random.h"
#include "inference/protocol.h"
#include "proxy/routing/retry_policy.h"
#include "util/bytes.h"

namespace cocoon::proxy {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Shared with callbacks that may fire while the relay coroutine waits.
struct RelayState {
  bool client_gone = false;
  bool timed_out = false;
  bool awaiting_head = false;                  // the first-token timer may still fire
  net::StreamReader* worker_stream = nullptr;  // the attempt in progress
};

std::string ResultName(const Status& status) {
  std::string name(ErrorCodeName(status.code()));
  return name;
}

// Scratch capacity a relay keeps between events: a typical event's encoding.
// A larger one (a joined backlog) is released after its write, so thousands
// of idle streams do not each hold their largest piece.
constexpr size_t kKeepScratchCapacity = 4 << 10;

// Writes a body event to the client, split so each event fits one chunk.
// `scratch` is reused for the encodings; the event's body is released once
// encoded, so a write waiting for the client holds one copy of the piece.
asio::awaitable<Status> WriteBody(net::IncomingStream& client, inference::InferEvent& body,
                                  size_t max_piece, std::string& scratch) {
  if (body.body().size() <= max_piece) {
    inference::EncodeEvent(body, scratch);
    std::string().swap(*body.mutable_body());
    Status written = co_await client.Write(AsBytes(scratch));
    if (scratch.capacity() > kKeepScratchCapacity) std::string().swap(scratch);
    co_return written;
  }
  std::string_view rest = body.body();
  for (; !rest.empty(); rest.remove_prefix(std::min(rest.size(), max_piece))) {
    inference::InferEvent event;
    event.set_body(std::string(rest.substr(0, max_piece)));
    inference::EncodeEvent(event, scratch);
    Status s = co_await client.Write(AsBytes(scratch));
    if (!s.ok()) co_return s;
  }
  std::string().swap(scratch);
  co_return Status::Ok();
}

asio::awaitable<Status> WriteEvent(net::IncomingStream& client,
                                   const inference::InferEvent& event) {
  std::string encoded = inference::EncodeEvent(event);
  co_return co_await client.Write(AsBytes(encoded));
}

}  // namespace

asio::awaitable<void> RelayInference(net::IncomingStream client, WorkerPool& pool,
                                     const RelayOptions& options, RelayObserver observer,
                                     const RelayHooks& hooks) {
  const auto started = Clock::now();
  RelayOutcome outcome;
  auto finish = [&](std::string result) {
    outcome.result = std::move(result);
    outcome.total = Clock::now() - started;
    if (observer) observer(outcome);
  };
  auto refuse = [&](const Status& error) {
    (void)client.Fail(error);
    finish(ResultName(error));
  };

  inference::InferRequest request;
  if (!request.ParseFromArray(client.payload().data(), static_cast<int>(client.payload().size()))) {
    refuse(InvalidArgument("infer: the request does not parse"));
    co_return;
  }
  client.ReleasePayload();
  if (request.request_id().empty()) request.set_request_id(HexEncode(crypto::RandomBytes(12)));
  outcome.request_id = request.request_id();
  outcome.model = request.model();
  if (request.model().empty()) {
    refuse(InvalidArgument("the request names no model"));
    co_return;
  }
  if (!pool.IsAllowed(request.model())) {
    refuse(NotFound("model \"" + request.model() + "\" is not offered by this network"));
    co_return;
  }
  if (options.max_tokens > 0 &&
      (request.max_tokens() <= 0 || request.max_tokens() > options.max_tokens)) {
    request.set_max_tokens(options.max_tokens);
  }
  if (hooks.before_routing) {
    Status admitted = co_await hooks.before_routing(request);
    if (!admitted.ok()) {
      refuse(admitted);
      co_return;
    }
  }
  const uint32_t max_coefficient =
      request.max_coefficient() == 0 ? UINT32_MAX : request.max_coefficient();
  // What goes to a worker (again on a retry) until one answers; the prompt is
  // held only here, and only until then.
  std::string payload = request.SerializeAsString();
  std::string().swap(*request.mutable_body());
  const size_t max_piece = inference::MaxBodyPieceBytes(options.session);

  auto state = std::make_shared<RelayState>();
  client.OnCancel([state](const Status&) {
    state->client_gone = true;
    if (state->worker_stream) state->worker_stream->Cancel("the client cancelled");
  });

  routing::RetryPolicy retry(options.max_attempts);
  Status last_error;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    if (state->client_gone) {
      finish("cancelled");
      co_return;
    }
    auto acquired = pool.Acquire(request.model(), max_coefficient, retry.tried(), Clock::now());
    if (!acquired.ok()) {
      Status error = acquired.status();
      if (error.code() == ErrorCode::kNotFound && pool.has_model_list()) {
        // The network offers the model; no worker serves it right now.
        error = Unavailable("no worker serves model \"" + request.model() + "\" right now");
      }
      if (retry.attempts() > 0) {
        error = Unavailable(std::to_string(retry.attempts()) +
                            " worker(s) failed this request; last: " + last_error.message());
      }
      refuse(error);
      co_return;
    }
    WorkerPtr worker = *acquired;
    retry.RecordAttempt(worker->id);
    outcome.attempts = retry.attempts();
    outcome.worker = worker->id;
    const auto attempt_start = Clock::now();

    auto opened = worker->session->Open(inference::kInferMethod, AsBytes(payload));
    Result<std::optional<inference::InferEvent>> first = opened.status();
    std::optional<net::StreamReader> stream;
    if (opened.ok()) {
      stream.emplace(std::move(*opened));
      state->worker_stream = &*stream;
      state->timed_out = false;
      state->awaiting_head = true;
      timer.expires_after(options.first_token_timeout);
      timer.async_wait([state](boost::system::error_code ec) {
        if (ec || !state->awaiting_head || !state->worker_stream) return;
        state->timed_out = true;
        state->worker_stream->Cancel("no answer within the first-token timeout");
      });
      first = co_await inference::ReadEvent(*stream);
      state->awaiting_head = false;
      timer.cancel();
    }

    if (state->client_gone) {
      state->worker_stream = nullptr;
      (void)pool.table().RecordAbandoned(worker->id);
      (void)client.Fail(Cancelled("the client cancelled"));
      finish("cancelled");
      co_return;
    }
    bool has_head = first.ok() && first->has_value() && (*first)->has_head();
    if (!has_head) {
      state->worker_stream = nullptr;
      const bool timed_out = state->timed_out;
      Status error;
      if (timed_out) {
        error = DeadlineExceeded("the worker did not answer within " +
                                 std::to_string(options.first_token_timeout.count()) + " ms");
      } else if (!first.ok()) {
        error = first.status();
      } else {
        error = ProtocolError("the worker's answer did not start with a head");
      }
      auto kind =
          timed_out ? routing::FailureKind::kTimeout : routing::FailureKind::kBeforeFirstToken;
      (void)pool.table().RecordFailure(worker->id, kind, Clock::now());
      spdlog::warn("request {}: attempt {} on worker {} failed: {}", request.request_id(),
                   retry.attempts(), worker->id, error.ToString());
      const bool retryable = error.code() != ErrorCode::kInvalidArgument &&
                             retry.ShouldRetry(kind) && retry.HasAttemptsLeft();
      if (retryable) {
        last_error = error;
        continue;
      }
      if (retry.attempts() > 1 && error.code() != ErrorCode::kInvalidArgument &&
          error.code() != ErrorCode::kDeadlineExceeded) {
        error = Unavailable(std::to_string(retry.attempts()) +
                            " worker(s) failed this request; last: " + error.message());
      }
      refuse(error);
      co_return;
    }

    // The head: from here on the answer belongs to this worker.
    std::string().swap(payload);
    inference::InferEvent event = std::move(**first);
    auto* head = event.mutable_head();
    outcome.http_status = head->status();
    outcome.time_to_head = Clock::now() - started;
    auto* ref = head->mutable_worker();
    ref->set_public_key(worker->identity.key.bytes().data(), worker->identity.key.bytes().size());
    if (worker->identity.measurements) {
      const auto& hash = worker->identity.measurements->image_hash;
      ref->set_image_hash(hash.data(), hash.size());
    }
    ref->set_name(worker->announce.name());
    inference::AddHopTiming(head->mutable_timing(), "proxy", Clock::now() - started);

    bool first_body = true;
    Status relay_status = co_await WriteEvent(client, event);
    // Body pieces that queued up while the client's connection was busy are
    // relayed as one event.
    inference::EventReader events(*stream, max_piece);
    // The worker's credit comes back only once a piece is written onwards:
    // a stream's backlog here stays within about one window (plus an event
    // read ahead) however slow the client.
    stream->DeferCredit();
    std::string scratch;
    while (relay_status.ok()) {
      auto next = co_await events.Next();
      if (state->client_gone) break;
      if (!next.ok() || !next->has_value() || (*next)->has_head()) {
        Status cause = !next.ok() ? next.status()
                       : !next->has_value()
                           ? ProtocolError("the worker ended its answer without a tail")
                           : ProtocolError("the worker sent a second head");
        state->worker_stream = nullptr;
        (void)pool.table().RecordFailure(worker->id, routing::FailureKind::kAfterFirstToken,
                                         Clock::now());
        spdlog::warn("request {}: worker {} failed mid-answer: {}", request.request_id(),
                     worker->id, cause.ToString());
        inference::InferEvent tail_event;
        *tail_event.mutable_tail() =
            inference::FailedTail(Unavailable("the worker failed mid-answer: " + cause.message()));
        (void)co_await WriteEvent(client, tail_event);
        (void)client.Finish();
        finish("incomplete");
        co_return;
      }
      inference::InferEvent& ev = **next;
      if (ev.has_body()) {
        if (first_body) {
          first_body = false;
          (void)pool.table().RecordFirstToken(worker->id, Clock::now() - attempt_start,
                                              Clock::now());
        }
        relay_status = co_await WriteBody(client, ev, max_piece, scratch);
        stream->GrantRead();
        continue;
      }
      // The tail.
      state->worker_stream = nullptr;
      auto* tail = ev.mutable_tail();
      inference::AddHopTiming(tail->mutable_timing(), "proxy", Clock::now() - started);
      if (tail->complete()) {
        (void)pool.table().RecordSuccess(worker->id, Clock::now() - attempt_start, Clock::now());
      } else {
        (void)pool.table().RecordFailure(worker->id, routing::FailureKind::kAfterFirstToken,
                                         Clock::now());
      }
      if (hooks.on_tail) {
        std::optional<inference::Payment> payment = co_await hooks.on_tail(*worker, request, *tail);
        if (payment) *tail->mutable_payment() = std::move(*payment);
      }
      if (!(co_await WriteEvent(client, ev)).ok()) {
        finish("cancelled");  // the worker's outcome is recorded; only delivery failed
        co_return;
      }
      (void)client.Finish();
      finish(tail->complete() ? "ok" : "incomplete");
      co_return;
    }
    // The client went away mid-answer: stop the worker.
    state->worker_stream = nullptr;
    stream->Cancel("the client cancelled");
    (void)pool.table().RecordAbandoned(worker->id);
    (void)client.Fail(Cancelled("the client cancelled"));
    finish("cancelled");
    co_return;
  }
}

}  // namespace cocoon::proxy
