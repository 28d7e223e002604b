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
#include <string_view>
#include <vector>

#include "attest/evidence.h"
#include "crypto/sha.h"
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

// Stakes and close delays of the network (the root's Params besides prices).
// Zero when the registry does not say (a root-config file).
struct StakeParams {
  uint64_t min_proxy_stake = 0;  // nanoTON
  uint64_t min_client_stake = 0;
  uint32_t proxy_close_delay_s = 0;
  uint32_t client_close_delay_s = 0;

  friend bool operator==(const StakeParams&, const StakeParams&) = default;
};

// SHA-256 of a model's name (UTF-8, as the OpenAI API names it): how the
// root contract lists models.
crypto::Sha256Digest ModelHash(std::string_view model_name);

struct RegistrySnapshot {
  uint64_t version = 0;  // changes with every update
  std::set<attest::ImageHash> proxy_images;
  std::set<attest::ImageHash> worker_images;
  // Allowed model names. The chain stores only hashes (model_hashes); a chain
  // registry puts here the names it was told to look for whose hash is listed.
  std::set<std::string> models;
  std::vector<std::string> proxy_addresses;  // host:port; from chain in seqno order
  Prices prices;
  // Filled by the chain registry; empty / zero from a root-config file.
  std::set<crypto::Sha256Digest> model_hashes;  // ModelHash of each allowed model
  StakeParams stakes;
  std::string root_address;  // the root contract, raw form "0:hex"

  // True if `model_name` is in `models` or its ModelHash in `model_hashes`.
  bool AllowsModel(std::string_view model_name) const;
};

class Registry {
 public:
  virtual ~Registry() = default;
  // The current registry, or why it cannot be read.
  virtual Result<RegistrySnapshot> Load() const = 0;
  // The current version alone; implementations override it when that is
  // cheaper than Load() (the chain: one get-method instead of the storage).
  virtual Result<uint64_t> LoadVersion() const;
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
