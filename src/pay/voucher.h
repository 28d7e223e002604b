// Vouchers: the proxy's signed, cumulative statements of tokens, exactly as
// the client and worker contracts accept them (contracts/README.md
// "Vouchers (signed payloads)").
//
//   VoucherPayload = payload_op:uint32 query_id:uint64 total_tokens:uint64
//                    target:MsgAddressInt
//   signature      = Ed25519(proxy key, representation hash of the payload cell)
//   message body   = op:uint32 query_id:uint64 signature:bits512 payload:^VoucherPayload
//
// `total_tokens` counts adjusted tokens (pricing.h), cumulative per target
// contract. The message body is also the voucher's wire form: its BoC
// (SerializeVoucher) is what the proxy sends to a client or worker after a
// request, and what they put on chain unchanged when it is worth the fee.
//
// Parsing is strict and hostile-input safe: exactly the layout above (no
// extra bits or references, ordinary cells, an addr_std target, a message op
// that matches the payload kind), a small BoC size cap, and every failure is
// a pay.voucher_malformed or pay.voucher_wrong_kind error (errors.h), never a
// crash. Parsing does not check the signature; voucher_verifier.h does.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/ed25519.h"
#include "ton/address.h"
#include "ton/cell.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::pay {

// payload_op of each voucher kind.
enum class VoucherKind : uint32_t {
  kCharge = 0xc0c00501,            // client `charge`: cumulative tokens used by the client
  kFinalRefund = 0xc0c00502,       // client `final_refund`: last charge total, then close
  kWorkerPayout = 0xc0c00503,      // worker `payout`: cumulative tokens served
  kWorkerLastPayout = 0xc0c00504,  // worker `last_payout`: then close
  kProxyClose = 0xc0c00505,        // proxy `complete_close` (total_tokens = 0)
};

// Ops of the messages that carry a signed payload.
inline constexpr uint32_t kOpCompleteClose = 0xc0c00204;
inline constexpr uint32_t kOpAnchor = 0xc0c00205;
inline constexpr uint32_t kOpCharge = 0xc0c00307;
inline constexpr uint32_t kOpFinalRefund = 0xc0c00308;
inline constexpr uint32_t kOpPayout = 0xc0c00401;
inline constexpr uint32_t kOpLastPayout = 0xc0c00402;

// "charge", "final_refund", "worker_payout", "worker_last_payout", "proxy_close".
std::string_view VoucherKindName(VoucherKind kind);
// The message op that carries `kind` (kCharge → kOpCharge, ...).
uint32_t MessageOpOf(VoucherKind kind);
// The kind whose payload_op is `payload_op`, if any.
std::optional<VoucherKind> VoucherKindOf(uint32_t payload_op);
// Whether the contract accepts a total equal to the last applied one (final
// refund, last payout, proxy close: ≥); charge and payout need it larger.
bool AcceptsEqualTotal(VoucherKind kind);

struct VoucherPayload {
  VoucherKind kind = VoucherKind::kCharge;
  uint64_t query_id = 0;
  uint64_t total_tokens = 0;  // cumulative adjusted tokens
  ton::Address target;        // the client/worker/proxy contract it is good for

  friend bool operator==(const VoucherPayload&, const VoucherPayload&) = default;
};

struct SignedVoucher {
  VoucherPayload payload;
  uint64_t message_query_id = 0;  // query_id of the carrying message; not signed
  crypto::Ed25519Signature signature{};

  friend bool operator==(const SignedVoucher&, const SignedVoucher&) = default;
};

// The VoucherPayload cell.
Result<ton::CellRef> BuildVoucherPayloadCell(const VoucherPayload& payload);
// Reads a VoucherPayload cell (strict: nothing may follow the target).
Result<VoucherPayload> ParseVoucherPayloadCell(const ton::CellRef& cell);

// Signs the payload cell's representation hash with the proxy key. The
// message query_id is the payload's.
Result<SignedVoucher> SignVoucher(const VoucherPayload& payload,
                                  const crypto::Ed25519PrivateKey& proxy_key);

// The body of the client charge/final_refund, worker payout/last_payout or
// proxy complete_close message: op query_id signature ^payload.
Result<ton::CellRef> BuildVoucherMessageBody(const SignedVoucher& voucher);
// Reads such a body (strict). Does not verify the signature.
Result<SignedVoucher> ParseVoucherMessageBody(const ton::CellRef& body);

// Wire form: the BoC (with CRC32C, as @ton/core writes it) of the message body.
Result<Bytes> SerializeVoucher(const SignedVoucher& voucher);
// At most kMaxVoucherBocBytes, one root; then ParseVoucherMessageBody.
inline constexpr size_t kMaxVoucherBocBytes = 1024;
Result<SignedVoucher> DeserializeVoucher(ByteSpan boc);

}  // namespace cocoon::pay
