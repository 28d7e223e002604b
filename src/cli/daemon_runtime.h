// What the daemon commands share: logging set-up from settings, an
// io_context that stops on SIGINT/SIGTERM, and periodic RA-TLS certificate
// renewal (certificates live at most 24 hours).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "node/identity.h"

namespace cocoon::cli {

struct DaemonRuntime {
  node::NodeSettings settings;
  node::Identity identity;
  node::Trust trust;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();

  // Throws CommandFailed on any error.
  static DaemonRuntime Create(node::NodeSettings settings);

  // A fresh TLS context (new certificate, new evidence).
  std::shared_ptr<ratls::TlsContext> Tls(ratls::TlsSide side, std::set<attest::Role> peers) const;

  // Runs `io` until SIGINT/SIGTERM, then calls `on_stop` and drains. Calls
  // `renew` every half certificate lifetime.
  void Run(boost::asio::io_context& io, std::function<void()> renew,
           std::function<void()> on_stop) const;
};

}  // namespace cocoon::cli
