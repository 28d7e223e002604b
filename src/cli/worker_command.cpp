#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <iostream>

#include "cli/admin_port.h"
#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/payee_payments.h"
#include "cli/report.h"
#include "util/file.h"
#include "worker/backend_forwarder.h"
#include "worker/backend_health.h"
#include "worker/worker_node.h"

namespace cocoon::cli {
namespace {

void PrintProbe(const net::HostPort& proxy, const worker::ProbeResult& r) {
  const auto& m = *r.proxy.measurements;
  std::cout << "secure session with proxy " << proxy.ToString() << "\n"
            << "  TLS 1.3, mutual RA-TLS; proxy verified in the handshake\n"
            << "  proxy key:     " << r.proxy.key.Hex() << "\n"
            << "  evidence:      " << attest::EvidenceKindName(m.kind) << " (" << m.tcb_status
            << ")\n"
            << "  image hash:    " << HexEncode(m.image_hash) << " (allowed for proxies)\n";
  for (const auto& [k, v] : m.details) std::cout << "  " << k << ": " << v << "\n";
  std::cout << "  ping round trip: " << r.round_trip.count() << " us\n";
}

int ProbeAll(const std::vector<net::HostPort>& proxies, std::shared_ptr<ratls::TlsContext> tls) {
  boost::asio::io_context io;
  int failures = 0;
  for (const auto& proxy : proxies) {
    boost::asio::co_spawn(
        io,
        [&, proxy]() -> boost::asio::awaitable<void> {
          auto r = co_await worker::ProbeProxy(proxy, tls, net::SessionOptions{});
          if (!r.ok()) {
            ++failures;
            std::cerr << "proxy " << proxy.ToString() << " refused: " << r.status().message()
                      << "\n";
            co_return;
          }
          PrintProbe(proxy, *r);
        },
        boost::asio::detached);
  }
  io.run();
  return failures;
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::vector<std::string> proxies;
    std::optional<std::string> backend, admin_listen;
    bool once = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("worker",
                                 "Run a worker: serve an inference backend to proxies over RA-TLS");
  AddNodeFlags(cmd, a->node);
  cmd->add_option("--proxy", a->proxies,
                  "Proxy host:port, repeatable (overrides [worker] proxies)");
  cmd->add_option("--backend", a->backend,
                  "OpenAI-compatible backend URL, e.g. http://127.0.0.1:8000 (overrides "
                  "[worker] backend)");
  cmd->add_flag("--once", a->once,
                "Connect to each proxy once, print what was verified, and exit (1 if any failed)");
  cmd->add_option("--admin-listen", a->admin_listen,
                  "host:port of the admin port (overrides [admin] listen); POST /admin/disable "
                  "and /admin/enable take the worker out of service and back");
  cmd->callback([a] {
    auto loaded = LoadNode(a->node, attest::Role::kWorker);
    SectionReader section(*loaded.table, "worker");
    std::vector<std::string> addresses = a->proxies;
    if (addresses.empty()) addresses = section.Strings("proxies");
    if (addresses.empty())
      Fail(InvalidArgument("no proxies: set [worker] proxies or pass --proxy"));
    worker::WorkerNodeOptions options;
    for (const auto& text : addresses) options.proxies.push_back(ParseAddress(text, "proxy"));

    if (a->once) {
      auto rt = DaemonRuntime::Create(std::move(loaded.settings));
      int failures =
          ProbeAll(options.proxies, rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy}));
      if (failures)
        throw CommandFailed(std::to_string(failures) + " proxy connection(s) failed", 1);
      return;
    }

    std::string backend_text = a->backend.value_or(section.String("backend", ""));
    if (backend_text.empty())
      Fail(InvalidArgument("no backend: set [worker] backend or pass --backend"));
    auto backend_url = http::ParseHttpUrl(backend_text);
    if (!backend_url.ok()) Fail(backend_url.status().WithContext("[worker] backend"));
    worker::BackendOptions backend;
    backend.base_url = *backend_url;
    if (std::string key_file = section.String("backend_api_key_file", ""); !key_file.empty()) {
      auto key = ReadFile(key_file);
      if (!key.ok()) Fail(key.status().WithContext("[worker] backend_api_key_file"));
      backend.api_key = *key;
      while (!backend.api_key.empty() &&
             std::isspace(static_cast<unsigned char>(backend.api_key.back())))
        backend.api_key.pop_back();
    }
    std::vector<std::string> models = section.Strings("models");
    if (models.empty()) Fail(InvalidArgument("[worker] models must name at least one model"));
    for (const auto& m : models) options.announce.add_models(m);
    options.announce.set_price_coefficient(
        static_cast<uint32_t>(section.Uint("price_coefficient", 1000, 1000000)));
    options.announce.set_max_concurrent(
        static_cast<uint32_t>(section.Uint("max_concurrent", 8, 100000)));
    if (options.announce.max_concurrent() == 0)
      Fail(InvalidArgument("[worker] max_concurrent must be at least 1"));
    options.announce.set_name(section.String("name", "worker"));
    // Keep a connection per request slot: a smaller pool would reconnect to
    // the backend for every request once more than that many run at once.
    backend.client.max_idle_per_host = options.announce.max_concurrent();
    auto health_interval =
        std::chrono::milliseconds(section.Uint("health_interval_ms", 5000, 3600000));

    const auto payments_config = ReadPaymentsConfig(
        *loaded.table, attest::Role::kWorker, std::filesystem::path(a->node.config).parent_path());
    auto rt = DaemonRuntime::Create(std::move(loaded.settings));
    // Before the payments: their timers must go before the io_context does.
    // One thread runs it (others only post to it): the hint spares locking.
    boost::asio::io_context io(1);
    std::unique_ptr<PayeePayments> payments;
    if (payments_config) {
      payments = std::make_unique<PayeePayments>(*payments_config, rt, node::PayeeRole::kWorker);
      options.payee = payments->payee();
    }
    auto forwarder = std::make_shared<worker::BackendForwarder>(io.get_executor(), backend);
    worker::WorkerNode node(
        io.get_executor(), options, rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy}),
        [forwarder](inference::InferRequest& request,
                    std::function<boost::asio::awaitable<Status>(inference::InferEvent)> sink,
                    size_t max_piece, std::shared_ptr<http::CancelSignal> cancel) {
          return forwarder->Forward(request, std::move(sink), max_piece, std::move(cancel));
        });
    worker::BackendHealthOptions health_options;
    health_options.interval = health_interval;
    health_options.api_key = backend.api_key;
    worker::BackendHealthChecker health(io.get_executor(), backend.base_url, health_options,
                                        [&node](bool healthy, std::string reason) {
                                          if (healthy) {
                                            spdlog::info("backend healthy");
                                          } else {
                                            spdlog::warn("backend unhealthy: {}", reason);
                                          }
                                          node.SetHealthy(healthy);
                                        });
    AdminPort admin(io.get_executor(), *loaded.table, a->admin_listen, "worker");
    admin.registry.AddCollector([&node](admin::MetricsWriter& w) {
      const auto& c = node.counters();
      (void)w.WriteGauge("cocoon_worker_requests_in_flight", "Requests being served",
                         static_cast<double>(node.in_flight()));
      (void)w.WriteCounter("cocoon_worker_requests_completed_total", "Answers sent in full or cut",
                           static_cast<double>(c.completed));
      (void)w.WriteCounter("cocoon_worker_requests_failed_total",
                           "Requests refused or failed before the answer",
                           static_cast<double>(c.failed));
      (void)w.WriteCounter("cocoon_worker_requests_cancelled_total", "Requests the proxy cancelled",
                           static_cast<double>(c.cancelled));
      (void)w.WriteGauge("cocoon_worker_healthy", "1 while the backend passes health checks",
                         node.healthy() ? 1 : 0);
      (void)w.WriteGauge("cocoon_worker_enabled", "1 unless the operator disabled the worker",
                         node.enabled() ? 1 : 0);
      (void)w.WriteGauge("cocoon_worker_proxies_connected", "Proxies connected",
                         static_cast<double>(node.connected_proxies()));
    });
    admin.server->SetStats([&node] { return node.Stats(); });
    admin.server->SetHealthCheck([&node]() -> Status {
      if (!node.healthy()) return Unavailable("the backend fails its health checks");
      if (node.connected_proxies() == 0) return Unavailable("not connected to any proxy");
      return Status::Ok();
    });
    for (bool enable : {false, true}) {
      Status routed = admin.server->Route(
          "POST", enable ? "/admin/enable" : "/admin/disable",
          [&node, enable](const http::Request&,
                          http::ResponseWriter& w) -> boost::asio::awaitable<void> {
            node.SetEnabled(enable);
            http::Response response =
                http::JsonResponse(200, enable ? "{\"enabled\":true}" : "{\"enabled\":false}");
            (void)co_await w.Send(std::move(response));
          });
      if (!routed.ok()) Fail(routed);
    }
    admin.Listen();
    health.Start();
    node.Start();
    if (payments) payments->StartSubmitting(io.get_executor());
    spdlog::info("worker \"{}\": backend {}, {} model(s), coefficient {}, capacity {}",
                 options.announce.name(), backend_text, models.size(),
                 options.announce.price_coefficient(), options.announce.max_concurrent());
    rt.Run(
        io, [&] { node.SetTlsContext(rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy})); },
        [&] {
          admin.server->Stop();
          health.Stop();
          node.Stop();
          if (payments) payments->Stop();
        },
        [&](const node::RegistryChange& change, const node::RegistrySnapshot&) {
          node.CloseProxiesWithImages(change.removed_proxy_images);
        });
  });
}

}  // namespace cocoon::cli
