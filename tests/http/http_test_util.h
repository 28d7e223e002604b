// Helpers for the http tests: run a coroutine to completion on a test's
// io_context, sleep, and talk raw bytes to a server on 127.0.0.1.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "support/loopback.h"

namespace cocoon::http::testing {

namespace asio = boost::asio;

// Runs `aw` on `io` until it completes (or the 20 s test limit passes).
template <typename T>
T RunCo(asio::io_context& io, asio::awaitable<T> aw,
        std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  std::optional<T> result;
  asio::co_spawn(
      io,
      [&result, aw = std::move(aw)]() mutable -> asio::awaitable<void> {
        result.emplace(co_await std::move(aw));
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  cocoon::testing::RunUntil(
      io, [&] { return result.has_value(); }, limit);
  return std::move(*result);
}

inline asio::awaitable<void> Sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Connects to 127.0.0.1:port, writes `bytes`, and reads until the server
// closes (or `limit` passes). Returns what was read.
inline asio::awaitable<std::string> RawExchange(
    uint16_t port, std::string bytes, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto ex = co_await asio::this_coro::executor;
  auto sock = std::make_shared<asio::ip::tcp::socket>(ex);
  auto& s = *sock;
  co_await s.async_connect({asio::ip::address_v4::loopback(), port},
                           asio::as_tuple(asio::use_awaitable));
  co_await asio::async_write(s, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
  asio::steady_timer guard(ex, limit);
  guard.async_wait([sock](boost::system::error_code ec) {
    if (!ec) sock->close();
  });
  std::string out;
  char buf[4096];
  while (true) {
    auto [ec, n] =
        co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    out.append(buf, n);
    if (ec) break;
  }
  guard.cancel();
  co_return out;
}

}  // namespace cocoon::http::testing
