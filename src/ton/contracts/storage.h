// Initial storage (StateInit data) of the Cocoon contracts and the addresses
// that follow from it, built exactly as contracts/README.md describes and
// contracts/lib/layouts.js (rootData, proxyData, clientData, workerData)
// builds them, so that:
//
//   ProxyContract(...)   == root.get_proxy_address(owner, pubkey)
//   ClientContract(...)  == proxy.get_client_address(owner)
//   WorkerContract(...)  == proxy.get_worker_address(owner)
//
// Every contract lives in workchain 0 (the contracts compute addresses
// there). The root and proxy copy the Params *cell* into their children; the
// cell built here from a Params value is the canonical one, identical to
// what the root stores after set_params.
//
// Layouts (fields are TL-B; "^" a reference):
//   root   owner version:32 next_proxy_seqno:32 ^registry ^Params ^[^proxy ^client ^worker]
//   proxy  ^[owner pubkey:256 root ^Params ^[^client_code ^worker_code]]
//          state:8 stake stake_used client_funds revenue commission:coins
//          close_started_at:32 anchor_seqno:64 anchor_hash:256
//   client ^[proxy pubkey:256 owner ^Params] state:8 balance stake pending:coins
//          tokens_charged:64 close_started_at:32 secret_hash:256
//   worker ^[proxy pubkey:256 owner ^Params] state:8 tokens_paid:64
//
// Thread-safety: plain values and pure functions.
#pragma once

#include "crypto/ed25519.h"
#include "ton/address.h"
#include "ton/contracts/codes.h"
#include "ton/contracts/params.h"
#include "ton/state_init.h"

namespace cocoon::ton::contracts {

// A contract as deployed: the StateInit to attach to its first message, and
// its address.
struct ContractInit {
  Address address;
  StateInit init;
};

// ---- root ----
// `codes` may be incomplete (empty cells are stored for missing ones, as a
// root deployed before set_codes has).
Result<CellRef> RootInitialData(const Address& owner, const Params& params,
                                const ContractCodes& codes);
// REQUIRES: root_code is not null (an error otherwise).
Result<ContractInit> RootContract(const CellRef& root_code, const Address& owner,
                                  const Params& params, const ContractCodes& codes);

// ---- proxy ----
struct ProxyConfig {
  Address owner;                       // starts the close, withdraws commission
  crypto::Ed25519PublicKey proxy_key;  // the proxy daemon's voucher key
  Address root;
  Params params;        // the root's params when the proxy is deployed
  ContractCodes codes;  // client and worker codes (proxy unused here)
};
Result<CellRef> ProxyConfigCell(const ProxyConfig& config);
Result<CellRef> ProxyInitialData(const ProxyConfig& config);
// The proxy deployed by `config.owner` with `config.proxy_key`.
// REQUIRES: proxy_code, codes.client and codes.worker are not null.
Result<ContractInit> ProxyContract(const CellRef& proxy_code, const ProxyConfig& config);

// ---- client and worker ----
struct ChildConfig {
  Address proxy;                       // the proxy contract
  crypto::Ed25519PublicKey proxy_key;  // signs the vouchers this contract accepts
  Address owner;                       // gets refunds / payouts
  Params params;                       // the proxy's params
};
// The configuration a proxy gives the child owned by `owner`.
ChildConfig ChildConfigOf(const ProxyConfig& proxy, const Address& proxy_address,
                          const Address& owner);
Result<CellRef> ChildConfigCell(const ChildConfig& config);
Result<CellRef> ClientInitialData(const ChildConfig& config);
Result<CellRef> WorkerInitialData(const ChildConfig& config);
// REQUIRES: the code is not null.
Result<ContractInit> ClientContract(const CellRef& client_code, const ChildConfig& config);
Result<ContractInit> WorkerContract(const CellRef& worker_code, const ChildConfig& config);

// The contracts of `owner` under the proxy at `proxy_address` with `proxy`'s
// configuration (what the proxy's get_client_address/get_worker_address say).
Result<ContractInit> ClientOfProxy(const ProxyConfig& proxy, const Address& proxy_address,
                                   const Address& owner);
Result<ContractInit> WorkerOfProxy(const ProxyConfig& proxy, const Address& proxy_address,
                                   const Address& owner);

}  // namespace cocoon::ton::contracts
