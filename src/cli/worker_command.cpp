#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/daemon_runtime.h"
#include "cli/node_config.h"
#include "cli/report.h"
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

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::vector<std::string> proxies;
    bool once = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("worker", "Run a worker: connect to proxies over RA-TLS");
  AddNodeFlags(cmd, a->node);
  cmd->add_option("--proxy", a->proxies,
                  "Proxy host:port, repeatable (overrides [worker] proxies)");
  cmd->add_flag("--once", a->once,
                "Connect to each proxy once, print what was verified, and exit (1 if any failed)");
  cmd->callback([a] {
    auto loaded = LoadNode(a->node, attest::Role::kWorker);
    std::vector<std::string> addresses = a->proxies;
    if (addresses.empty()) {
      if (const toml::array* arr = (*loaded.table)["worker"]["proxies"].as_array()) {
        for (const auto& v : *arr) addresses.push_back(v.value_or(std::string()));
      }
    }
    if (addresses.empty())
      Fail(InvalidArgument("no proxies: set [worker] proxies or pass --proxy"));
    worker::WorkerNodeOptions options;
    for (const auto& text : addresses) {
      auto hp = net::ParseHostPort(text);
      if (!hp.ok()) Fail(hp.status());
      options.proxies.push_back(*hp);
    }

    auto rt = DaemonRuntime::Create(std::move(loaded.settings));
    boost::asio::io_context io;
    auto tls = rt.Tls(ratls::TlsSide::kClient, {attest::Role::kProxy});
    if (a->once) {
      int failures = 0;
      for (const auto& proxy : options.proxies) {
        boost::asio::co_spawn(
            io,
            [&, proxy]() -> boost::asio::awaitable<void> {
              auto r = co_await worker::ProbeProxy(proxy, tls, options.session);
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
      if (failures)
        throw CommandFailed(std::to_string(failures) + " proxy connection(s) failed", 1);
      return;
    }
    worker::WorkerNode node(io.get_executor(), options, tls);
    node.Start();
    rt.Run(
        io, [] {}, [&] { node.Stop(); });
  });
}

}  // namespace cocoon::cli
