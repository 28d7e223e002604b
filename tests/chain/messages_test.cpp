// Builders refuse what the contracts would refuse, before any fee is spent;
// snake text and voucher checks.
#include <gtest/gtest.h>

#include "ton/cell_builder.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/opcodes.h"
#include "ton/contracts/text.h"

namespace cocoon::ton::contracts {
namespace {

const Address kTarget{0, {1, 2, 3}};

SignedPayload Voucher(const crypto::Ed25519PrivateKey& key, uint32_t payload_op,
                      const Address& target) {
  CellBuilder b;
  b.StoreUint(payload_op, 32).StoreUint(1, 64).StoreUint(500, 64).StoreAddress(target);
  SignedPayload sp;
  sp.payload = *b.Finalize();
  sp.signature = key.Sign(sp.payload->hash());
  return sp;
}

TEST(MessagesTest, SignedBodiesRefuseThePayloadOfAnotherKind) {
  const auto key = crypto::Ed25519PrivateKey::Generate();
  const SignedPayload charge = Voucher(key, op::kPayloadCharge, kTarget);
  EXPECT_TRUE(ChargeBody(charge).ok());
  Result<CellRef> r = PayoutBody(charge);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("charge payload, this message needs a worker payout"),
            std::string::npos)
      << r.status().ToString();
  EXPECT_FALSE(AnchorBody(charge).ok());
  EXPECT_FALSE(ChargeBody(SignedPayload{}).ok());  // no payload cell
  SignedPayload short_payload{{}, Cell::Empty()};
  EXPECT_FALSE(LastPayoutBody(short_payload).ok());
}

TEST(MessagesTest, CheckSignedPayloadChecksSignatureKindAndTarget) {
  const auto key = crypto::Ed25519PrivateKey::Generate();
  const auto other = crypto::Ed25519PrivateKey::Generate();
  const SignedPayload v = Voucher(key, op::kPayloadWorkerPayout, kTarget);
  EXPECT_TRUE(CheckSignedPayload(v, op::kPayloadWorkerPayout, kTarget, key.public_key()).ok());
  EXPECT_FALSE(CheckSignedPayload(v, op::kPayloadWorkerPayout, kTarget, other.public_key()).ok());
  EXPECT_FALSE(CheckSignedPayload(v, op::kPayloadCharge, kTarget, key.public_key()).ok());
  Address elsewhere = kTarget;
  elsewhere.hash[0] = 9;
  Status st = CheckSignedPayload(v, op::kPayloadWorkerPayout, elsewhere, key.public_key());
  EXPECT_NE(st.message().find("the payload names"), std::string::npos) << st.ToString();
  Result<VoucherPayload> parsed = ParseVoucherPayload(v.payload);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->total_tokens, 500u);
  EXPECT_EQ(parsed->target, kTarget);
}

TEST(MessagesTest, AmountsAndParamsAreChecked) {
  EXPECT_FALSE(AddStakeBody(0).ok());
  EXPECT_FALSE(TopUpBody(0).ok());
  EXPECT_FALSE(IncreaseStakeBody(0).ok());
  EXPECT_TRUE(WithdrawBody(0).ok());  // 0 = everything withdrawable
  EXPECT_FALSE(AddStakeBody(kMaxCoins + 1).ok());
  Params p;
  EXPECT_FALSE(SetParamsBody(p).ok());  // price 0
  p = Params{1000, 800, 10000, 10000, 10000, 10000, 60, 60, kMinStake, kMinStake};
  EXPECT_TRUE(SetParamsBody(p).ok());
  p.worker_fee_per_token = 1001;
  Result<CellRef> r = SetParamsBody(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("worker_fee_per_token"), std::string::npos);
  EXPECT_FALSE(SetCodesBody(ContractCodes{}).ok());
}

TEST(SnakeTextTest, RoundTripsAndRefusesBadText) {
  for (size_t n : {0, 1, 126, 127, 128, 254, 255, 1000}) {
    const std::string text(n, 'a');
    Result<CellRef> c = SnakeTextCell(text);
    ASSERT_TRUE(c.ok()) << n;
    Result<std::string> back = ReadSnakeText(*c);
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, text);
  }
  EXPECT_FALSE(SnakeTextCell(std::string(5000, 'a')).ok());
  EXPECT_FALSE(ReadSnakeText(*SnakeTextCell(std::string(300, 'a')), 200).ok());
  CellBuilder partial;
  partial.StoreUint(1, 3);
  EXPECT_FALSE(ReadSnakeText(*partial.Finalize()).ok());
  CellBuilder two_refs;
  two_refs.StoreRef(Cell::Empty()).StoreRef(Cell::Empty());
  EXPECT_FALSE(ReadSnakeText(*two_refs.Finalize()).ok());
  EXPECT_EQ(*ReadSnakeText(*SnakeTextCell("h\xc3\xa9llo")), "h\xc3\xa9llo");
  CellBuilder cut;  // a multi-byte character cut short
  cut.StoreUint(0xc3, 8);
  EXPECT_FALSE(ReadSnakeText(*cut.Finalize()).ok());
}

TEST(OpcodesTest, ExitCodesAreDescribed) {
  EXPECT_EQ(DescribeExitCode(105), "105 (bad signature)");
  EXPECT_EQ(DescribeExitCode(-13), "-13 (account not active)");
  EXPECT_EQ(DescribeExitCode(4242), "4242");
}

TEST(ToContractTest, DeployCarriesTheStateInit) {
  ContractInit c;
  c.address = kTarget;
  c.init.code = Cell::Empty();
  c.init.data = Cell::Empty();
  InternalMessage m = ToContract(c, true, 5, *StartCloseBody(1));
  EXPECT_TRUE(m.init.has_value());
  EXPECT_TRUE(m.bounce);
  EXPECT_EQ(m.destination, kTarget);
  EXPECT_FALSE(ToContract(c, false, 5, nullptr).init.has_value());
}

}  // namespace
}  // namespace cocoon::ton::contracts
