#include "http/server_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "http/beast_request.h"
#include "http/openai.h"

namespace cocoon::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::use_awaitable;
using std::chrono::steady_clock;

namespace {

constexpr size_t kWatchReadBytes = 4096;
// Read buffer capacity a connection keeps when the buffer is empty: Beast
// reads a request head 512 bytes at a time, so a typical head fits.
constexpr size_t kKeepReadCapacity = 2048;
constexpr size_t kLingerReadBytes = 4096;
constexpr size_t kLingerBytes = 8 << 20;
constexpr std::chrono::milliseconds kLingerTime{1000};

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

template <class Fields>
void CopyHeaders(const Headers& from, Fields& to) {
  for (const auto& [name, value] : from) to.insert(name, value);
}

}  // namespace

// ---- ConnectionWriter -------------------------------------------------------

class ConnectionWriter final : public ResponseWriter {
 public:
  ConnectionWriter(ServerConnection& conn, int version, bool keep_alive)
      : conn_(conn), version_(version), keep_alive_(keep_alive) {}

  asio::awaitable<Status> Send(Response response) override {
    if (state_ != State::kNone) co_return FailedPrecondition("response already started");
    state_ = State::kDone;
    if (conn_.gone_) co_return Cancelled("client disconnected");
    conn_.on_gone_.clear();  // the last write: nothing is left to cancel
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version_};
    res.set(bhttp::field::server, conn_.host_->options().server_name);
    CopyHeaders(response.headers, res);
    res.body() = std::move(response.body);
    res.keep_alive(keep_alive());
    res.prepare_payload();
    conn_.stream_.expires_after(conn_.host_->options().write_timeout);
    auto [ec, n] = co_await bhttp::async_write(conn_.stream_, res, asio::as_tuple(use_awaitable));
    co_return WriteResult(ec);
  }

  asio::awaitable<Status> StartStream(int status, Headers headers) override {
    if (state_ != State::kNone) co_return FailedPrecondition("response already started");
    state_ = State::kStreaming;
    if (conn_.gone_) co_return Cancelled("client disconnected");
    headers.Remove("Content-Length");
    headers.Remove("Transfer-Encoding");
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), version_};
    res.set(bhttp::field::server, conn_.host_->options().server_name);
    CopyHeaders(headers, res);
    // HTTP/1.0 has no chunked encoding: the body then ends with the connection.
    chunked_ = version_ >= 11;
    if (!chunked_) conn_.close_after_response_ = true;
    res.chunked(chunked_);
    res.keep_alive(keep_alive());
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    conn_.stream_.expires_after(conn_.host_->options().write_timeout);
    auto [ec, n] =
        co_await bhttp::async_write_header(conn_.stream_, sr, asio::as_tuple(use_awaitable));
    co_return WriteResult(ec);
  }

  asio::awaitable<Status> Write(std::string_view data) override {
    if (state_ != State::kStreaming) co_return FailedPrecondition("no stream in progress");
    if (conn_.gone_) co_return Cancelled("client disconnected");
    if (data.empty()) co_return Status::Ok();
    conn_.stream_.expires_after(conn_.host_->options().write_timeout);
    beast::error_code ec;
    if (chunked_) {
      std::tie(ec, std::ignore) = co_await asio::async_write(
          conn_.stream_, bhttp::make_chunk(asio::buffer(data.data(), data.size())),
          asio::as_tuple(use_awaitable));
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(
          conn_.stream_, asio::buffer(data.data(), data.size()), asio::as_tuple(use_awaitable));
    }
    co_return WriteResult(ec);
  }

  asio::awaitable<Status> End() override {
    if (state_ != State::kStreaming) co_return FailedPrecondition("no stream in progress");
    state_ = State::kDone;
    if (conn_.gone_) co_return Cancelled("client disconnected");
    // The last write: a client that closes once it has read it (its pool
    // may) is not one that left mid-answer, and nothing is left to cancel.
    conn_.on_gone_.clear();
    if (!chunked_) co_return Status::Ok();
    conn_.stream_.expires_after(conn_.host_->options().write_timeout);
    auto [ec, n] = co_await asio::async_write(conn_.stream_, bhttp::make_chunk_last(),
                                              asio::as_tuple(use_awaitable));
    co_return WriteResult(ec);
  }

  void Abort() override {
    state_ = State::kAborted;
    conn_.CloseSocket();
  }

  bool client_gone() const override { return conn_.gone_; }

  void OnClientGone(std::function<void()> callback) override {
    if (conn_.gone_) {
      callback();
      return;
    }
    if (state_ == State::kDone || state_ == State::kAborted) return;
    conn_.on_gone_.push_back(std::move(callback));
  }

  bool started() const override { return state_ != State::kNone; }
  // The response was sent completely, so the connection can carry another.
  bool complete() const { return state_ == State::kDone && !failed_; }
  bool streaming_unfinished() const { return state_ == State::kStreaming; }

 private:
  enum class State { kNone, kStreaming, kDone, kAborted };

  bool keep_alive() const {
    return keep_alive_ && !conn_.close_after_response_ && !conn_.host_->stopping();
  }

  Status WriteResult(const beast::error_code& ec) {
    conn_.stream_.expires_never();
    if (!ec) return Status::Ok();
    failed_ = true;
    conn_.MarkGone();
    if (ec == beast::error::timeout) return DeadlineExceeded("client stopped reading");
    return Cancelled("client disconnected: " + ec.message());
  }

  ServerConnection& conn_;
  const int version_;
  const bool keep_alive_;
  State state_ = State::kNone;
  bool chunked_ = true;
  bool failed_ = false;
};

// ---- ServerConnection -------------------------------------------------------

ServerConnection::ServerConnection(std::shared_ptr<ConnectionHost> host,
                                   asio::ip::tcp::socket socket, uint64_t id)
    : host_(std::move(host)),
      executor_(socket.get_executor()),
      stream_(std::move(socket)),
      id_(id),
      watch_done_(executor_, steady_clock::time_point::max()) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

void ServerConnection::Shutdown(bool graceful) {
  asio::dispatch(executor_, [self = shared_from_this(), graceful] {
    self->close_after_response_ = true;
    if (!graceful || self->idle_) {
      if (!graceful) self->MarkGone();
      self->CloseSocket();
    }
  });
}

void ServerConnection::CloseSocket() {
  if (closed_) return;
  closed_ = true;
  stream_.close();
}

void ServerConnection::ReportReadBuffer() {
  const size_t now = buffer_.capacity();
  if (now == reported_read_buffer_) return;
  host_->AdjustReadBuffer(static_cast<int64_t>(now) - static_cast<int64_t>(reported_read_buffer_));
  reported_read_buffer_ = now;
}

void ServerConnection::ReleaseEmptyReadBuffer() {
  if (buffer_.size() == 0 && buffer_.capacity() > kKeepReadCapacity) buffer_.shrink_to_fit();
  ReportReadBuffer();
}

void ServerConnection::MarkGone() {
  if (gone_) return;
  gone_ = true;
  auto callbacks = std::move(on_gone_);
  on_gone_.clear();
  for (auto& cb : callbacks) cb();
}

asio::awaitable<void> ServerConnection::Run() {
  auto self = shared_from_this();
  while (!closed_ && !close_after_response_) {
    bool keep_going = false;
    try {
      keep_going = co_await ServeOne();
    } catch (const std::exception& e) {
      spdlog::warn("http: connection {} failed: {}", remote_, e.what());
    }
    if (!keep_going) break;
  }
  CloseSocket();
  buffer_.clear();
  buffer_.shrink_to_fit();
  ReportReadBuffer();
  host_->Forget(id_);
}

asio::awaitable<bool> ServerConnection::ServeOne() {
  const ServerOptions& opts = host_->options();
  BeastRequestParser parser;
  ConfigureParser(parser, opts.limits);

  idle_ = true;
  if (host_->stopping()) co_return false;
  stream_.expires_after(opts.header_timeout);
  auto [ec, n] =
      co_await bhttp::async_read_header(stream_, buffer_, parser, asio::as_tuple(use_awaitable));
  idle_ = false;
  if (ec == beast::error::timeout) {
    // The stream closed the socket on timeout; nothing can be answered.
    spdlog::debug("http: {} sent no complete request head in time; closed", remote_);
    co_return false;
  }
  if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted || closed_) {
    co_return false;  // the client closed between requests, or we are stopping
  }
  if (ec) {
    if (!IsHttpParseError(ec)) co_return false;  // reset or other socket error
    ParseFailure f = DescribeParseError(ec, opts.limits);
    co_await SendEarlyError(f.http_status, f.status.message());
    co_return false;
  }
  if (auto expect = parser.get()[bhttp::field::expect]; !expect.empty()) {
    if (!EqualsIgnoreCase(expect, "100-continue")) {
      co_await SendEarlyError(417, "unsupported Expect header");
      co_return false;
    }
    if (!parser.is_done()) co_await SendContinue();
  }
  if (!parser.is_done()) {
    stream_.expires_after(opts.body_timeout);
    std::tie(ec, n) =
        co_await bhttp::async_read(stream_, buffer_, parser, asio::as_tuple(use_awaitable));
    if (ec == beast::error::timeout) {
      spdlog::debug("http: {} sent no complete request body in time; closed", remote_);
      co_return false;
    }
    if (ec) {
      if (closed_ || !IsHttpParseError(ec)) co_return false;
      ParseFailure f = DescribeParseError(ec, opts.limits);
      co_await SendEarlyError(f.http_status, f.status.message());
      co_return false;
    }
  }
  stream_.expires_never();
  ReleaseEmptyReadBuffer();  // the request is parsed; its bytes are copied out below

  int version = static_cast<int>(parser.get().version());
  auto converted = ToRequest(parser.release());
  if (!converted.ok()) {
    co_await SendEarlyError(400, converted.status().message());
    co_return false;
  }
  Request& request = *converted;
  request.remote = remote_;
  spdlog::debug("http: {} {} from {} ({} body bytes)", request.method, request.path, remote_,
                request.body.size());

  ConnectionWriter writer(*this, version, request.keep_alive);
  gone_ = false;
  on_gone_.clear();
  watching_ = true;
  stop_watching_ = false;
  asio::co_spawn(executor_, Watch(), asio::detached);

  bool threw = false;
  try {
    co_await host_->Dispatch(request, writer);
  } catch (const std::exception& e) {
    spdlog::warn("http: handler for {} {} threw: {}", request.method, request.path, e.what());
    threw = true;
  }
  // Callbacks refer to the handler's frame, which is gone now.
  on_gone_.clear();
  if (threw && writer.started()) writer.Abort();
  if (!writer.started() && !closed_ && !gone_) {
    if (!threw) {
      spdlog::warn("http: handler for {} {} sent no response", request.method, request.path);
    }
    (void)co_await writer.Send(ApiErrorResponse(ApiErrorFromHttpStatus(500, "internal error")));
  }
  // A stream the handler did not end must not look complete to the client.
  if (writer.streaming_unfinished()) CloseSocket();
  co_await StopWatching();
  co_return writer.complete() && !gone_ && !closed_ && request.keep_alive && version >= 11 &&
      !close_after_response_;
}

asio::awaitable<void> ServerConnection::Watch() {
  auto self = shared_from_this();
  while (!stop_watching_ && buffer_.size() < host_->options().limits.max_header_bytes) {
    // Waits for readability first, so a connection whose client just waits
    // for its answer (nearly all) holds no read buffer meanwhile.
    auto [ec] = co_await stream_.socket().async_wait(asio::ip::tcp::socket::wait_read,
                                                     asio::as_tuple(use_awaitable));
    if (stop_watching_) break;
    if (!ec) {
      size_t n = 0;
      std::tie(ec, n) = co_await stream_.socket().async_read_some(buffer_.prepare(kWatchReadBytes),
                                                                  asio::as_tuple(use_awaitable));
      buffer_.commit(n);
      ReportReadBuffer();
      if (stop_watching_) break;
    }
    if (ec) {
      MarkGone();
      break;
    }
  }
  watching_ = false;
  watch_done_.cancel();
}

asio::awaitable<void> ServerConnection::StopWatching() {
  stop_watching_ = true;
  if (watching_ && !closed_) {
    beast::error_code ec;
    stream_.socket().cancel(ec);
  }
  while (watching_) {
    watch_done_.expires_at(steady_clock::time_point::max());
    co_await watch_done_.async_wait(asio::as_tuple(use_awaitable));
  }
}

asio::awaitable<void> ServerConnection::SendEarlyError(int http_status,
                                                       const std::string& message) {
  if (closed_) co_return;
  close_after_response_ = true;
  Response r = ApiErrorResponse(ApiErrorFromHttpStatus(http_status, message));
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(http_status), 11};
  res.set(bhttp::field::server, host_->options().server_name);
  CopyHeaders(r.headers, res);
  res.body() = std::move(r.body);
  res.keep_alive(false);
  res.prepare_payload();
  stream_.expires_after(host_->options().write_timeout);
  co_await bhttp::async_write(stream_, res, asio::as_tuple(use_awaitable));
  stream_.expires_never();
  // Closing with unread request bytes would reset the connection and could
  // destroy the answer before the client reads it: half-close, then discard
  // what the client still sends, for a bounded time and amount.
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  size_t drained = 0;
  std::string scratch(kLingerReadBytes, '\0');
  stream_.expires_after(kLingerTime);
  while (drained < kLingerBytes) {
    auto [rec, n] =
        co_await stream_.async_read_some(asio::buffer(scratch), asio::as_tuple(use_awaitable));
    if (rec) break;
    drained += n;
  }
  stream_.expires_never();
}

asio::awaitable<void> ServerConnection::SendContinue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  stream_.expires_after(host_->options().write_timeout);
  co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                             asio::as_tuple(use_awaitable));
  stream_.expires_never();
}

}  // namespace cocoon::http::detail
