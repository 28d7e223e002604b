// What the daemon commands share: logging set-up from settings, an
// io_context that stops on SIGINT/SIGTERM, periodic RA-TLS certificate
// renewal (certificates live at most 24 hours), and following the registry
// (the root contract or the root-config file): when its version changes the
// peer policy is rebuilt from it, new TLS contexts are made, and the daemon
// is told what was removed so it can close those peers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "node/identity.h"
#include "node/registry_watcher.h"

namespace cocoon::cli {

struct DaemonRuntime {
  node::NodeSettings settings;
  node::Identity identity;
  node::Trust trust;
  std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>();
  std::shared_ptr<const node::Registry> registry;  // null: [policy] only
  // The registry as read at start (the trust was built from it).
  std::optional<node::RegistrySnapshot> registry_snapshot;

  // Runs on the io thread after the trust was rebuilt from the new snapshot.
  using RegistryObserver =
      std::function<void(const node::RegistryChange&, const node::RegistrySnapshot&)>;

  // Throws CommandFailed on any error.
  static DaemonRuntime Create(node::NodeSettings settings);

  // A fresh TLS context (new certificate, new evidence).
  std::shared_ptr<ratls::TlsContext> Tls(ratls::TlsSide side, std::set<attest::Role> peers) const;

  // Runs `io` until SIGINT/SIGTERM, then calls `on_stop` and drains. Calls
  // `renew` every half certificate lifetime and after a registry change,
  // then `on_registry`.
  void Run(boost::asio::io_context& io, std::function<void()> renew, std::function<void()> on_stop,
           RegistryObserver on_registry = nullptr);
};

}  // namespace cocoon::cli
