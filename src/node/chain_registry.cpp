#include "node/chain_registry.h"

#include "ton/contracts/getters.h"
#include "ton/contracts/params.h"

namespace cocoon::node {
namespace {

namespace tc = ton::contracts;

Result<uint64_t> Fits64(ton::Uint128 v, const char* field) {
  if (v > UINT64_MAX) {
    return InvalidArgument(std::string("root params.") + field + " is " + ton::Uint128ToString(v) +
                           " nanoTON, above 2^64 - 1");
  }
  return static_cast<uint64_t>(v);
}

}  // namespace

Result<RegistrySnapshot> SnapshotOfRootState(const tc::RootState& state, const ton::Address& root,
                                             const std::vector<std::string>& model_names) {
  const tc::Params& p = state.params;
  if (Status st = tc::ValidateParams(p); !st.ok())
    return st.WithContext("the root holds parameters it would refuse");
  RegistrySnapshot s;
  s.version = state.version;
  s.root_address = root.ToRaw();
  s.proxy_images = state.proxy_images;
  s.worker_images = state.worker_images;
  s.model_hashes = state.models;
  for (const std::string& name : model_names) {
    if (state.models.count(ModelHash(name))) s.models.insert(name);
  }
  for (const auto& [seqno, endpoint] : state.proxies) s.proxy_addresses.push_back(endpoint);
  COCOON_ASSIGN_OR_RETURN(s.prices.price_per_token, Fits64(p.price_per_token, "price_per_token"));
  COCOON_ASSIGN_OR_RETURN(s.prices.worker_fee_per_token,
                          Fits64(p.worker_fee_per_token, "worker_fee_per_token"));
  s.prices.prompt_multiplier = p.prompt_mult;
  s.prices.cached_multiplier = p.cached_mult;
  s.prices.completion_multiplier = p.completion_mult;
  s.prices.reasoning_multiplier = p.reasoning_mult;
  COCOON_ASSIGN_OR_RETURN(s.stakes.min_proxy_stake, Fits64(p.min_proxy_stake, "min_proxy_stake"));
  COCOON_ASSIGN_OR_RETURN(s.stakes.min_client_stake,
                          Fits64(p.min_client_stake, "min_client_stake"));
  s.stakes.proxy_close_delay_s = p.proxy_close_delay;
  s.stakes.client_close_delay_s = p.client_close_delay;
  return s;
}

ChainRegistry::ChainRegistry(std::shared_ptr<const ton::TonApiClient> api,
                             ChainRegistryOptions options)
    : api_(std::move(api)), options_(std::move(options)) {}

Result<tc::RootState> ChainRegistry::LoadRootState() const {
  const std::string where = "root contract " + options_.root.ToRaw();
  Result<ton::AccountInfo> account = api_->GetAddressInformation(options_.root);
  if (!account.ok()) return account.status().WithContext(where);
  if (account->status != ton::AccountStatus::kActive) {
    return NotFound(where + " is " + std::string(ton::AccountStatusName(account->status)) +
                    ", not active: is the address right and the root deployed?");
  }
  if (options_.root_code_hash &&
      (!account->code || account->code->hash() != *options_.root_code_hash))
    return FailedPrecondition(where + " does not run the expected root code");
  Result<tc::RootState> state = tc::ParseRootState(account->data, options_.max_entries);
  if (!state.ok()) return state.status().WithContext(where);
  return state;
}

Result<RegistrySnapshot> ChainRegistry::Load() const {
  COCOON_ASSIGN_OR_RETURN(tc::RootState state, LoadRootState());
  Result<RegistrySnapshot> s = SnapshotOfRootState(state, options_.root, options_.model_names);
  if (!s.ok()) return s.status().WithContext("root contract " + options_.root.ToRaw());
  return s;
}

Result<uint64_t> ChainRegistry::LoadVersion() const {
  COCOON_ASSIGN_OR_RETURN(uint32_t v, tc::GetRootVersion(*api_, options_.root));
  return v;
}

}  // namespace cocoon::node
