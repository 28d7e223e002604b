// Drives a whole Session with a scripted peer: the input is read as a list of
// operations (frames of every kind with arbitrary ids, windows and sizes, and
// raw bytes), encoded and handed to the session in arbitrary splits, while
// the session's own handlers write answers, fail, cancel and read streams it
// opened (with deferred credit), through a transport that stalls its writes
// so flow control and the send-buffer limit come into play. The session must
// never crash, must write only well-formed frames, and must wind down once
// the peer's bytes end: io_context::run() returning is the check that no
// coroutine is left waiting forever.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/frame_codec.h"
#include "net/session.h"

namespace {

namespace asio = boost::asio;
using namespace cocoon;
using namespace cocoon::net;

constexpr size_t kMaxFrame = 4096;

// Reads the input as small numbers; zeros once it runs out.
class Script {
 public:
  Script(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t Small() { return Byte() % 8; }
  uint32_t Word() { return (uint32_t{Byte()} << 8) | Byte(); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The peer's side of the script, as wire bytes.
std::string PeerBytes(Script& script) {
  std::string out;
  wire::Frame hello;
  hello.mutable_hello()->set_min_version(script.Byte() % 3);
  hello.mutable_hello()->set_max_version(1 + script.Byte() % 2);
  EncodeFrame(hello, out);
  while (!script.done() && out.size() < (64u << 10)) {
    wire::Frame f;
    const uint8_t op = script.Byte() % 9;
    const uint64_t id = script.Small();  // small ids: both parities, reused, unknown
    switch (op) {
      case 0: {
        auto* r = f.mutable_request();
        r->set_stream_id(id);
        static const char* kMethods[] = {"write", "fail", "finish", "drop"};
        r->set_method(kMethods[script.Byte() % 4]);
        r->set_payload(std::string(1, static_cast<char>(script.Byte())));
        r->set_window(script.Word());
        break;
      }
      case 1: {
        auto* d = f.mutable_data();
        d->set_stream_id(id);
        d->set_data(std::string(script.Word() % 700, 'd'));
        d->set_end(script.Byte() % 4 == 0);
        break;
      }
      case 2:
        f.mutable_window_update()->set_stream_id(id);
        f.mutable_window_update()->set_increment(script.Word() * (script.Byte() % 3));
        break;
      case 3:
        f.mutable_cancel()->set_stream_id(id);
        f.mutable_cancel()->set_reason("c");
        break;
      case 4:
        f.mutable_stream_error()->set_stream_id(id);
        f.mutable_stream_error()->set_code(script.Byte());
        f.mutable_stream_error()->set_message("e");
        break;
      case 5:
        f.mutable_ping()->set_nonce(script.Word());
        break;
      case 6:
        f.mutable_pong()->set_nonce(script.Word());
        break;
      case 7: {  // raw bytes: a broken frame ends the session
        const size_t n = script.Small();
        for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(script.Byte()));
        continue;
      }
      default:
        f.mutable_error()->set_code(script.Byte());
        f.mutable_error()->set_message("x");
        break;
    }
    EncodeFrame(f, out);
  }
  return out;
}

// Hands the peer's bytes over in pieces, yielding between them, then ends
// the stream; takes the session's writes slowly and checks each is made of
// well-formed frames.
class ScriptedTransport : public Transport {
 public:
  ScriptedTransport(asio::any_io_executor ex, std::string input, size_t split, int write_stall)
      : ex_(ex),
        input_(std::move(input)),
        split_(split),
        write_stall_(write_stall),
        written_(kMaxFrame + 64) {}

  asio::any_io_executor executor() override { return ex_; }

  asio::awaitable<std::tuple<boost::system::error_code, size_t>> ReadSome(
      asio::mutable_buffer buffer) override {
    for (int i = 0; i < 3; ++i) co_await asio::post(ex_, asio::use_awaitable);
    if (closed_ || pos_ >= input_.size()) {
      co_return std::tuple{asio::error::make_error_code(asio::error::eof), size_t{0}};
    }
    const size_t n = std::min({split_, buffer.size(), input_.size() - pos_});
    std::memcpy(buffer.data(), input_.data() + pos_, n);
    pos_ += n;
    co_return std::tuple{boost::system::error_code{}, n};
  }

  asio::awaitable<boost::system::error_code> WriteAll(asio::const_buffer bytes) override {
    for (int i = 0; i < write_stall_; ++i) co_await asio::post(ex_, asio::use_awaitable);
    if (closed_) co_return asio::error::make_error_code(asio::error::broken_pipe);
    CheckWritten(bytes);
    co_return boost::system::error_code{};
  }

  // Traps unless the session's bytes so far are well-formed frames.
  void CheckWritten(asio::const_buffer bytes) {
    written_.Append(ByteSpan(static_cast<const uint8_t*>(bytes.data()), bytes.size()));
    for (;;) {
      auto frame = written_.Next();
      if (!frame.ok()) __builtin_trap();
      if (!*frame) break;
    }
  }

  void Close() override { closed_ = true; }

 private:
  asio::any_io_executor ex_;
  std::string input_;
  size_t pos_ = 0;
  const size_t split_;
  const int write_stall_;
  bool closed_ = false;
  FrameDecoder written_;
};

// Answers the peer's requests as their method says.
RequestHandler Handler() {
  return [](IncomingStream s) -> asio::awaitable<void> {
    const std::string method = s.method();
    const size_t units = s.payload().empty() ? 0 : s.payload()[0];
    if (method == "fail") {
      (void)s.Fail(Unavailable("no"));
      co_return;
    }
    if (method == "drop") co_return;  // the stream fails with an internal error
    if (method == "write") {
      Bytes chunk(units * 37 % 3000 + 1, 'w');
      for (size_t i = 0; i < units % 7 + 1; ++i) {
        if (!(co_await s.Write(chunk)).ok()) co_return;
      }
    }
    (void)s.Finish();
  };
}

// Reads a stream this side opened, granting credit late or cancelling.
asio::awaitable<void> ReadOwnStream(SessionPtr session, uint8_t mode) {
  auto reader = session->Open("own", {});
  if (!reader.ok()) co_return;
  if (mode & 1) reader->DeferCredit();
  for (int i = 0;; ++i) {
    auto chunk = co_await reader->Read();
    if (!chunk.ok() || !*chunk) co_return;
    if ((mode & 2) && i == 3) {
      reader->Cancel("enough");
      co_return;
    }
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    reader->GrantRead();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  Script script(data, size);
  const size_t split = script.Byte() % 64 + 1;
  const int write_stall = script.Byte() % 4;
  const uint8_t own_mode = script.Byte();
  SessionOptions opts;
  opts.max_frame_bytes = kMaxFrame;
  opts.stream_window_bytes = 1024 + (script.Byte() % 4) * 512;
  opts.max_queued_write_bytes = script.Byte() % 3 == 0 ? 0 : 2048;
  opts.max_incoming_streams = 4;
  std::string peer = PeerBytes(script);

  asio::io_context io;
  auto session = Session::Create(
      std::make_unique<ScriptedTransport>(io.get_executor(), std::move(peer), split, write_stall),
      /*initiator=*/false, opts, Handler());
  asio::co_spawn(
      io,
      [session, own_mode]() -> asio::awaitable<void> {
        Status started = co_await session->Start();
        if (!started.ok()) co_return;
        asio::co_spawn(session->executor(), ReadOwnStream(session, own_mode), asio::detached);
        asio::co_spawn(session->executor(), ReadOwnStream(session, own_mode >> 2), asio::detached);
      },
      asio::detached);
  io.run();  // returns only once nothing waits any more
  if (!session->closed()) __builtin_trap();
  return 0;
}
