// The registry a node's settings name: the root contract on chain
// ([registry]), the root-config file (root_config, the offline option), or
// none ([policy] image hashes only).
#pragma once

#include <memory>
#include <optional>

#include "attest/policy.h"
#include "node/registry.h"
#include "node/settings.h"

namespace cocoon::node {

// Null when the settings name no registry. The chain registry's reads are
// blocking HTTP requests.
Result<std::shared_ptr<const Registry>> OpenRegistry(const NodeSettings& settings);

// One read of `registry`; nullopt when it is null (no registry named).
Result<std::optional<RegistrySnapshot>> LoadSnapshot(
    const std::shared_ptr<const Registry>& registry);

// The peer policy of `settings` with the image hashes of `registry` (or of
// [policy] when it is null).
Result<std::shared_ptr<attest::Policy>> MakePolicy(const NodeSettings& settings,
                                                   const RegistrySnapshot* registry);

}  // namespace cocoon::node
