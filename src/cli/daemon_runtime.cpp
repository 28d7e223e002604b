#include "cli/daemon_runtime.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cli/report.h"
#include "node/registry_source.h"
#include "util/logging.h"

namespace cocoon::cli {

namespace asio = boost::asio;

DaemonRuntime DaemonRuntime::Create(node::NodeSettings settings) {
  if (Status s = SetupLogging(settings.log_level); !s.ok()) Fail(s);
  auto identity = node::MakeIdentity(settings);
  if (!identity.ok()) Fail(identity.status());
  auto clock = std::make_shared<SystemClock>();
  auto registry = node::OpenRegistry(settings);
  if (!registry.ok()) Fail(registry.status());
  auto snapshot = node::LoadSnapshot(*registry);
  if (!snapshot.ok()) Fail(snapshot.status());
  auto trust = node::MakeTrust(settings, clock, *snapshot ? &**snapshot : nullptr);
  if (!trust.ok()) Fail(trust.status());
  spdlog::info("{} image hash {}", attest::RoleName(settings.role),
               HexEncode(identity->image_hash));
  return DaemonRuntime{std::move(settings),  std::move(*identity), std::move(*trust), clock,
                       std::move(*registry), std::move(*snapshot)};
}

std::shared_ptr<ratls::TlsContext> DaemonRuntime::Tls(ratls::TlsSide side,
                                                      std::set<attest::Role> peers) const {
  auto ctx = node::MakeTlsContext(settings, identity, trust, clock, side, std::move(peers));
  if (!ctx.ok()) Fail(ctx.status());
  return *ctx;
}

void DaemonRuntime::Run(asio::io_context& io, std::function<void()> renew,
                        std::function<void()> on_stop, RegistryObserver on_registry) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer renewal(io);
  const auto period =
      std::chrono::seconds(std::max<int64_t>(settings.certificate_validity_seconds / 2, 1));
  std::function<void()> schedule = [&] {
    renewal.expires_after(period);
    renewal.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      renew();
      spdlog::info("renewed the RA-TLS certificate");
      schedule();
    });
  };
  schedule();

  // The registry: its reads block (HTTP), so they run on a thread of their
  // own; what changed is applied on the io thread.
  std::unique_ptr<node::RegistryWatcher> watcher;
  asio::thread_pool reader(1);
  asio::steady_timer poll(io);
  bool stopping = false;
  std::function<void()> schedule_poll;
  if (registry) {
    const int64_t refresh =
        settings.chain_registry ? settings.chain_registry->refresh_seconds : int64_t{30};
    node::RegistryWatcher::Options options;
    options.interval = std::chrono::seconds(refresh);
    options.retry_interval = std::chrono::seconds(std::min<int64_t>(refresh, 5));
    watcher = std::make_unique<node::RegistryWatcher>(*registry, *clock, options);
    (void)watcher->PollNow();  // the trust was built from this version
    schedule_poll = [&] {
      poll.expires_after(std::chrono::seconds(1));
      poll.async_wait([&](boost::system::error_code ec) {
        if (ec || stopping) return;
        asio::post(reader, [&] {
          auto polled = watcher->Poll();
          asio::post(io, [&, polled = std::move(polled)] {
            if (stopping) return;
            if (!polled.ok()) {
              spdlog::warn("reading the registry failed (the last one stays): {}",
                           polled.status().ToString());
            } else if (*polled && (*polled)->old_version) {
              const node::RegistryChange& change = **polled;
              auto snapshot = watcher->current();
              auto policy = node::MakePolicy(settings, snapshot.get());
              if (!policy.ok()) {
                spdlog::error("the new registry gives no usable policy: {}",
                              policy.status().ToString());
              } else {
                trust.policy = *policy;
                spdlog::info("registry version {} -> {}: {}", *change.old_version,
                             change.new_version,
                             change.RemovedAnything() ? "entries removed" : "entries added");
                renew();
                if (on_registry) on_registry(change, *snapshot);
              }
            }
            schedule_poll();
          });
        });
      });
    };
    schedule_poll();
  }

  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    spdlog::info("signal {} received, shutting down", signo);
    stopping = true;
    renewal.cancel();
    poll.cancel();
    on_stop();
  });
  io.run();
  reader.join();
}

}  // namespace cocoon::cli
