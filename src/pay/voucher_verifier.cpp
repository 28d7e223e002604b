#include "pay/voucher_verifier.h"

#include <algorithm>
#include <string>

#include "pay/errors.h"
#include "pay/signed_cell.h"

namespace cocoon::pay {

Status VerifyVoucher(const SignedVoucher& voucher, const VoucherExpectation& expected) {
  const VoucherPayload& p = voucher.payload;
  COCOON_ASSIGN_OR_RETURN(ton::CellRef cell, BuildVoucherPayloadCell(p));
  if (!VerifyCellSignature(cell, voucher.signature, expected.proxy_key)) {
    return PayError(ErrorCode::kUnauthenticated, kVoucherBadSignature,
                    "the voucher is not signed by proxy key " + expected.proxy_key.Hex());
  }
  if (p.target != expected.my_address) {
    return PayError(
        ErrorCode::kPermissionDenied, kVoucherWrongTarget,
        "the voucher is for " + p.target.ToRaw() + ", not for " + expected.my_address.ToRaw());
  }
  if (std::find(expected.kinds.begin(), expected.kinds.end(), p.kind) == expected.kinds.end()) {
    return PayError(ErrorCode::kPermissionDenied, kVoucherWrongKind,
                    "a " + std::string(VoucherKindName(p.kind)) + " voucher is not accepted here");
  }
  bool newer = AcceptsEqualTotal(p.kind) ? p.total_tokens >= expected.last_accepted_total
                                         : p.total_tokens > expected.last_accepted_total;
  if (!newer) {
    return PayError(ErrorCode::kFailedPrecondition, kVoucherNotNewer,
                    "total " + std::to_string(p.total_tokens) + " is not above the last accepted " +
                        std::to_string(expected.last_accepted_total));
  }
  return Status::Ok();
}

Result<SignedVoucher> ReceiveVoucher(ByteSpan boc, const VoucherExpectation& expected) {
  COCOON_ASSIGN_OR_RETURN(SignedVoucher v, DeserializeVoucher(boc));
  COCOON_RETURN_IF_ERROR(VerifyVoucher(v, expected));
  return v;
}

}  // namespace cocoon::pay
