#include "net/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace cocoon::net {

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace detail {

struct StreamState {
  StreamState(asio::any_io_executor ex, uint64_t id, bool local)
      : id(id), local(local), signal(ex, steady_clock::time_point::max()) {}

  // Cancelling a timer takes the reactor's lock: only done for a waiter.
  void Notify() {
    if (waiters > 0) signal.cancel();
  }
  bool wake_pending = false;  // in Session::deferred_wakes_
  asio::awaitable<void> Wait() {
    signal.expires_at(steady_clock::time_point::max());
    ++waiters;
    co_await signal.async_wait(asio::as_tuple(asio::use_awaitable));
    --waiters;
  }

  const uint64_t id;
  const bool local;   // opened by this side: we read, the peer writes
  bool done = false;  // ended, failed or cancelled; no more frames expected
  asio::steady_timer signal;
  int waiters = 0;  // coroutines waiting on `signal`

  // Reading side (local streams).
  std::deque<Bytes> chunks;
  size_t buffered = 0;
  size_t unacknowledged = 0;  // consumed bytes not yet granted back
  bool defer_credit = false;  // see StreamReader::DeferCredit
  size_t read_not_granted = 0;
  bool in_room_queue = false;  // in Session::room_waiters_
  bool ended = false;
  Status error;

  // Writing side (remote streams).
  std::string method;
  Bytes payload;
  int64_t credit = 0;
  uint32_t window = 0;  // the requester's window, the most it ever grants
  bool finished = false;
  bool cancelled = false;
  Status cancel_reason;
  std::vector<std::function<void(const Status&)>> on_cancel;
};

}  // namespace detail

namespace {

wire::Frame ErrorFrame(const Status& status) {
  wire::Frame f;
  f.mutable_error()->set_code(static_cast<uint32_t>(status.code()));
  f.mutable_error()->set_message(status.message());
  return f;
}

ErrorCode CodeFromWire(uint32_t code) {
  if (code > static_cast<uint32_t>(ErrorCode::kInternal) || code == 0) return ErrorCode::kInternal;
  return static_cast<ErrorCode>(code);
}

}  // namespace

// ---- Session -------------------------------------------------------------

SessionPtr Session::Create(std::unique_ptr<Transport> transport, bool initiator,
                           SessionOptions options, RequestHandler handler) {
  return SessionPtr(new Session(std::move(transport), initiator, options, std::move(handler)));
}

Session::Session(std::unique_ptr<Transport> transport, bool initiator, SessionOptions options,
                 RequestHandler handler)
    : transport_(std::move(transport)),
      executor_(transport_->executor()),
      initiator_(initiator),
      options_(options),
      handler_(std::move(handler)),
      decoder_(options.max_frame_bytes),
      write_signal_(
          std::make_unique<asio::steady_timer>(executor_, steady_clock::time_point::max())),
      keepalive_timer_(std::make_unique<asio::steady_timer>(executor_)),
      last_received_(steady_clock::now()),
      next_local_id_(initiator ? 1 : 2) {}

Session::~Session() = default;

bool Session::IsLocalId(uint64_t id) const { return (id % 2 == 1) == initiator_; }

asio::awaitable<Status> Session::Start() {
  auto self = shared_from_this();
  asio::co_spawn(executor_, WriteLoop(), asio::detached);
  asio::co_spawn(executor_, KeepaliveLoop(), asio::detached);
  wire::Frame hello;
  hello.mutable_hello()->set_min_version(options_.min_version);
  hello.mutable_hello()->set_max_version(options_.max_version);
  Enqueue(hello);

  auto first = co_await ReadFrame();
  if (!first.ok()) {
    Close(first.status());
    co_return close_reason_;
  }
  if (!first->has_hello()) {
    Close(ProtocolError("the first frame must be hello"));
    co_return close_reason_;
  }
  const auto& peer = first->hello();
  uint32_t version = std::min(options_.max_version, peer.max_version());
  if (version < std::max(options_.min_version, peer.min_version())) {
    Close(ProtocolError(
        "no common protocol version: we speak " + std::to_string(options_.min_version) + ".." +
        std::to_string(options_.max_version) + ", the peer " + std::to_string(peer.min_version()) +
        ".." + std::to_string(peer.max_version())));
    co_return close_reason_;
  }
  version_ = version;
  started_ = true;
  asio::co_spawn(executor_, ReadLoop(), asio::detached);
  co_return Status::Ok();
}

asio::awaitable<Result<wire::Frame>> Session::ReadFrame() {
  for (;;) {
    auto next = decoder_.Next();
    if (!next.ok()) co_return next.status();
    if (*next) {
      ++counters_.frames_received;
      co_return std::move(**next);
    }
    Status read = co_await ReadMore();
    if (!read.ok()) co_return read;
  }
}

asio::awaitable<Status> Session::ReadMore() {
  if (closed_) co_return close_reason_;
  auto [ec, n] = co_await transport_->ReadSome(asio::buffer(read_buffer_));
  if (closed_) co_return close_reason_;
  if (ec) {
    co_return Unavailable(ec == asio::error::eof ? "peer closed the connection"
                                                 : "connection read failed: " + ec.message());
  }
  counters_.bytes_received += n;
  last_received_ = steady_clock::now();
  decoder_.Append(ByteSpan(reinterpret_cast<const uint8_t*>(read_buffer_.data()), n));
  co_return Status::Ok();
}

asio::awaitable<void> Session::ReadLoop() {
  auto self = shared_from_this();
  // Readers are woken once everything already received has been handled, so
  // a reader finds all its waiting chunks at once (and a relay can join them
  // into one write) instead of being woken, and writing, once per frame.
  defer_wakes_ = true;
  while (!closed_) {
    for (;;) {
      Status s;
      if (auto data = decoder_.NextData()) {  // most frames: no message built
        ++counters_.frames_received;
        s = HandleData(data->stream_id, data->data, data->end);
        if (!s.ok()) Close(s);
        if (closed_) break;
        continue;
      }
      auto next = decoder_.Next();
      if (!next.ok()) {
        Close(next.status());
        break;
      }
      if (!*next) break;
      ++counters_.frames_received;
      s = HandleFrame(**next);
      if (!s.ok()) Close(s);
      if (closed_) break;
    }
    if (closed_) break;
    if (!transport_->HasBufferedInput()) WakeDeferred();
    Status read = co_await ReadMore();
    if (closed_) break;
    if (!read.ok()) {
      Close(read);
      break;
    }
  }
  defer_wakes_ = false;
  WakeDeferred();
}

void Session::WakeDeferred() {
  std::vector<std::shared_ptr<detail::StreamState>> wakes;
  wakes.swap(deferred_wakes_);
  for (auto& s : wakes) {
    s->wake_pending = false;
    s->Notify();
  }
}

asio::awaitable<void> Session::WriteLoop() {
  auto self = shared_from_this();
  // Frames are encoded into one buffer (write_buffer_) while the previous
  // batch is on its way: one write, one allocation at most, per batch.
  std::string writing;
  for (;;) {
    if (write_buffer_.empty()) {
      if (closed_) break;
      write_signal_->expires_at(steady_clock::time_point::max());
      writer_waiting_ = true;
      co_await write_signal_->async_wait(asio::as_tuple(asio::use_awaitable));
      writer_waiting_ = false;
      continue;
    }
    writing.clear();
    writing.swap(write_buffer_);
    const size_t bytes = writing.size();
    auto ec = co_await transport_->WriteAll(asio::buffer(writing));
    queued_write_bytes_ -= bytes;
    counters_.bytes_sent += bytes;
    WakeRoomWaiters();
    if (writing.capacity() > kKeepWriteCapacity) std::string().swap(writing);
    if (ec) {
      if (!closed_) Close(Unavailable("connection write failed: " + ec.message()));
      break;
    }
  }
  transport_->Close();
}

asio::awaitable<void> Session::KeepaliveLoop() {
  auto self = shared_from_this();
  uint64_t nonce = 0;
  while (!closed_) {
    auto step = std::min(options_.ping_interval, options_.idle_timeout);
    keepalive_timer_->expires_after(step);
    co_await keepalive_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (closed_) break;
    if (steady_clock::now() - last_received_ > options_.idle_timeout) {
      Close(DeadlineExceeded("peer was silent for longer than the idle timeout"));
      // The peer may not be reading: do not wait for the error frame to drain.
      transport_->Close();
      break;
    }
    if (started_) {
      wire::Frame ping;
      ping.mutable_ping()->set_nonce(++nonce);
      Enqueue(ping);
    }
  }
}

void Session::Enqueue(const wire::Frame& frame) {
  const size_t before = write_buffer_.size();
  EncodeFrame(frame, write_buffer_);
  Enqueued(write_buffer_.size() - before);
}

void Session::EnqueueData(uint64_t stream_id, ByteSpan data, bool end) {
  const size_t before = write_buffer_.size();
  EncodeDataFrame(stream_id, data, end, write_buffer_);
  Enqueued(write_buffer_.size() - before);
}

bool Session::HasRoom() const {
  // An empty buffer always has room, so no limit can stop every writer.
  return queued_write_bytes_ == 0 || queued_write_bytes_ < options_.max_queued_write_bytes;
}

asio::awaitable<void> Session::WaitForRoom(std::shared_ptr<detail::StreamState> state) {
  auto& s = *state;
  // Writers take turns in arrival order: a newcomer queues behind those
  // already waiting (one of them has been given the turn), and a waiter whose
  // turn came but found the room taken goes back to the front.
  bool had_turn = false;
  for (;;) {
    if (s.cancelled || s.finished || closed_) {
      WakeRoomWaiters();  // a turn this writer will not use goes on
      co_return;
    }
    if (!s.in_room_queue) {
      DropEndedRoomWaiters();
      if (HasRoom() && (had_turn || room_waiters_.empty())) co_return;
      s.in_room_queue = true;
      if (had_turn) {
        room_waiters_.push_front(state);
      } else {
        room_waiters_.push_back(state);
      }
    }
    co_await s.Wait();  // also woken by credit or a cancel: the loop re-checks
    had_turn = !s.in_room_queue;
  }
}

void Session::DropEndedRoomWaiters() {
  while (!room_waiters_.empty() &&
         (room_waiters_.front()->cancelled || room_waiters_.front()->finished)) {
    room_waiters_.front()->in_room_queue = false;
    room_waiters_.pop_front();
  }
}

void Session::WakeRoomWaiters() {
  // One writer at a time: each passes the turn on once it has enqueued its
  // piece (Write calls this again), so the buffer overshoots the limit by at
  // most one piece and a woken writer rarely finds the room gone.
  DropEndedRoomWaiters();
  if (room_waiters_.empty() || !HasRoom()) return;
  auto next = std::move(room_waiters_.front());
  room_waiters_.pop_front();
  next->in_room_queue = false;
  next->Notify();
}

void Session::Enqueued(size_t bytes) {
  queued_write_bytes_ += bytes;
  ++counters_.frames_sent;
  if (writer_waiting_) write_signal_->cancel();
}

Status Session::HandleFrame(wire::Frame& frame) {
  switch (frame.kind_case()) {
    case wire::Frame::kHello:
      return ProtocolError("hello sent twice");
    case wire::Frame::kRequest:
      return HandleRequest(*frame.mutable_request());
    case wire::Frame::kData:
      return HandleData(frame.data().stream_id(), AsBytes(frame.data().data()), frame.data().end());
    case wire::Frame::kStreamError:
      return HandleStreamError(frame.stream_error());
    case wire::Frame::kWindowUpdate:
      return HandleWindowUpdate(frame.window_update());
    case wire::Frame::kCancel:
      return HandleCancel(frame.cancel());
    case wire::Frame::kPing: {
      wire::Frame pong;
      pong.mutable_pong()->set_nonce(frame.ping().nonce());
      Enqueue(pong);
      return Status::Ok();
    }
    case wire::Frame::kPong:
      return Status::Ok();
    case wire::Frame::kError: {
      Status peer(CodeFromWire(frame.error().code()),
                  "peer closed the session: " + frame.error().message());
      Close(peer);
      return Status::Ok();
    }
    case wire::Frame::KIND_NOT_SET:
      break;
  }
  return ProtocolError("frame of an unknown kind");
}

Status Session::HandleRequest(wire::Request& request) {
  const uint64_t id = request.stream_id();
  if (id == 0 || IsLocalId(id) || id <= last_remote_id_) {
    return ProtocolError("request on stream " + std::to_string(id) +
                         " is out of order or has the wrong parity");
  }
  last_remote_id_ = id;
  if (request.window() == 0) return ProtocolError("request grants no window");
  if (incoming_streams_ >= options_.max_incoming_streams) {
    wire::Frame f;
    f.mutable_stream_error()->set_stream_id(id);
    f.mutable_stream_error()->set_code(static_cast<uint32_t>(ErrorCode::kResourceExhausted));
    f.mutable_stream_error()->set_message("too many concurrent streams on this connection");
    Enqueue(f);
    return Status::Ok();
  }
  if (!handler_) {
    wire::Frame f;
    f.mutable_stream_error()->set_stream_id(id);
    f.mutable_stream_error()->set_code(static_cast<uint32_t>(ErrorCode::kFailedPrecondition));
    f.mutable_stream_error()->set_message("this side accepts no requests");
    Enqueue(f);
    return Status::Ok();
  }
  auto state = std::make_shared<detail::StreamState>(executor_, id, false);
  state->method = std::move(*request.mutable_method());
  state->payload = ToBytes(request.payload());
  state->credit = request.window();
  state->window = request.window();
  streams_[id] = state;
  ++incoming_streams_;
  asio::co_spawn(executor_, handler_(IncomingStream(shared_from_this(), state)),
                 [id](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     spdlog::error("handler for stream {} threw: {}", id, ex.what());
                   }
                 });
  return Status::Ok();
}

Status Session::HandleData(uint64_t id, ByteSpan data, bool end) {
  if (!IsLocalId(id) || id >= next_local_id_) {
    return ProtocolError("data on stream " + std::to_string(id) + " that this side never opened");
  }
  auto it = streams_.find(id);
  if (it == streams_.end() || it->second->done) return Status::Ok();  // cancelled by us: stale
  auto& s = *it->second;
  const size_t n = data.size();
  if (s.buffered + n > options_.stream_window_bytes) {
    return ProtocolError("peer exceeded the flow-control window on stream " + std::to_string(id));
  }
  if (n > 0) {
    s.chunks.emplace_back(data.begin(), data.end());
    s.buffered += n;
    buffered_receive_bytes_ += n;
  }
  if (end) {
    s.ended = true;
    s.done = true;
  }
  if (!defer_wakes_) {
    s.Notify();
  } else if (!s.wake_pending) {
    s.wake_pending = true;
    deferred_wakes_.push_back(it->second);
  }
  return Status::Ok();
}

Status Session::HandleStreamError(const wire::StreamError& error) {
  const uint64_t id = error.stream_id();
  if (!IsLocalId(id) || id >= next_local_id_) {
    return ProtocolError("stream error on stream " + std::to_string(id) +
                         " that this side never opened");
  }
  auto it = streams_.find(id);
  if (it == streams_.end() || it->second->done) return Status::Ok();
  auto& s = *it->second;
  s.error = Status(CodeFromWire(error.code()), error.message());
  s.done = true;
  s.Notify();
  return Status::Ok();
}

Status Session::HandleWindowUpdate(const wire::WindowUpdate& update) {
  const uint64_t id = update.stream_id();
  if (IsLocalId(id) || id > last_remote_id_) {
    return ProtocolError("window update for stream " + std::to_string(id) +
                         " that the peer never opened");
  }
  auto it = streams_.find(id);
  if (it == streams_.end()) return Status::Ok();
  auto& s = *it->second;
  s.credit += update.increment();
  if (s.credit > int64_t{1} << 31) return ProtocolError("flow-control window overflow");
  s.Notify();
  return Status::Ok();
}

Status Session::HandleCancel(const wire::Cancel& cancel) {
  const uint64_t id = cancel.stream_id();
  if (IsLocalId(id) || id > last_remote_id_) {
    return ProtocolError("cancel for stream " + std::to_string(id) + " that the peer never opened");
  }
  auto it = streams_.find(id);
  if (it == streams_.end()) return Status::Ok();
  auto state = it->second;
  CancelRemote(*state, Cancelled("requester cancelled: " + cancel.reason()));
  ForgetStream(id);
  return Status::Ok();
}

void Session::CancelRemote(detail::StreamState& s, const Status& why) {
  if (s.cancelled || s.finished) return;
  s.cancelled = true;
  s.cancel_reason = why;
  s.Notify();
  auto callbacks = std::move(s.on_cancel);
  for (auto& cb : callbacks) cb(why);
}

void Session::ForgetStream(uint64_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  auto& s = *it->second;
  if (s.local) {
    buffered_receive_bytes_ -= s.buffered;
  } else {
    --incoming_streams_;
  }
  s.done = true;
  streams_.erase(it);
}

Result<StreamReader> Session::Open(std::string_view method, ByteSpan payload) {
  if (closed_) return close_reason_;
  if (!started_) return FailedPrecondition("session not started");
  const uint64_t id = next_local_id_;
  next_local_id_ += 2;
  auto state = std::make_shared<detail::StreamState>(executor_, id, true);
  streams_[id] = state;
  wire::Frame f;
  auto* r = f.mutable_request();
  r->set_stream_id(id);
  r->set_method(std::string(method));
  r->set_payload(payload.data(), payload.size());
  r->set_window(options_.stream_window_bytes);
  Enqueue(f);
  return StreamReader(shared_from_this(), state);
}

asio::awaitable<Result<Bytes>> Session::Call(std::string_view method, ByteSpan payload) {
  auto reader = Open(method, payload);
  if (!reader.ok()) co_return reader.status();
  co_return co_await reader->ReadAll();
}

void Session::Close(const Status& reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = reason.ok() ? Cancelled("session closed") : reason;
  // Tell the peer why (unless it told us); the writer flushes, then closes.
  if (!close_reason_.message().starts_with("peer closed the session")) {
    Enqueue(ErrorFrame(close_reason_));
  }
  write_signal_->cancel();
  keepalive_timer_->cancel();
  auto streams = std::move(streams_);
  streams_.clear();
  for (auto& [id, s] : streams) {
    if (s->local) {
      if (!s->done) s->error = close_reason_;
      s->done = true;
      s->Notify();
    } else {
      CancelRemote(*s, close_reason_);
    }
  }
  buffered_receive_bytes_ = 0;
  incoming_streams_ = 0;
  // Writers waiting for room were cancelled (and woken) above with their
  // streams; wake any left anyway, so none can wait on a closed session.
  for (auto& s : room_waiters_) {
    s->in_room_queue = false;
    s->Notify();
  }
  room_waiters_.clear();
  auto callbacks = std::move(on_close_);
  for (auto& cb : callbacks) cb(close_reason_);
}

void Session::OnClose(std::function<void(const Status&)> callback) {
  if (closed_) {
    callback(close_reason_);
  } else {
    on_close_.push_back(std::move(callback));
  }
}

SessionStats Session::stats() const {
  SessionStats s = counters_;
  s.queued_write_bytes = queued_write_bytes_;
  s.buffered_receive_bytes = buffered_receive_bytes_;
  s.held_read_bytes = held_read_bytes_;
  s.open_streams = streams_.size();
  return s;
}

// ---- StreamReader ----------------------------------------------------------

StreamReader::StreamReader(SessionPtr session, std::shared_ptr<detail::StreamState> state)
    : session_(std::move(session)), state_(std::move(state)) {}
StreamReader::StreamReader(StreamReader&&) noexcept = default;
StreamReader& StreamReader::operator=(StreamReader&&) noexcept = default;

StreamReader::~StreamReader() {
  // Cancels a stream still running; forgets one that is over (its end may
  // have arrived after the last Read).
  if (state_ && session_) Cancel("reader went away");
}

uint64_t StreamReader::id() const { return state_->id; }

asio::awaitable<Result<std::optional<Bytes>>> StreamReader::Read() {
  auto& s = *state_;
  while (s.chunks.empty() && !s.done) co_await s.Wait();
  if (!s.chunks.empty()) {
    Bytes chunk = std::move(s.chunks.front());
    s.chunks.pop_front();
    s.buffered -= chunk.size();
    if (session_->streams_.count(s.id)) session_->buffered_receive_bytes_ -= chunk.size();
    if (s.defer_credit) {
      s.read_not_granted += chunk.size();
      session_->held_read_bytes_ += chunk.size();
    } else {
      Acknowledge(chunk.size());
    }
    if (s.chunks.empty() && s.ended) session_->ForgetStream(s.id);
    co_return std::optional<Bytes>(std::move(chunk));
  }
  session_->ForgetStream(s.id);
  if (!s.error.ok()) co_return s.error;
  co_return std::optional<Bytes>();
}

void StreamReader::Acknowledge(size_t bytes) {
  auto& s = *state_;
  s.unacknowledged += bytes;
  // Credit goes back in half-window steps: one update per half window read.
  if (!s.ended && s.error.ok() && !session_->closed_ &&
      s.unacknowledged >= session_->options_.stream_window_bytes / 2) {
    wire::Frame f;
    f.mutable_window_update()->set_stream_id(s.id);
    f.mutable_window_update()->set_increment(static_cast<uint32_t>(s.unacknowledged));
    session_->Enqueue(f);
    s.unacknowledged = 0;
  }
}

void StreamReader::DeferCredit() { state_->defer_credit = true; }

size_t StreamReader::ReleaseHeld() {
  const size_t bytes = std::exchange(state_->read_not_granted, 0);
  session_->held_read_bytes_ -= bytes;
  return bytes;
}

void StreamReader::GrantRead() {
  const size_t bytes = ReleaseHeld();
  if (bytes > 0) Acknowledge(bytes);
}

bool StreamReader::Ready() const { return !state_->chunks.empty() || state_->done; }

asio::awaitable<Result<Bytes>> StreamReader::ReadAll(size_t max_bytes) {
  Bytes all;
  for (;;) {
    auto chunk = co_await Read();
    if (!chunk.ok()) co_return chunk.status();
    if (!*chunk) co_return all;
    if (all.size() + (*chunk)->size() > max_bytes) {
      Cancel("response too large");
      co_return ResourceExhausted("response exceeds " + std::to_string(max_bytes) + " bytes");
    }
    all.insert(all.end(), (*chunk)->begin(), (*chunk)->end());
  }
}

void StreamReader::Cancel(std::string_view reason) {
  auto& s = *state_;
  ReleaseHeld();  // nothing read is passed on any more
  if (!s.error.ok() || (s.ended && s.chunks.empty())) {
    session_->ForgetStream(s.id);  // over already; the end may not have been read
    return;
  }
  bool was_done = s.done;
  s.error = Cancelled("cancelled: " + std::string(reason));
  s.chunks.clear();
  s.done = true;
  if (!was_done && !session_->closed_) {
    wire::Frame f;
    f.mutable_cancel()->set_stream_id(s.id);
    f.mutable_cancel()->set_reason(std::string(reason));
    session_->Enqueue(f);
  }
  session_->ForgetStream(s.id);
  s.Notify();
}

// ---- IncomingStream --------------------------------------------------------

IncomingStream::IncomingStream(SessionPtr session, std::shared_ptr<detail::StreamState> state)
    : session_(std::move(session)), state_(std::move(state)) {}
IncomingStream::IncomingStream(IncomingStream&&) noexcept = default;
IncomingStream& IncomingStream::operator=(IncomingStream&&) noexcept = default;

IncomingStream::~IncomingStream() {
  if (state_ && session_ && !state_->finished && !state_->cancelled) {
    (void)Fail(Internal("the handler ended without a response"));
  }
}

const std::string& IncomingStream::method() const { return state_->method; }
const Bytes& IncomingStream::payload() const { return state_->payload; }
void IncomingStream::ReleasePayload() { Bytes().swap(state_->payload); }
uint64_t IncomingStream::id() const { return state_->id; }
bool IncomingStream::cancelled() const { return state_->cancelled; }

void IncomingStream::OnCancel(std::function<void(const Status&)> callback) {
  if (state_->cancelled) {
    callback(state_->cancel_reason);
  } else if (!state_->finished) {
    state_->on_cancel.push_back(std::move(callback));
  }
}

asio::awaitable<Status> IncomingStream::Write(ByteSpan chunk) {
  auto& s = *state_;
  // Pieces no larger than the frame limit and half the requester's window go
  // out whole, so the reader sees exactly the chunks written. (Half: the
  // reader grants credit back in half-window steps, so a writer waiting for
  // room for one piece is always released once the reader catches up.)
  const size_t max_piece =
      std::max<size_t>(1, std::min<size_t>(session_->options_.max_frame_bytes - 64, s.window / 2));
  while (!chunk.empty()) {
    const size_t n = std::min(chunk.size(), max_piece);
    while (s.credit < static_cast<int64_t>(n) && !s.cancelled && !s.finished) co_await s.Wait();
    if (!session_->HasRoom() || !session_->room_waiters_.empty()) {
      co_await session_->WaitForRoom(state_);
    }
    if (s.cancelled) co_return s.cancel_reason;
    if (s.finished) co_return FailedPrecondition("stream already ended");
    session_->EnqueueData(s.id, chunk.first(n), /*end=*/false);
    s.credit -= static_cast<int64_t>(n);
    if (!session_->room_waiters_.empty()) session_->WakeRoomWaiters();  // the next one's turn
    chunk = chunk.subspan(n);
  }
  co_return Status::Ok();
}

Status IncomingStream::Finish() {
  auto& s = *state_;
  if (s.cancelled) return s.cancel_reason;
  if (s.finished) return FailedPrecondition("stream already ended");
  s.finished = true;
  session_->EnqueueData(s.id, {}, /*end=*/true);
  session_->ForgetStream(s.id);
  s.Notify();  // a Write still waiting (for credit or room) ends
  return Status::Ok();
}

Status IncomingStream::Fail(const Status& error) {
  auto& s = *state_;
  if (s.cancelled) return s.cancel_reason;
  if (s.finished) return FailedPrecondition("stream already ended");
  s.finished = true;
  wire::Frame f;
  f.mutable_stream_error()->set_stream_id(s.id);
  f.mutable_stream_error()->set_code(
      static_cast<uint32_t>(error.ok() ? ErrorCode::kInternal : error.code()));
  f.mutable_stream_error()->set_message(error.message());
  session_->Enqueue(f);
  session_->ForgetStream(s.id);
  s.Notify();  // a Write still waiting (for credit or room) ends
  return Status::Ok();
}

}  // namespace cocoon::net
