// The pay module's voucher and anchor bodies are the ones the chain bindings
// (src/ton/contracts/messages.h) build around the same signed payload, and
// the bindings' own checks accept what pay signs. Both are also tested
// against contracts/lib/layouts.js; this keeps them from drifting apart.
#include <gtest/gtest.h>

#include "pay/anchor.h"
#include "pay/voucher.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/opcodes.h"

namespace cocoon::pay {
namespace {

namespace tc = ton::contracts;

TEST(BindingsCrossTest, VoucherBodiesMatchTheChainBindings) {
  auto key = *crypto::Ed25519PrivateKey::FromSeed(Bytes(32, 5));
  ton::Address target;
  target.hash.fill(0x42);
  struct Case {
    VoucherKind kind;
    Result<ton::CellRef> (*body)(const tc::SignedPayload&, uint64_t);
  };
  const Case cases[] = {
      {VoucherKind::kCharge, &tc::ChargeBody},
      {VoucherKind::kFinalRefund, &tc::FinalRefundBody},
      {VoucherKind::kWorkerPayout, &tc::PayoutBody},
      {VoucherKind::kWorkerLastPayout, &tc::LastPayoutBody},
      {VoucherKind::kProxyClose, &tc::CompleteCloseBody},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(VoucherKindName(c.kind)));
    auto v = SignVoucher({c.kind, 17, c.kind == VoucherKind::kProxyClose ? 0u : 321u, target}, key);
    ASSERT_TRUE(v.ok());
    auto payload = BuildVoucherPayloadCell(v->payload);
    ASSERT_TRUE(payload.ok());
    tc::SignedPayload sp{v->signature, *payload};
    auto theirs = c.body(sp, 17);
    auto ours = BuildVoucherMessageBody(*v);
    ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ((*ours)->hash(), (*theirs)->hash());
    EXPECT_TRUE(
        tc::CheckSignedPayload(sp, static_cast<uint32_t>(c.kind), target, key.public_key()).ok());
    auto parsed = tc::ParseVoucherPayload(*payload);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->total_tokens, v->payload.total_tokens);
    EXPECT_EQ(parsed->target, target);
  }
}

TEST(BindingsCrossTest, AnchorBodyMatchesTheChainBindings) {
  auto key = *crypto::Ed25519PrivateKey::FromSeed(Bytes(32, 5));
  AnchorPayload p;
  p.query_id = 3;
  p.seqno = 99;
  p.session_hash.fill(0xee);
  p.target.hash.fill(0x24);
  auto a = SignAnchor(p, key);
  ASSERT_TRUE(a.ok());
  auto payload = BuildAnchorPayloadCell(p);
  ASSERT_TRUE(payload.ok());
  tc::SignedPayload sp{a->signature, *payload};
  auto theirs = tc::AnchorBody(sp, 3);
  auto ours = BuildAnchorMessageBody(*a);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ((*ours)->hash(), (*theirs)->hash());
  EXPECT_TRUE(tc::CheckSignedPayload(sp, kAnchorPayloadOp, p.target, key.public_key()).ok());
}

}  // namespace
}  // namespace cocoon::pay
