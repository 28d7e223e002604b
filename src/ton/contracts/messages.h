// Message bodies of every op a Cocoon daemon or the network's owner sends,
// laid out as contracts/README.md and contracts/lib/layouts.js (`body.*`)
// lay them out. Every body starts with op:uint32 query_id:uint64; the
// query_id comes back in the `excesses` answer, so a sender can match them.
//
// Signed messages (charge, final_refund, payout, last_payout, complete_close,
// anchor) carry `signature:bits512 payload:^Cell`. The payload and its
// signature are made by src/pay (the proxy key signs the payload cell's
// representation hash); the builders here accept them ready and refuse a
// payload of the wrong kind before any fee is spent.
//
// Value to attach (checked by the contracts): add_stake, top_up and
// increase_stake need amount + kMinForwardValue; withdraw, force_refund,
// charge, payout and last_payout need kMinForwardValue; final_refund needs
// kFinalRefundValue. What is not spent comes back as `excesses`.
//
// ToContract() wraps a body into the InternalMessage a wallet sends
// (ton/wallet.h); with `deploy` it carries the StateInit, which is how a
// proxy (add_stake), client (increase_stake) and worker (payout) contract is
// deployed: by its first message.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/sha.h"
#include "ton/contracts/codes.h"
#include "ton/contracts/params.h"
#include "ton/contracts/storage.h"
#include "ton/message.h"

namespace cocoon::ton::contracts {

inline constexpr Uint128 kMinForwardValue = 50'000'000;    // 0.05 TON
inline constexpr Uint128 kFinalRefundValue = 100'000'000;  // 0.1 TON

// A payload cell and the proxy's signature of its representation hash.
struct SignedPayload {
  crypto::Ed25519Signature signature{};
  CellRef payload;
};

// ---- root (owner only; each accepted message bumps the root's version) ----
enum class RootList { kProxyImages, kWorkerImages, kModels };
Result<CellRef> AddToRootListBody(RootList list, const crypto::Sha256Digest& hash,
                                  uint64_t query_id = 0);
Result<CellRef> RemoveFromRootListBody(RootList list, const crypto::Sha256Digest& hash,
                                       uint64_t query_id = 0);
// `endpoint` is stored as snake text (text.h), at most 4 KiB.
Result<CellRef> RegisterProxyBody(std::string_view endpoint, uint64_t query_id = 0);
Result<CellRef> UpdateProxyBody(uint32_t seqno, std::string_view endpoint, uint64_t query_id = 0);
Result<CellRef> UnregisterProxyBody(uint32_t seqno, uint64_t query_id = 0);
// Fails when ValidateParams does (the root would refuse with 103).
Result<CellRef> SetParamsBody(const Params& params, uint64_t query_id = 0);
// REQUIRES: codes.Complete().
Result<CellRef> SetCodesBody(const ContractCodes& codes, uint64_t query_id = 0);
Result<CellRef> ChangeOwnerBody(const Address& new_owner, uint64_t query_id = 0);

// ---- proxy ----
// From anyone; the first one deploys the proxy. REQUIRES amount > 0.
Result<CellRef> AddStakeBody(Uint128 amount, uint64_t query_id = 0);
// Owner; amount 0 withdraws all available commission.
Result<CellRef> WithdrawCommissionBody(Uint128 amount, uint64_t query_id = 0);
Result<CellRef> StartCloseBody(uint64_t query_id = 0);
// Anyone, with a proxy-close payload (total_tokens 0), after proxyCloseDelay.
Result<CellRef> CompleteCloseBody(const SignedPayload& voucher, uint64_t query_id = 0);
// Anyone, with an anchor payload built by src/pay.
Result<CellRef> AnchorBody(const SignedPayload& anchor, uint64_t query_id = 0);

// ---- client ----
// Anyone; needs the client's stake at minClientStake first. REQUIRES amount > 0.
Result<CellRef> TopUpBody(Uint128 amount, uint64_t query_id = 0);
// Owner; the first one deploys the client contract. REQUIRES amount > 0.
Result<CellRef> IncreaseStakeBody(Uint128 amount, uint64_t query_id = 0);
Result<CellRef> SetSecretHashBody(const crypto::Sha256Digest& secret_hash, uint64_t query_id = 0);
// Owner; amount 0 withdraws everything withdrawable.
Result<CellRef> WithdrawBody(Uint128 amount, uint64_t query_id = 0);
// Owner: starts closing (then the proxy's final refund, or ForceRefund after
// clientCloseDelay).
Result<CellRef> RequestRefundBody(uint64_t query_id = 0);
Result<CellRef> ForceRefundBody(uint64_t query_id = 0);
// Anyone, with a charge / final-refund payload.
Result<CellRef> ChargeBody(const SignedPayload& voucher, uint64_t query_id = 0);
Result<CellRef> FinalRefundBody(const SignedPayload& voucher, uint64_t query_id = 0);

// ---- worker ----
// Anyone, with a worker-payout / worker-last-payout payload; the first one
// deploys the worker contract.
Result<CellRef> PayoutBody(const SignedPayload& voucher, uint64_t query_id = 0);
Result<CellRef> LastPayoutBody(const SignedPayload& voucher, uint64_t query_id = 0);

// ---- vouchers as the contracts check them ----
struct VoucherPayload {
  uint32_t op = 0;  // op::kPayload*
  uint64_t query_id = 0;
  uint64_t total_tokens = 0;
  Address target;
};
// Reads op:32 query_id:64 total_tokens:64 target:MsgAddressInt (not an anchor).
Result<VoucherPayload> ParseVoucherPayload(const CellRef& payload);
// What the contract at `target` checks before it applies a voucher: the
// signature by `proxy_key`, the payload kind `payload_op` and the target
// (errors 105, 115, 106 on chain). Anchors included (the target is read
// from the anchor layout). kInvalidArgument says which check failed.
Status CheckSignedPayload(const SignedPayload& signed_payload, uint32_t payload_op,
                          const Address& target, const crypto::Ed25519PublicKey& proxy_key);

// The internal message that delivers `body` with `value` nanoTON to
// `contract`, bounceable; with `deploy` it carries the StateInit.
InternalMessage ToContract(const ContractInit& contract, bool deploy, Uint128 value, CellRef body);

}  // namespace cocoon::ton::contracts
