#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/report.h"
#include "proxy/proxy_server.h"

namespace cocoon::cli {
namespace {

net::HostPort ParseAddress(const std::string& text, const char* what) {
  auto hp = net::ParseHostPort(text);
  if (!hp.ok()) Fail(hp.status().WithContext(what));
  return *hp;
}

}  // namespace

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
    const toml::table& t = *loaded.table;
    proxy::ProxyServerOptions options;
    options.workers_listen =
        ParseAddress(a->workers_listen.value_or(
                         t["proxy"]["workers_listen"].value_or(std::string("127.0.0.1:9301"))),
                     "workers_listen");
    options.clients_listen =
        ParseAddress(a->clients_listen.value_or(
                         t["proxy"]["clients_listen"].value_or(std::string("127.0.0.1:9302"))),
                     "clients_listen");

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
