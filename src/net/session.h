// Session: many concurrent request/response streams multiplexed over one
// connection (DESIGN.md §2, module net).
//
// Either side may send requests. A request carries a method name and a
// payload; the response is a stream of chunks with per-stream flow control:
// the responder may only send as many bytes as the requester granted, and the
// requester grants more as its application consumes them, so a reader that
// stops reading stops the writer instead of growing its buffers. Requester
// and responder can each end a stream early (Cancel / Fail). The first
// exchange negotiates the protocol version; keepalive pings run while idle,
// and a peer silent for longer than the idle timeout is dropped. Any protocol
// violation gets an Error frame (where the connection still works) and the
// connection is closed; it never crashes the process.
//
// Threading: a Session and its streams belong to one executor (a
// single-threaded io_context or a strand). Every method must be called, and
// every returned awaitable awaited, on that executor.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/frame_codec.h"
#include "net/transport.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::net {

inline constexpr uint32_t kProtocolVersion = 1;

struct SessionOptions {
  size_t max_frame_bytes = 1 << 20;
  // Per-stream receive window: what one stream may hold in buffers at each
  // end, so it bounds a relay's memory per stream (in and out: 64 KiB). An
  // answer streams at generation speed; 32 KiB is a hundred or more events.
  uint32_t stream_window_bytes = 32 << 10;
  uint32_t max_incoming_streams = 16384;  // concurrent streams the peer may open
  // Stream data writes wait, taking turns, while this many encoded bytes
  // wait for the socket, so the stream data a connection buffers is bounded
  // whatever credit its streams hold (a peer that grants credit but reads
  // slowly, or thousands of streams each with a full window); it may exceed
  // the limit by one piece. It also bounds how long a new stream's first
  // bytes queue behind older streams' data. Requests and control frames
  // never wait; a writer never waits on an empty buffer.
  size_t max_queued_write_bytes = 1 << 20;
  std::chrono::milliseconds ping_interval{10000};
  std::chrono::milliseconds idle_timeout{30000};  // also bounds the hello exchange
  uint32_t min_version = kProtocolVersion;
  uint32_t max_version = kProtocolVersion;
};

struct SessionStats {
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  size_t queued_write_bytes = 0;      // encoded frames waiting for the socket
  size_t buffered_receive_bytes = 0;  // received stream data not yet read
  // Read under deferred credit (StreamReader::DeferCredit) and not yet
  // granted back: what the application holds until it has passed it on.
  size_t held_read_bytes = 0;
  size_t open_streams = 0;
};

class Session;
using SessionPtr = std::shared_ptr<Session>;

namespace detail {
struct StreamState;
}

// The reading side of a stream this side opened. Destroying it before the
// end cancels the stream.
class StreamReader {
 public:
  StreamReader(SessionPtr session, std::shared_ptr<detail::StreamState> state);
  StreamReader(StreamReader&&) noexcept;
  StreamReader& operator=(StreamReader&&) noexcept;
  ~StreamReader();

  // The next chunk; nullopt at the end of the stream; an error when the peer
  // failed or cancelled the stream or the connection closed.
  boost::asio::awaitable<Result<std::optional<Bytes>>> Read();
  // Whether Read would complete without waiting (a chunk has arrived, or
  // the stream is over).
  bool Ready() const;
  // Reads to the end and concatenates (for unary calls).
  boost::asio::awaitable<Result<Bytes>> ReadAll(size_t max_bytes = 64 << 20);
  // Tells the responder to stop; later Reads fail with kCancelled.
  void Cancel(std::string_view reason);
  // For relays: from now on the bytes Read returns are granted back to the
  // responder only at GrantRead(), so what the application still holds (a
  // piece waiting to be written onwards) counts against the window and the
  // stream's memory here stays within about one window. Call GrantRead()
  // once the read bytes are passed on, and before waiting for more (a
  // responder blocked on credit is otherwise never released).
  void DeferCredit();
  void GrantRead();
  uint64_t id() const;

 private:
  // Counts `bytes` as consumed; grants credit back once half a window is.
  void Acknowledge(size_t bytes);
  // Stops counting what was read and not granted as held; returns it.
  size_t ReleaseHeld();

  SessionPtr session_;
  std::shared_ptr<detail::StreamState> state_;
};

// A request from the peer, handed to the RequestHandler. Destroying it
// without Finish() or Fail() fails the stream with an internal error.
class IncomingStream {
 public:
  IncomingStream(SessionPtr session, std::shared_ptr<detail::StreamState> state);
  IncomingStream(IncomingStream&&) noexcept;
  IncomingStream& operator=(IncomingStream&&) noexcept;
  ~IncomingStream();

  const std::string& method() const;
  const Bytes& payload() const;
  // Frees the request payload (payload() is empty afterwards): a handler
  // that has parsed it need not keep a copy for as long as it answers.
  void ReleasePayload();
  uint64_t id() const;

  // Sends a chunk, waiting for flow-control credit as needed. A chunk no
  // larger than the frame limit and half the requester's window arrives whole
  // (one Read returns it), so chunks can carry messages; larger ones are split.
  // Fails with kCancelled if the requester cancelled, or with the session's
  // close reason if the connection closed.
  boost::asio::awaitable<Status> Write(ByteSpan chunk);
  // Ends the stream successfully.
  Status Finish();
  // Ends the stream with an error the requester will read.
  Status Fail(const Status& error);

  bool cancelled() const;
  // Runs `callback` (once, on the session's executor) when the requester
  // cancels or the connection closes before the stream ended.
  void OnCancel(std::function<void(const Status&)> callback);

 private:
  SessionPtr session_;
  std::shared_ptr<detail::StreamState> state_;
};

using RequestHandler = std::function<boost::asio::awaitable<void>(IncomingStream)>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `initiator` is true on the side that dialed the connection.
  static SessionPtr Create(std::unique_ptr<Transport> transport, bool initiator,
                           SessionOptions options, RequestHandler handler);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Exchanges Hello frames and starts the session's loops. An error if the
  // peer speaks no common version, breaks the protocol or stays silent.
  boost::asio::awaitable<Status> Start();

  // Opens a stream. Fails only if the session is closed.
  Result<StreamReader> Open(std::string_view method, ByteSpan payload);
  // Open + ReadAll.
  boost::asio::awaitable<Result<Bytes>> Call(std::string_view method, ByteSpan payload);

  // Closes the connection, telling the peer why; streams fail with `reason`.
  void Close(const Status& reason);
  bool closed() const { return closed_; }
  // Why the session closed (OK while open).
  const Status& close_reason() const { return close_reason_; }
  // Runs `callback` once when the session closes.
  void OnClose(std::function<void(const Status&)> callback);

  uint32_t version() const { return version_; }
  SessionStats stats() const;
  boost::asio::any_io_executor executor() const { return executor_; }

 private:
  friend class StreamReader;
  friend class IncomingStream;

  Session(std::unique_ptr<Transport> transport, bool initiator, SessionOptions options,
          RequestHandler handler);

  boost::asio::awaitable<void> WriteLoop();
  boost::asio::awaitable<void> ReadLoop();
  boost::asio::awaitable<void> KeepaliveLoop();
  // Reads until the decoder yields a frame.
  boost::asio::awaitable<Result<wire::Frame>> ReadFrame();
  // Reads what the transport has into the decoder.
  boost::asio::awaitable<Status> ReadMore();
  // Wakes the readers whose streams got data while wakes were deferred.
  void WakeDeferred();
  Status HandleFrame(wire::Frame& frame);
  Status HandleRequest(wire::Request& request);
  Status HandleData(uint64_t id, ByteSpan data, bool end);
  Status HandleStreamError(const wire::StreamError& error);
  Status HandleWindowUpdate(const wire::WindowUpdate& update);
  Status HandleCancel(const wire::Cancel& cancel);
  // Ids the peer opens have the opposite parity of ours.
  bool IsLocalId(uint64_t id) const;

  void Enqueue(const wire::Frame& frame);
  // Enqueue for a StreamData frame, encoded without building the message.
  void EnqueueData(uint64_t stream_id, ByteSpan data, bool end);
  void Enqueued(size_t bytes);
  void ForgetStream(uint64_t id);
  // Waits until the send buffer is below max_queued_write_bytes (or the
  // stream ended); waiters are released in arrival order.
  boost::asio::awaitable<void> WaitForRoom(std::shared_ptr<detail::StreamState> state);
  // Gives the next waiting writer its turn if the buffer has room.
  void WakeRoomWaiters();
  // Pops waiters at the front whose streams ended while they waited.
  void DropEndedRoomWaiters();
  bool HasRoom() const;
  void CancelRemote(detail::StreamState& state, const Status& why);

  std::unique_ptr<Transport> transport_;
  boost::asio::any_io_executor executor_;
  const bool initiator_;
  const SessionOptions options_;
  RequestHandler handler_;

  uint32_t version_ = 0;
  bool started_ = false;
  bool closed_ = false;
  Status close_reason_;
  std::vector<std::function<void(const Status&)>> on_close_;

  FrameDecoder decoder_;
  std::array<char, 64 << 10> read_buffer_;  // one read at a time (ReadLoop)
  bool defer_wakes_ = false;                // ReadLoop is handling received frames
  std::vector<std::shared_ptr<detail::StreamState>> deferred_wakes_;
  // Encoded frames not yet handed to the transport. A writer buffer larger
  // than kKeepWriteCapacity is released after its batch.
  static constexpr size_t kKeepWriteCapacity = 64 << 10;
  std::string write_buffer_;
  size_t queued_write_bytes_ = 0;
  std::unique_ptr<boost::asio::steady_timer> write_signal_;
  bool writer_waiting_ = false;  // WriteLoop waits on write_signal_
  // Writers waiting for room, each at most once (StreamState::in_room_queue).
  std::deque<std::shared_ptr<detail::StreamState>> room_waiters_;
  std::unique_ptr<boost::asio::steady_timer> keepalive_timer_;
  std::chrono::steady_clock::time_point last_received_;

  std::unordered_map<uint64_t, std::shared_ptr<detail::StreamState>> streams_;
  uint64_t next_local_id_;
  uint64_t last_remote_id_ = 0;
  size_t incoming_streams_ = 0;
  size_t buffered_receive_bytes_ = 0;
  size_t held_read_bytes_ = 0;  // sum of the streams' read_not_granted
  SessionStats counters_;
};

}  // namespace cocoon::net
