#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/report.h"
#include "proxy/proxy_server.h"

namespace cocoon::cli {

void AddProxyCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::optional<std::string> workers_listen, clients_listen;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("proxy", "Run a proxy: accept attested workers and clients");
  AddNodeFlags(cmd, a->node);
  cmd->add_option("--workers-listen", a->workers_listen,
                  "host:port for workers (overrides [proxy] workers_listen)");
  cmd->add_option("--clients-listen", a->clients_listen,
                  "host:port for clients (overrides [proxy] clients_listen)");
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
    if (auto registry = LoadRegistry(loaded.settings)) options.allowed_models = registry->models;

    auto rt = DaemonRuntime::Create(std::move(loaded.settings));
    boost::asio::io_context io;
    proxy::ProxyServer server(io.get_executor(), options,
                              rt.Tls(ratls::TlsSide::kServer, {attest::Role::kWorker}),
                              rt.Tls(ratls::TlsSide::kServer, {attest::Role::kClient}));
    if (Status s = server.Listen(); !s.ok()) Fail(s);
    server.Start();
    spdlog::info("proxy listening: workers on {}:{}, clients on {}:{}", options.workers_listen.host,
                 server.workers_port(), options.clients_listen.host, server.clients_port());
    rt.Run(
        io,
        [&] {
          server.SetTlsContexts(rt.Tls(ratls::TlsSide::kServer, {attest::Role::kWorker}),
                                rt.Tls(ratls::TlsSide::kServer, {attest::Role::kClient}));
        },
        [&] { server.Stop(); });
  });
}

}  // namespace cocoon::cli
