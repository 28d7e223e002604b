// HttpServer and HttpClient against each other (and raw sockets) over
// 127.0.0.1: whole and streamed responses, SSE events that arrive one by one
// before the response ends, keep-alive reuse, limits, malformed input,
// client disconnects seen by the handler, timeouts, cancellation, stop.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/client.h"
#include "http/server.h"
#include "http/sse_parser.h"
#include "http/sse_writer.h"
#include "http_test_util.h"

namespace cocoon::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RawExchange;
using testing::RunCo;
using testing::Sleep;

// Built outside co_await expressions: GCC 12 destroys brace-initialized
// temporaries in a co_await expression twice.
Response TextResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

class ServerClientTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions opts = {}) {
    server_ = std::make_unique<HttpServer>(io_.get_executor(), opts);
    server_->Route("GET", "/hello",
                   [](const Request& req, ResponseWriter& w) -> asio::awaitable<void> {
                     Response r;
                     r.headers.Set("Content-Type", "text/plain");
                     r.headers.Set("X-Query", req.query);
                     r.body = "hello";
                     (void)co_await w.Send(std::move(r));
                   });
    server_->Route("POST", "/echo",
                   [](const Request& req, ResponseWriter& w) -> asio::awaitable<void> {
                     (void)co_await w.Send(JsonResponse(200, req.body));
                   });
    for (auto& [method, path, handler] : routes_) server_->Route(method, path, handler);
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }

  void AddRoute(std::string method, std::string path, Handler h) {
    routes_.push_back({std::move(method), std::move(path), std::move(h)});
  }

  // POST /slow waits up to 30 s for upstream work, which it cancels once
  // the client is gone; `gone` is set by OnClientGone, `done` at its end.
  void AddUpstreamWaitRoute(bool& gone, bool& done) {
    AddRoute("POST", "/slow",
             [&gone, &done](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
               asio::steady_timer upstream(co_await asio::this_coro::executor, 30s);
               w.OnClientGone([&] {
                 gone = true;
                 upstream.cancel();
               });
               if (!w.client_gone()) {
                 co_await upstream.async_wait(asio::as_tuple(asio::use_awaitable));
               }
               EXPECT_TRUE(w.client_gone());
               done = true;
             });
  }

  ClientRequest Req(std::string method, std::string target, std::string body = "") {
    ClientRequest r;
    r.method = std::move(method);
    r.host = "127.0.0.1";
    r.port = port_;
    r.target = std::move(target);
    r.body = std::move(body);
    return r;
  }

  void TearDown() override {
    client_.reset();
    server_.reset();
    io_.run_for(50ms);
  }

  struct RouteSpec {
    std::string method, path;
    Handler handler;
  };
  asio::io_context io_;
  std::vector<RouteSpec> routes_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
  uint16_t port_ = 0;
};

TEST_F(ServerClientTest, WholeResponse) {
  StartServer();
  HttpClient client(io_.get_executor());
  auto r = RunCo(io_, client.Fetch(Req("GET", "/hello?x=1")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->headers.Get("x-query"), "x=1");
  EXPECT_EQ(r->headers.Get("content-length"), "5");
  auto echo = RunCo(io_, client.Fetch(Req("POST", "/echo", "{\"a\":1}")));
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ(echo->body, "{\"a\":1}");
  EXPECT_EQ(echo->headers.Get("content-type"), "application/json");
}

TEST_F(ServerClientTest, OneThreadServerAnswersConcurrentRequests) {
  ServerOptions opts;
  opts.one_thread = true;  // connections on the io_context itself, no strands
  StartServer(opts);
  HttpClient client(io_.get_executor());
  int answered = 0;
  for (int i = 0; i < 20; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await client.Fetch(Req("GET", "/hello?n=" + std::to_string(i)));
          if (r.ok() && r->status == 200 && r->headers.Get("x-query") == "n=" + std::to_string(i))
            ++answered;
        },
        asio::detached);
  }
  for (int t = 0; t < 500 && answered < 20; ++t) io_.run_for(10ms);
  EXPECT_EQ(answered, 20);
}

TEST_F(ServerClientTest, LargeBodyIsStreamedInPieces) {
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  AddRoute("GET", "/big", [&](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    (void)co_await w.Send(TextResponse(big));
  });
  StartServer();
  HttpClient client(io_.get_executor());
  auto got = RunCo(io_, [&]() -> asio::awaitable<Result<std::pair<std::string, int>>> {
    auto s = co_await client.Stream(Req("GET", "/big"));
    if (!s.ok()) co_return s.status();
    std::string all;
    int pieces = 0;
    while (true) {
      auto p = co_await (*s)->Next();
      if (!p.ok()) co_return p.status();
      if (!*p) break;
      ++pieces;
      all += **p;
    }
    co_return std::make_pair(all, pieces);
  }());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->first, big);
  EXPECT_GT(got->second, 1);
}

// The handler writes event i only after the client has received event i-1:
// if anything buffered events until the end, this would deadlock and time out.
TEST_F(ServerClientTest, SseEventsArriveOneByOneBeforeTheEnd) {
  constexpr int kEvents = 20;
  int received = 0;
  bool ended = false;
  AddRoute("POST", "/v1/chat/completions",
           [&](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
             Headers h;
             h.Set("Content-Type", "text/event-stream");
             h.Set("Cache-Control", "no-cache");
             if (!(co_await w.StartStream(200, h)).ok()) co_return;
             for (int i = 0; i < kEvents; ++i) {
               while (received < i) co_await Sleep(1ms);
               if (!(co_await w.Write(SseData("{\"i\":" + std::to_string(i) + "}"))).ok())
                 co_return;
             }
             while (received < kEvents) co_await Sleep(1ms);
             (void)co_await w.Write(std::string(kSseDone));
             ended = true;
             (void)co_await w.End();
           });
  StartServer();
  HttpClient client(io_.get_executor());
  auto status = RunCo(io_, [&]() -> asio::awaitable<Status> {
    auto s = co_await client.Stream(Req("POST", "/v1/chat/completions", "{}"));
    if (!s.ok()) co_return s.status();
    EXPECT_EQ((*s)->status(), 200);
    EXPECT_EQ((*s)->headers().Get("content-type"), "text/event-stream");
    EXPECT_EQ((*s)->headers().Get("transfer-encoding"), "chunked");
    SseParser parser;
    bool done = false;
    while (true) {
      auto piece = co_await (*s)->Next();
      if (!piece.ok()) co_return piece.status();
      if (!*piece) break;
      std::vector<SseEvent> events;
      if (Status fs = parser.Feed(**piece, events); !fs.ok()) co_return fs;
      for (auto& e : events) {
        if (e.data == "[DONE]") {
          done = true;
          continue;
        }
        EXPECT_FALSE(ended) << "event " << received << " arrived only after the end";
        EXPECT_EQ(e.data, "{\"i\":" + std::to_string(received) + "}");
        ++received;
      }
    }
    EXPECT_TRUE(done);
    co_return Status::Ok();
  }());
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(received, kEvents);
}

TEST_F(ServerClientTest, KeepAliveReusesOneConnection) {
  StartServer();
  HttpClient client(io_.get_executor());
  for (int i = 0; i < 5; ++i) {
    auto r = RunCo(io_, client.Fetch(Req("GET", "/hello")));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(server_->accepted_connections(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

// A connection keeps no copy of its request once it is parsed, and watches
// for the client leaving without a read buffer: while a large request's
// answer streams, and once the connection idles (kept alive), it holds next
// to nothing. (It held the request's head, and 4 KiB more for watching,
// until its connection closed.)
TEST_F(ServerClientTest, AParsedRequestLeavesNoReadBufferBehind) {
  size_t while_streaming = SIZE_MAX;
  AddRoute("POST", "/stream", [&](const Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    if (!(co_await w.StartStream(200, Headers())).ok()) co_return;
    co_await Sleep(50ms);  // the connection now only watches for the client leaving
    while_streaming = server_->read_buffer_bytes();
    (void)co_await w.Write(SseData(std::to_string(req.body.size())));
    (void)co_await w.End();
  });
  StartServer();
  HttpClient client(io_.get_executor());
  auto req = Req("POST", "/stream", std::string(200 << 10, 'x'));
  req.headers.Set("X-Padding", std::string(6000, 'p'));
  auto r = RunCo(io_, client.Fetch(req));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->body.find(std::to_string(200 << 10)), std::string::npos);
  EXPECT_EQ(server_->open_connections(), 1u);
  EXPECT_LE(while_streaming, 2048u);
  EXPECT_LE(server_->read_buffer_bytes(), 2048u);
}

// A request pipelined behind one still being answered is kept (read while
// the connection watches for the client leaving) and answered next, in order.
TEST_F(ServerClientTest, APipelinedRequestIsAnsweredAfterTheOneBeforeIt) {
  AddRoute("GET", "/slow", [](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    co_await Sleep(100ms);  // the next request arrives meanwhile
    (void)co_await w.Send(TextResponse("slow"));
  });
  StartServer();
  auto raw = RunCo(io_, [&]() -> asio::awaitable<std::string> {
    asio::ip::tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect({asio::ip::address_v4::loopback(), port_},
                             asio::as_tuple(asio::use_awaitable));
    std::string first = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string second = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(first), asio::as_tuple(asio::use_awaitable));
    co_await Sleep(30ms);  // the first is being handled now
    co_await asio::async_write(s, asio::buffer(second), asio::as_tuple(asio::use_awaitable));
    std::string out;
    char buf[4096];
    for (;;) {
      auto [ec, n] =
          co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      out.append(buf, n);
      if (ec) break;
    }
    co_return out;
  }());
  size_t first = raw.find("\r\n\r\nslow");
  size_t second = raw.find("\r\n\r\nhello");
  ASSERT_NE(first, std::string::npos) << raw;
  ASSERT_NE(second, std::string::npos) << raw;
  EXPECT_LT(first, second);
  EXPECT_EQ(server_->accepted_connections(), 1u);
}

TEST_F(ServerClientTest, PooledConnectionClosedByServerIsReplaced) {
  ServerOptions opts;
  opts.header_timeout = 100ms;  // the server drops idle keep-alive connections fast
  StartServer(opts);
  HttpClient client(io_.get_executor());
  ASSERT_TRUE(RunCo(io_, client.Fetch(Req("GET", "/hello"))).ok());
  RunCo(io_, [&]() -> asio::awaitable<bool> {
    co_await Sleep(400ms);
    co_return true;
  }());
  auto r = RunCo(io_, client.Fetch(Req("POST", "/echo", "x")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "x");
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(ServerClientTest, BodyOverLimitGets413) {
  ServerOptions opts;
  opts.limits.max_body_bytes = 1024;
  StartServer(opts);
  HttpClient client(io_.get_executor());
  auto r = RunCo(io_, client.Fetch(Req("POST", "/echo", std::string(4096, 'a'))));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], "request_too_large");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("1024"), std::string::npos);
  // A body far larger than the server drains: the client's write fails, yet
  // it still reads the server's answer.
  auto huge = RunCo(io_, client.Fetch(Req("POST", "/echo", std::string(64 << 20, 'a'))));
  ASSERT_TRUE(huge.ok()) << huge.status().ToString();
  EXPECT_EQ(huge->status, 413);
  // Announced but not sent: refused from the head alone.
  auto raw = RunCo(io_, RawExchange(port_,
                                    "POST /echo HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Length: 999999999\r\n\r\n"));
  EXPECT_EQ(raw.substr(0, 12), "HTTP/1.1 413") << raw;
  // Chunked bodies are counted too.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) chunked += "100\r\n" + std::string(256, 'b') + "\r\n";
  chunked += "0\r\n\r\n";
  raw = RunCo(io_, RawExchange(port_, chunked));
  EXPECT_EQ(raw.substr(0, 12), "HTTP/1.1 413") << raw;
}

TEST_F(ServerClientTest, MalformedRequestsGet400AndServerSurvives) {
  StartServer();
  for (std::string bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
        std::string("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    auto raw = RunCo(io_, RawExchange(port_, bad));
    EXPECT_EQ(raw.substr(0, 12), "HTTP/1.1 400") << bad << " -> " << raw;
    EXPECT_NE(raw.find("\"error\""), std::string::npos);
  }
  auto big_head = RunCo(
      io_,
      RawExchange(port_, "GET /hello HTTP/1.1\r\nX: " + std::string(64 << 10, 'h') + "\r\n\r\n"));
  EXPECT_EQ(big_head.substr(0, 12), "HTTP/1.1 431") << big_head.substr(0, 100);
  HttpClient client(io_.get_executor());
  auto ok = RunCo(io_, client.Fetch(Req("GET", "/hello")));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerClientTest, RoutingErrorsAndThrowingHandlers) {
  AddRoute("GET", "/throws", [](const Request&, ResponseWriter&) -> asio::awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  });
  AddRoute("GET", "/silent",
           [](const Request&, ResponseWriter&) -> asio::awaitable<void> { co_return; });
  StartServer();
  HttpClient client(io_.get_executor());
  auto nf = RunCo(io_, client.Fetch(Req("GET", "/nope")));
  EXPECT_EQ(nf->status, 404);
  auto na = RunCo(io_, client.Fetch(Req("DELETE", "/hello")));
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(na->headers.Get("allow"), "GET");
  auto th = RunCo(io_, client.Fetch(Req("GET", "/throws")));
  EXPECT_EQ(th->status, 500);
  EXPECT_EQ(th->body.find("boom"), std::string::npos);  // internals stay inside
  auto si = RunCo(io_, client.Fetch(Req("GET", "/silent")));
  EXPECT_EQ(si->status, 500);
  EXPECT_EQ(RunCo(io_, client.Fetch(Req("GET", "/hello")))->status, 200);
}

TEST_F(ServerClientTest, ExpectContinue) {
  StartServer();
  auto raw = RunCo(io_, RawExchange(port_,
                                    "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                    "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"));
  EXPECT_EQ(raw.substr(0, 25), "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(raw.substr(raw.size() - 2), "hi");
}

TEST_F(ServerClientTest, ClientDisconnectMidStreamIsSeenByHandler) {
  bool gone_callback = false;
  Status write_error;
  int written = 0;
  AddRoute("GET", "/stream", [&](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    w.OnClientGone([&] { gone_callback = true; });
    if (!(co_await w.StartStream(200, Headers())).ok()) co_return;
    for (int i = 0; i < 100000; ++i) {
      Status s = co_await w.Write(SseData("tick"));
      if (!s.ok()) {
        write_error = s;
        co_return;
      }
      ++written;
      co_await Sleep(5ms);
    }
  });
  StartServer();
  HttpClient client(io_.get_executor());
  auto st = RunCo(io_, [&]() -> asio::awaitable<Status> {
    auto s = co_await client.Stream(Req("GET", "/stream"));
    if (!s.ok()) co_return s.status();
    auto first = co_await (*s)->Next();
    if (!first.ok()) co_return first.status();
    (*s)->Cancel();
    auto after = co_await (*s)->Next();
    EXPECT_EQ(after.status().code(), ErrorCode::kCancelled);
    co_return Status::Ok();
  }());
  ASSERT_TRUE(st.ok()) << st.ToString();
  cocoon::testing::RunUntil(
      io_, [&] { return !write_error.ok(); }, 5s);
  EXPECT_TRUE(gone_callback);
  EXPECT_EQ(write_error.code(), ErrorCode::kCancelled);
  EXPECT_LT(written, 1000);
}

// A handler waiting on upstream work (not writing) still learns that the
// client left, and can cancel that work.
TEST_F(ServerClientTest, ClientDisconnectWhileHandlerWaitsIsSeen) {
  bool gone = false;
  bool handler_done = false;
  AddUpstreamWaitRoute(gone, handler_done);
  StartServer();
  HttpClient client(io_.get_executor());
  auto cancel = CancelSignal::Create();
  auto req = Req("POST", "/slow", "{}");
  req.cancel = cancel;
  auto start = std::chrono::steady_clock::now();
  auto r = RunCo(io_, [&]() -> asio::awaitable<Result<Response>> {
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await Sleep(100ms);
          cancel->Cancel();
        },
        asio::detached);
    co_return co_await client.Fetch(req);
  }());
  EXPECT_EQ(r.status().code(), ErrorCode::kCancelled);
  cocoon::testing::RunUntil(
      io_, [&] { return handler_done; }, 5s);
  EXPECT_TRUE(gone);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

// A client that sends its request and closes at once is seen as gone too:
// its close may arrive before the connection starts watching.
TEST_F(ServerClientTest, AClientThatClosesRightAfterItsRequestIsSeenAsGone) {
  bool gone = false;
  bool handler_done = false;
  AddUpstreamWaitRoute(gone, handler_done);
  StartServer();
  const auto start = std::chrono::steady_clock::now();
  RunCo(io_, [&]() -> asio::awaitable<bool> {
    asio::ip::tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect({asio::ip::address_v4::loopback(), port_},
                             asio::as_tuple(asio::use_awaitable));
    // Written and closed in one go: the close arrives with the request,
    // before the server has read it.
    std::string request = "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    asio::write(s, asio::buffer(request));
    s.close();
    co_return true;
  }());
  cocoon::testing::RunUntil(
      io_, [&] { return handler_done; }, 10s);
  EXPECT_TRUE(handler_done);
  EXPECT_TRUE(gone);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ServerClientTest, EventsThatQueuedUpAreReadAsOnePiece) {
  // An inference server writes each event on its own. Those that arrived
  // while the reader was busy come back from one Next(), not one each.
  constexpr int kEvents = 40;
  AddRoute("GET", "/burst", [](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    Headers h;
    h.Set("Content-Type", "text/event-stream");
    if (!(co_await w.StartStream(200, h)).ok()) co_return;
    for (int i = 0; i < kEvents; ++i)
      if (!(co_await w.Write(SseData("{\"i\":" + std::to_string(i) + "}"))).ok()) co_return;
    (void)co_await w.Write(std::string(kSseDone));
    (void)co_await w.End();
  });
  StartServer();
  HttpClient client(io_.get_executor());
  int pieces = 0;
  std::string all;
  auto status = RunCo(io_, [&]() -> asio::awaitable<Status> {
    auto s = co_await client.Stream(Req("GET", "/burst"));
    if (!s.ok()) co_return s.status();
    co_await Sleep(100ms);  // everything arrives meanwhile
    while (true) {
      auto piece = co_await (*s)->Next();
      if (!piece.ok()) co_return piece.status();
      if (!*piece) break;
      ++pieces;
      all += **piece;
    }
    co_return Status::Ok();
  }());
  ASSERT_TRUE(status.ok()) << status.ToString();
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed(all, events).ok());
  ASSERT_EQ(events.size(), kEvents + 1u);
  for (int i = 0; i < kEvents; ++i) EXPECT_EQ(events[i].data, "{\"i\":" + std::to_string(i) + "}");
  EXPECT_EQ(events.back().data, "[DONE]");
  // A read takes what the socket holds (the first ones may be small while
  // the buffer grows); before, it was one piece per event.
  EXPECT_LE(pieces, 4) << "queued events were read one Next() each";
}

TEST_F(ServerClientTest, BytesBeforeABrokenChunkAreDeliveredThenTheError) {
  asio::ip::tcp::acceptor acceptor(io_, {asio::ip::address_v4::loopback(), 0});
  port_ = acceptor.local_endpoint().port();
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto socket = co_await acceptor.async_accept(asio::use_awaitable);
        char head[1024];
        (void)co_await socket.async_read_some(asio::buffer(head), asio::use_awaitable);
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
            "5\r\nfirst\r\n6\r\nsecond\r\nzz\r\nbroken\r\n";
        (void)co_await asio::async_write(socket, asio::buffer(answer), asio::use_awaitable);
        co_await Sleep(500ms);
      },
      asio::detached);
  HttpClient client(io_.get_executor());
  std::string got;
  auto status = RunCo(io_, [&]() -> asio::awaitable<Status> {
    auto s = co_await client.Stream(Req("GET", "/"));
    if (!s.ok()) co_return s.status();
    co_await Sleep(100ms);
    while (true) {
      auto piece = co_await (*s)->Next();
      if (!piece.ok()) co_return piece.status();
      if (!*piece) co_return Status::Ok();
      got += **piece;
    }
  }());
  EXPECT_EQ(got, "firstsecond");
  EXPECT_EQ(status.code(), ErrorCode::kProtocol) << status.ToString();
}

TEST_F(ServerClientTest, AClientClosingAfterTheLastChunkIsNotGone) {
  // The handler is still running after End() when the client, which has
  // read the whole answer, closes its pooled connection.
  int gone = 0;
  bool handler_done = false;
  AddRoute("GET", "/ended", [&](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    w.OnClientGone([&] { ++gone; });
    if (!(co_await w.StartStream(200, Headers())).ok()) co_return;
    (void)co_await w.Write("all of it");
    (void)co_await w.End();
    co_await Sleep(200ms);
    handler_done = true;
  });
  StartServer();
  HttpClient client(io_.get_executor());
  auto body = RunCo(io_, client.Fetch(Req("GET", "/ended")));
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->body, "all of it");
  client.CloseIdle();
  for (int i = 0; i < 100 && !handler_done; ++i) io_.run_for(10ms);
  EXPECT_TRUE(handler_done);
  EXPECT_EQ(gone, 0);
}

TEST_F(ServerClientTest, ClientTimeouts) {
  AddRoute("GET", "/late", [](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    co_await Sleep(2s);
    (void)co_await w.Send(TextResponse("late"));
  });
  AddRoute("GET", "/stall", [](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    if (!(co_await w.StartStream(200, Headers())).ok()) co_return;
    (void)co_await w.Write("first");
    co_await Sleep(2s);
    (void)co_await w.End();
  });
  StartServer();
  ClientOptions opts;
  opts.first_byte_timeout = 200ms;
  opts.idle_timeout = 200ms;
  HttpClient client(io_.get_executor(), opts);
  auto late = RunCo(io_, client.Fetch(Req("GET", "/late")));
  EXPECT_EQ(late.status().code(), ErrorCode::kDeadlineExceeded) << late.status().ToString();
  auto stall = RunCo(io_, [&]() -> asio::awaitable<Status> {
    auto s = co_await client.Stream(Req("GET", "/stall"));
    if (!s.ok()) co_return s.status();
    auto first = co_await (*s)->Next();
    EXPECT_TRUE(first.ok());
    EXPECT_EQ(first->value_or(""), "first");
    auto second = co_await (*s)->Next();
    co_return second.status();
  }());
  EXPECT_EQ(stall.code(), ErrorCode::kDeadlineExceeded) << stall.ToString();
}

TEST_F(ServerClientTest, ConnectFailures) {
  // A port nobody listens on: refused at once.
  asio::ip::tcp::acceptor probe(io_, {asio::ip::address_v4::loopback(), 0});
  uint16_t dead_port = probe.local_endpoint().port();
  probe.close();
  HttpClient client(io_.get_executor());
  ClientRequest r;
  r.host = "127.0.0.1";
  r.port = dead_port;
  auto refused = RunCo(io_, client.Fetch(r));
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable) << refused.status().ToString();

  // A listener whose accept queue is full: the handshake never completes.
  asio::ip::tcp::acceptor full(io_, asio::ip::tcp::v4());
  full.bind({asio::ip::address_v4::loopback(), 0});
  full.listen(0);
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> fillers;
  for (int i = 0; i < 4; ++i) {
    fillers.push_back(std::make_unique<asio::ip::tcp::socket>(io_));
    fillers.back()->async_connect(full.local_endpoint(), [](boost::system::error_code) {});
  }
  io_.run_for(200ms);
  ClientOptions opts;
  opts.connect_timeout = 300ms;
  HttpClient slow(io_.get_executor(), opts);
  r.port = full.local_endpoint().port();
  auto timed_out = RunCo(io_, slow.Fetch(r));
  if (timed_out.status().code() != ErrorCode::kDeadlineExceeded) {
    GTEST_SKIP() << "the kernel completed the handshake anyway: " << timed_out.status().ToString();
  }
  EXPECT_NE(timed_out.status().message().find("timed out"), std::string::npos);
}

TEST_F(ServerClientTest, SlowLorisHeadIsCutOff) {
  ServerOptions opts;
  opts.header_timeout = 300ms;
  opts.body_timeout = 300ms;
  StartServer(opts);
  auto start = std::chrono::steady_clock::now();
  auto raw = RunCo(io_, RawExchange(port_, "GET /hello HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // RawExchange would wait 5 s
  EXPECT_EQ(raw, "");
  // Same for a body that trickles.
  start = std::chrono::steady_clock::now();
  raw = RunCo(io_, RawExchange(port_, "POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(raw, "");
  // The server is fine afterwards.
  HttpClient client(io_.get_executor());
  EXPECT_EQ(RunCo(io_, client.Fetch(Req("GET", "/hello")))->status, 200);
}

TEST_F(ServerClientTest, GracefulStopFinishesInFlightRequests) {
  bool release = false;
  AddRoute("GET", "/wait", [&](const Request&, ResponseWriter& w) -> asio::awaitable<void> {
    while (!release) co_await Sleep(5ms);
    (void)co_await w.Send(TextResponse("finished"));
  });
  StartServer();
  HttpClient client(io_.get_executor());
  ASSERT_TRUE(RunCo(io_, client.Fetch(Req("GET", "/hello"))).ok());  // leaves an idle connection
  HttpClient other(io_.get_executor());
  std::optional<Result<Response>> inflight;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        inflight.emplace(co_await other.Fetch(Req("GET", "/wait")));
      },
      asio::detached);
  cocoon::testing::RunUntil(io_, [&] { return server_->open_connections() == 2; });
  server_->Stop();
  cocoon::testing::RunUntil(io_, [&] { return server_->open_connections() == 1; });  // idle one
  release = true;
  cocoon::testing::RunUntil(io_, [&] { return inflight.has_value(); });
  ASSERT_TRUE(inflight->ok()) << inflight->status().ToString();
  EXPECT_EQ((*inflight)->body, "finished");
  EXPECT_EQ((*inflight)->headers.Get("connection"), "close");
  cocoon::testing::RunUntil(io_, [&] { return server_->open_connections() == 0; });
  client.CloseIdle();
  auto after = RunCo(io_, client.Fetch(Req("GET", "/hello")));
  EXPECT_EQ(after.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace cocoon::http

namespace cocoon::http {
namespace {

// The server on a 4-thread io_context (one strand per connection), 100
// concurrent SSE streams from a client on another io_context.
TEST(ServerThreads, HundredConcurrentStreamsOnAMultiThreadedServer) {
  asio::io_context server_io;
  auto work = asio::make_work_guard(server_io);
  HttpServer server(server_io.get_executor());
  std::atomic<int> gone{0};
  server.Route("GET", "/sse", [&](const Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    w.OnClientGone([&] { ++gone; });
    Headers h;
    h.Set("Content-Type", "text/event-stream");
    if (!(co_await w.StartStream(200, h)).ok()) co_return;
    for (int i = 0; i < 10; ++i) {
      co_await Sleep(std::chrono::milliseconds(1 + i % 3));
      if (!(co_await w.Write(SseData(req.query + ":" + std::to_string(i)))).ok()) co_return;
    }
    (void)co_await w.Write(kSseDone);
    (void)co_await w.End();
  });
  auto port = server.Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { server_io.run(); });

  asio::io_context io;
  HttpClient client(io.get_executor());
  constexpr int kStreams = 100;
  int finished = 0, good = 0;
  for (int s = 0; s < kStreams; ++s) {
    asio::co_spawn(
        io,
        [&, s]() -> asio::awaitable<void> {
          ClientRequest r;
          r.host = "127.0.0.1";
          r.port = *port;
          r.target = "/sse?" + std::to_string(s);
          auto stream = co_await client.Stream(r);
          SseParser parser;
          std::vector<SseEvent> events;
          bool ok = stream.ok();
          while (ok) {
            auto piece = co_await (*stream)->Next();
            if (!piece.ok() || !*piece) {
              ok = piece.ok();
              break;
            }
            ok = parser.Feed(**piece, events).ok();
          }
          ok = ok && events.size() == 11 && events[3].data == std::to_string(s) + ":3" &&
               events[10].data == "[DONE]";
          good += ok;
          ++finished;
        },
        asio::detached);
  }
  cocoon::testing::RunUntil(
      io, [&] { return finished == kStreams; }, std::chrono::seconds(30));
  EXPECT_EQ(good, kStreams);
  EXPECT_EQ(gone.load(), 0);
  server.Stop();
  work.reset();
  client.CloseIdle();
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace cocoon::http
