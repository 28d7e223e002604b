// libFuzzer target for the voucher wire form (pay/voucher.h: BoC of a signed
// message body), the verifier on top of it, and the anchor body parser.
#include <cstdlib>

#include "pay/anchor.h"
#include "pay/voucher.h"
#include "pay/voucher_verifier.h"
#include "ton/boc.h"

namespace {

using namespace cocoon;

const pay::VoucherExpectation& Expectation() {
  static const pay::VoucherExpectation kExpected = [] {
    pay::VoucherExpectation e;
    e.proxy_key = crypto::Ed25519PrivateKey::FromSeed(Bytes(32, 7))->public_key();
    e.my_address.hash.fill(0x11);
    e.kinds = {pay::VoucherKind::kCharge, pay::VoucherKind::kFinalRefund};
    e.last_accepted_total = 100;
    return e;
  }();
  return kExpected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan input(data, size);
  auto voucher = pay::DeserializeVoucher(input);
  (void)pay::ReceiveVoucher(input, Expectation());
  if (voucher.ok()) {
    (void)pay::VerifyVoucher(*voucher, Expectation());
    // Whatever parsed must round-trip.
    auto wire = pay::SerializeVoucher(*voucher);
    if (!wire.ok()) abort();
    auto again = pay::DeserializeVoucher(*wire);
    if (!again.ok() || !(*again == *voucher)) abort();
  }

  ton::BocLimits limits;
  limits.max_bytes = pay::kMaxVoucherBocBytes;
  limits.max_cells = 4;
  auto root = ton::DeserializeBocSingleRoot(input, limits);
  if (root.ok()) {
    auto anchor = pay::ParseAnchorMessageBody(*root);
    if (anchor.ok()) {
      (void)pay::VerifyAnchorSignature(*anchor, Expectation().proxy_key);
      auto body = pay::BuildAnchorMessageBody(*anchor);
      if (!body.ok() || (*body)->hash() != (*root)->hash()) abort();
    }
    (void)pay::ParseVoucherPayloadCell(*root);
    (void)pay::ParseAnchorPayloadCell(*root);
  }
  return 0;
}
