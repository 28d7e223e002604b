// pay_voucher_tool: the C++ voucher code behind a command line, so that
// contracts_compat.js can put C++-made vouchers on the contracts in
// @ton/sandbox and hand JS-made vouchers to the C++ verifier.
//
//   pay_voucher_tool sign SEED KIND QUERY_ID TOTAL TARGET
//   pay_voucher_tool anchor SEED QUERY_ID SEQNO SESSION_HASH TARGET
//       → "BODY_BOC_HEX PAYLOAD_HASH_HEX SIGNATURE_HEX"
//   pay_voucher_tool verify PUBKEY TARGET KIND[,KIND] LAST BOC_HEX
//       → "ok KIND TOTAL" (exit 0) or the error (exit 1)
//
// SEED, PUBKEY, SESSION_HASH: 64 hex digits; TARGET: any address form; KIND:
// charge, final_refund, worker_payout, worker_last_payout, proxy_close.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "pay/anchor.h"
#include "pay/voucher.h"
#include "pay/voucher_verifier.h"
#include "ton/boc.h"

namespace {

using namespace cocoon;
using namespace cocoon::pay;

int Fail(const std::string& message) {
  std::printf("%s\n", message.c_str());
  return 1;
}

Result<VoucherKind> KindOf(const std::string& name) {
  for (VoucherKind k : {VoucherKind::kCharge, VoucherKind::kFinalRefund, VoucherKind::kWorkerPayout,
                        VoucherKind::kWorkerLastPayout, VoucherKind::kProxyClose}) {
    if (VoucherKindName(k) == name) return k;
  }
  return InvalidArgument("unknown kind " + name);
}

int PrintBody(const Result<ton::CellRef>& body, const ton::CellRef& payload,
              const crypto::Ed25519Signature& signature) {
  if (!body.ok()) return Fail(body.status().ToString());
  auto boc = ton::SerializeBoc(*body);
  if (!boc.ok()) return Fail(boc.status().ToString());
  std::printf("%s %s %s\n", HexEncode(*boc).c_str(), HexEncode(payload->hash()).c_str(),
              HexEncode(signature).c_str());
  return 0;
}

int Run(const std::vector<std::string>& a) {
  if (a.size() == 7 && (a[1] == "sign" || a[1] == "anchor")) {
    auto seed = HexDecode(a[2]);
    if (!seed.ok()) return Fail(seed.status().ToString());
    auto key = crypto::Ed25519PrivateKey::FromSeed(*seed);
    if (!key.ok()) return Fail(key.status().ToString());
    auto target = ton::ParseAddress(a[6]);
    if (!target.ok()) return Fail(target.status().ToString());
    if (a[1] == "sign") {
      auto kind = KindOf(a[3]);
      if (!kind.ok()) return Fail(kind.status().ToString());
      VoucherPayload p{*kind, std::stoull(a[4]), std::stoull(a[5]), target->address};
      auto v = SignVoucher(p, *key);
      if (!v.ok()) return Fail(v.status().ToString());
      return PrintBody(BuildVoucherMessageBody(*v), *BuildVoucherPayloadCell(p), v->signature);
    }
    AnchorPayload p;
    p.query_id = std::stoull(a[3]);
    p.seqno = std::stoull(a[4]);
    auto hash = HexDecode(a[5]);
    if (!hash.ok() || hash->size() != 32) return Fail("bad session hash");
    std::copy(hash->begin(), hash->end(), p.session_hash.begin());
    p.target = target->address;
    auto signed_anchor = SignAnchor(p, *key);
    if (!signed_anchor.ok()) return Fail(signed_anchor.status().ToString());
    return PrintBody(BuildAnchorMessageBody(*signed_anchor), *BuildAnchorPayloadCell(p),
                     signed_anchor->signature);
  }
  if (a.size() == 7 && a[1] == "verify") {
    VoucherExpectation e;
    auto pub = HexDecode(a[2]);
    if (!pub.ok()) return Fail(pub.status().ToString());
    auto key = crypto::Ed25519PublicKey::FromBytes(*pub);
    if (!key.ok()) return Fail(key.status().ToString());
    e.proxy_key = *key;
    auto target = ton::ParseAddress(a[3]);
    if (!target.ok()) return Fail(target.status().ToString());
    e.my_address = target->address;
    std::stringstream kinds(a[4]);
    for (std::string k; std::getline(kinds, k, ',');) {
      auto kind = KindOf(k);
      if (!kind.ok()) return Fail(kind.status().ToString());
      e.kinds.push_back(*kind);
    }
    e.last_accepted_total = std::stoull(a[5]);
    auto boc = HexDecode(a[6]);
    if (!boc.ok()) return Fail(boc.status().ToString());
    auto v = ReceiveVoucher(*boc, e);
    if (!v.ok()) return Fail(v.status().message());
    std::printf("ok %s %llu\n", std::string(VoucherKindName(v->payload.kind)).c_str(),
                static_cast<unsigned long long>(v->payload.total_tokens));
    return 0;
  }
  std::fprintf(stderr, "usage: see tests/pay/voucher_tool.cpp\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) { return Run(std::vector<std::string>(argv, argv + argc)); }
