#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/node_config.h"
#include "cli/report.h"
#include "node/identity.h"

namespace cocoon::cli {

void AddMeasureCommand(CLI::App& app) {
  struct Args {
    NodeFlags node;
    std::string role;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "measure",
      "Print the image hash this binary has with a configuration (what peers must allow)");
  cmd->add_option("--config,-c", a->node.config, "TOML configuration file")->required();
  cmd->add_option("--role", a->role, "worker, proxy or client")
      ->required()
      ->check(CLI::IsMember({"worker", "proxy", "client"}));
  cmd->callback([a] {
    auto loaded = LoadNode(a->node, *attest::ParseRole(a->role));
    auto hash = node::MeasureSelf(loaded.settings);
    if (!hash.ok()) Fail(hash.status());
    std::cout << HexEncode(*hash) << "\n";
  });
}

}  // namespace cocoon::cli
