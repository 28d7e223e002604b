#include "worker/worker_node.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

#include "inference/protocol.h"

namespace cocoon::worker {

namespace asio = boost::asio;

asio::awaitable<Result<ProbeResult>> ProbeProxy(const net::HostPort& proxy,
                                                std::shared_ptr<ratls::TlsContext> tls,
                                                net::SessionOptions options) {
  net::RequestHandler no_requests;
  auto secure = co_await net::DialSecure(proxy, std::move(tls), options, no_requests);
  if (!secure.ok()) co_return secure.status();
  auto start = std::chrono::steady_clock::now();
  auto pong = co_await secure->session->Call("ping", {});
  auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  secure->session->Close(Status::Ok());
  if (!pong.ok()) co_return pong.status().WithContext("ping");
  co_return ProbeResult{std::move(secure->peer), rtt};
}

WorkerNode::WorkerNode(asio::any_io_executor executor, WorkerNodeOptions options,
                       std::shared_ptr<ratls::TlsContext> tls, InferenceHandler handler)
    : executor_(executor),
      options_(std::move(options)),
      tls_(std::make_shared<std::shared_ptr<ratls::TlsContext>>(std::move(tls))),
      handler_(std::move(handler)),
      announce_(options_.announce) {
  announce_.set_enabled(true);
  announce_.set_healthy(true);
}

void WorkerNode::Start() {
  net::PersistentLinkOptions link_options;
  link_options.session = options_.session;
  link_options.reconnect_min = options_.reconnect_min;
  link_options.reconnect_max = options_.reconnect_max;
  for (const auto& proxy : options_.proxies) {
    const size_t index = links_.size();
    auto link = std::make_shared<net::PersistentLink>(
        executor_, proxy, [tls = tls_] { return *tls; }, link_options,
        [this, index](net::IncomingStream s) { return Serve(index, std::move(s)); },
        [this, proxy](const net::SecureSession& secure) -> asio::awaitable<Status> {
          Status announced = co_await Announce(secure.session, secure.peer.key);
          if (!announced.ok())
            co_return announced.WithContext("proxy " + proxy.ToString() +
                                            " refused this worker's announcement");
          spdlog::info("connected to proxy {}: image {} ({}); announced {} model(s)",
                       proxy.ToString(),
                       secure.peer.measurements ? HexEncode(secure.peer.measurements->image_hash)
                                                : std::string("none"),
                       secure.peer.measurements ? secure.peer.measurements->tcb_status : "",
                       announce_.models_size());
          co_return Status::Ok();
        });
    links_.push_back(link);
    link->Start();
  }
}

void WorkerNode::Stop() {
  stopped_ = true;
  for (auto& link : links_) link->Stop(Unavailable("worker is shutting down"));
}

size_t WorkerNode::connected_proxies() const {
  size_t n = 0;
  for (const auto& link : links_) n += link->session() != nullptr;
  return n;
}

void WorkerNode::CloseProxiesWithImages(const std::set<attest::ImageHash>& images) {
  for (const auto& link : links_) {
    if (link->CloseIfImageIn(images, PermissionDenied("the registry removed this proxy's image"))) {
      spdlog::warn("closed proxy {}: its image was removed from the registry",
                   link->address().ToString());
    }
  }
}

void WorkerNode::SetEnabled(bool enabled) {
  if (announce_.enabled() == enabled) return;
  announce_.set_enabled(enabled);
  spdlog::info("worker {} by its operator", enabled ? "enabled" : "disabled");
  AnnounceToAll();
}

void WorkerNode::SetHealthy(bool healthy) {
  if (announce_.healthy() == healthy) return;
  announce_.set_healthy(healthy);
  AnnounceToAll();
}

void WorkerNode::AnnounceToAll() {
  for (const auto& link : links_) {
    if (!link->session()) continue;
    asio::co_spawn(
        executor_,
        [this, session = link->session(), key = link->peer().key]() -> asio::awaitable<void> {
          Status s = co_await Announce(session, key);
          if (!s.ok()) spdlog::warn("announcement refused: {}", s.ToString());
        },
        asio::detached);
  }
}

asio::awaitable<Status> WorkerNode::Announce(net::SessionPtr session,
                                             crypto::Ed25519PublicKey proxy_key) {
  inference::WorkerAnnounce announce = announce_;
  if (options_.payee) *announce.mutable_payment() = options_.payee->Identity(proxy_key);
  std::string encoded = announce.SerializeAsString();
  auto reply = co_await session->Call(inference::kAnnounceMethod, AsBytes(encoded));
  if (!reply.ok()) co_return reply.status();
  inference::AnnounceAck ack;
  if (!ack.ParseFromArray(reply->data(), static_cast<int>(reply->size())))
    co_return ProtocolError("the proxy's announce acknowledgement does not parse");
  if (ack.has_payment()) {
    if (!options_.payee) {
      co_return FailedPrecondition(
          "the proxy pays workers through a worker contract, and this worker has no "
          "[payments] section");
    }
    Status terms = options_.payee->AcceptTerms(proxy_key, ack.payment());
    if (!terms.ok()) co_return terms.WithContext("the proxy's payment terms");
  }
  co_return Status::Ok();
}

asio::awaitable<void> WorkerNode::TakeVoucher(size_t link, net::IncomingStream stream) {
  inference::VoucherNotice notice;
  const Bytes& payload = stream.payload();
  if (!options_.payee || link >= links_.size() ||
      !notice.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    (void)stream.Fail(InvalidArgument("worker.voucher: not expected or does not parse"));
    co_return;
  }
  const crypto::Ed25519PublicKey proxy_key = links_[link]->peer().key;
  Result<uint64_t> total =
      options_.payee->AcceptVoucher(proxy_key, AsBytes(notice.payment().voucher()));
  if (!total.ok()) {
    ++counters_.vouchers_refused;
    spdlog::error("voucher from proxy {} refused: {}", links_[link]->address().ToString(),
                  total.status().ToString());
    (void)stream.Fail(total.status());
    co_return;
  }
  ++counters_.vouchers;
  spdlog::debug("voucher from proxy {}: total {} tokens", links_[link]->address().ToString(),
                *total);
  (void)stream.Finish();
}

asio::awaitable<void> WorkerNode::Serve(size_t link, net::IncomingStream stream) {
  if (stream.method() == "ping") {
    (void)co_await stream.Write(AsBytes("pong"));
    (void)stream.Finish();
    co_return;
  }
  if (stream.method() == inference::kInferMethod) {
    co_await Infer(std::move(stream));
    co_return;
  }
  if (stream.method() == inference::kVoucherMethod) {
    co_await TakeVoucher(link, std::move(stream));
    co_return;
  }
  (void)stream.Fail(NotFound("unknown method \"" + stream.method() + "\" for a worker"));
}

asio::awaitable<void> WorkerNode::Infer(net::IncomingStream stream) {
  ++counters_.requests;
  auto refuse = [&](const Status& why) {
    ++counters_.failed;
    (void)stream.Fail(why);
  };
  inference::InferRequest request;
  const Bytes& payload = stream.payload();
  if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    refuse(InvalidArgument("infer: the request does not parse"));
    co_return;
  }
  stream.ReleasePayload();
  if (!announce_.enabled()) {
    refuse(Unavailable("this worker is disabled by its operator"));
    co_return;
  }
  if (!announce_.healthy()) {
    refuse(Unavailable("this worker's backend is unhealthy"));
    co_return;
  }
  if (std::find(announce_.models().begin(), announce_.models().end(), request.model()) ==
      announce_.models().end()) {
    refuse(NotFound("this worker does not serve model \"" + request.model() + "\""));
    co_return;
  }
  if (in_flight_ >= announce_.max_concurrent()) {
    ++counters_.over_capacity;
    refuse(ResourceExhausted("this worker is at capacity (" +
                             std::to_string(announce_.max_concurrent()) + " requests)"));
    co_return;
  }
  ++in_flight_;
  auto cancel = http::CancelSignal::Create();
  stream.OnCancel([cancel](const Status&) { cancel->Cancel(); });
  const auto started = std::chrono::steady_clock::now();
  bool head_sent = false;
  std::string encoded;  // reused for every event
  std::function<asio::awaitable<Status>(inference::InferEvent)> sink =
      [&stream, &head_sent, &encoded,
       started](inference::InferEvent event) -> asio::awaitable<Status> {
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (event.has_head()) {
      head_sent = true;
      inference::AddHopTiming(event.mutable_head()->mutable_timing(), "worker", elapsed);
    } else if (event.has_tail()) {
      inference::AddHopTiming(event.mutable_tail()->mutable_timing(), "worker", elapsed);
    }
    inference::EncodeEvent(event, encoded);
    co_return co_await stream.Write(AsBytes(encoded));
  };
  Status served =
      co_await handler_(request, sink, inference::MaxBodyPieceBytes(options_.session), cancel);
  --in_flight_;
  if (cancel->cancelled()) {
    ++counters_.cancelled;
    (void)stream.Fail(Cancelled("cancelled by the proxy"));
  } else if (!served.ok()) {
    if (head_sent) {
      // The handler broke its contract or the stream failed mid-answer.
      inference::InferEvent tail;
      *tail.mutable_tail() = inference::FailedTail(served);
      (void)co_await sink(tail);
      (void)stream.Finish();
      ++counters_.completed;
    } else {
      refuse(served);
      spdlog::warn("request {} failed before its answer: {}", request.request_id(),
                   served.ToString());
    }
  } else {
    ++counters_.completed;
    (void)stream.Finish();
  }
}

nlohmann::json WorkerNode::Stats() const {
  nlohmann::json proxies = nlohmann::json::array();
  for (const auto& link : links_) {
    nlohmann::json p = {{"address", link->address().ToString()},
                        {"connected", link->session() != nullptr}};
    if (link->session()) {
      p["key"] = link->peer().key.Hex();
      if (link->peer().measurements)
        p["image_hash"] = HexEncode(link->peer().measurements->image_hash);
    } else if (!link->last_error().ok()) {
      p["last_error"] = link->last_error().message();
    }
    proxies.push_back(std::move(p));
  }
  std::vector<std::string> models(announce_.models().begin(), announce_.models().end());
  return {{"name", announce_.name()},
          {"models", models},
          {"price_coefficient", announce_.price_coefficient()},
          {"max_concurrent", announce_.max_concurrent()},
          {"enabled", announce_.enabled()},
          {"healthy", announce_.healthy()},
          {"in_flight", in_flight_},
          {"proxies", proxies},
          {"requests",
           {{"total", counters_.requests},
            {"completed", counters_.completed},
            {"failed", counters_.failed},
            {"cancelled", counters_.cancelled},
            {"over_capacity", counters_.over_capacity}}},
          {"payments", options_.payee ? options_.payee->Stats() : nlohmann::json(nullptr)}};
}

}  // namespace cocoon::worker
