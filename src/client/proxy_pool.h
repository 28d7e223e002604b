// ProxyPool: the client daemon's connections to its proxies (DESIGN.md §1).
// One persistent RA-TLS link per configured proxy; each proxy is verified in
// the handshake. Requests go to the connected proxies in turn (round robin),
// and a request that a proxy cannot take (connection down or lost before the
// answer began, no worker available there) fails over to the next one.
//
// Threading: runs on one executor; not thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "net/persistent_link.h"

namespace cocoon::client {

class ProxyPool {
 public:
  // `on_connect` (optional) runs after each handshake before the link is
  // used (the payments hello); an error drops the connection.
  ProxyPool(boost::asio::any_io_executor executor, std::vector<net::HostPort> proxies,
            net::PersistentLinkOptions options, std::shared_ptr<ratls::TlsContext> tls,
            net::PersistentLink::OnConnect on_connect = nullptr);

  void Start();
  void Stop();
  void SetTlsContext(std::shared_ptr<ratls::TlsContext> tls) { *tls_ = std::move(tls); }

  // The links with a live session, rotated so consecutive calls start at
  // different proxies.
  std::vector<std::shared_ptr<net::PersistentLink>> Connected();
  const std::vector<std::shared_ptr<net::PersistentLink>>& links() const { return links_; }

  // The registry removed these proxy images: their sessions are closed.
  void CloseProxiesWithImages(const std::set<attest::ImageHash>& images);

  // Whether a request that failed with `error` before its answer began
  // should be tried on another proxy.
  static bool ShouldFailOver(const Status& error);

 private:
  boost::asio::any_io_executor executor_;
  net::PersistentLinkOptions options_;
  std::shared_ptr<std::shared_ptr<ratls::TlsContext>> tls_;
  std::vector<net::HostPort> addresses_;
  net::PersistentLink::OnConnect on_connect_;
  std::vector<std::shared_ptr<net::PersistentLink>> links_;
  size_t next_ = 0;
};

}  // namespace cocoon::client
