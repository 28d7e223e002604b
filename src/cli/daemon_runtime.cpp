#include "cli/daemon_runtime.h"

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cli/report.h"
#include "util/logging.h"

namespace cocoon::cli {

namespace asio = boost::asio;

DaemonRuntime DaemonRuntime::Create(node::NodeSettings settings) {
  if (Status s = SetupLogging(settings.log_level); !s.ok()) Fail(s);
  auto identity = node::MakeIdentity(settings);
  if (!identity.ok()) Fail(identity.status());
  auto clock = std::make_shared<SystemClock>();
  auto trust = node::MakeTrust(settings, clock);
  if (!trust.ok()) Fail(trust.status());
  spdlog::info("{} image hash {}", attest::RoleName(settings.role),
               HexEncode(identity->image_hash));
  return DaemonRuntime{std::move(settings), std::move(*identity), std::move(*trust), clock};
}

std::shared_ptr<ratls::TlsContext> DaemonRuntime::Tls(ratls::TlsSide side,
                                                      std::set<attest::Role> peers) const {
  auto ctx = node::MakeTlsContext(settings, identity, trust, clock, side, std::move(peers));
  if (!ctx.ok()) Fail(ctx.status());
  return *ctx;
}

void DaemonRuntime::Run(asio::io_context& io, std::function<void()> renew,
                        std::function<void()> on_stop) const {
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
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    spdlog::info("signal {} received, shutting down", signo);
    renewal.cancel();
    on_stop();
  });
  io.run();
}

}  // namespace cocoon::cli
