// RunBlocking: runs blocking work (chain requests, fsync) on a thread pool
// from a coroutine, and resumes the coroutine on its own executor, so an
// event loop never waits on it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <optional>

namespace cocoon::net {

// REQUIRES: `pool` runs (a thread pool that has not been joined).
template <typename T>
boost::asio::awaitable<T> RunBlocking(boost::asio::any_io_executor pool, std::function<T()> work) {
  // co_spawn's result must be default-constructible; Result<T> is not.
  auto task = [work = std::move(work)]() -> boost::asio::awaitable<std::optional<T>> {
    co_return std::optional<T>(work());
  };
  // Named, not a temporary inside co_await (GCC 12, docs/http.md).
  std::optional<T> result =
      co_await boost::asio::co_spawn(pool, std::move(task), boost::asio::use_awaitable);
  co_return std::move(*result);
}

}  // namespace cocoon::net
