#include "client/api_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include "client/attestation_json.h"
#include "crypto/random.h"
#include "http/openai.h"
#include "http/usage_cost.h"
#include "inference/protocol.h"
#include "net/session_stats_json.h"
#include "pay/errors.h"
#include "ratls/certificate.h"
#include "util/bytes.h"

namespace cocoon::client {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// The most answer bytes joined into one write to the caller.
constexpr size_t kMaxJoinedPieceBytes = 64 << 10;

// An X-Request-Id the caller chose is kept if it is short and plain.
std::string RequestIdFrom(const http::Request& request) {
  if (auto given = request.headers.Get("X-Request-Id")) {
    bool plain =
        !given->empty() && given->size() <= 64 &&
        std::all_of(given->begin(), given->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
    if (plain) return std::string(*given);
  }
  return HexEncode(crypto::RandomBytes(12));
}

// The request a proxy gets, encoded. Takes the body so that no other copy of
// the prompt is left behind.
std::string InferPayload(const std::string& request_id, http::Endpoint endpoint, std::string body,
                         const http::CompletionRequest& parsed, uint32_t max_coefficient) {
  inference::InferRequest infer;
  infer.set_request_id(request_id);
  infer.set_endpoint(inference::ToProto(endpoint));
  infer.set_body(std::move(body));
  infer.set_model(parsed.model);
  infer.set_stream(parsed.stream);
  infer.set_max_coefficient(max_coefficient);
  if (parsed.max_tokens) infer.set_max_tokens(*parsed.max_tokens);
  return infer.SerializeAsString();
}

// Shared with callbacks that may fire while the handler waits.
struct CallState {
  bool caller_gone = false;
  bool timed_out = false;
  bool awaiting_head = false;
  net::StreamReader* stream = nullptr;
};

// Arguments by reference: GCC 12 mishandles temporaries inside co_await
// expressions, so callers pass named values.
asio::awaitable<void> SendError(http::ResponseWriter& writer, const http::ApiError& error,
                                const http::Headers& extra) {
  http::Response response = http::ApiErrorResponse(error);
  for (const auto& [name, value] : extra) response.headers.Set(name, value);
  (void)co_await writer.Send(std::move(response));
}

std::string SseErrorEvent(const Status& error) {
  http::ApiError api = http::ApiErrorFromStatus(error);
  return "data: " + http::ApiErrorJson(api).dump() + "\n\n";
}

}  // namespace

ApiServer::ApiServer(asio::any_io_executor executor, ApiServerOptions options, ProxyPool& proxies,
                     ApiKeys& keys, ratls::PeerRequirements verify_workers)
    : options_(std::move(options)),
      proxies_(proxies),
      keys_(keys),
      verify_workers_(std::move(verify_workers)),
      server_(std::make_unique<http::HttpServer>(executor, options_.http)) {
  server_->Route("POST", "/v1/chat/completions", [this](http::Request& r, http::ResponseWriter& w) {
    return Completions(r, w, http::Endpoint::kChatCompletions);
  });
  server_->Route("POST", "/v1/completions", [this](http::Request& r, http::ResponseWriter& w) {
    return Completions(r, w, http::Endpoint::kCompletions);
  });
  server_->Route("GET", "/v1/models",
                 [this](const http::Request& r, http::ResponseWriter& w) { return Models(r, w); });
  server_->Route("GET", "/v1/attestation", [this](const http::Request& r, http::ResponseWriter& w) {
    return Attestation(r, w);
  });
}

ApiServer::~ApiServer() = default;

Result<uint16_t> ApiServer::Listen(std::string_view host, uint16_t port) {
  return server_->Listen(host, port);
}

void ApiServer::Stop() { server_->Stop(); }

asio::awaitable<void> ApiServer::Completions(http::Request& request, http::ResponseWriter& writer,
                                             http::Endpoint endpoint) {
  const auto started = Clock::now();
  ++counters_.requests;
  http::Headers headers;
  headers.Set("X-Request-Id", RequestIdFrom(request));
  const std::string request_id(*headers.Get("X-Request-Id"));
  std::string model;
  Clock::duration time_to_head{};
  auto done = [&](std::string_view outcome) {
    if (observer_) observer_(model, outcome, Clock::now() - started, time_to_head);
  };
  auto fail = [&](const http::ApiError& error) -> asio::awaitable<void> {
    ++counters_.errors;
    done(std::to_string(error.http_status));
    co_await SendError(writer, error, headers);
  };

  auto key = keys_.Authenticate(request.headers.Get("Authorization"));
  if (!key.ok()) {
    http::ApiError error = http::ApiErrorFromStatus(key.status());
    error.code = "invalid_api_key";
    co_await fail(error);
    co_return;
  }
  auto lease = keys_.Admit(*key, Clock::now());
  if (!lease.ok()) {
    http::ApiError error = http::ApiErrorFromStatus(lease.status());
    co_await fail(error);
    co_return;
  }
  // What goes to a proxy (again on a failover) until one answers: the only
  // copy of the prompt this request keeps, and only until then.
  std::string payload;
  bool stream_asked = false;
  {
    auto parsed = http::ParseCompletionRequest(request.body, endpoint);
    if (!parsed.ok()) {
      http::ApiError error = http::ApiErrorFromStatus(parsed.status());
      co_await fail(error);
      co_return;
    }
    model = parsed->model;
    if (!options_.models.empty() && !options_.models.count(model)) {
      http::ApiError error = http::ApiErrorFromStatus(
          NotFound("the model \"" + model + "\" does not exist on this network"));
      error.code = "model_not_found";
      co_await fail(error);
      co_return;
    }
    stream_asked = parsed->stream;
    payload = InferPayload(request_id, endpoint, std::move(request.body), *parsed,
                           options_.max_coefficient);
  }

  ++in_flight_;
  struct InFlight {
    uint32_t& n;
    ~InFlight() { --n; }
  } in_flight_guard{in_flight_};

  auto state = std::make_shared<CallState>();
  writer.OnClientGone([state] {
    state->caller_gone = true;
    if (state->stream) state->stream->Cancel("the caller disconnected");
  });
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(options_.answer_timeout);
  state->awaiting_head = true;
  timer.async_wait([state](boost::system::error_code ec) {
    if (ec || !state->awaiting_head) return;
    state->timed_out = true;
    if (state->stream) state->stream->Cancel("no answer within the client's timeout");
  });

  // Try the connected proxies in turn until one gives the answer's head.
  std::optional<net::StreamReader> stream;
  std::shared_ptr<net::PersistentLink> proxy;
  std::optional<inference::InferEvent> head;
  Status last_error = Unavailable("not connected to any proxy");
  auto links = proxies_.Connected();
  for (size_t i = 0; i < links.size() && !head; ++i) {
    if (i > 0) ++counters_.failovers;
    auto session = links[i]->session();
    if (!session) continue;
    auto opened = session->Open(inference::kInferMethod, AsBytes(payload));
    if (!opened.ok()) {
      last_error = opened.status();
      continue;
    }
    stream.emplace(std::move(*opened));
    state->stream = &*stream;
    auto first = co_await inference::ReadEvent(*stream);
    if (first.ok() && first->has_value() && (*first)->has_head()) {
      head = std::move(**first);
      proxy = links[i];
      break;
    }
    state->stream = nullptr;
    stream.reset();
    last_error = !first.ok() ? first.status()
                 : first->has_value()
                     ? ProtocolError("the proxy's answer did not start with a head")
                     : ProtocolError("the proxy ended the answer at once");
    if (state->caller_gone || state->timed_out) break;
    if (!ProxyPool::ShouldFailOver(last_error)) break;
    spdlog::debug("request {}: proxy {} could not take it ({}); trying the next", request_id,
                  links[i]->address().ToString(), last_error.ToString());
  }
  state->awaiting_head = false;
  timer.cancel();
  std::string().swap(payload);

  if (state->caller_gone) {
    ++counters_.cancelled;
    done("cancelled");
    co_return;
  }
  if (!head) {
    if (state->timed_out)
      last_error = DeadlineExceeded("no answer within " +
                                    std::to_string(options_.answer_timeout.count()) + " ms");
    http::ApiError error = http::ApiErrorFromStatus(last_error);
    if (last_error.code() == ErrorCode::kNotFound) error.code = "model_not_found";
    if (pay::HasReason(last_error, pay::kInsufficientCredit)) {
      // OpenAI's answer when the account cannot pay: 429 insufficient_quota.
      error.http_status = 429;
      error.type = "insufficient_quota";
      error.code = "insufficient_quota";
    }
    spdlog::info("request {} ({}) refused: {} {}", request_id, model, error.http_status,
                 last_error.ToString());
    co_await fail(error);
    co_return;
  }

  // The answer's head: status and headers now, body as it comes.
  const auto& h = head->head();
  time_to_head = Clock::now() - started;
  auto timing = h.timing();
  inference::AddHopTiming(&timing, "client", time_to_head);
  headers.Set("Server-Timing", inference::ServerTimingValue(timing));
  headers.Set("X-Cocoon-Worker", HexEncode(AsBytes(h.worker().public_key())));
  headers.Set("X-Cocoon-Proxy", proxy->peer().key.Hex());
  std::string content_type =
      h.content_type().empty() ? std::string("application/json") : h.content_type();
  headers.Set("Content-Type", content_type);
  const int status = static_cast<int>(h.status());
  const bool streaming = stream_asked && status < 300;
  if (streaming) {
    headers.Set("Cache-Control", "no-cache");
    if (!(co_await writer.StartStream(status, headers)).ok()) {
      ++counters_.cancelled;
      done("cancelled");
      co_return;
    }
  }

  std::string body;  // whole answers only
  bool ends_with_blank_line = true;
  std::optional<inference::ResponseTail> tail;
  Status broken;
  // With payments the usage event waits for the tail's cost.
  std::optional<http::StreamCostWriter> costs;
  if (options_.payee && streaming) costs.emplace();
  // Pieces that queued up while the caller's socket was busy go out in one
  // write.
  inference::EventReader events(*stream, kMaxJoinedPieceBytes);
  // The proxy's credit comes back once a piece is passed on (written to the
  // caller or kept for a whole answer): a slow caller holds about one window
  // per stream here (plus an event read ahead).
  stream->DeferCredit();
  while (true) {
    stream->GrantRead();
    auto next = co_await events.Next();
    if (state->caller_gone) break;
    if (!next.ok() || !next->has_value() || (*next)->has_head()) {
      broken = !next.ok()           ? next.status()
               : !next->has_value() ? ProtocolError("the answer ended without a tail")
                                    : ProtocolError("the answer has a second head");
      break;
    }
    inference::InferEvent& event = **next;
    if (event.has_tail()) {
      tail = std::move(*event.mutable_tail());
      break;
    }
    const std::string& piece = event.body();
    if (piece.empty()) continue;
    if (streaming) {
      ends_with_blank_line = piece.size() >= 2 && piece.compare(piece.size() - 2, 2, "\n\n") == 0;
      if (costs) {
        std::string now = costs->Push(piece);
        if (!now.empty() && !(co_await writer.Write(now)).ok()) break;
        continue;
      }
      if (!(co_await writer.Write(piece)).ok()) break;
    } else {
      body += piece;
    }
  }
  state->stream = nullptr;
  if (state->caller_gone || (streaming && writer.client_gone())) {
    stream->Cancel("the caller disconnected");
    ++counters_.cancelled;
    done("cancelled");
    co_return;
  }
  Status outcome = broken.ok() ? (tail ? inference::TailStatus(*tail) : Status::Ok()) : broken;
  const inference::Payment* payment = nullptr;
  std::optional<http::UsageCost> cost;
  if (tail && tail->has_payment() && options_.payee) {
    payment = &tail->payment();
    cost = http::UsageCost{payment->adjusted_tokens(), payment->amount()};
    if (!payment->voucher().empty()) {
      Result<uint64_t> total =
          options_.payee->AcceptVoucher(proxy->peer().key, AsBytes(payment->voucher()));
      if (total.ok()) {
        ++counters_.vouchers;
      } else {
        ++counters_.vouchers_refused;
        spdlog::error("request {}: the proxy's voucher was refused: {}", request_id,
                      total.status().ToString());
      }
    }
  }
  if (costs) {
    std::string rest = costs->Finish(cost ? &*cost : nullptr);
    if (!rest.empty()) (void)co_await writer.Write(rest);
  }
  if (tail && tail->has_usage()) {
    const auto& u = tail->usage();
    spdlog::debug("request {} ({}): usage prompt {} cached {} completion {} reasoning {}",
                  request_id, model, u.prompt_tokens(), u.cached_tokens(), u.completion_tokens(),
                  u.reasoning_tokens());
  }
  if (!outcome.ok()) {
    ++counters_.incomplete;
    spdlog::warn("request {} ({}) was cut short: {}", request_id, model, outcome.ToString());
    done("incomplete");
    if (streaming) {
      std::string event = (ends_with_blank_line ? "" : "\n\n") + SseErrorEvent(outcome);
      (void)co_await writer.Write(event);
      (void)co_await writer.End();
    } else {
      http::ApiError error = http::ApiErrorFromStatus(
          outcome.code() == ErrorCode::kUnavailable ? IoError(outcome.message()) : outcome);
      co_await SendError(writer, error, headers);
    }
    co_return;
  }
  ++counters_.completed;
  done("ok");
  if (streaming) {
    (void)co_await writer.End();
  } else {
    http::Response response;
    response.status = status;
    response.headers = headers;
    response.body = cost ? http::AddCostToUsage(body, *cost) : std::move(body);
    (void)co_await writer.Send(std::move(response));
  }
}

asio::awaitable<bool> ApiServer::Authorized(const http::Request& request,
                                            http::ResponseWriter& writer,
                                            const http::Headers& headers) {
  auto key = keys_.Authenticate(request.headers.Get("Authorization"));
  if (key.ok()) co_return true;
  http::ApiError error = http::ApiErrorFromStatus(key.status());
  error.code = "invalid_api_key";
  co_await SendError(writer, error, headers);
  co_return false;
}

asio::awaitable<void> ApiServer::Models(const http::Request& request,
                                        http::ResponseWriter& writer) {
  http::Headers headers;
  headers.Set("X-Request-Id", RequestIdFrom(request));
  if (!co_await Authorized(request, writer, headers)) co_return;
  struct Merged {
    uint32_t workers = 0;
    uint32_t min_coefficient = 0;
    uint32_t max_coefficient = 0;
  };
  std::map<std::string, Merged> models;
  for (const auto& name : options_.models) models[name];
  size_t answered = 0;
  for (const auto& link : proxies_.Connected()) {
    auto reply = co_await link->session()->Call(inference::kModelsMethod, {});
    inference::ModelList list;
    if (!reply.ok() || !list.ParseFromArray(reply->data(), static_cast<int>(reply->size()))) {
      spdlog::warn("proxy {} did not list its models: {}", link->address().ToString(),
                   reply.ok() ? "malformed answer" : reply.status().ToString());
      continue;
    }
    ++answered;
    for (const auto& info : list.models()) {
      if (!options_.models.empty() && !options_.models.count(info.id())) continue;
      Merged& m = models[info.id()];
      if (info.workers() == 0) continue;
      if (m.workers == 0 || info.min_coefficient() < m.min_coefficient)
        m.min_coefficient = info.min_coefficient();
      if (m.workers == 0 || info.max_coefficient() > m.max_coefficient)
        m.max_coefficient = info.max_coefficient();
      m.workers += info.workers();
    }
  }
  if (answered == 0 && options_.models.empty()) {
    http::ApiError error = http::ApiErrorFromStatus(Unavailable("not connected to any proxy"));
    co_await SendError(writer, error, headers);
    co_return;
  }
  nlohmann::json data = nlohmann::json::array();
  const uint64_t price = options_.prices.price_per_token;
  for (const auto& [name, m] : models) {
    nlohmann::json entry = {{"id", name},
                            {"object", "model"},
                            {"created", 0},
                            {"owned_by", "cocoon"},
                            {"workers", m.workers}};
    if (m.workers > 0) {
      entry["price_coefficient"] = {{"min", m.min_coefficient}, {"max", m.max_coefficient}};
      // nanoTON per adjusted token, before the per-category multipliers.
      entry["price_per_token"] = {{"min", price * m.min_coefficient / 1000},
                                  {"max", price * m.max_coefficient / 1000}};
    }
    data.push_back(std::move(entry));
  }
  nlohmann::json body = {{"object", "list"}, {"data", data}};
  http::Response response = http::JsonResponse(200, body.dump());
  for (const auto& [n, v] : headers) response.headers.Set(n, v);
  (void)co_await writer.Send(std::move(response));
}

asio::awaitable<void> ApiServer::Attestation(const http::Request& request,
                                             http::ResponseWriter& writer) {
  http::Headers headers;
  headers.Set("X-Request-Id", RequestIdFrom(request));
  if (!co_await Authorized(request, writer, headers)) co_return;
  nlohmann::json proxies = nlohmann::json::array();
  for (const auto& link : proxies_.Connected()) {
    nlohmann::json p = PeerJson(link->peer());
    p["address"] = link->address().ToString();
    p["verified"] = true;  // in this connection's RA-TLS handshake
    nlohmann::json workers = nlohmann::json::array();
    auto reply = co_await link->session()->Call(inference::kAttestationMethod, {});
    inference::AttestationReport report;
    if (reply.ok() && report.ParseFromArray(reply->data(), static_cast<int>(reply->size()))) {
      for (const auto& w : report.workers()) {
        nlohmann::json entry;
        auto cert = ratls::CertificateFromDer(AsBytes(w.certificate_der()));
        auto verified = cert.ok() ? ratls::VerifyPeerCertificate(cert->get(), verify_workers_)
                                  : Result<ratls::PeerIdentity>(cert.status());
        if (verified.ok()) {
          entry = PeerJson(*verified);
          entry["verified"] = true;
        } else {
          entry = {{"certificate_pem", CertificatePem(AsBytes(w.certificate_der()))},
                   {"verified", false},
                   {"refusal", verified.status().message()}};
        }
        entry["name"] = w.name();
        entry["models"] = std::vector<std::string>(w.models().begin(), w.models().end());
        workers.push_back(std::move(entry));
      }
    } else {
      p["workers_error"] = reply.ok() ? "malformed answer" : reply.status().message();
    }
    p["workers"] = std::move(workers);
    proxies.push_back(std::move(p));
  }
  nlohmann::json body = {{"proxies", proxies}};
  http::Response response = http::JsonResponse(200, body.dump(2));
  for (const auto& [n, v] : headers) response.headers.Set(n, v);
  (void)co_await writer.Send(std::move(response));
}

nlohmann::json ApiServer::Stats() const {
  nlohmann::json proxies = nlohmann::json::array();
  for (const auto& link : proxies_.links()) {
    nlohmann::json p = {{"address", link->address().ToString()},
                        {"connected", link->session() != nullptr},
                        {"connects", link->connects()}};
    if (link->session()) {
      p["key"] = link->peer().key.Hex();
      p["connection"] = net::ConnectionStats(link->session()->stats());
    } else if (!link->last_error().ok()) {
      p["last_error"] = link->last_error().message();
    }
    proxies.push_back(std::move(p));
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : keys_.keys()) {
    keys.push_back({{"name", k.config.name},
                    {"in_flight", k.in_flight},
                    {"requests", k.requests},
                    {"refused", k.refused}});
  }
  return {
      {"proxies", proxies},
      {"api_keys", keys},
      {"in_flight", in_flight_},
      {"requests",
       {{"total", counters_.requests},
        {"completed", counters_.completed},
        {"incomplete", counters_.incomplete},
        {"cancelled", counters_.cancelled},
        {"errors", counters_.errors},
        {"failovers", counters_.failovers}}},
      {"http",
       {{"connections", server_->open_connections()},
        {"read_buffer_bytes", server_->read_buffer_bytes()}}},
      {"payments", options_.payee ? options_.payee->Stats() : nlohmann::json(nullptr)},
      {"vouchers", {{"accepted", counters_.vouchers}, {"refused", counters_.vouchers_refused}}}};
}

}  // namespace cocoon::client
