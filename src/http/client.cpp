#include "http/client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <deque>
#include <unordered_map>

#include <sys/socket.h>

namespace cocoon::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::use_awaitable;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr size_t kPieceBytes = 16 << 10;

struct Connection {
  explicit Connection(asio::any_io_executor ex, std::string key) : stream(ex), key(std::move(key)) {
    // Beast reads into what the buffer has room for, at least 512 bytes: an
    // empty buffer would take a streamed answer 512 bytes per system call.
    buffer.reserve(kPieceBytes);
  }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::string key;  // host:port
  bool closed = false;
  steady_clock::time_point idle_since;

  void Close() {
    if (closed) return;
    closed = true;
    stream.close();
  }
};
using ConnectionPtr = std::shared_ptr<Connection>;

std::string Key(const ClientRequest& r) { return HttpUrl{r.host, r.port, "/"}.Authority(); }

// Closes `conn` on the client's executor when `signal` fires; unsubscribes
// when destroyed.
class CancelHook {
 public:
  CancelHook() = default;
  CancelHook(std::shared_ptr<CancelSignal> signal, asio::any_io_executor ex,
             std::weak_ptr<Connection> conn, std::shared_ptr<bool> fired)
      : signal_(std::move(signal)) {
    if (!signal_) return;
    id_ = signal_->Subscribe([ex, conn, fired] {
      asio::post(ex, [conn, fired] {
        *fired = true;
        if (auto c = conn.lock()) c->Close();
      });
    });
  }
  CancelHook(CancelHook&& o) noexcept : signal_(std::move(o.signal_)), id_(o.id_) {
    o.signal_.reset();
  }
  CancelHook& operator=(CancelHook&&) = delete;
  ~CancelHook() {
    if (signal_ && id_ != 0) signal_->Unsubscribe(id_);
  }

 private:
  std::shared_ptr<CancelSignal> signal_;
  uint64_t id_ = 0;
};

}  // namespace

struct HttpClient::Pool {
  std::unordered_map<std::string, std::deque<ConnectionPtr>> idle;
  uint64_t opened = 0;
  size_t max_idle_per_host = 8;

  void Put(ConnectionPtr conn) {
    conn->idle_since = steady_clock::now();
    auto& q = idle[conn->key];
    q.push_back(std::move(conn));
    while (q.size() > max_idle_per_host) {
      q.front()->Close();
      q.pop_front();
    }
  }

  // The most recently used live connection to `key`, if any.
  ConnectionPtr Take(const std::string& key, std::chrono::milliseconds max_idle) {
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& q = it->second;
    auto now = steady_clock::now();
    while (!q.empty()) {
      ConnectionPtr c = std::move(q.back());
      q.pop_back();
      if (now - c->idle_since <= max_idle && Alive(*c)) return c;
      c->Close();
    }
    return nullptr;
  }

  // An idle connection must have nothing to read: data or EOF means the
  // server closed it (or broke the protocol).
  static bool Alive(Connection& c) {
    // One peek that never blocks (no switching the socket's mode back and forth).
    char byte;
    const ssize_t n = ::recv(c.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};

namespace {

class StreamImpl final : public ClientStream {
 public:
  using Parser = bhttp::response_parser<bhttp::buffer_body>;

  StreamImpl(ConnectionPtr conn, std::unique_ptr<Parser> parser, CancelHook hook,
             std::shared_ptr<bool> cancel_fired, std::weak_ptr<HttpClient::Pool> pool,
             const ClientOptions& options)
      : conn_(std::move(conn)),
        parser_(std::move(parser)),
        hook_(std::move(hook)),
        cancel_fired_(std::move(cancel_fired)),
        pool_(std::move(pool)),
        idle_timeout_(options.idle_timeout) {
    status_ = static_cast<int>(parser_->get().result_int());
    for (const auto& f : parser_->get()) {
      headers_.Add(std::string(f.name_string()), std::string(f.value()));
    }
    if (parser_->is_done()) Finish();
  }

  ~StreamImpl() override {
    if (conn_) conn_->Close();
  }

  int status() const override { return status_; }
  const Headers& headers() const override { return headers_; }

  asio::awaitable<Result<std::optional<std::string>>> Next() override {
    if (!error_.ok()) co_return error_;
    if (deferred_error_) co_return Fail(deferred_error_);
    if (done_) co_return std::optional<std::string>();
    while (true) {
      auto& body = parser_->get().body();
      body.data = piece_;
      body.size = sizeof piece_;
      conn_->stream.expires_after(idle_timeout_);
      auto [ec, n] = co_await bhttp::async_read_some(conn_->stream, conn_->buffer, *parser_,
                                                     asio::as_tuple(use_awaitable));
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return Fail(ec);
      if (!parser_->is_done()) TakeWhatHasArrived();
      size_t got = sizeof piece_ - parser_->get().body().size;
      if (parser_->is_done()) Finish();
      if (got > 0) co_return std::optional<std::string>(std::string(piece_, got));
      if (deferred_error_) co_return Fail(deferred_error_);
      if (done_) co_return std::optional<std::string>();
    }
  }

  void Cancel() override {
    cancelled_ = true;
    if (conn_) conn_->Close();
  }

 private:
  // Adds to the piece being read the body bytes already in the connection's
  // buffer (a read takes all the socket holds, the parser hands out one
  // chunk at a time). A server that writes each SSE event on its own, as
  // inference servers do, would otherwise cost a pass through the whole
  // relay per event, however many have queued up. An error is kept for the
  // next Next(), after the bytes before it.
  void TakeWhatHasArrived() {
    auto& body = parser_->get().body();
    while (body.size > 0 && !parser_->is_done() && conn_->buffer.size() > 0) {
      beast::error_code ec;
      const size_t used = parser_->put(conn_->buffer.data(), ec);
      conn_->buffer.consume(used);
      if (ec == bhttp::error::need_buffer || ec == bhttp::error::need_more) return;
      if (!ec && used == 0) return;  // no progress: leave it to the next read
      if (ec) {
        deferred_error_ = ec;
        return;
      }
    }
  }

  // The body is complete: the connection goes back to the pool if it can
  // carry another request.
  void Finish() {
    done_ = true;
    conn_->stream.expires_never();
    auto pool = pool_.lock();
    if (pool && parser_->get().keep_alive() && !conn_->closed && conn_->buffer.size() == 0) {
      pool->Put(std::move(conn_));
    } else {
      conn_->Close();
      conn_.reset();
    }
  }

  Status Fail(const beast::error_code& ec) {
    if (cancelled_ || *cancel_fired_) {
      error_ = Cancelled("request cancelled");
    } else if (ec == beast::error::timeout) {
      error_ =
          DeadlineExceeded("no response data for " + std::to_string(idle_timeout_.count()) + " ms");
    } else if (ec == bhttp::error::partial_message || ec == asio::error::eof ||
               ec == asio::error::connection_reset) {
      error_ = Unavailable("the server closed the connection mid-response");
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::need_more).category()) {
      error_ = ProtocolError("malformed response body: " + ec.message());
    } else {
      error_ = Unavailable("reading the response failed: " + ec.message());
    }
    if (conn_) {
      conn_->Close();
      conn_.reset();
    }
    return error_;
  }

  ConnectionPtr conn_;
  std::unique_ptr<Parser> parser_;
  CancelHook hook_;
  std::shared_ptr<bool> cancel_fired_;
  std::weak_ptr<HttpClient::Pool> pool_;
  const std::chrono::milliseconds idle_timeout_;
  int status_ = 0;
  Headers headers_;
  bool done_ = false;
  bool cancelled_ = false;
  Status error_;
  beast::error_code deferred_error_;  // found by TakeWhatHasArrived
  char piece_[kPieceBytes];
};

// True for failures that mean a reused connection was already closed by the
// server, so the request can be sent again on a fresh one.
bool StaleConnectionError(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

ClientRequest ClientRequest::For(std::string method, const HttpUrl& url) {
  ClientRequest r;
  r.method = std::move(method);
  r.host = url.host;
  r.port = url.port;
  r.target = url.target;
  return r;
}

asio::awaitable<Result<std::string>> ClientStream::ReadAll(size_t max_bytes) {
  std::string all;
  while (true) {
    auto piece = co_await Next();
    if (!piece.ok()) co_return piece.status();
    if (!piece->has_value()) co_return all;
    if (all.size() + (*piece)->size() > max_bytes) {
      Cancel();
      co_return ResourceExhausted("response body larger than " + std::to_string(max_bytes) +
                                  " bytes");
    }
    all += **piece;
  }
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      pool_(std::make_shared<Pool>()) {
  pool_->max_idle_per_host = options_.max_idle_per_host;
}

HttpClient::~HttpClient() { CloseIdle(); }

void HttpClient::CloseIdle() {
  for (auto& [key, q] : pool_->idle) {
    for (auto& c : q) c->Close();
  }
  pool_->idle.clear();
}

size_t HttpClient::idle_connections() const {
  size_t n = 0;
  for (const auto& [key, q] : pool_->idle) n += q.size();
  return n;
}

uint64_t HttpClient::connections_opened() const { return pool_->opened; }

asio::awaitable<Result<ClientStreamPtr>> HttpClient::Stream(ClientRequest request) {
  const std::string key = Key(request);
  if (request.host.empty()) co_return InvalidArgument("request has no host");
  if (request.target.empty() || request.target[0] != '/') {
    co_return InvalidArgument("request target must start with '/'");
  }
  bhttp::request<bhttp::string_body> req;
  try {
    req.method_string(request.method);
    req.target(request.target);
  } catch (const std::exception& e) {
    co_return InvalidArgument(std::string("bad request line: ") + e.what());
  }
  req.version(11);
  req.set(bhttp::field::host, key);
  req.set(bhttp::field::user_agent, options_.user_agent);
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  req.body() = std::move(request.body);
  req.keep_alive(true);
  req.prepare_payload();
  const bool head = request.method == "HEAD";

  auto cancel_fired = std::make_shared<bool>(false);
  auto cancelled = [&] { return *cancel_fired || (request.cancel && request.cancel->cancelled()); };

  for (int attempt = 0;; ++attempt) {
    if (cancelled()) co_return Cancelled("request cancelled");
    ConnectionPtr conn = attempt == 0 ? pool_->Take(key, options_.pool_idle_timeout) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) conn = std::make_shared<Connection>(executor_, key);
    CancelHook hook(request.cancel, executor_, conn, cancel_fired);

    if (!reused) {
      tcp::resolver resolver(executor_);
      auto [rec, endpoints] = co_await resolver.async_resolve(
          request.host, std::to_string(request.port), asio::as_tuple(use_awaitable));
      if (cancelled()) co_return Cancelled("request cancelled");
      if (rec) co_return Unavailable("cannot resolve " + request.host + ": " + rec.message());
      conn->stream.expires_after(options_.connect_timeout);
      auto [cec, ep] =
          co_await conn->stream.async_connect(endpoints, asio::as_tuple(use_awaitable));
      if (cancelled()) co_return Cancelled("request cancelled");
      if (cec == beast::error::timeout) {
        co_return DeadlineExceeded("connecting to " + key + " timed out after " +
                                   std::to_string(options_.connect_timeout.count()) + " ms");
      }
      if (cec) co_return Unavailable("cannot connect to " + key + ": " + cec.message());
      boost::system::error_code ignored;
      conn->stream.socket().set_option(tcp::no_delay(true), ignored);
      ++pool_->opened;
    }

    conn->stream.expires_after(options_.first_byte_timeout);
    auto [wec, wn] = co_await bhttp::async_write(conn->stream, req, asio::as_tuple(use_awaitable));
    auto parser = std::make_unique<StreamImpl::Parser>();
    parser->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser->body_limit(boost::none);
    if (head) parser->skip(true);
    beast::error_code ec = wec;
    // A server may answer (e.g. 413) and close before reading the whole
    // body, failing our write; its answer can still be read.
    const bool may_have_answer = wec && wec != beast::error::timeout && !cancelled();
    if (!ec || may_have_answer) {
      std::tie(ec, std::ignore) = co_await bhttp::async_read_header(
          conn->stream, conn->buffer, *parser, asio::as_tuple(use_awaitable));
    }
    if (!ec) {
      co_return ClientStreamPtr(std::make_unique<StreamImpl>(
          std::move(conn), std::move(parser), std::move(hook), cancel_fired, pool_, options_));
    }
    conn->Close();
    if (cancelled()) co_return Cancelled("request cancelled");
    if (reused && !parser->got_some() && StaleConnectionError(ec)) {
      spdlog::debug("http client: pooled connection to {} was closed; retrying", key);
      continue;
    }
    if (ec == beast::error::timeout) {
      co_return DeadlineExceeded("no response from " + key + " within " +
                                 std::to_string(options_.first_byte_timeout.count()) + " ms");
    }
    if (ec == bhttp::error::header_limit) {
      co_return ResourceExhausted("response head from " + key + " larger than " +
                                  std::to_string(options_.max_header_bytes) + " bytes");
    }
    if (StaleConnectionError(ec) || ec == bhttp::error::partial_message) {
      co_return Unavailable(key + " closed the connection before responding");
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::need_more).category()) {
      co_return ProtocolError("malformed response from " + key + ": " + ec.message());
    }
    co_return Unavailable("request to " + key + " failed: " + ec.message());
  }
}

asio::awaitable<Result<Response>> HttpClient::Fetch(ClientRequest request) {
  auto stream = co_await Stream(std::move(request));
  if (!stream.ok()) co_return stream.status();
  Response r;
  r.status = (*stream)->status();
  r.headers = (*stream)->headers();
  auto body = co_await (*stream)->ReadAll(options_.max_body_bytes);
  if (!body.ok()) co_return body.status();
  r.body = std::move(*body);
  co_return r;
}

}  // namespace cocoon::http
