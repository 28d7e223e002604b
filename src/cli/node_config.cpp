#include "cli/node_config.h"

#include <toml++/toml.h>

#include "cli/report.h"
#include "node/config_values.h"

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

SectionReader::SectionReader(const toml::table& root, std::string section)
    : table_(root[section].as_table()), section_(std::move(section)) {
  if (!table_ && root.contains(section_)) Bad("", "must be a table");
}

void SectionReader::Bad(std::string_view key, std::string_view what) const {
  Fail(InvalidArgument("[" + section_ + "]" + (key.empty() ? "" : " ") + std::string(key) + " " +
                       std::string(what)));
}

std::string SectionReader::String(std::string_view key, std::string fallback) const {
  if (!table_ || !table_->contains(key)) return fallback;
  auto v = (*table_)[key].value<std::string>();
  if (!v) Bad(key, "must be a string");
  return *v;
}

uint64_t SectionReader::Uint(std::string_view key, uint64_t fallback, uint64_t max) const {
  if (!table_ || !table_->contains(key)) return fallback;
  auto v = (*table_)[key].value<int64_t>();
  if (!v || *v < 0 || static_cast<uint64_t>(*v) > max)
    Bad(key, "must be an integer from 0 to " + std::to_string(max));
  return static_cast<uint64_t>(*v);
}

bool SectionReader::Bool(std::string_view key, bool fallback) const {
  if (!table_ || !table_->contains(key)) return fallback;
  auto v = (*table_)[key].value<bool>();
  if (!v) Bad(key, "must be true or false");
  return *v;
}

std::vector<std::string> SectionReader::Strings(std::string_view key) const {
  if (!table_) return {};
  auto v = node::ReadStringArray(*table_, key, "[" + section_ + "] ");
  if (!v.ok()) Fail(v.status());
  return *v;
}

net::HostPort ParseAddress(const std::string& text, std::string_view what) {
  auto hp = net::ParseHostPort(text);
  if (!hp.ok()) Fail(hp.status().WithContext(what));
  return *hp;
}

}  // namespace cocoon::cli
