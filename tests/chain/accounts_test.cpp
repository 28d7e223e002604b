// node/chain_accounts against FakeWalletChain: what each daemon sends (the
// messages, values, StateInit and order), what it refuses before spending a
// fee, and how it reads a proxy's configuration from its storage.
#include "node/chain_accounts.h"

#include <gtest/gtest.h>

#include "chain/fake_wallet_chain.h"
#include "pay/anchor.h"
#include "pay/voucher.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/opcodes.h"

namespace cocoon::node {
namespace {

namespace tc = ton::contracts;
using nlohmann::json;
using testing::AddressEntry;
using testing::ClockSleeper;
using testing::FakeWalletChain;
using testing::NumEntry;
using testing::Uint256Entry;
using ton::Uint128;
constexpr Uint128 kTon = 1'000'000'000;

crypto::Sha256Digest H(std::string_view s) { return crypto::Sha256(AsBytes(s)); }

ton::Address Addr(uint8_t n) {
  ton::Address a;
  a.hash.fill(n);
  return a;
}

ton::CellRef Code(std::string_view name) {
  ton::CellBuilder b;
  b.StoreBytes(AsBytes(name));
  return *b.Finalize();
}

tc::Params TestParams() {
  tc::Params p;
  p.price_per_token = 1000;
  p.worker_fee_per_token = 800;
  p.proxy_close_delay = 3600;
  p.client_close_delay = 600;
  p.min_proxy_stake = 10 * kTon;
  p.min_client_stake = kTon;
  return p;
}

json True() { return json::array({"num", "-0x1"}); }
json False() { return json::array({"num", "0x0"}); }

json ProxyDataStack(tc::ContractState state, Uint128 stake) {
  return json::array({NumEntry(static_cast<uint8_t>(state)), NumEntry(stake), NumEntry(0),
                      NumEntry(0), NumEntry(0), NumEntry(0), NumEntry(0)});
}

json ClientDataStack(const tc::ClientData& d) {
  return json::array({NumEntry(static_cast<uint8_t>(d.state)), NumEntry(d.balance),
                      NumEntry(d.stake), NumEntry(d.pending_deposit), NumEntry(d.tokens_charged),
                      NumEntry(d.close_started_at), Uint256Entry(d.secret_hash)});
}

json WorkerDataStack(tc::ContractState state, uint64_t tokens) {
  return json::array({NumEntry(static_cast<uint8_t>(state)), NumEntry(tokens)});
}

// op and, for the amount-carrying ops, the amount of a body.
struct Op {
  uint32_t op = 0;
  Uint128 amount = 0;
};
Op ReadOp(const ton::CellRef& body) {
  ton::CellSlice s(body);
  Op o;
  o.op = static_cast<uint32_t>(*s.LoadUint(32));
  (void)s.LoadUint(64);
  if (o.op == tc::op::kAddStake || o.op == tc::op::kIncreaseStake || o.op == tc::op::kTopUp) {
    o.amount = *s.LoadCoins();
  }
  return o;
}

struct Fixture {
  Fixture() {
    ton::ApiConfig config;
    config.endpoint = "http://fake/api/v2";
    config.max_attempts = 1;
    api = std::make_shared<const ton::TonApiClient>(config, chain, sleeper);
    ton::WalletSenderOptions options;
    options.confirm_timeout = std::chrono::seconds(5);
    sender = std::make_unique<ton::WalletSender>(api, wallet, key, options, sleeper, clock);
    chain->SetWallet("active", 1000 * kTon, 1);
    proxy_cfg = tc::ProxyConfig{Addr(5), proxy_key.public_key(), Addr(6), TestParams(),
                                tc::ContractCodes{Code("proxy"), Code("client"), Code("worker")}};
    proxy = *tc::ProxyContract(proxy_cfg.codes.proxy, proxy_cfg);
  }
  // The proxy contract on chain, active, with its real initial storage.
  void DeployProxy() {
    chain->SetAccount(proxy.address, "active", proxy.init.code, proxy.init.data);
    chain->SetGetMethod("is_ready", json::array({True()}));
  }
  Bytes Voucher(pay::VoucherKind kind, uint64_t total, const ton::Address& target) {
    pay::VoucherPayload p{kind, 9, total, target};
    return *pay::SerializeVoucher(*pay::SignVoucher(p, proxy_key));
  }

  crypto::Ed25519PrivateKey key = *crypto::Ed25519PrivateKey::FromSeed(H("accounts-wallet"));
  crypto::Ed25519PrivateKey proxy_key = *crypto::Ed25519PrivateKey::FromSeed(H("accounts-proxy"));
  ton::Wallet wallet = *ton::Wallet::Create(ton::WalletVersion::kV4R2, key.public_key());
  std::shared_ptr<FakeWalletChain> chain = std::make_shared<FakeWalletChain>(wallet);
  ManualClock clock{1000};
  ClockSleeper sleeper{clock};
  std::shared_ptr<const ton::TonApiClient> api;
  std::unique_ptr<ton::WalletSender> sender;
  tc::ProxyConfig proxy_cfg;
  tc::ContractInit proxy;
};

bool Has(const Status& s, const std::string& part) {
  return s.message().find(part) != std::string::npos;
}

// ---- proxy configuration from storage ----

TEST(ChainAccountsTest, ReadProxyConfigRederivesTheAddress) {
  Fixture f;
  f.DeployProxy();
  Result<tc::ProxyConfig> cfg = ReadProxyConfig(*f.api, f.proxy.address);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->owner, f.proxy_cfg.owner);
  EXPECT_EQ(cfg->proxy_key, f.proxy_cfg.proxy_key);
  EXPECT_EQ(cfg->root, f.proxy_cfg.root);
  EXPECT_EQ(cfg->params, f.proxy_cfg.params);
  EXPECT_EQ(cfg->codes.proxy->hash(), f.proxy_cfg.codes.proxy->hash());
  EXPECT_EQ(cfg->codes.client->hash(), f.proxy_cfg.codes.client->hash());
  EXPECT_EQ(cfg->codes.worker->hash(), f.proxy_cfg.codes.worker->hash());

  // The same storage at another address is not that proxy.
  f.chain->SetAccount(Addr(9), "active", f.proxy.init.code, f.proxy.init.data);
  Result<tc::ProxyConfig> other = ReadProxyConfig(*f.api, Addr(9));
  EXPECT_EQ(other.status().code(), ErrorCode::kProtocol) << other.status().ToString();
  EXPECT_TRUE(Has(other.status(), "derives another address")) << other.status().ToString();

  f.chain->SetAccount(Addr(9), "active", f.proxy.init.code, ton::Cell::Empty());
  other = ReadProxyConfig(*f.api, Addr(9));
  EXPECT_EQ(other.status().code(), ErrorCode::kProtocol) << other.status().ToString();
  EXPECT_TRUE(Has(other.status(), "not a proxy's")) << other.status().ToString();

  Result<tc::ProxyConfig> missing = ReadProxyConfig(*f.api, Addr(10));
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound) << missing.status().ToString();
}

TEST(ChainAccountsTest, WorkerContractInitIsCheckedAgainstTheProxy) {
  Fixture f;
  f.DeployProxy();
  const tc::ContractInit want = *tc::WorkerOfProxy(f.proxy_cfg, f.proxy.address, Addr(7));
  f.chain->SetGetMethod("get_worker_address", json::array({AddressEntry(want.address)}));
  Result<tc::ContractInit> init = WorkerContractInit(*f.api, f.proxy.address, Addr(7));
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  EXPECT_EQ(init->address, want.address);
  EXPECT_EQ(init->init.data->hash(), want.init.data->hash());
  Result<ton::Address> a = WorkerContractAddress(*f.api, f.proxy.address, Addr(7));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, want.address);

  f.chain->SetGetMethod("get_worker_address", json::array({AddressEntry(Addr(3))}));
  init = WorkerContractInit(*f.api, f.proxy.address, Addr(7));
  EXPECT_EQ(init.status().code(), ErrorCode::kProtocol) << init.status().ToString();
}

// ---- proxy ----

TEST(ChainAccountsTest, EnsureProxyDeploysThenAddsOnlyTheDifference) {
  Fixture f;
  ChainContext ctx{Addr(6), f.proxy_cfg.codes, TestParams()};
  const tc::ProxyConfig mine{f.sender->address(), f.proxy_key.public_key(), ctx.root, ctx.params,
                             ctx.codes};
  const tc::ContractInit init = *tc::ProxyContract(ctx.codes.proxy, mine);
  Uint128 stake_on_chain = 0;
  f.chain->SetGetMethod("get_proxy_data", json::array(), -13);
  f.chain->OnApply([&](const FakeWalletChain::Transfer& t) {
    for (const auto& m : t.messages) {
      const Op o = ReadOp(m.body);
      if (m.destination == init.address && o.op == tc::op::kAddStake) stake_on_chain += o.amount;
    }
    f.chain->SetGetMethod("get_proxy_data",
                          ProxyDataStack(tc::ContractState::kActive, stake_on_chain));
  });

  Result<ProxyAccount> acc =
      EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), 12 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_EQ(acc->address, init.address);
  EXPECT_TRUE(acc->deployed);
  EXPECT_EQ(acc->stake_added, 12 * kTon);
  EXPECT_EQ(acc->data.stake, 12 * kTon);
  EXPECT_EQ(acc->config.owner, f.sender->address());
  auto applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 1u);
  ASSERT_EQ(applied[0].messages.size(), 1u);
  EXPECT_TRUE(applied[0].messages[0].has_init);
  EXPECT_TRUE(applied[0].messages[0].bounce);
  EXPECT_EQ(applied[0].messages[0].value, 12 * kTon + tc::kMinForwardValue);

  // Enough stake: nothing sent.
  acc = EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), 12 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_FALSE(acc->deployed);
  EXPECT_EQ(acc->stake_added, 0u);
  EXPECT_EQ(f.chain->applied().size(), 1u);

  // More stake: the difference, without the StateInit.
  acc = EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), 15 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_EQ(acc->stake_added, 3 * kTon);
  EXPECT_EQ(acc->data.stake, 15 * kTon);
  applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_FALSE(applied[1].messages[0].has_init);
  EXPECT_EQ(applied[1].messages[0].value, 3 * kTon + tc::kMinForwardValue);
}

TEST(ChainAccountsTest, EnsureProxyRefusals) {
  Fixture f;
  ChainContext ctx{Addr(6), f.proxy_cfg.codes, TestParams()};
  Result<ProxyAccount> acc = EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kInvalidArgument) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "below the root's minimum of 10 TON")) << acc.status().ToString();

  f.chain->SetGetMethod("get_proxy_data", ProxyDataStack(tc::ContractState::kClosing, 20 * kTon));
  acc = EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), 30 * kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kFailedPrecondition) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "closing")) << acc.status().ToString();

  // Not enough TON in the wallet: the sender's error, with context.
  f.chain->SetGetMethod("get_proxy_data", json::array(), -13);
  f.chain->SetWallet("active", 5 * kTon, 1);
  acc = EnsureProxyContract(*f.sender, ctx, f.proxy_key.public_key(), 10 * kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kFailedPrecondition) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "deploying the proxy contract")) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "insufficient balance")) << acc.status().ToString();
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);
}

// ---- client ----

TEST(ChainAccountsTest, EnsureClientDeploysStakesSetsTheHashThenTopsUp) {
  Fixture f;
  f.DeployProxy();
  const tc::ContractInit client =
      *tc::ClientOfProxy(f.proxy_cfg, f.proxy.address, f.sender->address());
  f.chain->SetGetMethod("get_client_address", json::array({AddressEntry(client.address)}));
  f.chain->SetGetMethod("get_client_data", json::array(), -13);
  tc::ClientData d;
  f.chain->OnApply([&](const FakeWalletChain::Transfer& t) {
    for (const auto& m : t.messages) {
      ASSERT_EQ(m.destination, client.address);
      const Op o = ReadOp(m.body);
      if (o.op == tc::op::kIncreaseStake) {
        d.stake += o.amount;
        d.balance += o.amount;
      } else if (o.op == tc::op::kTopUp) {
        d.balance += o.amount;
      } else if (o.op == tc::op::kSetSecretHash) {
        ton::CellSlice s(m.body);
        (void)s.SkipBits(96);
        Bytes h = *s.LoadBytes(32);
        std::copy(h.begin(), h.end(), d.secret_hash.begin());
      }
    }
    f.chain->SetGetMethod("get_client_data", ClientDataStack(d));
  });

  Result<ClientAccount> acc =
      EnsureClientContract(*f.sender, f.proxy.address, H("secret"), 2 * kTon, 5 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_EQ(acc->address, client.address);
  EXPECT_TRUE(acc->deployed);
  EXPECT_TRUE(acc->secret_hash_set);
  EXPECT_EQ(acc->stake_added, 2 * kTon);
  EXPECT_EQ(acc->topped_up, 3 * kTon);
  EXPECT_EQ(acc->data.balance, 5 * kTon);
  EXPECT_EQ(acc->data.secret_hash, H("secret"));

  // Two transfers: the deploy (increase_stake with the StateInit, then
  // set_secret_hash), and later the top-up.
  auto applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 2u);
  ASSERT_EQ(applied[0].messages.size(), 2u);
  EXPECT_EQ(ReadOp(applied[0].messages[0].body).op, tc::op::kIncreaseStake);
  EXPECT_TRUE(applied[0].messages[0].has_init);
  EXPECT_EQ(applied[0].messages[0].value, 2 * kTon + tc::kMinForwardValue);
  EXPECT_EQ(ReadOp(applied[0].messages[1].body).op, tc::op::kSetSecretHash);
  EXPECT_FALSE(applied[0].messages[1].has_init);
  ASSERT_EQ(applied[1].messages.size(), 1u);
  EXPECT_EQ(ReadOp(applied[1].messages[0].body).op, tc::op::kTopUp);
  EXPECT_EQ(applied[1].messages[0].value, 3 * kTon + tc::kMinForwardValue);

  // All in place: nothing sent.
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("secret"), 2 * kTon, 5 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_FALSE(acc->deployed || acc->secret_hash_set || acc->stake_added || acc->topped_up);
  EXPECT_EQ(f.chain->applied().size(), 2u);

  // A new secret and more stake: one transfer, no StateInit, no top-up
  // (the stake counts in the balance).
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("other"), 3 * kTon, 5 * kTon);
  ASSERT_TRUE(acc.ok()) << acc.status().ToString();
  EXPECT_EQ(acc->stake_added, kTon);
  EXPECT_TRUE(acc->secret_hash_set);
  EXPECT_EQ(acc->topped_up, 0u);
  applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 3u);
  EXPECT_FALSE(applied[2].messages[0].has_init);
}

TEST(ChainAccountsTest, EnsureClientRefusals) {
  Fixture f;
  f.DeployProxy();
  const tc::ContractInit client =
      *tc::ClientOfProxy(f.proxy_cfg, f.proxy.address, f.sender->address());
  f.chain->SetGetMethod("get_client_address", json::array({AddressEntry(client.address)}));
  Result<ClientAccount> acc =
      EnsureClientContract(*f.sender, f.proxy.address, H("s"), kTon / 2, kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kInvalidArgument) << acc.status().ToString();

  f.chain->SetGetMethod("is_ready", json::array({False()}));
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("s"), kTon, kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kFailedPrecondition) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "not ready")) << acc.status().ToString();

  f.chain->SetGetMethod("is_ready", json::array({True()}));
  f.chain->SetGetMethod("get_client_address", json::array({AddressEntry(Addr(4))}));
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("s"), kTon, kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kProtocol) << acc.status().ToString();

  f.chain->SetGetMethod("get_client_address", json::array({AddressEntry(client.address)}));
  tc::ClientData closing;
  closing.state = tc::ContractState::kClosing;
  f.chain->SetGetMethod("get_client_data", ClientDataStack(closing));
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("s"), kTon, kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kFailedPrecondition) << acc.status().ToString();
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);

  // The proxy never acknowledges: a clear timeout.
  f.chain->SetGetMethod("get_client_data", json::array(), -13);
  acc = EnsureClientContract(*f.sender, f.proxy.address, H("s"), kTon, kTon);
  EXPECT_EQ(acc.status().code(), ErrorCode::kDeadlineExceeded) << acc.status().ToString();
  EXPECT_TRUE(Has(acc.status(), "refused the deposit")) << acc.status().ToString();
}

// ---- vouchers ----

TEST(ChainAccountsTest, VouchersAreCheckedBeforeAFeeIsSpent) {
  Fixture f;
  const ton::Address client = Addr(21), worker = Addr(22);
  tc::ClientData cd;
  cd.tokens_charged = 2000;
  f.chain->SetGetMethod("get_client_data", ClientDataStack(cd));
  f.chain->SetGetMethod("get_worker_data", WorkerDataStack(tc::ContractState::kActive, 500));

  // Another target.
  Bytes v = f.Voucher(pay::VoucherKind::kCharge, 3000, client);
  Result<SubmittedVoucher> r = SubmitVoucher(*f.sender, worker, v);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().ToString();
  // Malformed bytes.
  r = SubmitVoucher(*f.sender, client, Bytes{1, 2, 3});
  EXPECT_FALSE(r.ok());
  // A proxy-close voucher is not for clients or workers.
  r = SubmitVoucher(*f.sender, client, f.Voucher(pay::VoucherKind::kProxyClose, 0, client));
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().ToString();
  // Already applied (the contract has more): nothing to send.
  r = SubmitVoucher(*f.sender, client, f.Voucher(pay::VoucherKind::kCharge, 1500, client));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->transfer.has_value());
  EXPECT_EQ(r->tokens_on_chain, 2000u);
  // A last payout below what the worker was paid: refused on chain with 107.
  r = SubmitVoucher(*f.sender, worker, f.Voucher(pay::VoucherKind::kWorkerLastPayout, 400, worker));
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
  EXPECT_TRUE(Has(r.status(), "older")) << r.status().ToString();
  // A worker init for another address.
  r = SubmitVoucher(*f.sender, worker, f.Voucher(pay::VoucherKind::kWorkerPayout, 900, worker),
                    tc::ContractInit{Addr(23), {}});
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().ToString();
  // Contracts that are not deployed.
  f.chain->SetGetMethod("get_client_data", json::array(), -13);
  f.chain->SetGetMethod("get_worker_data", json::array(), -13);
  r = SubmitVoucher(*f.sender, client, f.Voucher(pay::VoucherKind::kCharge, 3000, client));
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
  r = SubmitVoucher(*f.sender, worker, f.Voucher(pay::VoucherKind::kWorkerPayout, 900, worker));
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
  EXPECT_TRUE(Has(r.status(), "WorkerContractInit")) << r.status().ToString();
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);
}

TEST(ChainAccountsTest, FirstPayoutDeploysTheWorkerContract) {
  Fixture f;
  f.DeployProxy();
  const tc::ContractInit worker = *tc::WorkerOfProxy(f.proxy_cfg, f.proxy.address, Addr(7));
  f.chain->SetGetMethod("get_worker_data", json::array(), -13);
  f.chain->OnApply([&](const FakeWalletChain::Transfer&) {
    f.chain->SetGetMethod("get_worker_data", WorkerDataStack(tc::ContractState::kActive, 900));
  });
  const Bytes v = f.Voucher(pay::VoucherKind::kWorkerPayout, 900, worker.address);
  Result<SubmittedVoucher> r = SubmitVoucher(*f.sender, worker.address, v, worker);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->deployed_contract);
  EXPECT_EQ(r->tokens_on_chain, 900u);
  ASSERT_TRUE(r->transfer.has_value());
  const auto applied = f.chain->applied();
  ASSERT_EQ(applied.size(), 1u);
  const auto& m = applied[0].messages[0];
  EXPECT_EQ(m.destination, worker.address);
  EXPECT_TRUE(m.has_init);
  EXPECT_EQ(m.value, tc::kMinForwardValue);
  EXPECT_EQ(m.body->hash(), (*ton::DeserializeBocSingleRoot(v))->hash());  // sent as is
}

TEST(ChainAccountsTest, FinalRefundCarriesMoreValueAndWaitsForTheClose) {
  Fixture f;
  const ton::Address client = Addr(21);
  tc::ClientData cd;
  cd.tokens_charged = 100;
  f.chain->SetGetMethod("get_client_data", ClientDataStack(cd));
  f.chain->OnApply([&](const FakeWalletChain::Transfer&) {
    cd.state = tc::ContractState::kClosed;
    f.chain->SetGetMethod("get_client_data", ClientDataStack(cd));
  });
  // An equal total is accepted by final_refund.
  Result<SubmittedVoucher> r =
      SubmitVoucher(*f.sender, client, f.Voucher(pay::VoucherKind::kFinalRefund, 100, client));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(f.chain->applied().size(), 1u);
  EXPECT_EQ(f.chain->applied()[0].messages[0].value, tc::kFinalRefundValue);
  EXPECT_FALSE(f.chain->applied()[0].messages[0].has_init);

  // Closed now: a charge cannot be applied any more.
  r = SubmitVoucher(*f.sender, client, f.Voucher(pay::VoucherKind::kCharge, 200, client));
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
  EXPECT_TRUE(Has(r.status(), "closed")) << r.status().ToString();
}

// ---- anchors ----

TEST(ChainAccountsTest, Anchors) {
  Fixture f;
  const ton::Address proxy = Addr(30);
  auto anchor = [&](uint64_t seqno, const ton::Address& target) {
    pay::AnchorPayload p{1, seqno, H("session"), target};
    return *pay::BuildAnchorMessageBody(*pay::SignAnchor(p, f.proxy_key));
  };
  f.chain->SetGetMethod("get_anchor", json::array({NumEntry(5), Uint256Entry(H("old"))}));
  Result<SentAnchor> r = SendAnchor(*f.sender, proxy, anchor(6, Addr(31)));
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().ToString();
  r = SendAnchor(*f.sender, proxy, anchor(5, proxy));
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
  r = SendAnchor(*f.sender, proxy, Code("not an anchor"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(f.chain->calls("sendBocReturnHash"), 0);

  f.chain->OnApply([&](const FakeWalletChain::Transfer&) {
    f.chain->SetGetMethod("get_anchor", json::array({NumEntry(6), Uint256Entry(H("session"))}));
  });
  r = SendAnchor(*f.sender, proxy, anchor(6, proxy));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->seqno, 6u);
  ASSERT_EQ(f.chain->applied().size(), 1u);
  EXPECT_EQ(f.chain->applied()[0].messages[0].value, tc::kMinForwardValue);
  EXPECT_EQ(f.chain->applied()[0].messages[0].destination, proxy);
}

TEST(ChainAccountsTest, LoadChainContext) {
  Fixture f;
  const tc::Params p = TestParams();
  f.chain->SetGetMethod("get_params",
                        json::array({NumEntry(p.price_per_token), NumEntry(p.worker_fee_per_token),
                                     NumEntry(p.prompt_mult), NumEntry(p.cached_mult),
                                     NumEntry(p.completion_mult), NumEntry(p.reasoning_mult),
                                     NumEntry(p.proxy_close_delay), NumEntry(p.client_close_delay),
                                     NumEntry(p.min_proxy_stake), NumEntry(p.min_client_stake)}));
  auto cell = [](const ton::CellRef& c) {
    return json::array({"cell", json{{"bytes", Base64Encode(*ton::SerializeBoc(c))}}});
  };
  f.chain->SetGetMethod("get_codes",
                        json::array({cell(Code("p")), cell(Code("c")), cell(Code("w"))}));
  Result<ChainContext> ctx = LoadChainContext(*f.api, Addr(6));
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->params, p);
  EXPECT_EQ(ctx->codes.worker->hash(), Code("w")->hash());
  EXPECT_EQ(ctx->root, Addr(6));
}

}  // namespace
}  // namespace cocoon::node
