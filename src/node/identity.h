// Identity and trust of a node, built from its settings: the node key, the
// evidence provider with the measured image hash, the verifier and policy for
// its peers, and RA-TLS contexts that combine them.
#pragma once

#include <memory>

#include "attest/policy.h"
#include "attest/verifier_set.h"
#include "node/registry.h"
#include "node/settings.h"
#include "ratls/tls.h"

namespace cocoon::node {

struct Identity {
  crypto::Ed25519PrivateKey key;
  std::shared_ptr<const attest::EvidenceProvider> provider;  // nullptr: no evidence
  attest::ImageHash image_hash{};
};

struct Trust {
  std::shared_ptr<const attest::EvidenceVerifier> verifier;
  std::shared_ptr<const attest::Policy> policy;
};

// The image hash of this executable with these settings.
Result<attest::ImageHash> MeasureSelf(const NodeSettings& settings);

// Loads (or, if the file does not exist, creates) the node key and sets up
// the provider named in the settings.
Result<Identity> MakeIdentity(const NodeSettings& settings);

// `clock` dates collateral checks (TDX).
// Reads the registry the settings name (registry_source.h) for the image hashes.
Result<Trust> MakeTrust(const NodeSettings& settings, std::shared_ptr<const Clock> clock);
// With a registry snapshot already read (null: the [policy] image hashes).
Result<Trust> MakeTrust(const NodeSettings& settings, std::shared_ptr<const Clock> clock,
                        const RegistrySnapshot* registry);

// Issues a fresh certificate and builds a TLS context accepting `peers`.
Result<std::shared_ptr<ratls::TlsContext>> MakeTlsContext(
    const NodeSettings& settings, const Identity& identity, const Trust& trust,
    std::shared_ptr<const Clock> clock, ratls::TlsSide side, std::set<attest::Role> peers);

}  // namespace cocoon::node
