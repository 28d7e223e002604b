#include "client/proxy_pool.h"

namespace cocoon::client {

ProxyPool::ProxyPool(boost::asio::any_io_executor executor, std::vector<net::HostPort> proxies,
                     net::PersistentLinkOptions options, std::shared_ptr<ratls::TlsContext> tls,
                     net::PersistentLink::OnConnect on_connect)
    : executor_(executor),
      options_(options),
      tls_(std::make_shared<std::shared_ptr<ratls::TlsContext>>(std::move(tls))),
      addresses_(std::move(proxies)),
      on_connect_(std::move(on_connect)) {}

void ProxyPool::Start() {
  for (const auto& address : addresses_) {
    auto link = std::make_shared<net::PersistentLink>(
        executor_, address, [tls = tls_] { return *tls; }, options_,
        // Proxies send clients no requests.
        [](net::IncomingStream s) -> boost::asio::awaitable<void> {
          (void)s.Fail(NotFound("a client serves no methods"));
          co_return;
        },
        on_connect_);
    links_.push_back(link);
    link->Start();
  }
}

void ProxyPool::Stop() {
  for (auto& link : links_) link->Stop(Unavailable("client is shutting down"));
}

std::vector<std::shared_ptr<net::PersistentLink>> ProxyPool::Connected() {
  std::vector<std::shared_ptr<net::PersistentLink>> out;
  if (links_.empty()) return out;
  size_t start = next_++ % links_.size();
  for (size_t i = 0; i < links_.size(); ++i) {
    const auto& link = links_[(start + i) % links_.size()];
    if (link->session() && !link->session()->closed()) out.push_back(link);
  }
  return out;
}

void ProxyPool::CloseProxiesWithImages(const std::set<attest::ImageHash>& images) {
  for (const auto& link : links_) {
    link->CloseIfImageIn(images, PermissionDenied("the registry removed this proxy's image"));
  }
}

bool ProxyPool::ShouldFailOver(const Status& error) {
  switch (error.code()) {
    case ErrorCode::kUnavailable:  // connection lost, or no worker free at that proxy
    case ErrorCode::kNotFound:     // no worker serves the model at that proxy
    case ErrorCode::kProtocol:
    case ErrorCode::kIo:
      return true;
    default:
      return false;
  }
}

}  // namespace cocoon::client
