// PaymentDesk: admitting clients (secret, deployed contract, voucher against
// the ledger, credit from the chain) and workers, reserving with max_tokens
// defaulted and capped, settling on the thread pool, and the payments the
// client and worker are sent. The chain is an in-memory FakeChainAccess.
#include "proxy/payment_desk.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "crypto/sha.h"
#include "node/payee.h"
#include "pay/errors.h"
#include "pay/ledger_test_util.h"
#include "pay/voucher.h"
#include "pay/voucher_verifier.h"
#include "support/loopback.h"

namespace cocoon::proxy {
namespace {

namespace asio = boost::asio;
using pay::testing::TempDir;
using pay::testing::TestAddress;
using pay::testing::TestKey;

uint64_t U64(ton::Uint128 v) { return static_cast<uint64_t>(v); }

// The chain as the desk sees it, in memory. Contract addresses are derived
// from the owner the way the tests expect (byte 0 marks the role); a client
// contract is "deployed" once it has ClientData here.
class FakeChainAccess {
 public:
  static ton::Address ClientContractOf(const ton::Address& owner) {
    ton::Address a = owner;
    a.hash[0] = 0xc1;
    return a;
  }
  static ton::Address WorkerContractOf(const ton::Address& owner) {
    ton::Address a = owner;
    a.hash[0] = 0xf0;
    return a;
  }

  void Deploy(const ton::Address& owner, ton::contracts::ClientData data) {
    std::lock_guard lock(mu_);
    clients_[ClientContractOf(owner)] = data;
  }
  void FailReads(Status error) {
    std::lock_guard lock(mu_);
    read_error_ = std::move(error);
  }

  ChainAccess Access() {
    ChainAccess access;
    access.client_contract = [](const ton::Address& owner) -> Result<ton::Address> {
      return ClientContractOf(owner);
    };
    access.worker_contract = [](const ton::Address& owner) -> Result<ton::Address> {
      return WorkerContractOf(owner);
    };
    access.read_client = [this](const ton::Address& client) -> Result<ton::contracts::ClientData> {
      std::lock_guard lock(mu_);
      ++reads_;
      last_read_thread_ = std::this_thread::get_id();
      if (!read_error_.ok()) return read_error_;
      auto it = clients_.find(client);
      if (it == clients_.end()) return NotFound("no account state for " + client.ToRaw());
      return it->second;
    };
    return access;
  }

  int reads() const {
    std::lock_guard lock(mu_);
    return reads_;
  }
  std::thread::id last_read_thread() const {
    std::lock_guard lock(mu_);
    return last_read_thread_;
  }

 private:
  mutable std::mutex mu_;
  std::map<ton::Address, ton::contracts::ClientData, pay::AddressLess> clients_;
  Status read_error_;
  int reads_ = 0;
  std::thread::id last_read_thread_;
};

template <typename T>
asio::awaitable<void> Capture(asio::awaitable<T> op, std::optional<T>* out) {
  T result = co_await std::move(op);
  out->emplace(std::move(result));
}

class PaymentDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = pay::Ledger::Open(dir_.path() / "ledger.db", key_, clock_);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    billing_ = std::make_shared<Billing>(
        BillingOptions{pay::Prices{.price_per_token = 10, .worker_fee_per_token = 7}, {}},
        std::move(*ledger), key_);
    desk_ = std::make_unique<PaymentDesk>(PaymentDeskOptions{proxy_contract_, 4096}, billing_,
                                          chain_.Access(), pool_.get_executor());
  }
  void TearDown() override { pool_.join(); }

  // Runs a desk coroutine on the test's io_context (the "proxy executor").
  template <typename T>
  T Run(asio::awaitable<T> op) {
    std::optional<T> out;
    asio::co_spawn(io_, Capture(std::move(op), &out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    cocoon::testing::RunUntil(io_, [&] { return out.has_value(); });
    return std::move(*out);
  }

  ton::contracts::ClientData Funded(uint64_t nanoton, const std::string& secret = "s3cret") {
    ton::contracts::ClientData data;
    data.balance = nanoton;
    data.stake = nanoton;
    data.secret_hash = crypto::Sha256(AsBytes(secret));
    return data;
  }
  inference::ClientHello Hello(const std::string& secret = "s3cret", Bytes last_voucher = {}) {
    inference::ClientHello hello;
    hello.mutable_payment()->set_owner_address(client_owner_.ToRaw());
    hello.mutable_payment()->set_last_voucher(ToString(last_voucher));
    hello.set_secret(secret);
    return hello;
  }
  inference::PayeeIdentity WorkerIdentity(Bytes last_voucher = {}) {
    inference::PayeeIdentity id;
    id.set_owner_address(worker_owner_.ToRaw());
    id.set_last_voucher(ToString(last_voucher));
    return id;
  }
  Bytes SignedBy(const crypto::Ed25519PrivateKey& key, pay::VoucherKind kind, uint64_t total,
                 const ton::Address& target) const {
    auto boc = pay::SerializeVoucher(*pay::SignVoucher({kind, total, total, target}, key));
    EXPECT_TRUE(boc.ok());
    return *boc;
  }
  inference::Usage WireUsage(int64_t prompt, int64_t completion) {
    inference::Usage u;
    u.set_prompt_tokens(prompt);
    u.set_completion_tokens(completion);
    return u;
  }
  // Admits the funded client and the worker.
  void AdmitBoth(uint64_t nanoton = 1000000) {
    chain_.Deploy(client_owner_, Funded(nanoton));
    auto c = Run(desk_->AdmitClient(Hello(), "client-key"));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    client_ = c->party;
    auto w = desk_->AdmitWorker(WorkerIdentity(), "worker-key");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    worker_ = w->party;
  }
  inference::InferRequest Request(size_t body_bytes, int64_t max_tokens) {
    inference::InferRequest r;
    r.set_request_id("req");
    r.set_body(std::string(body_bytes, 'x'));
    r.set_max_tokens(max_tokens);
    return r;
  }

  TempDir dir_;
  crypto::Ed25519PrivateKey key_ = TestKey(3);
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(1700000000);
  ton::Address proxy_contract_ = TestAddress(0x50);
  ton::Address client_owner_ = TestAddress(0x11);
  ton::Address worker_owner_ = TestAddress(0x22);
  ton::Address client_contract_ = FakeChainAccess::ClientContractOf(client_owner_);
  ton::Address worker_contract_ = FakeChainAccess::WorkerContractOf(worker_owner_);
  FakeChainAccess chain_;
  asio::io_context io_;
  asio::thread_pool pool_{2};
  std::shared_ptr<Billing> billing_;
  std::unique_ptr<PaymentDesk> desk_;
  BilledParty client_;
  BilledParty worker_;
};

TEST_F(PaymentDeskTest, AdmitsAClientWithTheRightSecretAndReadsItsCredit) {
  chain_.Deploy(client_owner_, Funded(5000));
  auto admitted = Run(desk_->AdmitClient(Hello(), "client-key"));
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  EXPECT_EQ(admitted->party.contract, client_contract_);
  EXPECT_EQ(admitted->party.id, "client-key");
  const inference::PaymentTerms& terms = admitted->terms;
  EXPECT_EQ(terms.proxy_contract(), proxy_contract_.ToRaw());
  EXPECT_EQ(terms.peer_contract(), client_contract_.ToRaw());
  EXPECT_EQ(Bytes(terms.proxy_key().begin(), terms.proxy_key().end()),
            Bytes(key_.public_key().bytes().begin(), key_.public_key().bytes().end()));
  EXPECT_EQ(terms.price_per_token(), 10u);
  EXPECT_EQ(terms.worker_fee_per_token(), 7u);
  EXPECT_TRUE(terms.current_voucher().empty());

  pay::CreditAccount account = billing_->Account(client_contract_);
  EXPECT_EQ(U64(account.balance), 5000u);
  EXPECT_EQ(U64(account.available), 5000u);
  // The chain is read on the thread pool, not on the proxy's executor.
  EXPECT_EQ(chain_.reads(), 1);
  EXPECT_NE(chain_.last_read_thread(), std::this_thread::get_id());
}

TEST_F(PaymentDeskTest, AWrongSecretIsPermissionDeniedAndGetsNoCredit) {
  chain_.Deploy(client_owner_, Funded(5000));
  auto wrong = Run(desk_->AdmitClient(Hello("guess"), "client-key"));
  EXPECT_EQ(wrong.status().code(), ErrorCode::kPermissionDenied) << wrong.status().ToString();
  EXPECT_NE(wrong.status().message().find(client_contract_.ToRaw()), std::string::npos);
  EXPECT_EQ(U64(billing_->Account(client_contract_).balance), 0u);
  EXPECT_FALSE(billing_->Reserve(client_contract_, 1, 1, 1000).ok());
}

TEST_F(PaymentDeskTest, AnEmptySecretIsRefusedEvenIfItsHashMatches) {
  chain_.Deploy(client_owner_, Funded(5000, /*secret=*/""));
  auto empty = Run(desk_->AdmitClient(Hello(""), "client-key"));
  EXPECT_EQ(empty.status().code(), ErrorCode::kPermissionDenied) << empty.status().ToString();
}

TEST_F(PaymentDeskTest, AnUndeployedClientContractIsAClearFailedPrecondition) {
  auto undeployed = Run(desk_->AdmitClient(Hello(), "client-key"));
  EXPECT_EQ(undeployed.status().code(), ErrorCode::kFailedPrecondition)
      << undeployed.status().ToString();
  EXPECT_NE(undeployed.status().message().find("not deployed"), std::string::npos)
      << undeployed.status().ToString();
  EXPECT_NE(undeployed.status().message().find(client_contract_.ToRaw()), std::string::npos);
}

TEST_F(PaymentDeskTest, OtherChainErrorsKeepTheirCodeAndSayWhatWasRead) {
  chain_.Deploy(client_owner_, Funded(5000));
  chain_.FailReads(Unavailable("toncenter: 503"));
  auto failed = Run(desk_->AdmitClient(Hello(), "client-key"));
  EXPECT_EQ(failed.status().code(), ErrorCode::kUnavailable) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("toncenter: 503"), std::string::npos);
  EXPECT_NE(failed.status().message().find(client_contract_.ToRaw()), std::string::npos);
}

TEST_F(PaymentDeskTest, AnOwnerThatIsNoAddressIsInvalid) {
  inference::ClientHello hello = Hello();
  hello.mutable_payment()->set_owner_address("not an address");
  auto bad = Run(desk_->AdmitClient(hello, "client-key"));
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument) << bad.status().ToString();
  EXPECT_EQ(chain_.reads(), 0);
  inference::PayeeIdentity worker = WorkerIdentity();
  worker.set_owner_address("");
  EXPECT_EQ(desk_->AdmitWorker(worker, "worker-key").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(PaymentDeskTest, AClientHoldingMoreThanTheLedgerIsNotAdmitted) {
  chain_.Deploy(client_owner_, Funded(5000));
  Bytes ahead = SignedBy(key_, pay::VoucherKind::kCharge, 70, client_contract_);
  auto behind = Run(desk_->AdmitClient(Hello("s3cret", ahead), "client-key"));
  EXPECT_TRUE(pay::HasReason(behind.status(), pay::kLedgerBehindPeer))
      << behind.status().ToString();
  EXPECT_EQ(U64(billing_->Account(client_contract_).balance), 0u);  // no credit either

  Bytes forged = SignedBy(TestKey(9), pay::VoucherKind::kCharge, 70, client_contract_);
  auto bad = Run(desk_->AdmitClient(Hello("s3cret", forged), "client-key"));
  EXPECT_TRUE(pay::HasReason(bad.status(), pay::kVoucherBadSignature)) << bad.status().ToString();
}

TEST_F(PaymentDeskTest, AClientWhoseContractCountsMoreThanTheLedgerIsNotAdmitted) {
  // The client presents no voucher, but the chain shows charges the ledger
  // no longer has (a restored ledger): signing on from the ledger's totals
  // would give vouchers the contract refuses, and free answers.
  ton::contracts::ClientData data = Funded(5000);
  data.tokens_charged = 40;
  chain_.Deploy(client_owner_, data);
  auto behind = Run(desk_->AdmitClient(Hello(), "client-key"));
  EXPECT_TRUE(pay::HasReason(behind.status(), pay::kLedgerBehindPeer))
      << behind.status().ToString();
  EXPECT_EQ(U64(billing_->Account(client_contract_).balance), 0u);
}

TEST_F(PaymentDeskTest, LedgerIdsAreFreshAndFitTheLedgerWhateverTheCallersId) {
  // A caller's id is its own choice: a reused one gets a new key, and one
  // too long for the ledger is cut, so its settlement cannot fail (which would
  // serve the answer for free).
  EXPECT_NE(PaymentDesk::LedgerId("same"), PaymentDesk::LedgerId("same"));
  const std::string huge(1000, 'x');
  const std::string id = PaymentDesk::LedgerId(huge);
  EXPECT_LE(id.size(), pay::kMaxLedgerIdBytes);
  AdmitBoth();
  inference::InferRequest request = Request(10, 5);
  auto reservation = desk_->Reserve(client_, request, 1000);
  ASSERT_TRUE(reservation.ok()) << reservation.status().ToString();
  auto receipt = Run(desk_->Settle(*reservation, id, client_, worker_, WireUsage(3, 2), 1000));
  EXPECT_TRUE(receipt.ok()) << receipt.status().ToString();
  auto too_long =
      Run(desk_->Settle(*reservation, "n:" + huge, client_, worker_, WireUsage(3, 2), 1000));
  EXPECT_TRUE(pay::HasReason(too_long.status(), pay::kBadSettlement))  // what the cut prevents
      << too_long.status().ToString();
}

TEST_F(PaymentDeskTest, AdmitsAWorkerAtItsContract) {
  auto admitted = desk_->AdmitWorker(WorkerIdentity(), "worker-key");
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  EXPECT_EQ(admitted->party.contract, worker_contract_);
  EXPECT_EQ(admitted->party.id, "worker-key");
  EXPECT_EQ(admitted->terms.peer_contract(), worker_contract_.ToRaw());
  EXPECT_EQ(admitted->terms.proxy_contract(), proxy_contract_.ToRaw());
  EXPECT_TRUE(admitted->terms.current_voucher().empty());

  Bytes ahead = SignedBy(key_, pay::VoucherKind::kWorkerPayout, 5, worker_contract_);
  auto behind = desk_->AdmitWorker(WorkerIdentity(ahead), "worker-key");
  EXPECT_TRUE(pay::HasReason(behind.status(), pay::kLedgerBehindPeer))
      << behind.status().ToString();
  // A client's voucher presented by a worker is for another contract.
  Bytes other = SignedBy(key_, pay::VoucherKind::kCharge, 0, client_contract_);
  auto wrong = desk_->AdmitWorker(WorkerIdentity(other), "worker-key");
  EXPECT_TRUE(pay::HasReason(wrong.status(), pay::kVoucherWrongTarget))
      << wrong.status().ToString();
}

TEST_F(PaymentDeskTest, ReserveDefaultsAndCapsMaxTokensAndEstimatesThePromptByBytes) {
  AdmitBoth(1000000);
  struct Case {
    int64_t asked;
    int64_t reserved;
  };
  for (Case c :
       {Case{0, 4096}, Case{100, 100}, Case{4096, 4096}, Case{100000, 4096}, Case{-5, 4096}}) {
    SCOPED_TRACE(c.asked);
    inference::InferRequest request = Request(/*body_bytes=*/200, c.asked);
    auto reservation = desk_->Reserve(client_, request, 1000);
    ASSERT_TRUE(reservation.ok()) << reservation.status().ToString();
    EXPECT_EQ(request.max_tokens(), c.reserved);
    // (200 body bytes + max_tokens) × 10 nanoTON at ×1.
    EXPECT_EQ(U64(reservation->amount), static_cast<uint64_t>((200 + c.reserved) * 10));
    EXPECT_EQ(U64(billing_->Account(client_contract_).reserved), U64(reservation->amount));
    desk_->Release(*reservation);
    EXPECT_EQ(U64(billing_->Account(client_contract_).reserved), 0u);
  }
  // At the client's maximum coefficient.
  inference::InferRequest request = Request(200, 100);
  auto reservation = desk_->Reserve(client_, request, 2000);
  ASSERT_TRUE(reservation.ok());
  EXPECT_EQ(U64(reservation->amount), 6000u);
}

TEST_F(PaymentDeskTest, AClientThatCannotCoverTheWorstCaseGetsInsufficientCredit) {
  AdmitBoth(/*nanoton=*/3000);
  inference::InferRequest request = Request(200, 0);  // 4296 tokens × 10
  auto refused = desk_->Reserve(client_, request, 1000);
  EXPECT_EQ(refused.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(pay::HasReason(refused.status(), pay::kInsufficientCredit))
      << refused.status().ToString();
  EXPECT_EQ(U64(billing_->Account(client_contract_).reserved), 0u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 0u);
  // Asking for fewer tokens fits: (200 + 50) × 10.
  inference::InferRequest smaller = Request(200, 50);
  EXPECT_TRUE(desk_->Reserve(client_, smaller, 1000).ok());
}

TEST_F(PaymentDeskTest, SettleChargesOnceAndPaysWithVouchersTheContractsAccept) {
  AdmitBoth();
  inference::InferRequest request = Request(100, 100);
  auto reservation = desk_->Reserve(client_, request, 1000);
  ASSERT_TRUE(reservation.ok());
  auto receipt =
      Run(desk_->Settle(*reservation, "req-1", client_, worker_, WireUsage(30, 20), /*coef=*/1000));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_EQ(receipt->client_total, 50u);

  inference::Payment to_client = ClientPayment(*receipt);
  EXPECT_EQ(to_client.adjusted_tokens(), 50u);
  EXPECT_EQ(to_client.amount(), "500");
  EXPECT_EQ(to_client.total_tokens(), 50u);
  auto client_voucher =
      pay::ReceiveVoucher(AsBytes(to_client.voucher()),
                          {key_.public_key(), client_contract_, {pay::VoucherKind::kCharge}, 0});
  ASSERT_TRUE(client_voucher.ok()) << client_voucher.status().ToString();
  EXPECT_EQ(client_voucher->payload.total_tokens, 50u);

  inference::Payment to_worker = WorkerPayment(*receipt);
  EXPECT_EQ(to_worker.adjusted_tokens(), 50u);
  EXPECT_EQ(to_worker.amount(), "350");
  EXPECT_EQ(to_worker.total_tokens(), 50u);
  auto worker_voucher = pay::ReceiveVoucher(
      AsBytes(to_worker.voucher()),
      {key_.public_key(), worker_contract_, {pay::VoucherKind::kWorkerPayout}, 0});
  ASSERT_TRUE(worker_voucher.ok()) << worker_voucher.status().ToString();

  // Settled again (a retried tail): nothing more is charged, same vouchers.
  inference::InferRequest retry = Request(100, 100);
  auto second = desk_->Reserve(client_, retry, 1000);
  ASSERT_TRUE(second.ok());
  auto again =
      Run(desk_->Settle(*second, "req-1", client_, worker_, WireUsage(30, 20), /*coef=*/1000));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_settled);
  EXPECT_EQ(ClientPayment(*again).voucher(), to_client.voucher());
  EXPECT_EQ(WorkerPayment(*again).voucher(), to_worker.voucher());
  pay::CreditAccount account = billing_->Account(client_contract_);
  EXPECT_EQ(U64(account.charged), 500u);
  EXPECT_EQ(U64(account.reserved), 0u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 1u);
}

TEST_F(PaymentDeskTest, NegativeUsageIsRefusedAndReleasesTheReservation) {
  AdmitBoth();
  inference::InferRequest request = Request(100, 100);
  auto reservation = desk_->Reserve(client_, request, 1000);
  ASSERT_TRUE(reservation.ok());
  auto bad = Run(desk_->Settle(*reservation, "req-1", client_, worker_, WireUsage(-1, 20), 1000));
  EXPECT_TRUE(pay::HasReason(bad.status(), pay::kBadUsage)) << bad.status().ToString();
  EXPECT_EQ(U64(billing_->Account(client_contract_).reserved), 0u);
  EXPECT_EQ(billing_->ledger().Head().seqno, 0u);
}

TEST_F(PaymentDeskTest, AReturningPeerIsSentTheVoucherOfItsLedgerTotal) {
  AdmitBoth();
  inference::InferRequest request = Request(10, 10);
  auto reservation = desk_->Reserve(client_, request, 1000);
  ASSERT_TRUE(reservation.ok());
  auto receipt =
      Run(desk_->Settle(*reservation, "req-1", client_, worker_, WireUsage(30, 20), 1000));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();

  // The client reconnects presenting the voucher it holds.
  auto client = Run(desk_->AdmitClient(Hello("s3cret", receipt->client_voucher), "client-key"));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(Bytes(client->terms.current_voucher().begin(), client->terms.current_voucher().end()),
            receipt->client_voucher);
  auto worker = desk_->AdmitWorker(WorkerIdentity(receipt->worker_voucher), "worker-key");
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  EXPECT_EQ(Bytes(worker->terms.current_voucher().begin(), worker->terms.current_voucher().end()),
            receipt->worker_voucher);
}

TEST_F(PaymentDeskTest, RefreshClientRereadsTheContract) {
  AdmitBoth(/*nanoton=*/1000);
  ton::contracts::ClientData topped_up = Funded(9000);
  chain_.Deploy(client_owner_, topped_up);
  Status refreshed = Run(desk_->RefreshClient(client_contract_));
  ASSERT_TRUE(refreshed.ok()) << refreshed.ToString();
  EXPECT_EQ(U64(billing_->Account(client_contract_).balance), 9000u);

  chain_.FailReads(Unavailable("toncenter: 503"));
  Status failed = Run(desk_->RefreshClient(client_contract_));
  EXPECT_EQ(failed.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(U64(billing_->Account(client_contract_).balance), 9000u);  // kept
}

TEST_F(PaymentDeskTest, PublicTermsNameTheProxyContractKeyAndPrices) {
  inference::PaymentTerms terms = desk_->PublicTerms();
  EXPECT_EQ(terms.proxy_contract(), proxy_contract_.ToRaw());
  EXPECT_EQ(terms.proxy_key().size(), crypto::Ed25519PublicKey::kSize);
  EXPECT_EQ(terms.price_per_token(), 10u);
  EXPECT_EQ(terms.worker_fee_per_token(), 7u);
  EXPECT_TRUE(terms.peer_contract().empty());
  EXPECT_TRUE(terms.current_voucher().empty());
}

// The proxy's side and the node's side together: a client's Payee takes the
// terms and the vouchers the desk hands out.
TEST_F(PaymentDeskTest, TheClientsPayeeTakesTheDesksTermsAndVouchers) {
  AdmitBoth();
  TempDir node_dir;
  auto keeper = pay::VoucherKeeper::Open(node_dir.path() / "vouchers.json");
  ASSERT_TRUE(keeper.ok()) << keeper.status().ToString();
  node::Payee payee(node::PayeeRole::kClient, client_owner_, std::move(*keeper));
  auto admitted = Run(desk_->AdmitClient(Hello(), "client-key"));
  ASSERT_TRUE(admitted.ok());
  ASSERT_TRUE(payee.AcceptTerms(key_.public_key(), admitted->terms).ok());

  for (int i = 1; i <= 3; ++i) {
    inference::InferRequest request = Request(10, 10);
    auto reservation = desk_->Reserve(client_, request, 1000);
    ASSERT_TRUE(reservation.ok());
    auto receipt = Run(desk_->Settle(*reservation, "req-" + std::to_string(i), client_, worker_,
                                     WireUsage(3, 2), 1000));
    ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
    auto total = payee.AcceptVoucher(key_.public_key(), AsBytes(ClientPayment(*receipt).voucher()));
    ASSERT_TRUE(total.ok()) << total.status().ToString();
    EXPECT_EQ(*total, 5u * i);
  }
  // What the payee presents at its next hello passes the desk's ledger check.
  inference::ClientHello hello = Hello();
  *hello.mutable_payment() = payee.Identity(key_.public_key());
  EXPECT_FALSE(hello.payment().last_voucher().empty());
  auto again = Run(desk_->AdmitClient(hello, "client-key"));
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

}  // namespace
}  // namespace cocoon::proxy
