// Anchors: the proxy's signed (seqno, session hash) of its ledger head,
// submitted to its proxy contract (`anchor`, contracts/README.md "Proxy") so
// that a ledger rolled back or cloned later is caught against the chain.
//
//   payload = 0xc0c00506:uint32 query_id:uint64 seqno:uint64 session_hash:uint256
//             target:MsgAddressInt
//   body    = 0xc0c00205:uint32 query_id:uint64 signature:bits512 payload:^Cell
//
// The contract refuses a seqno that does not grow (107).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/ed25519.h"
#include "ton/address.h"
#include "ton/cell.h"
#include "util/status.h"

namespace cocoon::pay {

inline constexpr uint32_t kAnchorPayloadOp = 0xc0c00506;

struct AnchorPayload {
  uint64_t query_id = 0;
  uint64_t seqno = 0;
  std::array<uint8_t, 32> session_hash{};
  ton::Address target;  // the proxy contract

  friend bool operator==(const AnchorPayload&, const AnchorPayload&) = default;
};

struct SignedAnchor {
  AnchorPayload payload;
  uint64_t message_query_id = 0;  // not signed
  crypto::Ed25519Signature signature{};

  friend bool operator==(const SignedAnchor&, const SignedAnchor&) = default;
};

Result<ton::CellRef> BuildAnchorPayloadCell(const AnchorPayload& payload);
// Strict; pay.voucher_malformed or pay.voucher_wrong_kind on failure.
Result<AnchorPayload> ParseAnchorPayloadCell(const ton::CellRef& cell);

// Signs the payload hash; the message query_id is the payload's.
Result<SignedAnchor> SignAnchor(const AnchorPayload& payload,
                                const crypto::Ed25519PrivateKey& proxy_key);
Result<ton::CellRef> BuildAnchorMessageBody(const SignedAnchor& anchor);
// Strict; does not verify the signature.
Result<SignedAnchor> ParseAnchorMessageBody(const ton::CellRef& body);
// True when the anchor is signed by `proxy_key`.
bool VerifyAnchorSignature(const SignedAnchor& anchor, const crypto::Ed25519PublicKey& proxy_key);

}  // namespace cocoon::pay
