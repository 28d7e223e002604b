#include "node/registry_source.h"

#include "node/chain_registry.h"
#include "node/config_values.h"
#include "ton/http_transport.h"
#include "util/file.h"

namespace cocoon::node {

Result<std::shared_ptr<const Registry>> OpenRegistry(const NodeSettings& settings) {
  if (!settings.root_config_file.empty()) {
    return std::shared_ptr<const Registry>(
        std::make_shared<RootConfigFile>(settings.root_config_file));
  }
  if (!settings.chain_registry) return std::shared_ptr<const Registry>();
  const ChainRegistrySettings& c = *settings.chain_registry;
  COCOON_ASSIGN_OR_RETURN(ton::ApiConfig api_config, ton::ApiConfig::ForNetwork(c.ton_api));
  if (!c.api_key_file.empty()) {
    COCOON_ASSIGN_OR_RETURN(std::string key, ReadFile(c.api_key_file, 4096));
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    api_config.api_key = key;
  }
  Result<ton::ParsedAddress> root = ton::ParseAddress(c.root);
  if (!root.ok()) return root.status().WithContext("registry.root");
  auto api = std::make_shared<const ton::TonApiClient>(api_config, ton::MakeCurlTransport());
  ChainRegistryOptions options;
  options.root = root->address;
  options.model_names = c.models;
  return std::shared_ptr<const Registry>(std::make_shared<ChainRegistry>(api, options));
}

Result<std::shared_ptr<attest::Policy>> MakePolicy(const NodeSettings& settings,
                                                   const RegistrySnapshot* registry) {
  auto policy = std::make_shared<attest::Policy>();
  policy->require_tdx = settings.attestation.require_tdx;
  COCOON_ASSIGN_OR_RETURN(
      policy->accepted_tcb_statuses,
      attest::ParseAcceptedTcbStatuses(settings.attestation.accepted_tcb_statuses));
  std::set<attest::ImageHash> workers, proxies;
  if (registry) {
    workers = registry->worker_images;
    proxies = registry->proxy_images;
  } else {
    COCOON_ASSIGN_OR_RETURN(workers, ParseImageHashes(settings.policy.worker_image_hashes,
                                                      "policy.worker_image_hashes"));
    COCOON_ASSIGN_OR_RETURN(
        proxies, ParseImageHashes(settings.policy.proxy_image_hashes, "policy.proxy_image_hashes"));
  }
  policy->roles[attest::Role::kWorker] = {true, std::move(workers)};
  policy->roles[attest::Role::kProxy] = {true, std::move(proxies)};
  policy->roles[attest::Role::kClient] = {false, {}};
  return policy;
}

}  // namespace cocoon::node
