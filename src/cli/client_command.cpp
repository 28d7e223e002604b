#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include "cli/admin_port.h"
#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/payee_payments.h"
#include "cli/report.h"
#include "client/api_server.h"

namespace cocoon::cli {
namespace {

std::vector<client::ApiKeyConfig> ReadApiKeys(const toml::table& root) {
  std::vector<client::ApiKeyConfig> keys;
  const toml::node* node = root.at_path("client.api_keys").node();
  if (!node) return keys;
  const toml::array* array = node->as_array();
  if (!array)
    Fail(InvalidArgument("[client] api_keys must be an array of tables ([[client.api_keys]])"));
  for (const auto& item : *array) {
    const toml::table* t = item.as_table();
    if (!t) Fail(InvalidArgument("[[client.api_keys]] entries must be tables"));
    client::ApiKeyConfig key;
    key.name = (*t)["name"].value_or(std::string("key-") + std::to_string(keys.size() + 1));
    auto hash = client::ParseKeyHash((*t)["sha256"].value_or(std::string()));
    if (!hash.ok()) Fail(hash.status().WithContext("[[client.api_keys]] " + key.name));
    key.sha256 = *hash;
    auto limit = [&](const char* name) -> uint32_t {
      int64_t v = (*t)[name].value_or(int64_t{0});
      if (v < 0 || v > (1 << 30))
        Fail(InvalidArgument("[[client.api_keys]] " + key.name + ": " + name +
                             " must be a non-negative integer"));
      return static_cast<uint32_t>(v);
    };
    key.max_concurrent = limit("max_concurrent");
    key.requests_per_minute = limit("requests_per_minute");
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace

void AddClientCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::vector<std::string> proxies;
    std::optional<std::string> listen, admin_listen;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "client", "Run a client: an OpenAI-compatible API that sends requests to attested proxies");
  AddNodeFlags(cmd, a->node);
  cmd->add_option("--proxy", a->proxies,
                  "Proxy host:port, repeatable (overrides [client] proxies)");
  cmd->add_option("--listen", a->listen, "host:port of the API (overrides [client] listen)");
  cmd->add_option("--admin-listen", a->admin_listen,
                  "host:port of the admin port (overrides [admin] listen)");
  cmd->callback([a] {
    auto loaded = LoadNode(a->node, attest::Role::kClient);
    SectionReader section(*loaded.table, "client");
    std::vector<std::string> addresses = a->proxies;
    if (addresses.empty()) addresses = section.Strings("proxies");
    if (addresses.empty())
      Fail(InvalidArgument("no proxies: set [client] proxies or pass --proxy"));
    std::vector<net::HostPort> proxies;
    for (const auto& text : addresses) proxies.push_back(ParseAddress(text, "proxy"));
    net::HostPort listen =
        ParseAddress(a->listen.value_or(section.String("listen", "127.0.0.1:8080")), "listen");

    client::ApiServerOptions options;
    options.answer_timeout =
        std::chrono::milliseconds(section.Uint("answer_timeout_ms", 180000, 3600000));
    options.max_coefficient = static_cast<uint32_t>(section.Uint("max_coefficient", 0, UINT32_MAX));
    // Each open HTTP connection is a file descriptor (see the process limit).
    options.http.max_connections = section.Uint("max_connections", 4096, 1 << 20);
    options.http.one_thread = true;  // the io_context below
    client::ApiKeys keys(ReadApiKeys(*loaded.table));
    if (!keys.required() && listen.host != "127.0.0.1" && listen.host != "localhost" &&
        listen.host != "::1")
      spdlog::warn(
          "the API listens on {} without API keys: anyone who reaches it can spend "
          "this client's funds",
          listen.ToString());

    const auto payments_config = ReadPaymentsConfig(
        *loaded.table, attest::Role::kClient, std::filesystem::path(a->node.config).parent_path());
    auto rt = DaemonRuntime::Create(std::move(loaded.settings));
    if (rt.registry_snapshot) {
      options.models = rt.registry_snapshot->models;
      options.prices = rt.registry_snapshot->prices;
    }
    // Before the payments: their timers must go before the io_context does.
    // One thread runs it (others only post to it): the hint spares locking.
    boost::asio::io_context io(1);
    std::unique_ptr<PayeePayments> payments;
    net::PersistentLink::OnConnect on_connect;
    if (payments_config) {
      payments = std::make_unique<PayeePayments>(*payments_config, rt, node::PayeeRole::kClient);
      options.payee = payments->payee();
      on_connect = [p = payments.get()](const net::SecureSession& secure) {
        return p->ClientHello(secure);
      };
    }
    net::PersistentLinkOptions link_options;
    client::ProxyPool pool(io.get_executor(), proxies, link_options,
                           rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy}), on_connect);
    ratls::PeerRequirements verify_workers{
        rt.trust.verifier, rt.trust.policy, rt.clock, {attest::Role::kWorker}};
    client::ApiServer api(io.get_executor(), options, pool, keys, verify_workers);
    auto port = api.Listen(listen.host, listen.port);
    if (!port.ok()) Fail(port.status().WithContext("API listen " + listen.ToString()));
    AdminPort admin(io.get_executor(), *loaded.table, a->admin_listen, "client");
    api.SetObserver([&admin](std::string_view model, std::string_view outcome,
                             std::chrono::steady_clock::duration total,
                             std::chrono::steady_clock::duration head) {
      admin.requests.Record(model, outcome, total, head);
    });
    admin.registry.AddCollector([&api, &pool](admin::MetricsWriter& w) {
      (void)w.WriteGauge("cocoon_client_requests_in_flight", "API requests being served",
                         static_cast<double>(api.in_flight()));
      (void)w.WriteCounter("cocoon_client_failovers_total", "Requests moved to another proxy",
                           static_cast<double>(api.counters().failovers));
      (void)w.WriteGauge("cocoon_client_proxies_connected", "Proxies connected",
                         static_cast<double>(pool.Connected().size()));
    });
    admin.server->SetStats([&api] { return api.Stats(); });
    admin.server->SetHealthCheck([&pool]() -> Status {
      if (pool.Connected().empty()) return Unavailable("not connected to any proxy");
      return Status::Ok();
    });
    admin.Listen();
    pool.Start();
    if (payments) payments->StartSubmitting(io.get_executor());
    spdlog::info("client API on http://{}:{} ({} proxies, API keys {})", listen.host, *port,
                 proxies.size(), keys.required() ? "required" : "not required");
    rt.Run(
        io, [&] { pool.SetTlsContext(rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy})); },
        [&] {
          admin.server->Stop();
          api.Stop();
          pool.Stop();
          if (payments) payments->Stop();
        },
        [&](const node::RegistryChange& change, const node::RegistrySnapshot& snapshot) {
          api.SetRegistry(snapshot.models, snapshot.prices);
          pool.CloseProxiesWithImages(change.removed_proxy_images);
        });
  });
}

}  // namespace cocoon::cli
