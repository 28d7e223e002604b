#include "node/registry_source.h"

#include "node/chain_registry.h"
#include "node/config_values.h"
#include "node/ton_api.h"

namespace cocoon::node {

Result<std::shared_ptr<const Registry>> OpenRegistry(const NodeSettings& settings) {
  if (!settings.root_config_file.empty()) {
    return std::shared_ptr<const Registry>(
        std::make_shared<RootConfigFile>(settings.root_config_file));
  }
  if (!settings.chain_registry) return std::shared_ptr<const Registry>();
  const ChainRegistrySettings& c = *settings.chain_registry;
  Result<ton::ParsedAddress> root = ton::ParseAddress(c.root);
  if (!root.ok()) return root.status().WithContext("registry.root");
  auto api = MakeTonApi(c.ton_api, c.api_key_file);
  if (!api.ok()) return api.status().WithContext("[registry]");
  ChainRegistryOptions options;
  options.root = root->address;
  options.model_names = c.models;
  return std::shared_ptr<const Registry>(std::make_shared<ChainRegistry>(*api, options));
}

Result<std::optional<RegistrySnapshot>> LoadSnapshot(
    const std::shared_ptr<const Registry>& registry) {
  if (!registry) return std::optional<RegistrySnapshot>();
  Result<RegistrySnapshot> loaded = registry->Load();
  if (!loaded.ok()) return loaded.status().WithContext("reading the registry");
  return std::optional<RegistrySnapshot>(std::move(*loaded));
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
