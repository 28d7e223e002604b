// Payee: who the node is to a proxy (its owner and best voucher from that
// proxy), the proxy's terms taken only under its attested key, vouchers
// checked as the contract checks them, and the /stats view.
#include "node/payee.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pay/errors.h"
#include "pay/ledger_test_util.h"
#include "pay/voucher.h"

namespace cocoon::node {
namespace {

using pay::testing::TempDir;
using pay::testing::TestAddress;
using pay::testing::TestKey;

std::string Raw(const crypto::Ed25519PublicKey& key) {
  return std::string(key.bytes().begin(), key.bytes().end());
}

class PayeeTest : public ::testing::Test {
 protected:
  void SetUp() override { payee_ = NewPayee(PayeeRole::kClient); }

  std::unique_ptr<Payee> NewPayee(PayeeRole role) {
    auto keeper = pay::VoucherKeeper::Open(dir_.path() / "vouchers.json");
    EXPECT_TRUE(keeper.ok()) << keeper.status().ToString();
    if (!keeper.ok()) return nullptr;
    return std::make_unique<Payee>(role, owner_, std::move(*keeper));
  }
  Bytes Voucher(const crypto::Ed25519PrivateKey& key, uint64_t total, const ton::Address& target,
                pay::VoucherKind kind = pay::VoucherKind::kCharge, uint64_t query_id = 0) const {
    auto boc = pay::SerializeVoucher(
        *pay::SignVoucher({kind, query_id == 0 ? total : query_id, total, target}, key));
    EXPECT_TRUE(boc.ok());
    return *boc;
  }
  inference::PaymentTerms Terms(const crypto::Ed25519PublicKey& key, const ton::Address& mine,
                                Bytes current = {}) const {
    inference::PaymentTerms t;
    t.set_proxy_contract(proxy_contract_.ToRaw());
    t.set_peer_contract(mine.ToRaw());
    t.set_proxy_key(Raw(key));
    t.set_current_voucher(ToString(current));
    t.set_price_per_token(10);
    t.set_worker_fee_per_token(7);
    return t;
  }

  TempDir dir_;
  ton::Address owner_ = TestAddress(0x01);
  ton::Address proxy_contract_ = TestAddress(0x50);
  ton::Address mine_ = TestAddress(0x11);       // my contract at proxy A
  ton::Address mine_at_b_ = TestAddress(0x12);  // my contract at proxy B
  crypto::Ed25519PrivateKey proxy_a_ = TestKey(3);
  crypto::Ed25519PrivateKey proxy_b_ = TestKey(4);
  std::unique_ptr<Payee> payee_;
};

TEST_F(PayeeTest, IdentityWithoutVouchersIsTheOwner) {
  inference::PayeeIdentity id = payee_->Identity(proxy_a_.public_key());
  EXPECT_EQ(id.owner_address(), owner_.ToRaw());
  EXPECT_TRUE(id.last_voucher().empty());
}

TEST_F(PayeeTest, IdentityCarriesTheHighestVoucherSignedByThatProxy) {
  ASSERT_TRUE(payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  ASSERT_TRUE(
      payee_->AcceptTerms(proxy_b_.public_key(), Terms(proxy_b_.public_key(), mine_at_b_)).ok());
  ASSERT_TRUE(payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 40, mine_)).ok());
  const Bytes a_best = Voucher(proxy_a_, 70, mine_);
  ASSERT_TRUE(payee_->AcceptVoucher(proxy_a_.public_key(), a_best).ok());
  const Bytes b_best = Voucher(proxy_b_, 500, mine_at_b_);
  ASSERT_TRUE(payee_->AcceptVoucher(proxy_b_.public_key(), b_best).ok());

  EXPECT_EQ(payee_->Identity(proxy_a_.public_key()).last_voucher(), ToString(a_best));
  EXPECT_EQ(payee_->Identity(proxy_b_.public_key()).last_voucher(), ToString(b_best));
  EXPECT_TRUE(payee_->Identity(TestKey(9).public_key()).last_voucher().empty());

  // Several contracts signed by the same key: the highest total wins.
  const ton::Address third = TestAddress(0x13);
  ASSERT_TRUE(payee_->keeper()
                  .Accept(Voucher(proxy_a_, 900, third),
                          {proxy_a_.public_key(), third, {pay::VoucherKind::kCharge}, 0})
                  .ok());
  EXPECT_EQ(payee_->Identity(proxy_a_.public_key()).last_voucher(),
            ToString(Voucher(proxy_a_, 900, third)));

  // And after a restart, from the file.
  payee_.reset();
  auto restarted = NewPayee(PayeeRole::kClient);
  ASSERT_TRUE(restarted);
  EXPECT_EQ(restarted->Identity(proxy_b_.public_key()).last_voucher(), ToString(b_best));
}

TEST_F(PayeeTest, TermsStatingAnotherKeyThanTheAttestedOneAreRefused) {
  Status other = payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_b_.public_key(), mine_));
  EXPECT_EQ(other.code(), ErrorCode::kPermissionDenied) << other.ToString();
  EXPECT_FALSE(payee_->Terms(proxy_a_.public_key()).has_value());

  inference::PaymentTerms short_key = Terms(proxy_a_.public_key(), mine_);
  short_key.set_proxy_key(Raw(proxy_a_.public_key()).substr(0, 31));
  EXPECT_EQ(payee_->AcceptTerms(proxy_a_.public_key(), short_key).code(),
            ErrorCode::kPermissionDenied);
  inference::PaymentTerms long_key = Terms(proxy_a_.public_key(), mine_);
  long_key.set_proxy_key(Raw(proxy_a_.public_key()) + "x");
  EXPECT_EQ(payee_->AcceptTerms(proxy_a_.public_key(), long_key).code(),
            ErrorCode::kPermissionDenied);
  inference::PaymentTerms no_key = Terms(proxy_a_.public_key(), mine_);
  no_key.clear_proxy_key();
  EXPECT_EQ(payee_->AcceptTerms(proxy_a_.public_key(), no_key).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(payee_->AllTerms().empty());
}

// Regression: the key comparison once compared the attested key's uint8_t
// bytes with the stated key's (signed) chars, so any key with a byte ≥ 0x80
// (nearly every real key) was refused as "another key".
TEST_F(PayeeTest, AKeyWithHighBytesIsTheSameKey) {
  std::array<uint8_t, crypto::Ed25519PublicKey::kSize> raw{};
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(0x80 + i * 3);
  const crypto::Ed25519PublicKey high(raw);
  Status accepted = payee_->AcceptTerms(high, Terms(high, mine_));
  EXPECT_TRUE(accepted.ok()) << accepted.ToString();
  ASSERT_TRUE(payee_->Terms(high).has_value());

  // Differing in one high byte only is another key.
  std::array<uint8_t, crypto::Ed25519PublicKey::kSize> near = raw;
  near[31] = 0xff;
  ASSERT_NE(near[31], raw[31]);
  EXPECT_EQ(payee_->AcceptTerms(crypto::Ed25519PublicKey(near), Terms(high, mine_)).code(),
            ErrorCode::kPermissionDenied);

  // A real key with high bytes, with a current voucher it signed.
  const crypto::Ed25519PublicKey& real = proxy_a_.public_key();
  ASSERT_TRUE(
      std::any_of(real.bytes().begin(), real.bytes().end(), [](uint8_t b) { return b >= 0x80; }));
  Status with_voucher = payee_->AcceptTerms(real, Terms(real, mine_, Voucher(proxy_a_, 5, mine_)));
  EXPECT_TRUE(with_voucher.ok()) << with_voucher.ToString();
  EXPECT_EQ(payee_->keeper().Held(mine_)->total, 5u);
}

TEST_F(PayeeTest, TermsWithAddressesThatDoNotParseAreAProtocolError) {
  inference::PaymentTerms bad_proxy = Terms(proxy_a_.public_key(), mine_);
  bad_proxy.set_proxy_contract("nope");
  EXPECT_EQ(payee_->AcceptTerms(proxy_a_.public_key(), bad_proxy).code(), ErrorCode::kProtocol);
  inference::PaymentTerms bad_mine = Terms(proxy_a_.public_key(), mine_);
  bad_mine.set_peer_contract("");
  EXPECT_EQ(payee_->AcceptTerms(proxy_a_.public_key(), bad_mine).code(), ErrorCode::kProtocol);
  EXPECT_TRUE(payee_->AllTerms().empty());
}

TEST_F(PayeeTest, AcceptedTermsAreKeptPerProxyKey) {
  ASSERT_TRUE(payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  auto terms = payee_->Terms(proxy_a_.public_key());
  ASSERT_TRUE(terms);
  EXPECT_EQ(terms->proxy_contract, proxy_contract_);
  EXPECT_EQ(terms->my_contract, mine_);
  EXPECT_EQ(terms->price_per_token, 10u);
  EXPECT_EQ(terms->worker_fee_per_token, 7u);
  EXPECT_FALSE(payee_->Terms(proxy_b_.public_key()).has_value());
  auto all = payee_->AllTerms();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->first, proxy_a_.public_key().Hex());
}

TEST_F(PayeeTest, TheCurrentVoucherInTheTermsIsTakenOnlyWhenNewerAndValid) {
  const Bytes held = Voucher(proxy_a_, 100, mine_);
  ASSERT_TRUE(
      payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_, held)).ok());
  EXPECT_EQ(payee_->keeper().Held(mine_)->voucher, held);

  // Below or equal to what is held: fine, not taken.
  EXPECT_TRUE(payee_
                  ->AcceptTerms(proxy_a_.public_key(),
                                Terms(proxy_a_.public_key(), mine_, Voucher(proxy_a_, 60, mine_)))
                  .ok());
  EXPECT_TRUE(payee_
                  ->AcceptTerms(proxy_a_.public_key(),
                                Terms(proxy_a_.public_key(), mine_,
                                      Voucher(proxy_a_, 100, mine_, pay::VoucherKind::kCharge, 7)))
                  .ok());
  EXPECT_EQ(payee_->keeper().Held(mine_)->voucher, held);

  // Higher: taken.
  const Bytes newer = Voucher(proxy_a_, 150, mine_);
  ASSERT_TRUE(
      payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_, newer)).ok());
  EXPECT_EQ(payee_->keeper().Held(mine_)->total, 150u);

  // Signed by someone else, for another contract, or garbage: refused, nothing changes.
  Status forged = payee_->AcceptTerms(
      proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_, Voucher(proxy_b_, 999, mine_)));
  // (The reason comes after the context, "the proxy's current voucher: ".)
  EXPECT_NE(forged.message().find(std::string(pay::kVoucherBadSignature)), std::string::npos)
      << forged.ToString();
  Status wrong_target =
      payee_->AcceptTerms(proxy_a_.public_key(),
                          Terms(proxy_a_.public_key(), mine_, Voucher(proxy_a_, 999, mine_at_b_)));
  EXPECT_FALSE(wrong_target.ok());
  const Bytes garbage = {1, 2, 3};
  EXPECT_FALSE(
      payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_, garbage))
          .ok());
  EXPECT_EQ(payee_->keeper().Held(mine_)->total, 150u);
}

TEST_F(PayeeTest, RefusedTermsAreNotRemembered) {
  Status refused = payee_->AcceptTerms(
      proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_, Voucher(proxy_b_, 9, mine_)));
  EXPECT_FALSE(refused.ok());
  EXPECT_FALSE(payee_->Terms(proxy_a_.public_key()).has_value());
  // So its vouchers are not taken either.
  auto v = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 10, mine_));
  EXPECT_EQ(v.status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(PayeeTest, VouchersAreCheckedAsTheContractChecksThem) {
  auto before_terms = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 10, mine_));
  EXPECT_EQ(before_terms.status().code(), ErrorCode::kFailedPrecondition);

  ASSERT_TRUE(payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  auto ten = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 10, mine_));
  ASSERT_TRUE(ten.ok()) << ten.status().ToString();
  EXPECT_EQ(*ten, 10u);
  auto same = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 10, mine_));
  EXPECT_TRUE(same.ok());  // the same voucher again
  auto old = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 5, mine_));
  EXPECT_TRUE(pay::HasReason(old.status(), pay::kVoucherNotNewer)) << old.status().ToString();
  auto forged = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_b_, 50, mine_));
  EXPECT_TRUE(pay::HasReason(forged.status(), pay::kVoucherBadSignature));
  auto elsewhere = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 50, mine_at_b_));
  EXPECT_TRUE(pay::HasReason(elsewhere.status(), pay::kVoucherWrongTarget));
  // A client takes charges only: not payouts, and not a final refund from a routine message.
  auto payout = payee_->AcceptVoucher(
      proxy_a_.public_key(), Voucher(proxy_a_, 50, mine_, pay::VoucherKind::kWorkerPayout));
  EXPECT_TRUE(pay::HasReason(payout.status(), pay::kVoucherWrongKind));
  auto refund = payee_->AcceptVoucher(proxy_a_.public_key(),
                                      Voucher(proxy_a_, 50, mine_, pay::VoucherKind::kFinalRefund));
  EXPECT_TRUE(pay::HasReason(refund.status(), pay::kVoucherWrongKind));
  EXPECT_EQ(payee_->keeper().Held(mine_)->total, 10u);
}

TEST_F(PayeeTest, AWorkerTakesPayouts) {
  payee_ = NewPayee(PayeeRole::kWorker);
  ASSERT_TRUE(payee_);
  EXPECT_EQ(payee_->role(), PayeeRole::kWorker);
  ASSERT_TRUE(payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  auto payout = payee_->AcceptVoucher(
      proxy_a_.public_key(), Voucher(proxy_a_, 50, mine_, pay::VoucherKind::kWorkerPayout));
  ASSERT_TRUE(payout.ok()) << payout.status().ToString();
  EXPECT_EQ(*payout, 50u);
  auto charge = payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 60, mine_));
  EXPECT_TRUE(pay::HasReason(charge.status(), pay::kVoucherWrongKind));
  auto last = payee_->AcceptVoucher(
      proxy_a_.public_key(), Voucher(proxy_a_, 60, mine_, pay::VoucherKind::kWorkerLastPayout));
  EXPECT_TRUE(pay::HasReason(last.status(), pay::kVoucherWrongKind));
}

TEST_F(PayeeTest, StatsShowHeldSubmittedAndUnclaimedAmounts) {
  ASSERT_TRUE(payee_->AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  ASSERT_TRUE(payee_->AcceptVoucher(proxy_a_.public_key(), Voucher(proxy_a_, 100, mine_)).ok());
  ASSERT_TRUE(payee_->keeper().MarkSubmitted(mine_, 40).ok());
  // A voucher for a contract whose proxy gave no terms in this run.
  ASSERT_TRUE(payee_->keeper()
                  .Accept(Voucher(proxy_b_, 30, mine_at_b_),
                          {proxy_b_.public_key(), mine_at_b_, {pay::VoucherKind::kCharge}, 0})
                  .ok());

  nlohmann::json stats = payee_->Stats();
  EXPECT_EQ(stats["owner"], owner_.ToRaw());
  ASSERT_EQ(stats["contracts"].size(), 2u);
  nlohmann::json a;
  nlohmann::json b;
  for (const auto& c : stats["contracts"]) {
    if (c["contract"] == mine_.ToRaw()) a = c;
    if (c["contract"] == mine_at_b_.ToRaw()) b = c;
  }
  ASSERT_TRUE(a.is_object()) << stats.dump();
  EXPECT_EQ(a["total_tokens"], 100);
  EXPECT_EQ(a["submitted_tokens"], 40);
  EXPECT_EQ(a["unclaimed_tokens"], 60);
  EXPECT_EQ(a["proxy_contract"], proxy_contract_.ToRaw());
  EXPECT_EQ(a["unclaimed_nanoton"], "600");  // at the client's price, 10
  EXPECT_EQ(a["total_nanoton"], "1000");
  ASSERT_TRUE(b.is_object()) << stats.dump();
  EXPECT_EQ(b["total_tokens"], 30);
  EXPECT_EQ(b["unclaimed_tokens"], 30);
  EXPECT_FALSE(b.contains("unclaimed_nanoton"));

  // A worker's amounts are at the worker fee.
  TempDir other;
  auto keeper = pay::VoucherKeeper::Open(other.path() / "vouchers.json");
  ASSERT_TRUE(keeper.ok());
  Payee worker(PayeeRole::kWorker, owner_, std::move(*keeper));
  ASSERT_TRUE(worker.AcceptTerms(proxy_a_.public_key(), Terms(proxy_a_.public_key(), mine_)).ok());
  ASSERT_TRUE(worker
                  .AcceptVoucher(proxy_a_.public_key(),
                                 Voucher(proxy_a_, 100, mine_, pay::VoucherKind::kWorkerPayout))
                  .ok());
  EXPECT_EQ(worker.Stats()["contracts"][0]["unclaimed_nanoton"], "700");
}

}  // namespace
}  // namespace cocoon::node
