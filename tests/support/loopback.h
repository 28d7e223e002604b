// Test fixture: connected TCP socket pairs on 127.0.0.1 and a helper to run
// coroutines to completion on a single-threaded io_context.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace cocoon::testing {

namespace asio = boost::asio;

// A connected pair: first is the dialing side, second the accepting side.
inline std::pair<asio::ip::tcp::socket, asio::ip::tcp::socket> SocketPair(asio::io_context& io) {
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket a(io), b(io);
  a.connect(acceptor.local_endpoint());
  acceptor.accept(b);
  a.set_option(asio::ip::tcp::no_delay(true));
  b.set_option(asio::ip::tcp::no_delay(true));
  return {std::move(a), std::move(b)};
}

// Runs io until `done` is true or `limit` passes; throws on timeout so a hung
// test fails instead of hanging.
template <typename Pred>
void RunUntil(asio::io_context& io, Pred done,
              std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("test timed out");
    io.run_for(std::chrono::milliseconds(10));
    if (io.stopped()) io.restart();
  }
}

}  // namespace cocoon::testing
