#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/admin_port.h"
#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/payments_config.h"
#include "cli/proxy_payments.h"
#include "cli/report.h"
#include "proxy/proxy_server.h"

namespace cocoon::cli {

void AddProxyCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::optional<std::string> workers_listen, clients_listen, admin_listen;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("proxy", "Run a proxy: accept attested workers and clients");
  AddNodeFlags(cmd, a->node);
  cmd->add_option("--workers-listen", a->workers_listen,
                  "host:port for workers (overrides [proxy] workers_listen)");
  cmd->add_option("--clients-listen", a->clients_listen,
                  "host:port for clients (overrides [proxy] clients_listen)");
  cmd->add_option("--admin-listen", a->admin_listen,
                  "host:port of the admin port (overrides [admin] listen)");
  cmd->callback([a] {
    auto loaded = LoadNode(a->node, attest::Role::kProxy);
    SectionReader section(*loaded.table, "proxy");
    proxy::ProxyServerOptions options;
    options.workers_listen =
        ParseAddress(a->workers_listen.value_or(section.String("workers_listen", "127.0.0.1:9301")),
                     "workers_listen");
    options.clients_listen =
        ParseAddress(a->clients_listen.value_or(section.String("clients_listen", "127.0.0.1:9302")),
                     "clients_listen");
    options.relay.max_attempts = static_cast<uint32_t>(section.Uint("max_attempts", 3, 10));
    options.relay.first_token_timeout =
        std::chrono::milliseconds(section.Uint("first_token_timeout_ms", 120000, 3600000));
    options.relay.max_tokens = static_cast<int64_t>(section.Uint("max_tokens", 0, 1 << 24));
    options.max_requests_per_client =
        static_cast<uint32_t>(section.Uint("max_requests_per_client", 256, 1 << 20));
    const auto payments_config = ReadPaymentsConfig(
        *loaded.table, attest::Role::kProxy, std::filesystem::path(a->node.config).parent_path());

    auto rt = DaemonRuntime::Create(std::move(loaded.settings));
    if (rt.registry_snapshot) options.allowed_models = rt.registry_snapshot->models;
    // Before the payments: their timers must go before the io_context does.
    // One thread runs it (others only post to it): the hint spares locking.
    boost::asio::io_context io(1);
    std::unique_ptr<ProxyPayments> payments;
    if (payments_config) {
      payments = std::make_unique<ProxyPayments>(*payments_config, rt);
      options.payments = payments->desk();
      options.client_refresh = payments_config->client_refresh;
    } else {
      spdlog::warn("no [payments] section: this proxy serves requests without charging");
    }
    proxy::ProxyServer server(io.get_executor(), options,
                              rt.Tls(ratls::TlsSide::kServer, {attest::Role::kWorker}),
                              rt.Tls(ratls::TlsSide::kServer, {attest::Role::kClient}));
    if (Status s = server.Listen(); !s.ok()) Fail(s);
    AdminPort admin(io.get_executor(), *loaded.table, a->admin_listen, "proxy");
    server.SetObserver([&admin](const proxy::RelayOutcome& o) {
      admin.requests.Record(o.model, o.result, o.total, o.time_to_head);
    });
    admin.registry.AddCollector([&server](admin::MetricsWriter& w) {
      const auto& c = server.counters();
      (void)w.WriteGauge("cocoon_proxy_requests_in_flight", "Client requests being served",
                         static_cast<double>(server.requests_in_flight()));
      (void)w.WriteGauge("cocoon_proxy_workers_connected", "Workers connected",
                         static_cast<double>(server.connected_workers()));
      (void)w.WriteGauge("cocoon_proxy_clients_connected", "Clients connected",
                         static_cast<double>(server.connected_clients()));
      (void)w.WriteCounter("cocoon_proxy_retries_total", "Attempts beyond the first",
                           static_cast<double>(c.retries));
      (void)w.WriteCounter("cocoon_proxy_handshakes_refused_total",
                           "Worker and client handshakes refused",
                           static_cast<double>(c.workers_refused + c.clients_refused));
      std::vector<admin::CollectedSample> in_flight, capacity, service, success;
      for (const auto& s : server.pool().table().SnapshotAll(std::chrono::steady_clock::now())) {
        std::string id = std::to_string(s.id);
        in_flight.push_back({{id}, static_cast<double>(s.in_flight)});
        capacity.push_back({{id}, static_cast<double>(s.capacity)});
        service.push_back({{id}, s.service_time_s});
        success.push_back({{id}, s.success_rate});
      }
      (void)w.WriteGauge("cocoon_proxy_worker_in_flight", "Requests in flight per worker",
                         {"worker"}, in_flight);
      (void)w.WriteGauge("cocoon_proxy_worker_capacity", "Announced capacity per worker",
                         {"worker"}, capacity);
      (void)w.WriteGauge("cocoon_proxy_worker_service_time_seconds",
                         "Smoothed service time per worker", {"worker"}, service);
      (void)w.WriteGauge("cocoon_proxy_worker_success_rate", "Smoothed success rate per worker",
                         {"worker"}, success);
    });
    admin.server->SetStats([&server] { return server.Stats(); });
    admin.server->SetHealthCheck([&server]() -> Status {
      if (server.connected_workers() == 0) return Unavailable("no worker is connected");
      return Status::Ok();
    });
    admin.Listen();
    server.Start();
    if (payments) payments->StartAnchoring(io.get_executor());
    spdlog::info("proxy listening: workers on {}:{}, clients on {}:{}", options.workers_listen.host,
                 server.workers_port(), options.clients_listen.host, server.clients_port());
    rt.Run(
        io,
        [&] {
          server.SetTlsContexts(rt.Tls(ratls::TlsSide::kServer, {attest::Role::kWorker}),
                                rt.Tls(ratls::TlsSide::kServer, {attest::Role::kClient}));
        },
        [&] {
          admin.server->Stop();
          server.Stop();
          if (payments) payments->Stop();
        },
        [&](const node::RegistryChange& change, const node::RegistrySnapshot& snapshot) {
          server.ApplyRegistry(change, snapshot);
        });
  });
}

}  // namespace cocoon::cli
