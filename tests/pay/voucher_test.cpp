// Vouchers and anchors: layout, round trips, and every bad voucher refused
// with its own error.
#include "pay/voucher.h"

#include <gtest/gtest.h>

#include "pay/anchor.h"
#include "pay/errors.h"
#include "pay/voucher_verifier.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::pay {
namespace {

crypto::Ed25519PrivateKey Key(uint8_t seed_byte) {
  Bytes seed(32, seed_byte);
  return *crypto::Ed25519PrivateKey::FromSeed(seed);
}

ton::Address Addr(uint8_t n, int8_t wc = 0) {
  ton::Address a;
  a.workchain = wc;
  a.hash.fill(n);
  return a;
}

class VoucherTest : public ::testing::Test {
 protected:
  crypto::Ed25519PrivateKey proxy_ = Key(7);
  ton::Address client_ = Addr(0x11);

  VoucherExpectation ClientExpects(uint64_t last = 0) const {
    return {proxy_.public_key(), client_, {VoucherKind::kCharge, VoucherKind::kFinalRefund}, last};
  }
  SignedVoucher Charge(uint64_t total, const crypto::Ed25519PrivateKey* key = nullptr,
                       const ton::Address* target = nullptr) const {
    VoucherPayload p{VoucherKind::kCharge, 42, total, target ? *target : client_};
    return *SignVoucher(p, key ? *key : proxy_);
  }
};

TEST_F(VoucherTest, PayloadLayoutIsTheContractsOne) {
  VoucherPayload p{VoucherKind::kWorkerPayout, 0x0102030405060708, 1234, Addr(0xab, -1)};
  auto cell = BuildVoucherPayloadCell(p);
  ASSERT_TRUE(cell.ok());
  EXPECT_EQ((*cell)->bits().size(), 32u + 64 + 64 + 267);
  EXPECT_TRUE((*cell)->refs().empty());
  ton::CellSlice s(*cell);
  EXPECT_EQ(*s.LoadUint(32), 0xc0c00503u);
  EXPECT_EQ(*s.LoadUint(64), 0x0102030405060708u);
  EXPECT_EQ(*s.LoadUint(64), 1234u);
  EXPECT_EQ(**s.LoadAddress(), Addr(0xab, -1));
  auto back = ParseVoucherPayloadCell(*cell);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
}

TEST_F(VoucherTest, SignatureIsOverThePayloadHash) {
  SignedVoucher v = Charge(500);
  auto cell = BuildVoucherPayloadCell(v.payload);
  ASSERT_TRUE(cell.ok());
  EXPECT_TRUE(proxy_.public_key().Verify((*cell)->hash(), v.signature));
}

TEST_F(VoucherTest, MessageBodyAndWireRoundTrip) {
  for (VoucherKind kind :
       {VoucherKind::kCharge, VoucherKind::kFinalRefund, VoucherKind::kWorkerPayout,
        VoucherKind::kWorkerLastPayout, VoucherKind::kProxyClose}) {
    auto v = SignVoucher({kind, 9, 77, client_}, proxy_);
    ASSERT_TRUE(v.ok());
    auto body = BuildVoucherMessageBody(*v);
    ASSERT_TRUE(body.ok());
    ton::CellSlice s(*body);
    EXPECT_EQ(*s.LoadUint(32), MessageOpOf(kind));
    EXPECT_EQ(*s.LoadUint(64), 9u);
    ASSERT_TRUE(s.SkipBits(512).ok());
    EXPECT_EQ((*s.LoadRef())->hash(), (*BuildVoucherPayloadCell(v->payload))->hash());

    auto wire = SerializeVoucher(*v);
    ASSERT_TRUE(wire.ok());
    auto back = DeserializeVoucher(*wire);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *v);
  }
  EXPECT_EQ(MessageOpOf(VoucherKind::kCharge), 0xc0c00307u);
  EXPECT_EQ(MessageOpOf(VoucherKind::kFinalRefund), 0xc0c00308u);
  EXPECT_EQ(MessageOpOf(VoucherKind::kWorkerPayout), 0xc0c00401u);
  EXPECT_EQ(MessageOpOf(VoucherKind::kWorkerLastPayout), 0xc0c00402u);
  EXPECT_EQ(MessageOpOf(VoucherKind::kProxyClose), 0xc0c00204u);
}

TEST_F(VoucherTest, GoodVoucherIsAccepted) {
  auto wire = SerializeVoucher(Charge(500));
  ASSERT_TRUE(wire.ok());
  auto v = ReceiveVoucher(*wire, ClientExpects(499));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->payload.total_tokens, 500u);
}

TEST_F(VoucherTest, WrongSignatureIsRefused) {
  crypto::Ed25519PrivateKey mallory = Key(8);
  Status s = VerifyVoucher(Charge(500, &mallory), ClientExpects());
  EXPECT_TRUE(HasReason(s, kVoucherBadSignature)) << s.ToString();
  EXPECT_EQ(s.code(), ErrorCode::kUnauthenticated);

  // A good signature on a changed total.
  SignedVoucher v = Charge(500);
  v.payload.total_tokens = 5000;
  EXPECT_TRUE(HasReason(VerifyVoucher(v, ClientExpects()), kVoucherBadSignature));
  // A flipped signature bit.
  v = Charge(500);
  v.signature[10] ^= 1;
  EXPECT_TRUE(HasReason(VerifyVoucher(v, ClientExpects()), kVoucherBadSignature));
}

TEST_F(VoucherTest, WrongAddressIsRefused) {
  ton::Address other = Addr(0x12);
  Status s = VerifyVoucher(Charge(500, nullptr, &other), ClientExpects());
  EXPECT_TRUE(HasReason(s, kVoucherWrongTarget)) << s.ToString();
  ton::Address other_wc = Addr(0x11, -1);
  EXPECT_TRUE(HasReason(VerifyVoucher(Charge(500, nullptr, &other_wc), ClientExpects()),
                        kVoucherWrongTarget));
}

TEST_F(VoucherTest, WrongKindIsRefused) {
  auto payout = SignVoucher({VoucherKind::kWorkerPayout, 0, 500, client_}, proxy_);
  ASSERT_TRUE(payout.ok());
  Status s = VerifyVoucher(*payout, ClientExpects());
  EXPECT_TRUE(HasReason(s, kVoucherWrongKind)) << s.ToString();

  // A charge payload inside a payout message.
  auto payload = BuildVoucherPayloadCell(Charge(500).payload);
  ASSERT_TRUE(payload.ok());
  ton::CellBuilder b;
  b.StoreUint(kOpPayout, 32).StoreUint(0, 64).StoreBytes(Charge(500).signature).StoreRef(*payload);
  auto body = b.Finalize();
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(HasReason(ParseVoucherMessageBody(*body).status(), kVoucherWrongKind));

  // An anchor payload is not a voucher.
  auto anchor = SignAnchor({1, 2, {}, client_}, proxy_);
  ASSERT_TRUE(anchor.ok());
  auto anchor_body = BuildAnchorMessageBody(*anchor);
  ASSERT_TRUE(anchor_body.ok());
  auto anchor_wire = ton::SerializeBoc(*anchor_body);
  ASSERT_TRUE(anchor_wire.ok());
  EXPECT_TRUE(HasReason(DeserializeVoucher(*anchor_wire).status(), kVoucherWrongKind));
}

TEST_F(VoucherTest, LowerOrEqualTotalIsRefused) {
  Status equal = VerifyVoucher(Charge(500), ClientExpects(500));
  EXPECT_TRUE(HasReason(equal, kVoucherNotNewer)) << equal.ToString();
  EXPECT_TRUE(HasReason(VerifyVoucher(Charge(499), ClientExpects(500)), kVoucherNotNewer));
  EXPECT_TRUE(HasReason(VerifyVoucher(Charge(0), ClientExpects(0)), kVoucherNotNewer));
  // Final kinds accept an equal total, as the contracts do, not a lower one.
  auto final_refund = SignVoucher({VoucherKind::kFinalRefund, 0, 500, client_}, proxy_);
  ASSERT_TRUE(final_refund.ok());
  EXPECT_TRUE(VerifyVoucher(*final_refund, ClientExpects(500)).ok());
  EXPECT_TRUE(HasReason(VerifyVoucher(*final_refund, ClientExpects(501)), kVoucherNotNewer));
}

TEST_F(VoucherTest, TruncatedAndGarbageBocsAreRefused) {
  auto wire = SerializeVoucher(Charge(500));
  ASSERT_TRUE(wire.ok());
  for (size_t n = 0; n < wire->size(); ++n) {
    Bytes cut(wire->begin(), wire->begin() + n);
    auto r = DeserializeVoucher(cut);
    ASSERT_FALSE(r.ok()) << "prefix " << n;
    EXPECT_TRUE(HasReason(r.status(), kVoucherMalformed)) << r.status().ToString();
  }
  Bytes garbage(200, 0x5a);
  EXPECT_TRUE(HasReason(DeserializeVoucher(garbage).status(), kVoucherMalformed));
  EXPECT_TRUE(
      HasReason(DeserializeVoucher(Bytes(kMaxVoucherBocBytes + 1, 0)).status(), kVoucherMalformed));
  // Every single-bit flip is refused or changes nothing that verifies.
  for (size_t i = 0; i < wire->size() * 8; ++i) {
    Bytes flipped = *wire;
    flipped[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    auto r = ReceiveVoucher(flipped, ClientExpects());
    EXPECT_FALSE(r.ok()) << "bit " << i;
  }
}

TEST_F(VoucherTest, ExtraDataIsRefused) {
  SignedVoucher v = Charge(500);
  auto payload = BuildVoucherPayloadCell(v.payload);
  ASSERT_TRUE(payload.ok());
  // Payload with a trailing bit.
  ton::CellBuilder pb;
  pb.StoreCellContent(**payload).StoreBit(false);
  auto long_payload = pb.Finalize();
  ASSERT_TRUE(long_payload.ok());
  EXPECT_TRUE(HasReason(ParseVoucherPayloadCell(*long_payload).status(), kVoucherMalformed));
  // Body with a second reference.
  ton::CellBuilder bb;
  bb.StoreUint(kOpCharge, 32)
      .StoreUint(0, 64)
      .StoreBytes(v.signature)
      .StoreRef(*payload)
      .StoreRef(ton::Cell::Empty());
  auto body = bb.Finalize();
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(HasReason(ParseVoucherMessageBody(*body).status(), kVoucherMalformed));
  // addr_none target.
  ton::CellBuilder nb;
  nb.StoreUint(0xc0c00501, 32).StoreUint(0, 64).StoreUint(1, 64).StoreAddress(std::nullopt);
  auto none = nb.Finalize();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(HasReason(ParseVoucherPayloadCell(*none).status(), kVoucherMalformed));
}

TEST_F(VoucherTest, AnchorRoundTrip) {
  AnchorPayload p;
  p.query_id = 5;
  p.seqno = 1000;
  p.session_hash.fill(0xcd);
  p.target = Addr(0x33);
  auto a = SignAnchor(p, proxy_);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(VerifyAnchorSignature(*a, proxy_.public_key()));
  EXPECT_FALSE(VerifyAnchorSignature(*a, Key(8).public_key()));
  auto payload = BuildAnchorPayloadCell(p);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ((*payload)->bits().size(), 32u + 64 + 64 + 256 + 267);
  auto body = BuildAnchorMessageBody(*a);
  ASSERT_TRUE(body.ok());
  auto back = ParseAnchorMessageBody(*body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *a);
  // A voucher body is not an anchor.
  auto voucher_body = BuildVoucherMessageBody(Charge(1));
  ASSERT_TRUE(voucher_body.ok());
  EXPECT_TRUE(HasReason(ParseAnchorMessageBody(*voucher_body).status(), kVoucherWrongKind));
}

}  // namespace
}  // namespace cocoon::pay
