#include "node/settings.h"

#include "node/config_values.h"

#include <toml++/toml.h>
#include <sstream>

namespace cocoon::node {
Result<toml::table> LoadTomlFile(const std::filesystem::path& path) {
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path.string() << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return InvalidArgument(msg.str());
  }
}

Result<NodeSettings> ParseNodeSettings(const toml::table& t, attest::Role role,
                                       const std::filesystem::path& base_dir) {
  NodeSettings s;
  s.role = role;
  s.key_file = ResolvePath(base_dir, t["key_file"].value_or(std::string()));
  s.log_level = t["log_level"].value_or(s.log_level);
  s.certificate_validity_seconds =
      t["certificate_validity_seconds"].value_or(s.certificate_validity_seconds);
  if (s.certificate_validity_seconds <= 0 || s.certificate_validity_seconds > 24 * 3600) {
    return InvalidArgument("certificate_validity_seconds must be between 1 and 86400");
  }

  if (const toml::table* a = t["attestation"].as_table()) {
    s.attestation.provider = (*a)["provider"].value_or(s.attestation.provider);
    s.attestation.platform_key_file =
        ResolvePath(base_dir, (*a)["platform_key_file"].value_or(std::string())).string();
    COCOON_ASSIGN_OR_RETURN(s.attestation.trusted_platform_keys,
                            ReadStringArray(*a, "trusted_platform_keys", "attestation."));
    s.attestation.require_tdx = (*a)["require_tdx"].value_or(false);
    s.attestation.tdx_collateral_file =
        ResolvePath(base_dir, (*a)["tdx_collateral_file"].value_or(std::string()));
    s.attestation.pccs_url = (*a)["pccs_url"].value_or(std::string());
    s.attestation.collateral_cache_dir =
        ResolvePath(base_dir, (*a)["collateral_cache_dir"].value_or(std::string()));
    s.attestation.pccs_ca_file =
        ResolvePath(base_dir, (*a)["pccs_ca_file"].value_or(std::string()));
    s.attestation.pccs_api_key_file =
        ResolvePath(base_dir, (*a)["pccs_api_key_file"].value_or(std::string()));
    COCOON_ASSIGN_OR_RETURN(s.attestation.accepted_tcb_statuses,
                            ReadStringArray(*a, "accepted_tcb_statuses", "attestation."));
  }
  if (s.attestation.provider != "sim" && s.attestation.provider != "tdx" &&
      s.attestation.provider != "none") {
    return InvalidArgument("attestation.provider must be \"sim\", \"tdx\" or \"none\", not \"" +
                           s.attestation.provider + "\"");
  }
  if (const toml::table* p = t["policy"].as_table()) {
    COCOON_ASSIGN_OR_RETURN(s.policy.worker_image_hashes,
                            ReadStringArray(*p, "worker_image_hashes", "policy."));
    COCOON_ASSIGN_OR_RETURN(s.policy.proxy_image_hashes,
                            ReadStringArray(*p, "proxy_image_hashes", "policy."));
  }
  s.root_config_file = ResolvePath(base_dir, t["root_config"].value_or(std::string()));
  if (!s.root_config_file.empty() &&
      !(s.policy.worker_image_hashes.empty() && s.policy.proxy_image_hashes.empty())) {
    return InvalidArgument("set either root_config or [policy] image hashes, not both");
  }
  if (const toml::table* r = t["registry"].as_table()) {
    ChainRegistrySettings c;
    c.root = (*r)["root"].value_or(std::string());
    c.ton_api = (*r)["ton_api"].value_or(std::string());
    if (c.root.empty() || c.ton_api.empty()) {
      return InvalidArgument("[registry] needs root (the root contract) and ton_api");
    }
    c.api_key_file = ResolvePath(base_dir, (*r)["api_key_file"].value_or(std::string()));
    COCOON_ASSIGN_OR_RETURN(c.models, ReadStringArray(*r, "models", "registry."));
    c.refresh_seconds = (*r)["refresh_s"].value_or(c.refresh_seconds);
    if (c.refresh_seconds < 1 || c.refresh_seconds > 24 * 3600) {
      return InvalidArgument("registry.refresh_s must be between 1 and 86400");
    }
    if (!s.root_config_file.empty() ||
        !(s.policy.worker_image_hashes.empty() && s.policy.proxy_image_hashes.empty())) {
      return InvalidArgument(
          "set one registry: [registry] (the root contract), root_config (an offline file) or "
          "[policy] image hashes");
    }
    s.chain_registry = std::move(c);
  }
  if (const toml::table* m = t["measured"].as_table()) {
    std::ostringstream out;
    out << toml::toml_formatter(*m, toml::format_flags::none);
    s.measured_text = out.str();
  }
  return s;
}

}  // namespace cocoon::node
