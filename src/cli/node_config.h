// Loading a daemon's TOML configuration with flag overrides
// (defaults < file < flags).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "net/address.h"
#include "node/registry.h"
#include "node/settings.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

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

// Reads the keys of one [section] of a daemon's file; a value of the wrong
// type or out of range throws CommandFailed naming the section and key.
class SectionReader {
 public:
  SectionReader(const toml::table& root, std::string section);
  std::string String(std::string_view key, std::string fallback) const;
  uint64_t Uint(std::string_view key, uint64_t fallback, uint64_t max) const;
  bool Bool(std::string_view key, bool fallback) const;
  std::vector<std::string> Strings(std::string_view key) const;
  // The section itself, or nullptr when the file has none.
  const toml::table* table() const { return table_; }

 private:
  [[noreturn]] void Bad(std::string_view key, std::string_view what) const;
  const toml::table* table_;
  std::string section_;
};

// host:port, or CommandFailed naming `what`.
net::HostPort ParseAddress(const std::string& text, std::string_view what);

}  // namespace cocoon::cli
