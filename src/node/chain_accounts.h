// Chain accounts: what each daemon does on chain with its node wallet
// (docs/chain.md "Chain accounts"), built on the contract bindings
// (ton/contracts) and ton::WalletSender.
//
//   proxy   EnsureProxyContract: its proxy contract deployed and staked
//           SendAnchor: its ledger's (seqno, session hash) anchored
//           SubmitVoucher: charge / final_refund vouchers to client contracts
//   client  EnsureClientContract: its client contract at a proxy deployed,
//           staked, secret hash set and topped up
//   worker  WorkerContractInit / WorkerContractAddress, SubmitVoucher: payout
//           vouchers, the first of which deploys the worker contract
//
// Each Ensure* / Submit* / Send* reads the contract first and sends only what
// is missing, so a daemon calls it at every start (and again when it wants
// more stake or balance); then it waits until the contract shows the change.
// Messages go out with the value docs/chain.md gives (amount + 0.05 TON for
// add_stake / increase_stake / top_up, 0.05 TON for charge, payout,
// last_payout, anchor and set_secret_hash, 0.1 TON for final_refund); what
// the contracts do not spend comes back to the wallet as `excesses`.
//
// Blocking: every function does HTTP requests and may wait up to the sender's
// confirm timeout once per transfer it sends (and once more for the contract
// to show the change; on a real chain a contract's transaction comes a few
// seconds after the wallet's). Call them from a thread pool, never from an
// event loop.
//
// Errors: those of WalletSender (insufficient wallet balance, frozen wallet,
// not confirmed in time, API errors with context), plus
//   kInvalidArgument     a stake below the minimum of the params, a malformed
//                        voucher / anchor, a voucher for another contract
//   kFailedPrecondition  the contract is closing or closed, the proxy is not
//                        ready to take deposits, a worker contract that is not
//                        deployed and no init was given, the proxy refused a
//                        deposit (it bounced)
//   kDeadlineExceeded    the wallet sent the transfer but the contract did not
//                        show the change within the confirm timeout
//   kProtocol            chain data that contradicts itself (a proxy whose
//                        storage does not derive its own address, a child
//                        address that differs from the proxy's get-method)
//
// Thread-safety: free functions. Transfers on one sender are serialized by
// the sender, but each function reads, then decides what to send: call the
// functions for one contract from one thread at a time (two concurrent
// EnsureClientContract calls could both top up).
#pragma once

#include <optional>

#include "crypto/ed25519.h"
#include "crypto/sha.h"
#include "pay/voucher.h"
#include "ton/api_client.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/storage.h"
#include "ton/wallet_sender.h"
#include "util/bytes.h"

namespace cocoon::node {

// What every daemon reads from the root once: the codes it hands out and its
// current params.
struct ChainContext {
  ton::Address root;
  ton::contracts::ContractCodes codes;  // Complete()
  ton::contracts::Params params;
};

// The root's codes (FetchCodes: kFailedPrecondition when it has none) and
// params (get_params).
Result<ChainContext> LoadChainContext(const ton::TonApiClient& api, const ton::Address& root);

// ---- proxy ----

struct ProxyAccount {
  ton::Address address;
  // The config the contract was derived from: ClientOfProxy / WorkerOfProxy
  // with it give the proxy's client and worker contracts.
  ton::contracts::ProxyConfig config;
  ton::contracts::ProxyData data;  // as read after the last change
  bool deployed = false;           // this call deployed it
  ton::Uint128 stake_added = 0;    // nanoTON this call added (deploy included)
};

// The proxy contract of (the sender's wallet as owner, `proxy_key`) under the
// root's current params (ctx): deployed with add_stake(stake) when absent (or
// not ready and never deployed), or given add_stake(stake - current) when its
// stake is below `stake`; then waits until get_proxy_data shows the stake.
//
// A proxy is tied to the params it was deployed with: after the root's
// set_params the same owner and key give a new address, and this deploys a
// new proxy there. The old one keeps its stake, client funds and clients;
// its owner closes it (start_close, then complete_close) when its clients
// have moved.
//
// REQUIRES: ctx.codes.Complete(). kInvalidArgument when `stake` is below
// ctx.params.min_proxy_stake (the proxy would never be ready);
// kFailedPrecondition when the contract is closing or closed.
Result<ProxyAccount> EnsureProxyContract(ton::WalletSender& sender, const ChainContext& ctx,
                                         const crypto::Ed25519PublicKey& proxy_key,
                                         ton::Uint128 stake);

// The configuration of the proxy contract at `proxy`, from its storage (the
// exact params cell and client/worker codes it was deployed with, and its own
// code), checked by re-deriving the address. kNotFound when the proxy is not
// deployed; kProtocol when its storage does not match its address.
Result<ton::contracts::ProxyConfig> ReadProxyConfig(const ton::TonApiClient& api,
                                                    const ton::Address& proxy);

// ---- client ----

struct ClientAccount {
  ton::Address address;
  ton::contracts::ClientData data;  // as read after the last change
  bool deployed = false;            // this call deployed it
  ton::Uint128 stake_added = 0;
  ton::Uint128 topped_up = 0;
  bool secret_hash_set = false;
};

// The client contract of the sender's wallet at the proxy contract `proxy`:
//   - absent: deployed with increase_stake(stake) (the proxy's client-code
//     StateInit, from ReadProxyConfig; its address checked against the
//     proxy's get_client_address), set_secret_hash in the same transfer;
//   - stake below `stake`: increase_stake(the difference);
//   - stored secret hash differs: set_secret_hash;
//   - then, once the proxy has acknowledged the stake (a top_up is refused
//     before that, so it is a separate, later transfer): top_up until the
//     balance (stake included, as get_client_data reports it) is at least
//     `min_balance`.
// Waits for the proxy's acknowledgement of each deposit (pending_deposit
// back to 0). A deposit already pending is waited for first.
//
// kInvalidArgument when `stake` is below the proxy's min_client_stake;
// kFailedPrecondition when the proxy is not ready (not staked, closing) or
// the client contract is closing/closed, or when the proxy refused a deposit
// (it bounced back to the wallet).
Result<ClientAccount> EnsureClientContract(ton::WalletSender& sender, const ton::Address& proxy,
                                           const crypto::Sha256Digest& secret_hash,
                                           ton::Uint128 stake, ton::Uint128 min_balance);

// ---- worker ----

// The proxy's get_worker_address(owner): where `owner`'s payouts go.
Result<ton::Address> WorkerContractAddress(const ton::TonApiClient& api, const ton::Address& proxy,
                                           const ton::Address& owner);

// The worker contract of `owner` at `proxy` with its StateInit (derived from
// the proxy's storage, ReadProxyConfig), for SubmitVoucher to deploy it with
// the first payout. Its address is checked against get_worker_address
// (kProtocol if they differ). It does not change while the proxy lives:
// compute it once.
Result<ton::contracts::ContractInit> WorkerContractInit(const ton::TonApiClient& api,
                                                        const ton::Address& proxy,
                                                        const ton::Address& owner);

// ---- vouchers and anchors ----

struct SubmittedVoucher {
  pay::VoucherKind kind = pay::VoucherKind::kCharge;
  uint64_t total_tokens = 0;
  // Unset when the contract had already applied this total (or a larger
  // one): nothing was sent.
  std::optional<ton::SentTransfer> transfer;
  bool deployed_contract = false;  // the payout deployed the worker contract
  uint64_t tokens_on_chain = 0;    // tokens_charged / tokens_paid seen afterwards
};

// Puts a proxy-signed voucher (its wire form, pay::SerializeVoucher: the BoC
// of the whole message body, sent as is) on the client or worker contract
// `contract`: charge (0.05 TON), final_refund (0.1 TON), payout or
// last_payout (0.05 TON). Before spending a fee it checks that the voucher
// parses (pay::DeserializeVoucher), is for `contract`, and is newer than what
// the contract has applied (an equal total for final_refund / last_payout);
// the signature is not checked here (the daemon checked it on receipt with
// pay::ReceiveVoucher; a forged one is refused on chain, 105). Then waits
// until get_client_data / get_worker_data shows the total (and the closed
// state for final_refund / last_payout).
//
// A worker contract is deployed by its first payout: pass `worker_init`
// (WorkerContractInit) and it is attached when the contract is not active.
// Without it, a missing worker contract is kFailedPrecondition. A payout the
// proxy cannot cover bounces and is undone on the worker contract later; on
// a real chain the total seen may therefore go back.
//
// kInvalidArgument: malformed, a proxy-close voucher, another target, or a
// worker_init for another address; kFailedPrecondition: the contract is
// closed (or, for a payout, not active), or a client contract not deployed.
Result<SubmittedVoucher> SubmitVoucher(
    ton::WalletSender& sender, const ton::Address& contract, ByteSpan voucher_boc,
    const std::optional<ton::contracts::ContractInit>& worker_init = std::nullopt);

struct SentAnchor {
  uint64_t seqno = 0;  // the anchored ledger seqno
  ton::SentTransfer transfer;
};

// Sends an anchor (the body pay::BuildAnchorMessageBody makes) to the proxy
// contract with 0.05 TON, after checking that it parses, is for
// `proxy_contract` and that its seqno is above the contract's anchor (107
// otherwise); then waits until get_anchor shows it. kInvalidArgument for a
// malformed anchor or another target, kFailedPrecondition for a seqno not
// above the one on chain.
Result<SentAnchor> SendAnchor(ton::WalletSender& sender, const ton::Address& proxy_contract,
                              const ton::CellRef& anchor_body);

}  // namespace cocoon::node
