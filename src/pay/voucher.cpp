#include "pay/voucher.h"

#include <string>

#include "pay/errors.h"
#include "pay/signed_cell.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::pay {
namespace {

std::string Hex32(uint32_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += kDigits[(v >> shift) & 0xf];
  return s;
}

Status Malformed(std::string_view detail) {
  return PayError(ErrorCode::kInvalidArgument, kVoucherMalformed, detail);
}

}  // namespace

std::string_view VoucherKindName(VoucherKind kind) {
  switch (kind) {
    case VoucherKind::kCharge:
      return "charge";
    case VoucherKind::kFinalRefund:
      return "final_refund";
    case VoucherKind::kWorkerPayout:
      return "worker_payout";
    case VoucherKind::kWorkerLastPayout:
      return "worker_last_payout";
    case VoucherKind::kProxyClose:
      return "proxy_close";
  }
  return "unknown";
}

uint32_t MessageOpOf(VoucherKind kind) {
  switch (kind) {
    case VoucherKind::kCharge:
      return kOpCharge;
    case VoucherKind::kFinalRefund:
      return kOpFinalRefund;
    case VoucherKind::kWorkerPayout:
      return kOpPayout;
    case VoucherKind::kWorkerLastPayout:
      return kOpLastPayout;
    case VoucherKind::kProxyClose:
      return kOpCompleteClose;
  }
  return 0;
}

std::optional<VoucherKind> VoucherKindOf(uint32_t payload_op) {
  for (VoucherKind k : {VoucherKind::kCharge, VoucherKind::kFinalRefund, VoucherKind::kWorkerPayout,
                        VoucherKind::kWorkerLastPayout, VoucherKind::kProxyClose}) {
    if (static_cast<uint32_t>(k) == payload_op) return k;
  }
  return std::nullopt;
}

bool AcceptsEqualTotal(VoucherKind kind) {
  return kind != VoucherKind::kCharge && kind != VoucherKind::kWorkerPayout;
}

Result<ton::CellRef> BuildVoucherPayloadCell(const VoucherPayload& p) {
  ton::CellBuilder b;
  b.StoreUint(static_cast<uint32_t>(p.kind), 32)
      .StoreUint(p.query_id, 64)
      .StoreUint(p.total_tokens, 64)
      .StoreAddress(p.target);
  return b.Finalize();
}

Result<VoucherPayload> ParseVoucherPayloadCell(const ton::CellRef& cell) {
  if (cell == nullptr || cell->exotic()) return Malformed("the payload is not an ordinary cell");
  ton::CellSlice s(cell);
  auto op = s.LoadUint(32);
  auto query_id = s.LoadUint(64);
  auto total = s.LoadUint(64);
  if (!op.ok() || !query_id.ok() || !total.ok()) return Malformed("the payload is truncated");
  std::optional<VoucherKind> kind = VoucherKindOf(static_cast<uint32_t>(*op));
  if (!kind) {
    return PayError(ErrorCode::kInvalidArgument, kVoucherWrongKind,
                    "payload op " + Hex32(static_cast<uint32_t>(*op)) + " is not a voucher kind");
  }
  auto target = s.LoadAddress();
  if (!target.ok()) return Malformed("the payload target: " + target.status().message());
  if (!target->has_value()) return Malformed("the payload target is addr_none");
  if (!s.empty()) return Malformed("extra bits or references after the payload target");
  return VoucherPayload{*kind, *query_id, *total, **target};
}

Result<SignedVoucher> SignVoucher(const VoucherPayload& payload,
                                  const crypto::Ed25519PrivateKey& proxy_key) {
  COCOON_ASSIGN_OR_RETURN(ton::CellRef cell, BuildVoucherPayloadCell(payload));
  return SignedVoucher{payload, payload.query_id, SignCell(cell, proxy_key)};
}

Result<ton::CellRef> BuildVoucherMessageBody(const SignedVoucher& v) {
  COCOON_ASSIGN_OR_RETURN(ton::CellRef payload, BuildVoucherPayloadCell(v.payload));
  return BuildSignedBody(MessageOpOf(v.payload.kind), v.message_query_id, v.signature, payload);
}

Result<SignedVoucher> ParseVoucherMessageBody(const ton::CellRef& body) {
  auto parts = ParseSignedBody(body);
  if (!parts.ok()) return Malformed(parts.status().message());
  COCOON_ASSIGN_OR_RETURN(VoucherPayload payload, ParseVoucherPayloadCell(parts->payload));
  if (MessageOpOf(payload.kind) != parts->op) {
    return PayError(ErrorCode::kInvalidArgument, kVoucherWrongKind,
                    "message op " + Hex32(parts->op) + " does not carry a " +
                        std::string(VoucherKindName(payload.kind)) + " voucher");
  }
  return SignedVoucher{payload, parts->query_id, parts->signature};
}

Result<Bytes> SerializeVoucher(const SignedVoucher& voucher) {
  COCOON_ASSIGN_OR_RETURN(ton::CellRef body, BuildVoucherMessageBody(voucher));
  return ton::SerializeBoc(body);
}

Result<SignedVoucher> DeserializeVoucher(ByteSpan boc) {
  if (boc.size() > kMaxVoucherBocBytes) {
    return Malformed("the voucher BoC is " + std::to_string(boc.size()) + " bytes (at most " +
                     std::to_string(kMaxVoucherBocBytes) + ")");
  }
  ton::BocLimits limits;
  limits.max_bytes = kMaxVoucherBocBytes;
  limits.max_cells = 4;
  limits.max_roots = 1;
  auto root = ton::DeserializeBocSingleRoot(boc, limits);
  if (!root.ok()) return Malformed("bad BoC: " + root.status().message());
  return ParseVoucherMessageBody(*root);
}

}  // namespace cocoon::pay
