// Checks a voucher received from the proxy the way the contract that will
// apply it does, so a client or worker learns at once, off chain, that a
// voucher is worthless rather than when its transaction fails.
//
// Checks, in the contracts' order, each with its own error (errors.h):
//   signature by the proxy key over the payload hash  pay.voucher_bad_signature (105)
//   target == this contract's address                 pay.voucher_wrong_target  (106)
//   kind is one this receiver accepts                  pay.voucher_wrong_kind    (115)
//   total > last accepted (≥ for final kinds)          pay.voucher_not_newer     (107)
// Malformed bytes are pay.voucher_malformed (voucher.h).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/ed25519.h"
#include "pay/voucher.h"
#include "ton/address.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::pay {

struct VoucherExpectation {
  crypto::Ed25519PublicKey proxy_key;  // the proxy's key, as in the contract's config
  ton::Address my_address;             // the receiving contract
  std::vector<VoucherKind> kinds;      // kinds accepted here (e.g. {kCharge, kFinalRefund})
  uint64_t last_accepted_total = 0;    // the contract starts at 0
};

Status VerifyVoucher(const SignedVoucher& voucher, const VoucherExpectation& expected);

// DeserializeVoucher then VerifyVoucher.
Result<SignedVoucher> ReceiveVoucher(ByteSpan boc, const VoucherExpectation& expected);

}  // namespace cocoon::pay
