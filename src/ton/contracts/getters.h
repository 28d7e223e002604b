// Get-methods of the Cocoon contracts, as typed values
// (contracts/README.md lists each method's stack).
//
// Each Decode* reads one GetMethodResult (for tests and for callers that run
// the method themselves); each Get* runs the method through a TonApiClient
// and decodes it. Errors: those of the API client (transport, API refusal),
// kNotFound when the account is not active, kFailedPrecondition for a
// non-zero exit code (named), kProtocol for a malformed or out-of-range stack
// (see stack_reader.h).
//
// Thread-safety: as the TonApiClient's const methods (safe from several
// threads with a thread-safe transport).
#pragma once

#include <optional>
#include <string>

#include "crypto/ed25519.h"
#include "ton/api_client.h"
#include "ton/contracts/codes.h"
#include "ton/contracts/opcodes.h"
#include "ton/contracts/params.h"

namespace cocoon::ton::contracts {

using Hash256 = std::array<uint8_t, 32>;

// ---- root ----
struct RootData {
  Address owner;
  uint32_t version = 0;
  uint32_t next_proxy_seqno = 0;
};
Result<RootData> DecodeRootData(const GetMethodResult& r);  // get_root_data
Result<uint32_t> DecodeVersion(const GetMethodResult& r);   // get_version
Result<Params> DecodeParams(const GetMethodResult& r, std::string method = "get_params");
Result<bool> DecodeBool(const GetMethodResult& r,
                        const std::string& method);  // is_*_allowed, is_ready
Result<std::optional<std::string>> DecodeProxyEndpoint(const GetMethodResult& r);  // nullopt: none
Result<ContractCodes> DecodeCodes(const GetMethodResult& r);                       // get_codes
Result<Address> DecodeAddress(const GetMethodResult& r, const std::string& method);

Result<RootData> GetRootData(const TonApiClient& api, const Address& root);
Result<uint32_t> GetRootVersion(const TonApiClient& api, const Address& root);
// get_params of any of the four contracts.
Result<Params> GetParams(const TonApiClient& api, const Address& contract);
Result<bool> IsProxyImageAllowed(const TonApiClient& api, const Address& root, const Hash256& h);
Result<bool> IsWorkerImageAllowed(const TonApiClient& api, const Address& root, const Hash256& h);
Result<bool> IsModelAllowed(const TonApiClient& api, const Address& root, const Hash256& h);
Result<uint32_t> GetNextProxySeqno(const TonApiClient& api, const Address& root);
Result<std::optional<std::string>> GetProxyEndpoint(const TonApiClient& api, const Address& root,
                                                    uint32_t seqno);
// The codes the root hands out; kFailedPrecondition when the root has none
// set (error 116 territory: deploy nothing with them).
Result<ContractCodes> FetchCodes(const TonApiClient& api, const Address& root);
// What the root computes for (owner, key) under its current params and codes.
Result<Address> GetProxyAddress(const TonApiClient& api, const Address& root, const Address& owner,
                                const crypto::Ed25519PublicKey& proxy_key);

// ---- proxy ----
struct ProxyData {
  ContractState state = ContractState::kActive;
  Uint128 stake = 0;
  Uint128 stake_used = 0;
  Uint128 client_funds = 0;
  Uint128 revenue = 0;
  Uint128 commission = 0;
  uint32_t close_started_at = 0;
};
struct ProxyConfigView {
  Address owner;
  crypto::Ed25519PublicKey proxy_key;
  Address root;
};
struct Anchor {
  uint64_t seqno = 0;
  Hash256 session_hash{};
};
Result<ProxyData> DecodeProxyData(const GetMethodResult& r);
Result<ProxyConfigView> DecodeProxyConfig(const GetMethodResult& r);
Result<Anchor> DecodeAnchor(const GetMethodResult& r);

Result<ProxyData> GetProxyData(const TonApiClient& api, const Address& proxy);
Result<ProxyConfigView> GetProxyConfig(const TonApiClient& api, const Address& proxy);
Result<Anchor> GetAnchor(const TonApiClient& api, const Address& proxy);
// Active and staked at least minProxyStake: the proxy accepts deposits.
Result<bool> IsProxyReady(const TonApiClient& api, const Address& proxy);
Result<Address> GetClientAddress(const TonApiClient& api, const Address& proxy,
                                 const Address& owner);
Result<Address> GetWorkerAddress(const TonApiClient& api, const Address& proxy,
                                 const Address& owner);

// ---- client and worker ----
struct ClientData {
  ContractState state = ContractState::kActive;
  Uint128 balance = 0;
  Uint128 stake = 0;
  Uint128 pending_deposit = 0;
  uint64_t tokens_charged = 0;
  uint32_t close_started_at = 0;
  Hash256 secret_hash{};
};
struct ChildConfigView {
  Address proxy;
  crypto::Ed25519PublicKey proxy_key;
  Address owner;
};
struct WorkerData {
  ContractState state = ContractState::kActive;
  uint64_t tokens_paid = 0;
};
Result<ClientData> DecodeClientData(const GetMethodResult& r);
Result<ChildConfigView> DecodeChildConfig(const GetMethodResult& r, const std::string& method);
Result<WorkerData> DecodeWorkerData(const GetMethodResult& r);

Result<ClientData> GetClientData(const TonApiClient& api, const Address& client);
Result<ChildConfigView> GetClientConfig(const TonApiClient& api, const Address& client);
Result<WorkerData> GetWorkerData(const TonApiClient& api, const Address& worker);
Result<ChildConfigView> GetWorkerConfig(const TonApiClient& api, const Address& worker);

}  // namespace cocoon::ton::contracts
