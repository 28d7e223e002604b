// EventReader joins body pieces that are already waiting, and only those:
// a relay that fell behind makes one write, one that keeps up adds no delay.
#include "inference/protocol.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>

#include "support/loopback.h"

namespace cocoon::inference {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

InferEvent Body(std::string text) {
  InferEvent e;
  e.set_body(std::move(text));
  return e;
}

asio::awaitable<void> Sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

class EventReaderTest : public ::testing::Test {
 protected:
  // The responder writes `pieces` body events (pausing `pause` before each),
  // then a tail; the reader starts after `reader_delay`.
  std::vector<InferEvent> Run(std::vector<std::string> pieces, std::chrono::milliseconds pause,
                              std::chrono::milliseconds reader_delay, size_t max_body) {
    auto handler = [pieces, pause](net::IncomingStream s) -> asio::awaitable<void> {
      for (const auto& p : pieces) {
        if (pause.count() > 0) co_await Sleep(pause);
        InferEvent event = Body(p);
        std::string encoded = EncodeEvent(event);
        if (!(co_await s.Write(AsBytes(encoded))).ok()) co_return;
      }
      InferEvent tail;
      tail.mutable_tail()->set_complete(true);
      std::string encoded = EncodeEvent(tail);
      (void)co_await s.Write(AsBytes(encoded));
      (void)s.Finish();
    };
    auto [a, b] = testing::SocketPair(io_);
    client_ = net::Session::Create(net::MakeTcpTransport(std::move(a)), true, {}, nullptr);
    server_ = net::Session::Create(net::MakeTcpTransport(std::move(b)), false, {}, handler);
    std::vector<InferEvent> events;
    bool done = false;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { (void)co_await server_->Start(); }, asio::detached);
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          Status started = co_await client_->Start();
          EXPECT_TRUE(started.ok()) << started.ToString();
          auto stream = client_->Open("infer", {});
          EXPECT_TRUE(stream.ok());
          co_await Sleep(reader_delay);
          EventReader reader(*stream, max_body);
          for (;;) {
            auto next = co_await reader.Next();
            EXPECT_TRUE(next.ok()) << next.status().ToString();
            if (!next.ok() || !next->has_value()) break;
            events.push_back(std::move(**next));
          }
          done = true;
        },
        asio::detached);
    testing::RunUntil(io_, [&] { return done; });
    return events;
  }

  void TearDown() override {
    if (client_) client_->Close(Status::Ok());
    if (server_) server_->Close(Status::Ok());
    io_.run_for(50ms);
  }

  asio::io_context io_;
  net::SessionPtr client_, server_;
};

TEST_F(EventReaderTest, PiecesThatWaitedAreJoinedInOrder) {
  std::vector<std::string> pieces;
  for (int i = 0; i < 20; ++i) pieces.push_back("data: " + std::to_string(i) + "\n\n");
  auto events = Run(pieces, 0ms, 100ms, 1 << 20);
  ASSERT_EQ(events.size(), 2u);
  std::string all;
  for (const auto& p : pieces) all += p;
  EXPECT_EQ(events[0].body(), all);
  EXPECT_TRUE(events[1].has_tail());
}

TEST_F(EventReaderTest, JoinedPiecesRespectTheLimit) {
  std::vector<std::string> pieces(10, std::string(100, 'x'));
  auto events = Run(pieces, 0ms, 100ms, 350);
  std::string all;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_LE(events[i].body().size(), 350u);
    all += events[i].body();
  }
  EXPECT_EQ(all, std::string(1000, 'x'));
  EXPECT_EQ(events.size(), 4u + 1u);  // 300 + 300 + 300 + 100, then the tail
  EXPECT_TRUE(events.back().has_tail());
}

TEST_F(EventReaderTest, PiecesThatArriveApartAreNotHeldBack) {
  std::vector<std::string> pieces = {"a", "b", "c"};
  auto events = Run(pieces, 30ms, 0ms, 1 << 20);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].body(), "a");
  EXPECT_EQ(events[1].body(), "b");
  EXPECT_EQ(events[2].body(), "c");
  EXPECT_TRUE(events[3].has_tail());
}

}  // namespace
}  // namespace cocoon::inference
