// The network's registry: which code may act in each role, which models are
// served, where the proxies are and what tokens cost (DESIGN.md §5–6). On
// mainnet it is the root contract; until that is wired in, and as an explicit
// offline option afterwards, it is a root-config TOML file read by all roles.
//
// Thread-safety: a RegistrySnapshot is an immutable value; Registry
// implementations document their own.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "attest/evidence.h"
#include "util/status.h"

namespace cocoon::node {

// Prices in nanoTON per adjusted token; multipliers in units of 1/10000.
struct Prices {
  uint64_t price_per_token = 0;
  uint64_t worker_fee_per_token = 0;
  uint32_t prompt_multiplier = 10000;
  uint32_t cached_multiplier = 10000;
  uint32_t completion_multiplier = 10000;
  uint32_t reasoning_multiplier = 10000;
};

struct RegistrySnapshot {
  uint64_t version = 0;  // changes with every update
  std::set<attest::ImageHash> proxy_images;
  std::set<attest::ImageHash> worker_images;
  std::set<std::string> models;
  std::vector<std::string> proxy_addresses;  // host:port
  Prices prices;
};

class Registry {
 public:
  virtual ~Registry() = default;
  // The current registry, or why it cannot be read.
  virtual Result<RegistrySnapshot> Load() const = 0;
};

// The root-config file (docs/architecture.md shows its format). Each Load()
// re-reads the file, so an operator's edit is picked up.
class RootConfigFile final : public Registry {
 public:
  explicit RootConfigFile(std::filesystem::path path) : path_(std::move(path)) {}
  Result<RegistrySnapshot> Load() const override;

 private:
  std::filesystem::path path_;
};

// Parses root-config text; `origin` names it in errors.
Result<RegistrySnapshot> ParseRootConfig(std::string_view text, std::string_view origin);

}  // namespace cocoon::node
