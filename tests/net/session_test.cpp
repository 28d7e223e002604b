// Sessions over real loopback sockets: multiplexing, flow control,
// cancellation, keepalive and protocol violations from a raw peer.
#include "net/session.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <map>

#include "support/loopback.h"

namespace cocoon::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Deterministic content for stream `seed`, so each stream's bytes differ.
Bytes Pattern(size_t n, uint32_t seed) {
  Bytes b(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : b) {
    x = x * 1103515245u + 12345u;
    c = static_cast<uint8_t>(x >> 16);
  }
  return b;
}

size_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

asio::awaitable<void> Sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

class SessionTest : public ::testing::Test {
 protected:
  // Starts a dialing and an accepting session on a loopback pair.
  void StartPair(RequestHandler server_handler, SessionOptions client_opts = {},
                 SessionOptions server_opts = {}) {
    auto [a, b] = testing::SocketPair(io_);
    client_ = Session::Create(MakeTcpTransport(std::move(a)), true, client_opts, nullptr);
    server_ = Session::Create(MakeTcpTransport(std::move(b)), false, server_opts,
                              std::move(server_handler));
    Status cs = Internal("pending"), ss = Internal("pending");
    int done = 0;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          cs = co_await client_->Start();
          ++done;
        },
        asio::detached);
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          ss = co_await server_->Start();
          ++done;
        },
        asio::detached);
    testing::RunUntil(io_, [&] { return done == 2; });
    ASSERT_TRUE(cs.ok()) << cs.ToString();
    ASSERT_TRUE(ss.ok()) << ss.ToString();
  }

  void TearDown() override {
    if (client_) client_->Close(Status::Ok());
    if (server_) server_->Close(Status::Ok());
    io_.run_for(50ms);
  }

  asio::io_context io_;
  SessionPtr client_, server_;
};

RequestHandler EchoPattern() {
  // Payload: decimal size; response: Pattern(size, stream id) in 3 chunks.
  return [](IncomingStream s) -> asio::awaitable<void> {
    size_t n = std::stoul(ToString(s.payload()));
    Bytes body = Pattern(n, static_cast<uint32_t>(s.id()));
    size_t third = n / 3;
    ByteSpan all(body);
    if (!(co_await s.Write(all.subspan(0, third))).ok()) co_return;
    if (!(co_await s.Write(all.subspan(third, third))).ok()) co_return;
    if (!(co_await s.Write(all.subspan(2 * third))).ok()) co_return;
    (void)s.Finish();
  };
}

// A handler that has parsed its request frees it instead of holding it for
// as long as it answers.
TEST_F(SessionTest, AHandlerCanReleaseTheRequestPayload) {
  size_t before = 0;
  size_t capacity_after = 1;
  StartPair([&](IncomingStream s) -> asio::awaitable<void> {
    before = s.payload().size();
    s.ReleasePayload();
    capacity_after = s.payload().capacity();
    (void)co_await s.Write(AsBytes("ok"));
    (void)s.Finish();
  });
  Result<Bytes> got = Internal("pending");
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        got = co_await client_->Call("big", Pattern(100000, 7));
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(ToString(*got), "ok");
  EXPECT_EQ(before, 100000u);
  EXPECT_EQ(capacity_after, 0u);
}

TEST_F(SessionTest, UnaryCallRoundTrip) {
  StartPair(EchoPattern());
  EXPECT_EQ(client_->version(), kProtocolVersion);
  Result<Bytes> got = Internal("pending");
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        got = co_await client_->Call("echo", AsBytes("1000"));
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, Pattern(1000, 1));
}

TEST_F(SessionTest, ThousandConcurrentStreamsCompleteWithTheRightBytes) {
  StartPair(EchoPattern());
  constexpr int kStreams = 1000;
  int ok = 0, finished = 0;
  for (int i = 0; i < kStreams; ++i) {
    size_t size = 1000 + static_cast<size_t>(i) * 37;
    asio::co_spawn(
        io_,
        [&, size]() -> asio::awaitable<void> {
          auto reader = client_->Open("echo", AsBytes(std::to_string(size)));
          if (reader.ok()) {
            uint32_t id = static_cast<uint32_t>(reader->id());
            auto body = co_await reader->ReadAll();
            if (body.ok() && *body == Pattern(size, id)) ++ok;
          }
          ++finished;
        },
        asio::detached);
  }
  testing::RunUntil(
      io_, [&] { return finished == kStreams; }, 60s);
  EXPECT_EQ(ok, kStreams);
  EXPECT_EQ(client_->stats().open_streams, 0u);
  EXPECT_EQ(server_->stats().open_streams, 0u);
}

TEST_F(SessionTest, CancelReachesTheResponder) {
  Status write_result;
  Status cancel_seen;
  bool handler_done = false;
  StartPair([&](IncomingStream s) -> asio::awaitable<void> {
    s.OnCancel([&](const Status& why) { cancel_seen = why; });
    for (;;) {
      write_result = co_await s.Write(AsBytes("tick"));
      if (!write_result.ok()) break;
      co_await Sleep(5ms);
    }
    handler_done = true;
  });
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto reader = client_->Open("ticks", {});
        auto first = co_await reader->Read();
        EXPECT_TRUE(first.ok());
        reader->Cancel("user went away");
        auto after = co_await reader->Read();
        EXPECT_EQ(after.status().code(), ErrorCode::kCancelled);
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return handler_done; });
  EXPECT_EQ(write_result.code(), ErrorCode::kCancelled);
  EXPECT_EQ(cancel_seen.code(), ErrorCode::kCancelled);
  EXPECT_NE(cancel_seen.message().find("user went away"), std::string::npos);
}

TEST_F(SessionTest, ResponderFailureReachesTheReader) {
  StartPair([](IncomingStream s) -> asio::awaitable<void> {
    (void)co_await s.Write(AsBytes("partial"));
    (void)s.Fail(PermissionDenied("model not allowed"));
  });
  Result<Bytes> got = Internal("pending");
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        got = co_await client_->Call("x", {});
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  EXPECT_EQ(got.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(got.status().message(), "model not allowed");
}

TEST_F(SessionTest, HandlerThatReturnsWithoutAnswerFailsTheStream) {
  StartPair([](IncomingStream) -> asio::awaitable<void> { co_return; });
  Result<Bytes> got = Internal("pending");
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        got = co_await client_->Call("x", {});
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  EXPECT_EQ(got.status().code(), ErrorCode::kInternal);
}

TEST_F(SessionTest, ReaderThatStopsReadingBoundsTheSendersMemory) {
  constexpr size_t kChunk = 64 << 10;
  constexpr size_t kAttempted = size_t{1} << 30;  // 1 GiB, far more than any buffer
  SessionOptions opts;
  opts.stream_window_bytes = 256 << 10;
  size_t written = 0;
  Status last;
  bool handler_done = false;
  StartPair(
      [&](IncomingStream s) -> asio::awaitable<void> {
        Bytes chunk = Pattern(kChunk, 1);
        while (written < kAttempted) {
          last = co_await s.Write(chunk);
          if (!last.ok()) break;
          written += kChunk;
        }
        handler_done = true;
      },
      opts, opts);
  const size_t rss_before = RssBytes();
  std::optional<StreamReader> reader;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        reader.emplace(*client_->Open("flood", {}));
        co_return;
      },
      asio::detached);
  io_.run_for(1500ms);  // the reader reads nothing meanwhile
  const size_t rss_after = RssBytes();
  auto sender = server_->stats();
  auto receiver = client_->stats();
  EXPECT_LE(written, opts.stream_window_bytes + kChunk);
  EXPECT_LE(sender.queued_write_bytes, opts.stream_window_bytes + 4096);
  EXPECT_LE(receiver.buffered_receive_bytes, opts.stream_window_bytes);
  EXPECT_LT(rss_after, rss_before + (32u << 20)) << "RSS grew by " << (rss_after - rss_before);
  RecordProperty("sender_written_bytes", std::to_string(written));
  RecordProperty("rss_growth_bytes", std::to_string(rss_after - std::min(rss_before, rss_after)));

  // Reading again resumes the flow; cancelling stops the writer.
  bool reader_done = false;
  size_t read_bytes = 0;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        while (read_bytes < (4u << 20)) {
          auto c = co_await reader->Read();
          if (!c.ok() || !*c) break;
          read_bytes += (*c)->size();
        }
        reader->Cancel("enough");
        reader_done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return reader_done && handler_done; });
  EXPECT_GE(read_bytes, 4u << 20);
  EXPECT_EQ(last.code(), ErrorCode::kCancelled);
}

TEST_F(SessionTest, KeepaliveKeepsAQuietSessionOpen) {
  SessionOptions opts;
  opts.ping_interval = 50ms;
  opts.idle_timeout = 300ms;
  StartPair(EchoPattern(), opts, opts);
  io_.run_for(1s);
  EXPECT_FALSE(client_->closed()) << client_->close_reason().ToString();
  EXPECT_FALSE(server_->closed());
}

TEST_F(SessionTest, VersionMismatchIsRefusedByBothSides) {
  auto [a, b] = testing::SocketPair(io_);
  SessionOptions v1, v23;
  v23.min_version = 2;
  v23.max_version = 3;
  auto c = Session::Create(MakeTcpTransport(std::move(a)), true, v1, nullptr);
  auto s = Session::Create(MakeTcpTransport(std::move(b)), false, v23, nullptr);
  Status cs, ss;
  int done = 0;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        cs = co_await c->Start();
        ++done;
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        ss = co_await s->Start();
        ++done;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done == 2; });
  EXPECT_NE(cs.message().find("no common protocol version"), std::string::npos) << cs.ToString();
  EXPECT_NE(ss.message().find("no common protocol version"), std::string::npos) << ss.ToString();
}

// ---- a raw peer that speaks bytes, not the protocol --------------------------

std::string Encoded(const wire::Frame& f) {
  std::string out;
  EncodeFrame(f, out);
  return out;
}

std::string HelloBytes() {
  wire::Frame f;
  f.mutable_hello()->set_min_version(1);
  f.mutable_hello()->set_max_version(1);
  return Encoded(f);
}

class RawPeerTest : public ::testing::Test {
 protected:
  // Starts a session (accepting side, echo handler) facing a raw socket that
  // sends `bytes` and then reads until the session closes the connection.
  // Returns the session's close reason; `error_frame` gets the Error frame
  // the session sent, if any.
  Status Run(const std::string& bytes, SessionOptions opts = {}, bool initiator = false,
             std::function<void(Session&)> after_start = nullptr,
             const std::string& later_bytes = "") {
    auto [raw, b] = testing::SocketPair(io_);
    session_ = Session::Create(MakeTcpTransport(std::move(b)), initiator, opts, EchoPattern());
    bool raw_done = false;
    asio::co_spawn(
        io_, [&, this]() -> asio::awaitable<void> { (void)co_await session_->Start(); },
        asio::detached);
    if (after_start) {
      asio::co_spawn(
          io_,
          [&, this]() -> asio::awaitable<void> {
            co_await Sleep(20ms);
            after_start(*session_);
          },
          asio::detached);
    }
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await asio::async_write(raw, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
          if (!later_bytes.empty()) {
            co_await Sleep(100ms);
            co_await asio::async_write(raw, asio::buffer(later_bytes),
                                       asio::as_tuple(asio::use_awaitable));
          }
          std::string received;
          char buf[4096];
          for (;;) {
            auto [ec, n] = co_await raw.async_read_some(asio::buffer(buf),
                                                        asio::as_tuple(asio::use_awaitable));
            if (ec) break;
            received.append(buf, n);
          }
          FrameDecoder d(1 << 20);
          d.Append(AsBytes(received));
          for (;;) {
            auto f = d.Next();
            if (!f.ok() || !*f) break;
            if ((*f)->has_error()) error_frame_ = (*f)->error().message();
          }
          raw_done = true;
        },
        asio::detached);
    testing::RunUntil(io_, [&] { return raw_done && session_->closed(); });
    return session_->close_reason();
  }

  asio::io_context io_;
  SessionPtr session_;
  std::string error_frame_;
};

TEST_F(RawPeerTest, GarbageAfterHelloClosesWithAnErrorFrame) {
  Status s = Run(HelloBytes() + std::string("\x00\x00\x00\x05garbage", 11));
  EXPECT_EQ(s.code(), ErrorCode::kProtocol);
  EXPECT_FALSE(error_frame_.empty());
}

TEST_F(RawPeerTest, OversizedFrameIsRefusedWithoutAllocating) {
  Status s = Run(HelloBytes() + std::string("\x7f\xff\xff\xff", 4));
  EXPECT_EQ(s.code(), ErrorCode::kProtocol);
  EXPECT_NE(s.message().find("exceeds the limit"), std::string::npos);
  EXPECT_NE(error_frame_.find("exceeds the limit"), std::string::npos);
}

TEST_F(RawPeerTest, FirstFrameMustBeHello) {
  wire::Frame ping;
  ping.mutable_ping()->set_nonce(1);
  Status s = Run(Encoded(ping));
  EXPECT_NE(s.message().find("first frame must be hello"), std::string::npos) << s.ToString();
}

TEST_F(RawPeerTest, DataOnAStreamNeverOpenedIsAViolation) {
  wire::Frame data;
  data.mutable_data()->set_stream_id(2);  // the accepting side's parity, never opened
  data.mutable_data()->set_data("x");
  Status s = Run(HelloBytes() + Encoded(data));
  EXPECT_EQ(s.code(), ErrorCode::kProtocol);
  EXPECT_NE(s.message().find("never opened"), std::string::npos) << s.ToString();
}

TEST_F(RawPeerTest, RequestsOutOfOrderAreAViolation) {
  wire::Frame r5, r3;
  r5.mutable_request()->set_stream_id(5);
  r5.mutable_request()->set_payload("10");
  r5.mutable_request()->set_window(1 << 16);
  r3 = r5;
  r3.mutable_request()->set_stream_id(3);
  Status s = Run(HelloBytes() + Encoded(r5) + Encoded(r3));
  EXPECT_EQ(s.code(), ErrorCode::kProtocol);
  EXPECT_NE(s.message().find("out of order"), std::string::npos) << s.ToString();
}

TEST_F(RawPeerTest, PeerExceedingTheWindowIsAViolation) {
  SessionOptions opts;
  opts.stream_window_bytes = 1024;
  wire::Frame data;
  data.mutable_data()->set_stream_id(1);  // the stream the session opens first
  data.mutable_data()->set_data(std::string(2048, 'x'));
  // The raw peer is the accepting side; the session dials and opens stream 1,
  // then the peer answers with more than the 1 KiB window allows.
  std::optional<StreamReader> reader;
  Status s = Run(
      HelloBytes(), opts, /*initiator=*/true,
      [&](Session& session) { reader.emplace(*session.Open("m", {})); }, Encoded(data));
  EXPECT_EQ(s.code(), ErrorCode::kProtocol);
  EXPECT_NE(s.message().find("flow-control window"), std::string::npos) << s.ToString();
}

TEST_F(RawPeerTest, TruncatedFrameFromASilentPeerIsDropped) {
  std::string hello = HelloBytes();
  wire::Frame ping;
  ping.mutable_ping()->set_nonce(9);
  std::string p = Encoded(ping);
  SessionOptions opts;
  opts.ping_interval = 50ms;
  opts.idle_timeout = 300ms;
  // The peer never completes its frame and then goes quiet: the session
  // drops it instead of waiting forever for the missing byte.
  Status s = Run(hello + p.substr(0, p.size() - 1), opts);
  EXPECT_EQ(s.code(), ErrorCode::kDeadlineExceeded) << s.ToString();
}

TEST_F(RawPeerTest, SilentPeerIsDroppedAfterTheIdleTimeout) {
  SessionOptions opts;
  opts.ping_interval = 50ms;
  opts.idle_timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  Status s = Run(HelloBytes(), opts);
  EXPECT_EQ(s.code(), ErrorCode::kDeadlineExceeded) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace cocoon::net

namespace cocoon::net {
namespace {

TEST_F(SessionTest, ChunksUpToHalfTheWindowArriveWholeAndNeverDeadlock) {
  // Sizes that straddle the credit left after earlier chunks: a writer that
  // waited for room for a whole piece must always be released.
  SessionOptions opts;
  opts.stream_window_bytes = 1000;
  const std::vector<size_t> sizes = {500, 499, 1, 300, 500, 7, 450, 500, 500, 2, 499};
  StartPair(
      [&](IncomingStream s) -> asio::awaitable<void> {
        for (size_t i = 0; i < sizes.size(); ++i) {
          if (!(co_await s.Write(Pattern(sizes[i], static_cast<uint32_t>(i)))).ok()) co_return;
        }
        (void)s.Finish();
      },
      opts, opts);
  std::vector<Bytes> got;
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto reader = client_->Open("chunks", {});
        for (;;) {
          auto c = co_await reader->Read();
          if (!c.ok() || !*c) break;
          got.push_back(std::move(**c));
          co_await Sleep(1ms);  // a slow reader
        }
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  ASSERT_EQ(got.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i)
    EXPECT_EQ(got[i], Pattern(sizes[i], static_cast<uint32_t>(i)));
}

TEST_F(SessionTest, DeferredCreditHoldsTheResponderUntilTheReadBytesAreGranted) {
  // A relay reads what arrived but still holds it: with DeferCredit the
  // responder may not send more until GrantRead, so the bytes here (buffered
  // plus held) stay within one window.
  constexpr size_t kPiece = 4 << 10;
  SessionOptions opts;
  opts.stream_window_bytes = 32 << 10;
  size_t written = 0;
  StartPair(
      [&](IncomingStream s) -> asio::awaitable<void> {
        for (int i = 0; i < 64; ++i) {
          if (!(co_await s.Write(Pattern(kPiece, static_cast<uint32_t>(i)))).ok()) co_return;
          written += kPiece;
        }
        (void)s.Finish();
      },
      opts, opts);
  std::optional<StreamReader> reader;
  size_t held = 0;
  bool drained = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        reader.emplace(*client_->Open("pieces", {}));
        reader->DeferCredit();
        while (held < opts.stream_window_bytes) {
          auto c = co_await reader->Read();
          if (!c.ok() || !*c) co_return;
          held += (*c)->size();
        }
        drained = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return drained; });
  io_.run_for(300ms);  // time for any credit to reach the responder
  EXPECT_EQ(held, opts.stream_window_bytes);
  EXPECT_EQ(written, opts.stream_window_bytes);
  EXPECT_FALSE(reader->Ready());
  EXPECT_EQ(client_->stats().held_read_bytes, held);  // what /stats shows as held

  // Granting what was read lets the rest of the stream through.
  reader->GrantRead();
  EXPECT_EQ(client_->stats().held_read_bytes, 0u);
  size_t total = held;
  bool done = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        for (;;) {
          auto c = co_await reader->Read();
          if (!c.ok() || !*c) break;
          total += (*c)->size();
          reader->GrantRead();
        }
        done = true;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return done; });
  EXPECT_EQ(total, 64 * kPiece);
  EXPECT_EQ(client_->stats().held_read_bytes, 0u);
}

TEST_F(SessionTest, BytesHeldUnderDeferredCreditAreNoLongerCountedOnceTheReaderCancels) {
  StartPair([&](IncomingStream s) -> asio::awaitable<void> {
    (void)co_await s.Write(Pattern(1000, 1));
    co_await Sleep(std::chrono::seconds(10));  // still running when the reader gives up
  });
  std::optional<StreamReader> reader;
  bool read = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        reader.emplace(*client_->Open("one", {}));
        reader->DeferCredit();
        auto c = co_await reader->Read();
        read = c.ok() && *c && (*c)->size() == 1000;
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return read; });
  EXPECT_EQ(client_->stats().held_read_bytes, 1000u);
  reader.reset();  // cancels the stream
  EXPECT_EQ(client_->stats().held_read_bytes, 0u);
}

// A session (accepting side) whose handler writes `per_stream` bytes on each
// stream, facing a raw peer that opens streams with a 1 GiB window each and
// reads its socket only when told to. Small socket buffers keep the kernel
// from absorbing what the session must hold back.
class SendBufferTest : public ::testing::Test {
 protected:
  static constexpr size_t kChunk = 64 << 10;

  void Start(size_t streams, size_t per_stream) {
    streams_ = streams;
    auto [raw, b] = testing::SocketPair(io_);
    raw.set_option(asio::socket_base::receive_buffer_size(64 << 10));
    b.set_option(asio::socket_base::send_buffer_size(64 << 10));
    raw_.emplace(std::move(raw));
    opts_.max_queued_write_bytes = 1 << 20;
    session_ =
        Session::Create(MakeTcpTransport(std::move(b)), /*initiator=*/false, opts_,
                        [this, per_stream](IncomingStream s) -> asio::awaitable<void> {
                          Bytes chunk = Pattern(kChunk, static_cast<uint32_t>(s.id()));
                          Status written;
                          for (size_t sent = 0; sent < per_stream && written.ok(); sent += kChunk) {
                            written = co_await s.Write(chunk);
                          }
                          if (written.ok()) (void)s.Finish();
                          results_[s.id()] = written;
                        });
    asio::co_spawn(
        io_, [this]() -> asio::awaitable<void> { (void)co_await session_->Start(); },
        asio::detached);
    std::string opening = HelloBytes();
    for (uint64_t i = 0; i < streams; ++i) {
      wire::Frame r;
      r.mutable_request()->set_stream_id(2 * i + 1);
      r.mutable_request()->set_method("flood");
      r.mutable_request()->set_window(1u << 30);
      opening += Encoded(r);
    }
    SendRaw(opening);
  }

  void SendRaw(std::string bytes) {
    bool sent = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await asio::async_write(*raw_, asio::buffer(bytes),
                                     asio::as_tuple(asio::use_awaitable));
          sent = true;
        },
        asio::detached);
    testing::RunUntil(io_, [&] { return sent; });
  }

  // Reads the raw socket until every stream ended or was cancelled.
  void ReadAll() {
    size_t ended = 0;
    bool closed = false;
    const size_t expected = streams_ - cancelled_;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          FrameDecoder decoder(2 << 20);
          std::vector<char> buf(1 << 16);
          while (ended < expected) {
            auto [ec, n] = co_await raw_->async_read_some(asio::buffer(buf),
                                                          asio::as_tuple(asio::use_awaitable));
            if (ec) break;
            decoder.Append(ByteSpan(reinterpret_cast<const uint8_t*>(buf.data()), n));
            for (;;) {
              auto f = decoder.Next();
              if (!f.ok() || !*f) break;
              if (!(*f)->has_data()) continue;
              received_[(*f)->data().stream_id()] += (*f)->data().data().size();
              if ((*f)->data().end()) ++ended;
            }
          }
          closed = true;
        },
        asio::detached);
    testing::RunUntil(io_, [&] { return closed; });
  }

  void TearDown() override {
    if (session_) session_->Close(Status::Ok());
    io_.run_for(50ms);
  }

  asio::io_context io_;
  std::optional<asio::ip::tcp::socket> raw_;
  SessionOptions opts_;
  SessionPtr session_;
  size_t streams_ = 0;
  size_t cancelled_ = 0;
  std::map<uint64_t, Status> results_;   // each handler's last write
  std::map<uint64_t, size_t> received_;  // data bytes per stream, read by ReadAll
};

TEST_F(SendBufferTest, APeerThatGrantsCreditButDoesNotReadCannotGrowTheSendBuffer) {
  // Credit alone must not let the writers queue everything.
  constexpr size_t kPerStream = 8u << 20;
  Start(4, kPerStream);
  io_.run_for(500ms);  // the writers fill whatever they are allowed to
  EXPECT_LE(session_->stats().queued_write_bytes, opts_.max_queued_write_bytes + kChunk + 64);
  EXPECT_TRUE(results_.empty()) << "a writer finished without the peer reading";

  // Reading again lets every stream finish with all its bytes.
  ReadAll();
  ASSERT_EQ(results_.size(), 4u);
  for (uint64_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(results_[2 * i + 1].ok()) << results_[2 * i + 1].ToString();
    EXPECT_EQ(received_[2 * i + 1], kPerStream);
  }
}

TEST_F(SendBufferTest, ACancelReleasesAWriterWaitingForRoom) {
  Start(3, 8u << 20);
  io_.run_for(300ms);
  ASSERT_TRUE(results_.empty());
  wire::Frame cancel;
  cancel.mutable_cancel()->set_stream_id(3);
  cancel.mutable_cancel()->set_reason("enough");
  SendRaw(Encoded(cancel));  // the peer still reads nothing
  testing::RunUntil(
      io_, [&] { return results_.count(3) > 0; }, 5s);
  EXPECT_EQ(results_[3].code(), ErrorCode::kCancelled) << results_[3].ToString();
  EXPECT_EQ(results_.size(), 1u);

  cancelled_ = 1;
  ReadAll();  // the others still get every byte
  EXPECT_EQ(received_[1], 8u << 20);
  EXPECT_EQ(received_[5], 8u << 20);
}

TEST_F(SessionTest, AStreamWhoseEndArrivesAfterItsLastReadIsForgotten) {
  StartPair([](IncomingStream s) -> asio::awaitable<void> {
    if (!(co_await s.Write(Pattern(100, 1))).ok()) co_return;
    co_await Sleep(100ms);  // the end comes in a later read than the data
    (void)s.Finish();
  });
  bool read = false;
  std::optional<StreamReader> reader;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        reader.emplace(*client_->Open("late-end", {}));
        auto chunk = co_await reader->Read();
        read = chunk.ok() && chunk->has_value();
      },
      asio::detached);
  testing::RunUntil(io_, [&] { return read; });
  io_.run_for(300ms);  // the end arrives; nobody reads it
  EXPECT_EQ(client_->stats().open_streams, 1u);
  reader.reset();
  EXPECT_EQ(client_->stats().open_streams, 0u);
}

}  // namespace
}  // namespace cocoon::net
