#include "cli/node_config.h"

#include <toml++/toml.h>

#include "cli/report.h"

namespace cocoon::cli {

void AddNodeFlags(CLI::App* command, NodeFlags& flags) {
  command->add_option("--config,-c", flags.config, "TOML configuration file")->required();
  command->add_option("--key-file", flags.key_file, "Node key file (overrides key_file)");
  command->add_option("--log-level", flags.log_level,
                      "trace, debug, info, warn, error or off (overrides log_level)");
}

LoadedNode LoadNode(const NodeFlags& flags, attest::Role role) {
  auto table = node::LoadTomlFile(flags.config);
  if (!table.ok()) Fail(table.status());
  auto base = std::filesystem::absolute(flags.config).parent_path();
  auto settings = node::ParseNodeSettings(*table, role, base);
  if (!settings.ok()) Fail(settings.status().WithContext(flags.config));
  if (flags.key_file) settings->key_file = *flags.key_file;
  if (flags.log_level) settings->log_level = *flags.log_level;
  return {std::move(*settings), std::make_shared<toml::table>(std::move(*table))};
}

}  // namespace cocoon::cli
