// Node settings: what every daemon (proxy, worker, client) reads from its
// TOML file, overridable by flags.
//
// The image hash covers the executable and the file's [measured] table only
// (settings that change what attested code does with user data). Everything
// else is local to the machine (addresses, file paths, log level) or trust
// material (trusted platform keys, allowed image hashes) that comes from the
// registry and so cannot be part of the hash it lists.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "attest/role.h"
#include "util/status.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace cocoon::node {

struct AttestationSettings {
  std::string provider = "sim";                    // "sim" or "tdx"
  std::string platform_key_file;                   // sim provider: the platform's signing key
  std::vector<std::string> trusted_platform_keys;  // sim verifier: hex Ed25519 keys
  bool require_tdx = false;
  // tdx verifier: collateral (PCCS JSON) for offline verification.
  std::filesystem::path tdx_collateral_file;
  // tdx verifier, when tdx_collateral_file is not set: collateral from a PCCS
  // (or Intel's PCS) with an on-disk cache (attest/pccs_collateral.h).
  std::string pccs_url;
  std::filesystem::path collateral_cache_dir;
  std::filesystem::path pccs_ca_file;       // trust anchors for the PCCS's TLS certificate
  std::filesystem::path pccs_api_key_file;  // sent as Ocp-Apim-Subscription-Key
  // TDX TCB statuses accepted besides UpToDate (Intel's spellings).
  std::vector<std::string> accepted_tcb_statuses;
};

struct PolicySettings {
  std::vector<std::string> worker_image_hashes;  // hex SHA-256
  std::vector<std::string> proxy_image_hashes;
};

// The registry read from the root contract (DESIGN.md §6) through the TON
// HTTP API: the [registry] section.
struct ChainRegistrySettings {
  std::string root;                    // the root contract's address
  std::string ton_api;                 // mainnet, testnet or a TON HTTP API v2 URL
  std::filesystem::path api_key_file;  // optional
  std::vector<std::string> models;     // model names to look for (the chain lists hashes)
  int64_t refresh_seconds = 30;        // between version checks
};

struct NodeSettings {
  attest::Role role = attest::Role::kWorker;
  std::filesystem::path key_file;  // node TLS key; created on first start
  std::string log_level = "info";
  int64_t certificate_validity_seconds = 24 * 3600;
  AttestationSettings attestation;
  PolicySettings policy;
  // The root-config file (registry.h), the offline registry; when set,
  // allowed image hashes come from it and [policy] must be empty.
  std::filesystem::path root_config_file;
  // The registry on chain; exclusive with root_config and [policy].
  std::optional<ChainRegistrySettings> chain_registry;
  // Canonical text of the [measured] table (empty if none).
  std::string measured_text;
};

// Reads the sections shared by every daemon from `table`; paths are resolved
// against `base_dir` (the config file's folder).
Result<NodeSettings> ParseNodeSettings(const toml::table& table, attest::Role role,
                                       const std::filesystem::path& base_dir);

// Parses a TOML file, with the file name and line in any error.
Result<toml::table> LoadTomlFile(const std::filesystem::path& path);

}  // namespace cocoon::node
