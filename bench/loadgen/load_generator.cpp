#include "load_generator.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace cocoon::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Follows an SSE body as it arrives: counts events, notices the error event
// and "[DONE]", keeps the last usage record's completion tokens.
class SseWatcher {
 public:
  // Returns how many events ended in `bytes`.
  uint32_t Feed(std::string_view bytes) {
    uint32_t ended = 0;
    for (char c : bytes) {
      if (c == '\n' && last_ == '\n') ++ended;
      if (c != '\r') last_ = c;
    }
    // Searched in the tail so that a marker split between reads is found.
    tail_.append(bytes);
    if (tail_.find("data: {\"error\"") != std::string::npos) saw_error_ = true;
    if (tail_.find("data: [DONE]") != std::string::npos) saw_done_ = true;
    size_t at = tail_.rfind("\"completion_tokens\":");
    if (at != std::string::npos) {
      size_t digits = at + sizeof("\"completion_tokens\":") - 1;
      while (digits < tail_.size() && tail_[digits] == ' ') ++digits;
      uint64_t n = 0;
      bool any = false;
      while (digits < tail_.size() && tail_[digits] >= '0' && tail_[digits] <= '9') {
        n = n * 10 + static_cast<uint64_t>(tail_[digits++] - '0');
        any = true;
      }
      if (any && digits < tail_.size()) completion_tokens_ = n;
    }
    if (tail_.size() > kKeep) tail_.erase(0, tail_.size() - kKeep);
    return ended;
  }
  bool saw_error() const { return saw_error_; }
  bool saw_done() const { return saw_done_; }
  uint64_t completion_tokens() const { return completion_tokens_; }

 private:
  static constexpr size_t kKeep = 64;  // longer than any marker and a token count
  std::string tail_;
  char last_ = 0;
  bool saw_error_ = false;
  bool saw_done_ = false;
  uint64_t completion_tokens_ = 0;
};

// State shared by the callers of one run.
struct Run {
  const LoadOptions& options;
  Clock::time_point began;
  tcp::endpoint endpoint;
  std::atomic<uint64_t> issued{0};
  std::mutex mutex;
  std::vector<RequestRecord> records;
  std::vector<double> lateness;
};

http::request<http::string_body> BuildRequest(const LoadOptions& o) {
  http::request<http::string_body> req{o.body.empty() ? http::verb::get : http::verb::post,
                                       o.target, 11};
  req.set(http::field::host, o.host + ":" + std::to_string(o.port));
  req.set(http::field::user_agent, "cocoon-loadgen");
  if (!o.body.empty()) req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : o.headers) req.set(name, value);
  req.keep_alive(o.keep_alive);
  req.body() = o.body;
  req.prepare_payload();
  return req;
}

// One request on `stream` (connected). Returns whether the connection may
// be reused.
asio::awaitable<bool> OneRequest(Run& run, beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                 const http::request<http::string_body>& request,
                                 Clock::time_point t0, RequestRecord& record,
                                 std::vector<double>& lateness) {
  const LoadOptions& o = run.options;
  stream.expires_after(o.timeout);
  auto [write_error, written] = co_await http::async_write(stream, request, kTuple);
  (void)written;
  if (write_error) {
    record.error = "write: " + write_error.message();
    co_return false;
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  stream.expires_after(o.timeout);
  auto [head_error, head_bytes] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)head_bytes;
  if (head_error) {
    record.error = "head: " + head_error.message();
    co_return false;
  }
  record.head = Seconds(Clock::now() - t0);
  record.status = parser.get().result_int();
  const bool sse = parser.get()[http::field::content_type].starts_with("text/event-stream");

  SseWatcher watcher;
  double first_event = -1;
  uint32_t event_index = 0;
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof(chunk);
    stream.expires_after(o.timeout);
    auto [read_error, read_bytes] = co_await http::async_read_some(stream, buffer, parser, kTuple);
    (void)read_bytes;
    if (read_error == http::error::need_buffer) read_error = {};
    if (read_error) {
      record.error = "body: " + read_error.message();
      co_return false;
    }
    size_t got = sizeof(chunk) - parser.get().body().size;
    if (got == 0) continue;
    double now = Seconds(Clock::now() - t0);
    if (record.first_chunk < 0) record.first_chunk = now;
    record.body_bytes += got;
    uint32_t ended = watcher.Feed(std::string_view(chunk, got));
    for (uint32_t i = 0; i < ended; ++i, ++event_index) {
      if (event_index == 0) {
        first_event = now;
      } else if (o.expected_event_interval.count() > 0) {
        double expected =
            first_event +
            event_index * std::chrono::duration<double>(o.expected_event_interval).count();
        lateness.push_back(now - expected);
      }
    }
    record.events += ended;
  }
  record.end = Seconds(Clock::now() - t0);
  record.saw_done = watcher.saw_done();
  record.completion_tokens = watcher.completion_tokens();
  if (record.status != 200) {
    record.error = "status " + std::to_string(record.status);
  } else if (watcher.saw_error()) {
    record.error = "error event in stream";
  } else if (sse && !watcher.saw_done()) {
    record.error = "stream ended without [DONE]";
  }
  co_return parser.get().keep_alive() && o.keep_alive;
}

asio::awaitable<void> Caller(Run& run, std::chrono::milliseconds start_delay) {
  auto executor = co_await asio::this_coro::executor;
  if (start_delay.count() > 0) {
    asio::steady_timer timer(executor, start_delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  const http::request<http::string_body> request = BuildRequest(run.options);
  std::vector<RequestRecord> records;
  std::vector<double> lateness;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  for (uint64_t index; (index = run.issued.fetch_add(1)) < run.options.requests;) {
    RequestRecord record;
    std::optional<Clock::time_point> due;
    if (run.options.rate > 0) {
      due = run.began + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(index / run.options.rate));
      if (*due > Clock::now()) {
        asio::steady_timer timer(executor, *due);
        co_await timer.async_wait(asio::use_awaitable);
      }
    }
    record.start = Seconds(due.value_or(Clock::now()) - run.began);
    if (!stream) {
      stream.emplace(executor);
      stream->expires_after(run.options.timeout);
      auto [connect_error] = co_await stream->async_connect(run.endpoint, kTuple);
      if (connect_error) {
        record.error = "connect: " + connect_error.message();
        records.push_back(std::move(record));
        stream.reset();
        continue;
      }
      stream->socket().set_option(tcp::no_delay(true));
      buffer.clear();
    }
    // A closed loop times each request from its write, leaving the connect
    // out; an open loop from when it was due, waiting and connecting in.
    bool reusable = co_await OneRequest(run, *stream, buffer, request, due.value_or(Clock::now()),
                                        record, lateness);
    records.push_back(std::move(record));
    if (!reusable) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.reset();
    }
  }
  std::lock_guard lock(run.mutex);
  run.records.insert(run.records.end(), std::make_move_iterator(records.begin()),
                     std::make_move_iterator(records.end()));
  run.lateness.insert(run.lateness.end(), lateness.begin(), lateness.end());
}

}  // namespace

LoadResult RunLoad(const LoadOptions& options) {
  Run run{options, Clock::now(), tcp::endpoint(asio::ip::make_address(options.host), options.port)};
  const int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int t = 0; t < threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
  run.began = Clock::now();
  for (int c = 0; c < options.concurrency; ++c) {
    auto delay = options.concurrency > 1 ? options.ramp * c / options.concurrency
                                         : std::chrono::milliseconds(0);
    asio::co_spawn(*contexts[c % threads], Caller(run, delay), asio::detached);
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back([&, t] { contexts[t]->run(); });
  contexts[0]->run();
  for (auto& thread : pool) thread.join();
  LoadResult result;
  result.wall_seconds = Seconds(Clock::now() - run.began);
  result.requests = std::move(run.records);
  result.event_lateness = std::move(run.lateness);
  return result;
}

}  // namespace cocoon::bench
