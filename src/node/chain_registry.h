// ChainRegistry: the network's registry read from the root contract on chain
// (DESIGN.md §6; contracts/README.md "Root") through the TON HTTP API, the
// same code for mainnet, testnet and the local chain.
//
// Load() reads the root account once (getAddressInformation) and parses its
// storage (ton/contracts/root_state.h): the root has no get-method that lists
// image or model hashes, and one read cannot mix two versions. The snapshot
// holds the allowed proxy/worker image hashes, the model hashes (and those of
// `model_names` whose hash is allowed, as names), the proxy endpoints in
// seqno order, prices, stakes and delays, and `version` = the root's version.
// LoadVersion() is one get-method (get_version), for cheap polling.
//
// Errors: the API client's (transport, refusal), kNotFound when the root is
// not deployed, kFailedPrecondition when its code is not the expected one,
// kInvalidArgument / kProtocol / kResourceExhausted for storage or stacks
// that are malformed, out of range (an amount above 2^64 - 1 nanoTON,
// params the root would refuse) or too large.
//
// Thread-safety: const methods are safe from several threads when the
// TonApiClient's transport is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/registry.h"
#include "ton/api_client.h"
#include "ton/contracts/root_state.h"

namespace cocoon::node {

struct ChainRegistryOptions {
  ton::Address root;
  // Model names to recognise: those whose ModelHash the root lists appear in
  // RegistrySnapshot::models (the chain itself has only the hashes).
  std::vector<std::string> model_names;
  // When set, a root account with other code is refused (a wrong address).
  std::optional<ton::CellHash> root_code_hash;
  // Per list (images, models, proxies); a larger root is kResourceExhausted.
  size_t max_entries = 4096;
};

class ChainRegistry final : public Registry {
 public:
  // REQUIRES: api is not null.
  ChainRegistry(std::shared_ptr<const ton::TonApiClient> api, ChainRegistryOptions options);

  Result<RegistrySnapshot> Load() const override;
  Result<uint64_t> LoadVersion() const override;
  // The root's whole state, codes included (for deriving contract addresses).
  Result<ton::contracts::RootState> LoadRootState() const;

 private:
  std::shared_ptr<const ton::TonApiClient> api_;
  ChainRegistryOptions options_;
};

// The snapshot of `state`, read from the root at `root`. Fails when an
// amount does not fit the snapshot's 64-bit fields or the params are out of
// the range the root enforces.
Result<RegistrySnapshot> SnapshotOfRootState(const ton::contracts::RootState& state,
                                             const ton::Address& root,
                                             const std::vector<std::string>& model_names);

}  // namespace cocoon::node
