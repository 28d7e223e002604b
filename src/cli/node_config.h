// Loading a daemon's TOML configuration with flag overrides
// (defaults < file < flags).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "node/settings.h"

namespace cocoon::cli {

struct NodeFlags {
  std::string config;
  std::optional<std::string> key_file;
  std::optional<std::string> log_level;
};

// Adds --config (required), --key-file and --log-level to `command`.
void AddNodeFlags(CLI::App* command, NodeFlags& flags);

struct LoadedNode {
  node::NodeSettings settings;
  std::shared_ptr<toml::table> table;  // for role-specific sections
};

// Throws CommandFailed with a clear message on any error.
LoadedNode LoadNode(const NodeFlags& flags, attest::Role role);

}  // namespace cocoon::cli
