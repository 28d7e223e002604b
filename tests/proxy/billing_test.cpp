// Billing: the worst case reserved before a request, settlement into the
// ledger (once per request id), vouchers of exactly the ledger's totals that
// the contracts accept, credit remembered across a restart, and a ledger
// found behind a peer's voucher.
#include "proxy/billing.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "pay/errors.h"
#include "pay/ledger_test_util.h"
#include "pay/voucher.h"
#include "pay/voucher_verifier.h"

namespace cocoon::proxy {
namespace {

using pay::testing::TempDir;
using pay::testing::TestAddress;
using pay::testing::TestKey;

// Amounts in these tests are small; compare them as uint64_t so gtest can
// print them.
uint64_t U64(ton::Uint128 v) { return static_cast<uint64_t>(v); }

pay::Usage MakeUsage(uint64_t prompt, uint64_t completion, uint64_t cached = 0,
                     uint64_t reasoning = 0) {
  return pay::Usage{prompt, cached, completion, reasoning};
}

class BillingTest : public ::testing::Test {
 protected:
  void SetUp() override { billing_ = NewBilling(); }

  std::unique_ptr<Billing> NewBilling(const std::filesystem::path& path) {
    auto ledger = pay::Ledger::Open(path, key_, clock_);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    if (!ledger.ok()) return nullptr;
    return std::make_unique<Billing>(options_, std::move(*ledger), key_);
  }
  std::unique_ptr<Billing> NewBilling() { return NewBilling(ledger_path_); }

  // Funds the client on "chain": balance and stake in nanoTON.
  void Fund(Billing& b, uint64_t nanoton, uint64_t tokens_charged = 0) {
    b.UpdateClientFromChain(client_.contract, nanoton, nanoton, tokens_charged);
  }

  Result<Receipt> ReserveAndSettle(Billing& b, const std::string& request_id,
                                   const pay::Usage& usage, uint32_t coefficient = 1000) {
    auto reservation =
        b.Reserve(client_.contract, usage.prompt_tokens, usage.completion_tokens, coefficient);
    if (!reservation.ok()) return reservation.status();
    return b.Settle(*reservation, request_id, client_, worker_, usage, coefficient);
  }

  pay::VoucherExpectation ClientExpects(uint64_t last = 0) const {
    return {key_.public_key(), client_.contract, {pay::VoucherKind::kCharge}, last};
  }
  pay::VoucherExpectation WorkerExpects(uint64_t last = 0) const {
    return {key_.public_key(), worker_.contract, {pay::VoucherKind::kWorkerPayout}, last};
  }
  Bytes SignedBy(const crypto::Ed25519PrivateKey& key, pay::VoucherKind kind, uint64_t total,
                 const ton::Address& target) const {
    auto v = pay::SignVoucher({kind, total, total, target}, key);
    EXPECT_TRUE(v.ok());
    auto boc = pay::SerializeVoucher(*v);
    EXPECT_TRUE(boc.ok());
    return *boc;
  }

  TempDir dir_;
  std::filesystem::path ledger_path_ = dir_.path() / "ledger.db";
  crypto::Ed25519PrivateKey key_ = TestKey(3);
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(1700000000);
  BillingOptions options_{pay::Prices{.price_per_token = 10, .worker_fee_per_token = 7},
                          pay::CreditPolicy{}};
  BilledParty client_{TestAddress(0x11), "client-key"};
  BilledParty worker_{TestAddress(0x22), "worker-key"};
  std::unique_ptr<Billing> billing_;
};

TEST_F(BillingTest, AnUnknownClientHasNoCredit) {
  auto r = billing_->Reserve(client_.contract, 1, 1, 1000);
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(pay::HasReason(r.status(), pay::kInsufficientCredit)) << r.status().ToString();
}

TEST_F(BillingTest, AClientThatCannotCoverTheWorstCaseIsRefusedAndNothingIsCommitted) {
  Fund(*billing_, 1000);
  // (50 prompt + 100 completion) × 10 nanoTON = 1500 > 1000.
  auto refused = billing_->Reserve(client_.contract, 50, 100, 1000);
  EXPECT_EQ(refused.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(pay::HasReason(refused.status(), pay::kInsufficientCredit))
      << refused.status().ToString();
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.reserved), 0u);
  EXPECT_EQ(U64(account.charged), 0u);
  EXPECT_EQ(U64(account.available), 1000u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 0u);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kClient, client_.contract), 0u);

  // The coefficient counts: 90 tokens fit at ×1 but not at ×1.2.
  EXPECT_FALSE(billing_->Reserve(client_.contract, 50, 40, 1200).ok());
  auto fits = billing_->Reserve(client_.contract, 50, 40, 1000);
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(U64(fits->amount), 900u);
  EXPECT_EQ(U64(billing_->Account(client_.contract).reserved), 900u);
}

TEST_F(BillingTest, CreditIsBoundedByTheStake) {
  billing_->UpdateClientFromChain(client_.contract, /*balance=*/10000, /*stake=*/500, 0);
  EXPECT_FALSE(billing_->Reserve(client_.contract, 30, 30, 1000).ok());  // 600 > 500
  EXPECT_TRUE(billing_->Reserve(client_.contract, 25, 25, 1000).ok());   // 500
}

TEST_F(BillingTest, AZeroCoefficientIsRefused) {
  Fund(*billing_, 1000000);
  EXPECT_FALSE(billing_->Reserve(client_.contract, 1, 1, 0).ok());
  EXPECT_EQ(U64(billing_->Account(client_.contract).reserved), 0u);
}

TEST_F(BillingTest, ReservationsHoldCreditUntilReleased) {
  Fund(*billing_, 1000);
  auto first = billing_->Reserve(client_.contract, 40, 40, 1000);  // 800
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(billing_->Reserve(client_.contract, 10, 20, 1000).ok());  // 300 > 200
  billing_->Release(*first);
  billing_->Release(*first);  // a second release is harmless
  EXPECT_EQ(U64(billing_->Account(client_.contract).reserved), 0u);
  EXPECT_TRUE(billing_->Reserve(client_.contract, 10, 20, 1000).ok());
}

TEST_F(BillingTest, SettlementCommitsAndSignsVouchersTheContractsAccept) {
  Fund(*billing_, 100000);
  auto receipt = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_FALSE(receipt->already_settled);
  EXPECT_EQ(receipt->charge.adjusted_tokens, 50u);
  EXPECT_EQ(U64(receipt->charge.client_cost), 500u);
  EXPECT_EQ(U64(receipt->charge.worker_earning), 350u);
  EXPECT_EQ(U64(receipt->charge.commission), 150u);
  EXPECT_EQ(receipt->client_total, 50u);
  EXPECT_EQ(receipt->worker_total, 50u);

  // The ledger holds the record before any voucher exists.
  EXPECT_EQ(billing_->ledger().Head().seqno, 1u);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kClient, client_.contract), 50u);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kWorker, worker_.contract), 50u);
  auto record = billing_->ledger().FindRequest("req-1");
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->settlement.client_id, "client-key");
  EXPECT_EQ((*record)->settlement.worker_id, "worker-key");

  // Exactly as the client and worker contracts check them.
  auto client_voucher = pay::ReceiveVoucher(receipt->client_voucher, ClientExpects());
  ASSERT_TRUE(client_voucher.ok()) << client_voucher.status().ToString();
  EXPECT_EQ(client_voucher->payload.total_tokens, 50u);
  EXPECT_EQ(client_voucher->payload.kind, pay::VoucherKind::kCharge);
  auto worker_voucher = pay::ReceiveVoucher(receipt->worker_voucher, WorkerExpects());
  ASSERT_TRUE(worker_voucher.ok()) << worker_voucher.status().ToString();
  EXPECT_EQ(worker_voucher->payload.total_tokens, 50u);
  EXPECT_EQ(worker_voucher->payload.kind, pay::VoucherKind::kWorkerPayout);
  // Neither voucher is good for the other contract.
  EXPECT_FALSE(pay::ReceiveVoucher(receipt->client_voucher, WorkerExpects()).ok());
  EXPECT_FALSE(pay::ReceiveVoucher(receipt->worker_voucher, ClientExpects()).ok());

  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 500u);
  EXPECT_EQ(U64(account.reserved), 0u);
  EXPECT_EQ(U64(account.available), 100000u - 500u);

  // The next request's vouchers carry the cumulative totals and are newer.
  auto second = ReserveAndSettle(*billing_, "req-2", MakeUsage(10, 5));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->client_total, 65u);
  EXPECT_EQ(second->worker_total, 65u);
  auto newer = pay::ReceiveVoucher(second->client_voucher, ClientExpects(/*last=*/50));
  ASSERT_TRUE(newer.ok()) << newer.status().ToString();
  EXPECT_EQ(newer->payload.total_tokens, 65u);
  EXPECT_TRUE(pay::ReceiveVoucher(second->worker_voucher, WorkerExpects(50)).ok());
  EXPECT_EQ(U64(billing_->Account(client_.contract).charged), 650u);
}

TEST_F(BillingTest, TheWorkersCoefficientAndTheMultipliersPriceTheUsage) {
  options_.prices.completion_multiplier = 20000;  // completion tokens count double
  billing_.reset();                               // the ledger takes one opener at a time
  billing_ = NewBilling();
  ASSERT_TRUE(billing_);
  Fund(*billing_, 1000000);
  // 30 prompt × 1.5 = 45, 20 completion × 1.5 × 2 = 60.
  auto receipt = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20), 1500);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_EQ(receipt->charge.adjusted_tokens, 105u);
  EXPECT_EQ(receipt->client_total, 105u);
  EXPECT_EQ(U64(receipt->charge.client_cost), 1050u);
}

TEST_F(BillingTest, TheSameRequestSettledTwiceChargesOnceAndReturnsTheSameVouchers) {
  Fund(*billing_, 100000);
  auto first = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_settled);
  EXPECT_EQ(again->charge, first->charge);
  EXPECT_EQ(again->client_total, first->client_total);
  EXPECT_EQ(again->worker_total, first->worker_total);
  EXPECT_EQ(again->client_voucher, first->client_voucher);
  EXPECT_EQ(again->worker_voucher, first->worker_voucher);

  EXPECT_EQ(billing_->ledger().Head().seqno, 1u);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kClient, client_.contract), 50u);
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 500u);
  EXPECT_EQ(U64(account.reserved), 0u);  // the second reservation was released
}

TEST_F(BillingTest, TheSameRequestIdWithOtherUsageIsAConflictAndChargesNothing) {
  Fund(*billing_, 100000);
  ASSERT_TRUE(ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20)).ok());
  auto conflict = ReserveAndSettle(*billing_, "req-1", MakeUsage(300, 200));
  EXPECT_TRUE(pay::HasReason(conflict.status(), pay::kLedgerConflict))
      << conflict.status().ToString();
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 500u);
  EXPECT_EQ(U64(account.reserved), 0u);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kClient, client_.contract), 50u);
}

TEST_F(BillingTest, ASettlementThatCannotBeCommittedChargesNothing) {
  Fund(*billing_, 100000);
  auto reservation = billing_->Reserve(client_.contract, 10, 10, 1000);
  ASSERT_TRUE(reservation.ok());
  // An empty request id is refused by the ledger.
  auto r = billing_->Settle(*reservation, "", client_, worker_, MakeUsage(10, 10), 1000);
  EXPECT_TRUE(pay::HasReason(r.status(), pay::kBadSettlement)) << r.status().ToString();
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 0u);
  EXPECT_EQ(U64(account.reserved), 0u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 0u);
}

TEST_F(BillingTest, UsageThatCannotBePricedReleasesTheReservation) {
  Fund(*billing_, 100000);
  auto reservation = billing_->Reserve(client_.contract, 10, 10, 1000);
  ASSERT_TRUE(reservation.ok());
  // cached > prompt is malformed usage.
  auto r = billing_->Settle(*reservation, "req-1", client_, worker_,
                            pay::Usage{.prompt_tokens = 1, .cached_tokens = 5}, 1000);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(U64(billing_->Account(client_.contract).reserved), 0u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 0u);
}

TEST_F(BillingTest, ARequestWithNoBillableTokensSignsNoVoucher) {
  Fund(*billing_, 100000);
  ASSERT_TRUE(ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20)).ok());
  auto empty = ReserveAndSettle(*billing_, "req-2", MakeUsage(0, 0));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->charge.adjusted_tokens, 0u);
  EXPECT_EQ(empty->client_total, 50u);
  EXPECT_EQ(empty->worker_total, 50u);
  // A voucher for an unchanged total would be refused by the contract (107).
  EXPECT_TRUE(empty->client_voucher.empty());
  EXPECT_TRUE(empty->worker_voucher.empty());
  EXPECT_EQ(U64(billing_->Account(client_.contract).charged), 500u);
}

TEST_F(BillingTest, UsageAboveTheReservationIsStillCharged) {
  Fund(*billing_, 1000);
  auto reservation = billing_->Reserve(client_.contract, 10, 10, 1000);  // 200
  ASSERT_TRUE(reservation.ok());
  auto r = billing_->Settle(*reservation, "req-1", client_, worker_, MakeUsage(60, 60), 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->client_total, 120u);
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 1200u);
  EXPECT_EQ(U64(account.available), 0u);
  EXPECT_FALSE(billing_->Reserve(client_.contract, 1, 1, 1000).ok());
}

TEST_F(BillingTest, ARestartedProxyRemembersWhatItCharged) {
  Fund(*billing_, 1000);
  auto receipt = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20));  // 500 nanoTON
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  billing_.reset();  // closes the ledger

  auto restarted = NewBilling();
  ASSERT_TRUE(restarted);
  // Before the chain is read the charge is already known.
  EXPECT_EQ(U64(restarted->Account(client_.contract).charged), 500u);
  // The charge voucher was not applied on chain: only 500 of 1000 is left.
  Fund(*restarted, 1000, /*tokens_charged=*/0);
  pay::CreditAccount account = restarted->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 500u);
  EXPECT_EQ(U64(account.available), 500u);
  EXPECT_FALSE(restarted->Reserve(client_.contract, 30, 30, 1000).ok());  // 600 > 500
  auto held = restarted->Reserve(client_.contract, 25, 25, 1000);         // 500
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  restarted->Release(*held);

  // The totals continue, and the same request is still settled only once.
  auto again = ReserveAndSettle(*restarted, "req-1", MakeUsage(30, 20));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_settled);
  EXPECT_EQ(again->client_voucher, receipt->client_voucher);
  EXPECT_EQ(U64(restarted->Account(client_.contract).charged), 500u);
}

TEST_F(BillingTest, AChargeAppliedOnChainFreesTheCreditAfterARestart) {
  Fund(*billing_, 1000);
  ASSERT_TRUE(ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20)).ok());
  billing_.reset();
  auto restarted = NewBilling();
  ASSERT_TRUE(restarted);
  // The client contract applied the 50-token voucher; its balance fell by 500.
  restarted->UpdateClientFromChain(client_.contract, /*balance=*/500, /*stake=*/1000,
                                   /*tokens_charged=*/50);
  EXPECT_EQ(U64(restarted->Account(client_.contract).available), 500u);
}

TEST_F(BillingTest, ThePeersVoucherIsCheckedAgainstTheLedger) {
  Fund(*billing_, 100000);
  auto receipt = ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20));
  ASSERT_TRUE(receipt.ok());
  EXPECT_TRUE(billing_->CheckPeerVoucher(receipt->client_voucher, client_.contract).ok());
  EXPECT_TRUE(billing_->CheckPeerVoucher(receipt->worker_voucher, worker_.contract).ok());
  // An older voucher is fine: the ledger is ahead of it.
  Bytes older = SignedBy(key_, pay::VoucherKind::kCharge, 10, client_.contract);
  EXPECT_TRUE(billing_->CheckPeerVoucher(older, client_.contract).ok());

  // A voucher this proxy signed for more than the ledger has.
  Bytes ahead = SignedBy(key_, pay::VoucherKind::kCharge, 51, client_.contract);
  Status behind = billing_->CheckPeerVoucher(ahead, client_.contract);
  EXPECT_TRUE(pay::HasReason(behind, pay::kLedgerBehindPeer)) << behind.ToString();
  Bytes worker_ahead = SignedBy(key_, pay::VoucherKind::kWorkerPayout, 51, worker_.contract);
  EXPECT_TRUE(pay::HasReason(billing_->CheckPeerVoucher(worker_ahead, worker_.contract),
                             pay::kLedgerBehindPeer));

  // Someone else's voucher, another contract's, and garbage.
  Bytes forged = SignedBy(TestKey(9), pay::VoucherKind::kCharge, 1000, client_.contract);
  EXPECT_TRUE(pay::HasReason(billing_->CheckPeerVoucher(forged, client_.contract),
                             pay::kVoucherBadSignature));
  Status wrong_target = billing_->CheckPeerVoucher(receipt->worker_voucher, client_.contract);
  EXPECT_TRUE(pay::HasReason(wrong_target, pay::kVoucherWrongTarget)) << wrong_target.ToString();
  const Bytes garbage = {0xde, 0xad};
  EXPECT_TRUE(pay::HasReason(billing_->CheckPeerVoucher(garbage, client_.contract),
                             pay::kVoucherMalformed));
}

TEST_F(BillingTest, ALedgerRestoredFromAnOlderCopyIsFoundBehindThePeer) {
  Fund(*billing_, 100000);
  ASSERT_TRUE(ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20)).ok());
  auto latest = ReserveAndSettle(*billing_, "req-2", MakeUsage(30, 20));
  ASSERT_TRUE(latest.ok());
  billing_.reset();
  // The same proxy key with a ledger that lost everything.
  auto restored = NewBilling(dir_.path() / "restored.db");
  ASSERT_TRUE(restored);
  Status client = restored->CheckPeerVoucher(latest->client_voucher, client_.contract);
  EXPECT_EQ(client.code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(pay::HasReason(client, pay::kLedgerBehindPeer)) << client.ToString();
  EXPECT_TRUE(pay::HasReason(restored->CheckPeerVoucher(latest->worker_voucher, worker_.contract),
                             pay::kLedgerBehindPeer));
}

TEST_F(BillingTest, CurrentVoucherIsTheLedgersTotal) {
  auto none = billing_->CurrentVoucher(pay::Party::kClient, client_.contract);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  Fund(*billing_, 100000);
  ASSERT_TRUE(ReserveAndSettle(*billing_, "req-1", MakeUsage(30, 20)).ok());
  auto latest = ReserveAndSettle(*billing_, "req-2", MakeUsage(3, 2));
  ASSERT_TRUE(latest.ok());
  auto client = billing_->CurrentVoucher(pay::Party::kClient, client_.contract);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(*client, latest->client_voucher);
  auto worker = billing_->CurrentVoucher(pay::Party::kWorker, worker_.contract);
  ASSERT_TRUE(worker.ok());
  EXPECT_EQ(*worker, latest->worker_voucher);
  auto verified = pay::ReceiveVoucher(*worker, WorkerExpects());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->payload.total_tokens, 55u);
  // The client contract has no worker total, and vice versa.
  EXPECT_TRUE(billing_->CurrentVoucher(pay::Party::kWorker, client_.contract)->empty());

  // After a restart the same voucher is reissued.
  billing_.reset();
  auto restarted = NewBilling();
  ASSERT_TRUE(restarted);
  auto reissued = restarted->CurrentVoucher(pay::Party::kClient, client_.contract);
  ASSERT_TRUE(reissued.ok());
  EXPECT_EQ(*reissued, latest->client_voucher);
}

TEST_F(BillingTest, ConcurrentSettlementsAddUp) {
  Fund(*billing_, 1000000000);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "req-" + std::to_string(t) + "-" + std::to_string(i);
        auto r = ReserveAndSettle(*billing_, id, MakeUsage(2, 1));
        if (!r.ok() || !pay::ReceiveVoucher(r->client_voucher, ClientExpects()).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(billing_->ledger().Total(pay::Party::kClient, client_.contract),
            3u * kThreads * kPerThread);
  pay::CreditAccount account = billing_->Account(client_.contract);
  EXPECT_EQ(U64(account.charged), 30u * kThreads * kPerThread);
  EXPECT_EQ(U64(account.reserved), 0u);
}

}  // namespace
}  // namespace cocoon::proxy
