// WalletSender against FakeWalletChain: deploy on the first send, seqno and
// valid_until from the chain, confirmation polling with a fake clock, the
// refusals before signing (frozen, other code, balance), a seqno never used
// twice while its transfer may still land, API errors with context, and
// concurrent senders.
#include "ton/wallet_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "chain/fake_wallet_chain.h"
#include "crypto/sha.h"
#include "ton/cell_builder.h"

namespace cocoon::ton {
namespace {

using testing::ClockSleeper;
using testing::FakeWalletChain;
constexpr Uint128 kTon = 1'000'000'000;
constexpr int64_t kChainTime = 1'700'000'000;

crypto::Sha256Digest H(std::string_view s) { return crypto::Sha256(AsBytes(s)); }

Address Dest(uint8_t n) {
  Address a;
  a.hash.fill(n);
  return a;
}

InternalMessage Pay(uint8_t n, Uint128 value) {
  return InternalMessage{Dest(n), value, false, std::nullopt, nullptr};
}

struct Fixture {
  Fixture() {
    chain->SetChainTime(kChainTime);
    ApiConfig config;
    config.endpoint = "http://fake/api/v2";
    config.max_attempts = 1;
    api = std::make_shared<const TonApiClient>(config, chain, sleeper);
    options.confirm_timeout = std::chrono::seconds(10);
    options.poll_interval = std::chrono::milliseconds(1000);
    Remake();
  }
  void Remake() {
    sender = std::make_unique<WalletSender>(api, wallet, key, options, sleeper, clock);
  }

  crypto::Ed25519PrivateKey key = *crypto::Ed25519PrivateKey::FromSeed(H("wallet-sender-test"));
  Wallet wallet = *Wallet::Create(WalletVersion::kV4R2, key.public_key());
  std::shared_ptr<FakeWalletChain> chain = std::make_shared<FakeWalletChain>(wallet);
  ManualClock clock{1000};
  ClockSleeper sleeper{clock};
  std::shared_ptr<const TonApiClient> api;
  WalletSenderOptions options;
  std::unique_ptr<WalletSender> sender;
};

bool Has(const Status& s, const std::string& part) {
  return s.message().find(part) != std::string::npos;
}

TEST(WalletSenderTest, FirstSendDeploysTheWalletAndWaitsForTheSeqno) {
  Fixture f;
  f.chain->SetWallet("uninitialized", 5 * kTon, 0);
  f.chain->SetApplyAfterPolls(3);
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon), Pay(2, kTon / 2)});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->seqno, 0u);
  EXPECT_TRUE(sent->deployed_wallet);
  EXPECT_EQ(sent->confirmed_seqno, 1u);
  EXPECT_EQ(sent->state_before, AccountStatus::kUninitialized);
  EXPECT_EQ(sent->balance_before, 5 * kTon);
  EXPECT_EQ(sent->message_hash.size(), 32u);
  EXPECT_EQ(sent->valid_until, kChainTime + 120);  // the chain's clock, not the local one
  ASSERT_TRUE(sent->signed_body);
  EXPECT_EQ(f.sleeper.sleeps(), 2);  // polls 1 and 2 saw seqno 0, poll 3 saw 1

  const auto applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_TRUE(applied[0].deploy);
  ASSERT_EQ(applied[0].messages.size(), 2u);
  EXPECT_EQ(applied[0].messages[0].destination, Dest(1));
  EXPECT_EQ(applied[0].messages[0].value, kTon);
  EXPECT_EQ(applied[0].messages[1].value, kTon / 2);
}

TEST(WalletSenderTest, LaterSendsUseTheSeqnoAndTheChainClock) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 7);
  f.chain->SetChainTime(kChainTime + 500);
  f.options.valid_for = std::chrono::seconds(30);  // below the timeout: the timeout wins
  f.options.confirm_timeout = std::chrono::seconds(45);
  f.Remake();
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon)});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->seqno, 7u);
  EXPECT_FALSE(sent->deployed_wallet);
  EXPECT_EQ(sent->confirmed_seqno, 8u);
  const auto applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_FALSE(applied[0].deploy);
  EXPECT_EQ(applied[0].seqno, 7u);
  EXPECT_EQ(applied[0].valid_until, kChainTime + 500 + 45);
  EXPECT_EQ(f.sleeper.sleeps(), 0);  // applied at once: the first poll sees it

  sent = f.sender->Send({Pay(1, kTon)});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->seqno, 8u);
}

TEST(WalletSenderTest, InsufficientBalanceSaysWhatToFund) {
  Fixture f;
  f.chain->SetWallet("active", kTon / 2, 3);
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon / 2)});
  ASSERT_FALSE(sent.ok());
  const Status& s = sent.status();
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << s.ToString();
  EXPECT_TRUE(s.message().starts_with("insufficient balance:")) << s.ToString();
  EXPECT_TRUE(Has(s, f.sender->ShownAddress())) << s.ToString();
  EXPECT_TRUE(Has(s, "has 0.5 TON (500000000 nanoTON)")) << s.ToString();
  EXPECT_TRUE(Has(s, "needs 0.51 TON")) << s.ToString();
  EXPECT_TRUE(Has(s, "add at least 0.01 TON")) << s.ToString();
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);

  f.chain->SetWallet("uninitialized", 0, 0);  // never funded
  sent = f.sender->Send({Pay(1, 1)});
  EXPECT_TRUE(!sent.ok() && Has(sent.status(), "insufficient balance")) << sent.status().ToString();
}

TEST(WalletSenderTest, FrozenWalletAndOtherCodeAreRefused) {
  Fixture f;
  f.chain->SetWallet("frozen", 5 * kTon, 3);
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon)});
  EXPECT_EQ(sent.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Has(sent.status(), "wallet frozen")) << sent.status().ToString();

  f.chain->SetWallet("active", 5 * kTon, 3);
  f.chain->SetWalletCode(Cell::Empty());
  sent = f.sender->Send({Pay(1, kTon)});
  EXPECT_EQ(sent.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Has(sent.status(), "not a v4r2 wallet")) << sent.status().ToString();
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);
}

TEST(WalletSenderTest, MessageCountIsChecked) {
  Fixture f;
  f.chain->SetWallet("active", 50 * kTon, 1);
  EXPECT_EQ(f.sender->Send({}).status().code(), ErrorCode::kInvalidArgument);
  std::vector<InternalMessage> five(5, Pay(1, 1));
  EXPECT_EQ(f.sender->Send(five).status().code(), ErrorCode::kInvalidArgument);
  std::vector<InternalMessage> four(4, Pay(1, 1));
  EXPECT_TRUE(f.sender->Send(four).ok());
}

TEST(WalletSenderTest, NotConfirmedInTimeIsDeadlineExceeded) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 4);
  f.chain->SetApplyAfterPolls(-1);
  const int64_t start = f.clock.NowUnix();
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon)});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), ErrorCode::kDeadlineExceeded) << sent.status().ToString();
  EXPECT_TRUE(Has(sent.status(), "seqno 4")) << sent.status().ToString();
  EXPECT_TRUE(
      Has(sent.status(), "may still land until unix time " + std::to_string(kChainTime + 120)))
      << sent.status().ToString();
  EXPECT_EQ(f.clock.NowUnix() - start, 10);  // the confirm timeout, polled every second
  EXPECT_EQ(f.sleeper.sleeps(), 10);
  EXPECT_EQ(f.chain->accepted().size(), 1u);
}

TEST(WalletSenderTest, ASeqnoIsNotReusedWhileItsTransferMayLand) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 4);
  f.chain->SetApplyAfterPolls(-1);
  ASSERT_EQ(f.sender->Send({Pay(1, kTon)}).status().code(), ErrorCode::kDeadlineExceeded);

  // Still pending, and it neither lands nor expires: the next send gives up
  // without sending.
  Result<SentTransfer> next = f.sender->Send({Pay(2, kTon)});
  EXPECT_EQ(next.status().code(), ErrorCode::kDeadlineExceeded) << next.status().ToString();
  EXPECT_TRUE(Has(next.status(), "earlier transfer")) << next.status().ToString();
  EXPECT_EQ(f.chain->accepted().size(), 1u);

  // The first one lands while the next send waits: the next takes seqno 5.
  f.chain->SetApplyAfterPolls(3);
  next = f.sender->Send({Pay(2, kTon)});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->seqno, 5u);
  const auto accepted = f.chain->accepted();
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].seqno, 4u);
  EXPECT_EQ(accepted[1].seqno, 5u);
  EXPECT_EQ(f.chain->applied().size(), 2u);
}

TEST(WalletSenderTest, AnExpiredTransferFreesItsSeqno) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 4);
  f.chain->SetApplyAfterPolls(-1);
  ASSERT_EQ(f.sender->Send({Pay(1, kTon)}).status().code(), ErrorCode::kDeadlineExceeded);
  f.chain->SetChainTime(kChainTime + 121);  // past valid_until: it can no longer land
  f.chain->SetApplyAfterPolls(0);
  Result<SentTransfer> next = f.sender->Send({Pay(2, kTon)});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->seqno, 4u);
}

TEST(WalletSenderTest, SubmitThenAwaitConfirmation) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 9);
  f.chain->SetApplyAfterPolls(2);
  Result<SentTransfer> sent = f.sender->Submit({Pay(1, kTon)}, std::chrono::seconds(300));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->confirmed_seqno, 0u);
  EXPECT_EQ(sent->valid_until, kChainTime + 300);
  Result<uint32_t> seen = f.sender->AwaitConfirmation(sent->seqno, std::chrono::seconds(5));
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, 10u);
  EXPECT_EQ(f.sender->ReadSeqno().value(), 10u);
}

TEST(WalletSenderTest, ApiErrorsComeBackWithContext) {
  Fixture f;
  f.chain->SetWallet("active", 5 * kTon, 2);
  f.chain->FailNext("getAddressInformation", 503, "backend down");
  Result<SentTransfer> sent = f.sender->Send({Pay(1, kTon)});
  EXPECT_EQ(sent.status().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Has(sent.status(), "reading the wallet")) << sent.status().ToString();
  EXPECT_TRUE(Has(sent.status(), "backend down")) << sent.status().ToString();

  // The API refuses the message: nothing may land, the seqno is free at once.
  f.chain->FailNext("sendBocReturnHash", 400, "invalid message");
  sent = f.sender->Send({Pay(1, kTon)});
  EXPECT_EQ(sent.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Has(sent.status(), "sending the transfer")) << sent.status().ToString();
  const int sleeps = f.sleeper.sleeps();
  sent = f.sender->Send({Pay(1, kTon)});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->seqno, 2u);
  EXPECT_EQ(f.sleeper.sleeps(), sleeps);

  // A transport failure while sending: the outcome is unknown, so the seqno
  // is held until the chain says (here: it did not land, then expired).
  f.chain->FailNext("sendBocReturnHash", 502, "gateway");
  sent = f.sender->Send({Pay(1, kTon)});
  EXPECT_EQ(sent.status().code(), ErrorCode::kUnavailable);
  f.chain->SetChainTime(kChainTime + 1000);
  sent = f.sender->Send({Pay(1, kTon)});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->seqno, 3u);

  // Polling survives a transient failure.
  f.chain->SetApplyAfterPolls(3);
  sent = f.sender->Submit({Pay(1, kTon)}, std::chrono::seconds(10));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  f.chain->FailNext("runGetMethod", 503, "blip", 1);
  Result<uint32_t> seen = f.sender->AwaitConfirmation(sent->seqno, std::chrono::seconds(10));
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, 5u);
}

TEST(WalletSenderTest, ConcurrentSendsTakeDistinctSeqnos) {
  Fixture f;
  f.chain->SetWallet("uninitialized", 100 * kTon, 0);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        if (f.sender->Send({Pay(static_cast<uint8_t>(t), kTon / 10)}).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
  std::set<uint32_t> seqnos;
  for (const auto& t : f.chain->accepted()) seqnos.insert(t.seqno);
  EXPECT_EQ(seqnos.size(), 12u);
  EXPECT_EQ(f.chain->seqno(), 12u);
}

TEST(WalletSenderTest, FormatTon) {
  EXPECT_EQ(FormatTon(0), "0");
  EXPECT_EQ(FormatTon(1), "0.000000001");
  EXPECT_EQ(FormatTon(1'500'000'000), "1.5");
  EXPECT_EQ(FormatTon(kTon * 42), "42");
}

}  // namespace
}  // namespace cocoon::ton
