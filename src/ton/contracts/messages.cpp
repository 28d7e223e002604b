#include "ton/contracts/messages.h"

#include "ton/cell_builder.h"
#include "ton/cell_slice.h"
#include "ton/contracts/opcodes.h"
#include "ton/contracts/text.h"

namespace cocoon::ton::contracts {
namespace {

CellBuilder Header(uint32_t op, uint64_t query_id) {
  CellBuilder b;
  b.StoreUint(op, 32).StoreUint(query_id, 64);
  return b;
}

Result<CellRef> HeaderOnly(uint32_t op, uint64_t query_id) {
  return Header(op, query_id).Finalize();
}

Result<CellRef> WithAmount(uint32_t op, Uint128 amount, uint64_t query_id, bool positive) {
  if (positive && amount == 0) return InvalidArgument("amount must be positive");
  CellBuilder b = Header(op, query_id);
  b.StoreCoins(amount);
  return b.Finalize();
}

Result<CellRef> WithHash(uint32_t op, const crypto::Sha256Digest& hash, uint64_t query_id) {
  CellBuilder b = Header(op, query_id);
  b.StoreBytes(hash);
  return b.Finalize();
}

const char* PayloadName(uint32_t payload_op) {
  switch (payload_op) {
    case op::kPayloadCharge:
      return "charge";
    case op::kPayloadFinalRefund:
      return "final refund";
    case op::kPayloadWorkerPayout:
      return "worker payout";
    case op::kPayloadWorkerLastPayout:
      return "worker last payout";
    case op::kPayloadProxyClose:
      return "proxy close";
    case op::kPayloadAnchor:
      return "anchor";
    default:
      return "unknown";
  }
}

Result<uint32_t> PayloadOp(const CellRef& payload) {
  if (!payload) return InvalidArgument("signed payload cell is missing");
  CellSlice s(payload);
  Result<uint64_t> op = s.LoadUint(32);
  if (!op.ok()) return InvalidArgument("signed payload is shorter than its op");
  return static_cast<uint32_t>(*op);
}

Result<CellRef> Signed(uint32_t msg_op, uint32_t payload_op, const SignedPayload& signed_payload,
                       uint64_t query_id) {
  COCOON_ASSIGN_OR_RETURN(uint32_t got, PayloadOp(signed_payload.payload));
  if (got != payload_op) {
    return InvalidArgument(std::string("signed payload is a ") + PayloadName(got) +
                           " payload, this message needs a " + PayloadName(payload_op) +
                           " payload (the contract would refuse it with 115)");
  }
  CellBuilder b = Header(msg_op, query_id);
  b.StoreBytes(signed_payload.signature).StoreRef(signed_payload.payload);
  return b.Finalize();
}

uint32_t AddOp(RootList list) {
  switch (list) {
    case RootList::kProxyImages:
      return op::kAddProxyImage;
    case RootList::kWorkerImages:
      return op::kAddWorkerImage;
    case RootList::kModels:
      return op::kAddModel;
  }
  return 0;
}

}  // namespace

Result<CellRef> AddToRootListBody(RootList list, const crypto::Sha256Digest& hash,
                                  uint64_t query_id) {
  return WithHash(AddOp(list), hash, query_id);
}

Result<CellRef> RemoveFromRootListBody(RootList list, const crypto::Sha256Digest& hash,
                                       uint64_t query_id) {
  return WithHash(AddOp(list) + 1, hash, query_id);  // each remove op follows its add op
}

Result<CellRef> RegisterProxyBody(std::string_view endpoint, uint64_t query_id) {
  COCOON_ASSIGN_OR_RETURN(CellRef text, SnakeTextCell(endpoint));
  CellBuilder b = Header(op::kRegisterProxy, query_id);
  b.StoreRef(text);
  return b.Finalize();
}

Result<CellRef> UpdateProxyBody(uint32_t seqno, std::string_view endpoint, uint64_t query_id) {
  COCOON_ASSIGN_OR_RETURN(CellRef text, SnakeTextCell(endpoint));
  CellBuilder b = Header(op::kUpdateProxy, query_id);
  b.StoreUint(seqno, 32).StoreRef(text);
  return b.Finalize();
}

Result<CellRef> UnregisterProxyBody(uint32_t seqno, uint64_t query_id) {
  CellBuilder b = Header(op::kUnregisterProxy, query_id);
  b.StoreUint(seqno, 32);
  return b.Finalize();
}

Result<CellRef> SetParamsBody(const Params& params, uint64_t query_id) {
  COCOON_RETURN_IF_ERROR(ValidateParams(params));
  COCOON_ASSIGN_OR_RETURN(CellRef cell, ParamsCell(params));
  CellBuilder b = Header(op::kSetParams, query_id);
  b.StoreRef(cell);
  return b.Finalize();
}

Result<CellRef> SetCodesBody(const ContractCodes& codes, uint64_t query_id) {
  if (!codes.Complete())
    return InvalidArgument("set_codes needs the proxy, client and worker code");
  CellBuilder b = Header(op::kSetCodes, query_id);
  b.StoreRef(codes.proxy).StoreRef(codes.client).StoreRef(codes.worker);
  return b.Finalize();
}

Result<CellRef> ChangeOwnerBody(const Address& new_owner, uint64_t query_id) {
  CellBuilder b = Header(op::kChangeOwner, query_id);
  b.StoreAddress(new_owner);
  return b.Finalize();
}

Result<CellRef> AddStakeBody(Uint128 amount, uint64_t query_id) {
  return WithAmount(op::kAddStake, amount, query_id, true);
}
Result<CellRef> WithdrawCommissionBody(Uint128 amount, uint64_t query_id) {
  return WithAmount(op::kWithdrawCommission, amount, query_id, false);
}
Result<CellRef> StartCloseBody(uint64_t query_id) { return HeaderOnly(op::kStartClose, query_id); }
Result<CellRef> CompleteCloseBody(const SignedPayload& voucher, uint64_t query_id) {
  return Signed(op::kCompleteClose, op::kPayloadProxyClose, voucher, query_id);
}
Result<CellRef> AnchorBody(const SignedPayload& anchor, uint64_t query_id) {
  return Signed(op::kAnchor, op::kPayloadAnchor, anchor, query_id);
}

Result<CellRef> TopUpBody(Uint128 amount, uint64_t query_id) {
  return WithAmount(op::kTopUp, amount, query_id, true);
}
Result<CellRef> IncreaseStakeBody(Uint128 amount, uint64_t query_id) {
  return WithAmount(op::kIncreaseStake, amount, query_id, true);
}
Result<CellRef> SetSecretHashBody(const crypto::Sha256Digest& secret_hash, uint64_t query_id) {
  return WithHash(op::kSetSecretHash, secret_hash, query_id);
}
Result<CellRef> WithdrawBody(Uint128 amount, uint64_t query_id) {
  return WithAmount(op::kWithdraw, amount, query_id, false);
}
Result<CellRef> RequestRefundBody(uint64_t query_id) {
  return HeaderOnly(op::kRequestRefund, query_id);
}
Result<CellRef> ForceRefundBody(uint64_t query_id) {
  return HeaderOnly(op::kForceRefund, query_id);
}
Result<CellRef> ChargeBody(const SignedPayload& voucher, uint64_t query_id) {
  return Signed(op::kCharge, op::kPayloadCharge, voucher, query_id);
}
Result<CellRef> FinalRefundBody(const SignedPayload& voucher, uint64_t query_id) {
  return Signed(op::kFinalRefund, op::kPayloadFinalRefund, voucher, query_id);
}

Result<CellRef> PayoutBody(const SignedPayload& voucher, uint64_t query_id) {
  return Signed(op::kPayout, op::kPayloadWorkerPayout, voucher, query_id);
}
Result<CellRef> LastPayoutBody(const SignedPayload& voucher, uint64_t query_id) {
  return Signed(op::kLastPayout, op::kPayloadWorkerLastPayout, voucher, query_id);
}

Result<VoucherPayload> ParseVoucherPayload(const CellRef& payload) {
  if (!payload) return InvalidArgument("voucher payload cell is missing");
  CellSlice s(payload);
  VoucherPayload v;
  auto fail = [](const Status& st) { return st.WithContext("voucher payload"); };
  Result<uint64_t> u = s.LoadUint(32);
  if (!u.ok()) return fail(u.status());
  v.op = static_cast<uint32_t>(*u);
  if (v.op == op::kPayloadAnchor) return InvalidArgument("an anchor payload is not a voucher");
  if (u = s.LoadUint(64); !u.ok()) return fail(u.status());
  v.query_id = *u;
  if (u = s.LoadUint(64); !u.ok()) return fail(u.status());
  v.total_tokens = *u;
  Result<std::optional<Address>> target = s.LoadAddress();
  if (!target.ok()) return fail(target.status());
  if (!*target) return InvalidArgument("voucher payload has no target address");
  v.target = **target;
  return v;
}

Status CheckSignedPayload(const SignedPayload& sp, uint32_t payload_op, const Address& target,
                          const crypto::Ed25519PublicKey& proxy_key) {
  COCOON_ASSIGN_OR_RETURN(uint32_t got, PayloadOp(sp.payload));
  if (!proxy_key.Verify(sp.payload->hash(), sp.signature))
    return InvalidArgument("the signature is not the proxy key's over the payload hash");
  if (got != payload_op)
    return InvalidArgument(std::string("the payload is a ") + PayloadName(got) +
                           " payload, not a " + PayloadName(payload_op) + " payload");
  CellSlice s(sp.payload);
  // op query_id, then total_tokens (vouchers) or seqno session_hash (anchors).
  const size_t skip = 32 + 64 + 64 + (payload_op == op::kPayloadAnchor ? 256 : 0);
  if (Status st = s.SkipBits(skip); !st.ok()) return st.WithContext("signed payload");
  Result<std::optional<Address>> t = s.LoadAddress();
  if (!t.ok()) return t.status().WithContext("signed payload target");
  if (!*t || **t != target)
    return InvalidArgument("the payload names " + (*t ? (*t)->ToRaw() : std::string("no address")) +
                           ", not " + target.ToRaw());
  return Status::Ok();
}

InternalMessage ToContract(const ContractInit& contract, bool deploy, Uint128 value, CellRef body) {
  InternalMessage m;
  m.destination = contract.address;
  m.value = value;
  m.bounce = true;
  if (deploy) m.init = contract.init;
  m.body = std::move(body);
  return m;
}

}  // namespace cocoon::ton::contracts
