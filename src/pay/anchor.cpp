#include "pay/anchor.h"

#include <algorithm>
#include <string>

#include "pay/errors.h"
#include "pay/signed_cell.h"
#include "pay/voucher.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::pay {
namespace {

Status Malformed(std::string_view detail) {
  return PayError(ErrorCode::kInvalidArgument, kVoucherMalformed, detail);
}

}  // namespace

Result<ton::CellRef> BuildAnchorPayloadCell(const AnchorPayload& p) {
  ton::CellBuilder b;
  b.StoreUint(kAnchorPayloadOp, 32)
      .StoreUint(p.query_id, 64)
      .StoreUint(p.seqno, 64)
      .StoreBytes(p.session_hash)
      .StoreAddress(p.target);
  return b.Finalize();
}

Result<AnchorPayload> ParseAnchorPayloadCell(const ton::CellRef& cell) {
  if (cell == nullptr || cell->exotic()) return Malformed("the anchor is not an ordinary cell");
  ton::CellSlice s(cell);
  auto op = s.LoadUint(32);
  if (!op.ok()) return Malformed("the anchor payload is truncated");
  if (*op != kAnchorPayloadOp) {
    return PayError(ErrorCode::kInvalidArgument, kVoucherWrongKind,
                    "payload op " + std::to_string(*op) + " is not an anchor");
  }
  AnchorPayload p;
  auto query_id = s.LoadUint(64);
  auto seqno = s.LoadUint(64);
  auto hash = s.LoadBytes(32);
  if (!query_id.ok() || !seqno.ok() || !hash.ok()) {
    return Malformed("the anchor payload is truncated");
  }
  auto target = s.LoadAddress();
  if (!target.ok() || !target->has_value()) return Malformed("the anchor target is not addr_std");
  if (!s.empty()) return Malformed("extra bits or references after the anchor target");
  p.query_id = *query_id;
  p.seqno = *seqno;
  std::copy(hash->begin(), hash->end(), p.session_hash.begin());
  p.target = **target;
  return p;
}

Result<SignedAnchor> SignAnchor(const AnchorPayload& payload,
                                const crypto::Ed25519PrivateKey& proxy_key) {
  COCOON_ASSIGN_OR_RETURN(ton::CellRef cell, BuildAnchorPayloadCell(payload));
  return SignedAnchor{payload, payload.query_id, SignCell(cell, proxy_key)};
}

Result<ton::CellRef> BuildAnchorMessageBody(const SignedAnchor& a) {
  COCOON_ASSIGN_OR_RETURN(ton::CellRef payload, BuildAnchorPayloadCell(a.payload));
  return BuildSignedBody(kOpAnchor, a.message_query_id, a.signature, payload);
}

Result<SignedAnchor> ParseAnchorMessageBody(const ton::CellRef& body) {
  auto parts = ParseSignedBody(body);
  if (!parts.ok()) return Malformed(parts.status().message());
  if (parts->op != kOpAnchor) {
    return PayError(ErrorCode::kInvalidArgument, kVoucherWrongKind,
                    "message op " + std::to_string(parts->op) + " is not anchor");
  }
  COCOON_ASSIGN_OR_RETURN(AnchorPayload payload, ParseAnchorPayloadCell(parts->payload));
  return SignedAnchor{payload, parts->query_id, parts->signature};
}

bool VerifyAnchorSignature(const SignedAnchor& anchor, const crypto::Ed25519PublicKey& proxy_key) {
  auto cell = BuildAnchorPayloadCell(anchor.payload);
  return cell.ok() && VerifyCellSignature(*cell, anchor.signature, proxy_key);
}

}  // namespace cocoon::pay
