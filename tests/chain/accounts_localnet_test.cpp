// node/chain_accounts against the local chain (contracts/localnet): three
// node wallets (proxy operator, client, worker) do what their daemons will
// do, through ton::WalletSender, and the contracts show it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chain/localnet_process.h"
#include "node/chain_accounts.h"
#include "pay/anchor.h"
#include "pay/voucher.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/messages.h"

#ifndef COCOON_CONTRACTS_DIR
#error "COCOON_CONTRACTS_DIR must name the contracts folder"
#endif

namespace cocoon::node {
namespace {

namespace tc = ton::contracts;
using testing::LocalnetProcess;
using ton::Uint128;
constexpr Uint128 kTon = 1'000'000'000;

crypto::Sha256Digest H(std::string_view s) { return crypto::Sha256(AsBytes(s)); }

#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                    \
  auto COCOON_CONCAT(_r, __LINE__) = (expr);                               \
  ASSERT_TRUE(COCOON_CONCAT(_r, __LINE__).ok())                            \
      << #expr << ": " << COCOON_CONCAT(_r, __LINE__).status().ToString(); \
  lhs = std::move(*COCOON_CONCAT(_r, __LINE__))

// A node: its key, wallet and sender.
struct Node {
  Node(const std::string& name, std::shared_ptr<const ton::TonApiClient> api)
      : key(*crypto::Ed25519PrivateKey::FromSeed(H("accounts-localnet-" + name))),
        wallet(*ton::Wallet::Create(ton::WalletVersion::kV4R2, key.public_key())) {
    ton::WalletSenderOptions options;
    options.confirm_timeout = std::chrono::seconds(20);
    options.poll_interval = std::chrono::milliseconds(200);
    sender = std::make_unique<ton::WalletSender>(std::move(api), wallet, key, options);
  }
  crypto::Ed25519PrivateKey key;
  ton::Wallet wallet;
  std::unique_ptr<ton::WalletSender> sender;
};

class AccountsLocalnetTest : public ::testing::Test {
 protected:
  void StartChain(const std::string& config_json) {
    std::string why;
    if (!testing::LocalnetAvailable(COCOON_CONTRACTS_DIR, &why)) GTEST_SKIP() << why;
    auto chain =
        LocalnetProcess::Start(COCOON_CONTRACTS_DIR, config_json, std::chrono::seconds(40));
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    chain_ = std::move(*chain);
    transport_ = ton::MakeCurlTransport();
    ton::ApiConfig config;
    config.endpoint = chain_->endpoint();
    config.max_attempts = 2;
    config.initial_backoff = std::chrono::milliseconds(50);
    api_ = std::make_shared<const ton::TonApiClient>(config, transport_);
    root_ = ton::ParseAddress(chain_->root())->address;
  }

  void Fund(const ton::Address& address, Uint128 amount) {
    ton::HttpRequest r;
    r.method = "POST";
    r.url = chain_->base_url() + "/localnet/faucet";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = nlohmann::json{{"address", address.ToRaw()}, {"amount", ton::Uint128ToString(amount)}}
                 .dump();
    Result<ton::HttpResponse> resp = transport_->Send(r);
    ASSERT_TRUE(resp.ok() && resp->status == 200)
        << (resp.ok() ? resp->body : resp.status().ToString());
  }

  Bytes Voucher(const crypto::Ed25519PrivateKey& key, pay::VoucherKind kind, uint64_t total,
                const ton::Address& target) {
    return *pay::SerializeVoucher(*pay::SignVoucher({kind, total, total, target}, key));
  }

  std::unique_ptr<LocalnetProcess> chain_;
  ton::HttpTransportPtr transport_;
  std::shared_ptr<const ton::TonApiClient> api_;
  ton::Address root_;
};

TEST_F(AccountsLocalnetTest, DaemonsActOnChainThroughTheirWallets) {
  const crypto::Ed25519PrivateKey operator_key =
      *crypto::Ed25519PrivateKey::FromSeed(H("accounts-localnet-operator"));
  const ton::Address operator_wallet =
      ton::Wallet::Create(ton::WalletVersion::kV4R2, operator_key.public_key())->address();
  // The proxy operator also owns the root, to change its params at the end.
  StartChain(nlohmann::json{{"owner", operator_wallet.ToRaw()}}.dump());
  if (IsSkipped()) return;
  Node op("operator", api_), client("client", api_), worker("worker", api_), poor("poor", api_);
  ASSERT_EQ(op.wallet.address(), operator_wallet);
  Fund(op.wallet.address(), 100 * kTon);
  Fund(client.wallet.address(), 20 * kTon);
  Fund(worker.wallet.address(), 2 * kTon);
  Fund(poor.wallet.address(), kTon);
  const auto proxy_key = *crypto::Ed25519PrivateKey::FromSeed(H("accounts-localnet-proxy"));

  // --- the proxy: deployed with the minimum stake, then raised ---------------
  ASSERT_OK_AND_ASSIGN(ChainContext ctx, LoadChainContext(*api_, root_));
  EXPECT_EQ(ctx.params.min_proxy_stake, 10 * kTon);
  ASSERT_OK_AND_ASSIGN(ProxyAccount proxy,
                       EnsureProxyContract(*op.sender, ctx, proxy_key.public_key(), 10 * kTon));
  EXPECT_TRUE(proxy.deployed);
  EXPECT_EQ(proxy.data.stake, 10 * kTon);
  ASSERT_OK_AND_ASSIGN(
      ton::Address from_root,
      tc::GetProxyAddress(*api_, root_, op.wallet.address(), proxy_key.public_key()));
  EXPECT_EQ(from_root, proxy.address);
  ASSERT_OK_AND_ASSIGN(bool ready, tc::IsProxyReady(*api_, proxy.address));
  EXPECT_TRUE(ready);
  ASSERT_OK_AND_ASSIGN(ProxyAccount again,
                       EnsureProxyContract(*op.sender, ctx, proxy_key.public_key(), 12 * kTon));
  EXPECT_FALSE(again.deployed);
  EXPECT_EQ(again.address, proxy.address);
  EXPECT_EQ(again.stake_added, 2 * kTon);
  ASSERT_OK_AND_ASSIGN(tc::ProxyData pd, tc::GetProxyData(*api_, proxy.address));
  EXPECT_EQ(pd.stake, 12 * kTon);
  // What a client or worker reads of the proxy is the config the operator used.
  ASSERT_OK_AND_ASSIGN(tc::ProxyConfig read, ReadProxyConfig(*api_, proxy.address));
  EXPECT_EQ(read.owner, proxy.config.owner);
  EXPECT_EQ(read.params, proxy.config.params);
  EXPECT_EQ(read.codes.worker->hash(), ctx.codes.worker->hash());

  // --- the client: deployed, secret hash, topped up -------------------------
  const Uint128 min_client = ctx.params.min_client_stake;
  ASSERT_OK_AND_ASSIGN(ClientAccount ca,
                       EnsureClientContract(*client.sender, proxy.address, H("client-secret"),
                                            min_client, min_client + 5 * kTon));
  EXPECT_TRUE(ca.deployed);
  EXPECT_TRUE(ca.secret_hash_set);
  EXPECT_EQ(ca.topped_up, 5 * kTon);
  ASSERT_OK_AND_ASSIGN(tc::ClientData cd, tc::GetClientData(*api_, ca.address));
  EXPECT_EQ(cd.stake, min_client);
  EXPECT_EQ(cd.balance, min_client + 5 * kTon);
  EXPECT_EQ(cd.pending_deposit, 0u);
  EXPECT_EQ(cd.secret_hash, H("client-secret"));
  ASSERT_OK_AND_ASSIGN(tc::ContractInit expect_client,
                       tc::ClientOfProxy(proxy.config, proxy.address, client.wallet.address()));
  EXPECT_EQ(ca.address, expect_client.address);
  // Again: already in place, nothing sent.
  ASSERT_OK_AND_ASSIGN(uint32_t seqno_before, client.sender->ReadSeqno());
  ASSERT_OK_AND_ASSIGN(ClientAccount ca2,
                       EnsureClientContract(*client.sender, proxy.address, H("client-secret"),
                                            min_client, min_client + 5 * kTon));
  EXPECT_FALSE(ca2.deployed || ca2.secret_hash_set || ca2.topped_up || ca2.stake_added);
  ASSERT_OK_AND_ASSIGN(uint32_t seqno_after, client.sender->ReadSeqno());
  EXPECT_EQ(seqno_after, seqno_before);

  // --- a charge voucher, submitted by the proxy's operator --------------------
  ASSERT_OK_AND_ASSIGN(
      SubmittedVoucher charge,
      SubmitVoucher(*op.sender, ca.address,
                    Voucher(proxy_key, pay::VoucherKind::kCharge, 1500, ca.address)));
  EXPECT_TRUE(charge.transfer.has_value());
  EXPECT_EQ(charge.tokens_on_chain, 1500u);
  ASSERT_OK_AND_ASSIGN(cd, tc::GetClientData(*api_, ca.address));
  EXPECT_EQ(cd.tokens_charged, 1500u);
  EXPECT_EQ(cd.balance, min_client + 5 * kTon - 1500 * ctx.params.price_per_token);
  // The same voucher again: already on chain, no fee spent.
  ASSERT_OK_AND_ASSIGN(
      SubmittedVoucher same,
      SubmitVoucher(*op.sender, ca.address,
                    Voucher(proxy_key, pay::VoucherKind::kCharge, 1500, ca.address)));
  EXPECT_FALSE(same.transfer.has_value());

  // --- payouts: the first deploys the worker contract ----------------------
  ASSERT_OK_AND_ASSIGN(tc::ContractInit wi,
                       WorkerContractInit(*api_, proxy.address, worker.wallet.address()));
  ASSERT_OK_AND_ASSIGN(ton::Address wa,
                       WorkerContractAddress(*api_, proxy.address, worker.wallet.address()));
  EXPECT_EQ(wa, wi.address);
  Result<SubmittedVoucher> no_init = SubmitVoucher(
      *worker.sender, wa, Voucher(proxy_key, pay::VoucherKind::kWorkerPayout, 1000, wa));
  EXPECT_EQ(no_init.status().code(), ErrorCode::kFailedPrecondition) << no_init.status().ToString();
  ASSERT_OK_AND_ASSIGN(
      SubmittedVoucher payout,
      SubmitVoucher(*worker.sender, wa,
                    Voucher(proxy_key, pay::VoucherKind::kWorkerPayout, 1000, wa), wi));
  EXPECT_TRUE(payout.deployed_contract);
  ASSERT_OK_AND_ASSIGN(tc::WorkerData wd, tc::GetWorkerData(*api_, wa));
  EXPECT_EQ(wd.tokens_paid, 1000u);
  ASSERT_OK_AND_ASSIGN(tc::ChildConfigView wc, tc::GetWorkerConfig(*api_, wa));
  EXPECT_EQ(wc.owner, worker.wallet.address());
  // A second payout, the contract deployed now (the init is not needed).
  ASSERT_OK_AND_ASSIGN(
      SubmittedVoucher payout2,
      SubmitVoucher(*worker.sender, wa,
                    Voucher(proxy_key, pay::VoucherKind::kWorkerPayout, 3000, wa)));
  EXPECT_FALSE(payout2.deployed_contract);
  ASSERT_OK_AND_ASSIGN(wd, tc::GetWorkerData(*api_, wa));
  EXPECT_EQ(wd.tokens_paid, 3000u);
  // The proxy paid the worker's owner and credited its commission:
  // tokens × (price − worker fee).
  ASSERT_OK_AND_ASSIGN(pd, tc::GetProxyData(*api_, proxy.address));
  EXPECT_EQ(pd.commission, 3000 * (ctx.params.price_per_token - ctx.params.worker_fee_per_token));

  // --- an anchor ---------------------------------------------------------------
  ASSERT_OK_AND_ASSIGN(pay::SignedAnchor anchor,
                       pay::SignAnchor({11, 3, H("session-3"), proxy.address}, proxy_key));
  ASSERT_OK_AND_ASSIGN(ton::CellRef anchor_body, pay::BuildAnchorMessageBody(anchor));
  ASSERT_OK_AND_ASSIGN(SentAnchor sent_anchor, SendAnchor(*op.sender, proxy.address, anchor_body));
  EXPECT_EQ(sent_anchor.seqno, 3u);
  ASSERT_OK_AND_ASSIGN(tc::Anchor on_chain, tc::GetAnchor(*api_, proxy.address));
  EXPECT_EQ(on_chain.seqno, 3u);
  EXPECT_EQ(on_chain.session_hash, H("session-3"));
  Result<SentAnchor> stale = SendAnchor(*op.sender, proxy.address, anchor_body);
  EXPECT_EQ(stale.status().code(), ErrorCode::kFailedPrecondition) << stale.status().ToString();

  // --- a wallet that cannot pay: the clear error, nothing sent -------------------
  Result<ClientAccount> poor_client =
      EnsureClientContract(*poor.sender, proxy.address, H("p"), 2 * kTon, 2 * kTon);
  ASSERT_FALSE(poor_client.ok());
  EXPECT_EQ(poor_client.status().code(), ErrorCode::kFailedPrecondition);
  const std::string msg = poor_client.status().message();
  EXPECT_NE(msg.find("insufficient balance"), std::string::npos) << msg;
  EXPECT_NE(msg.find(poor.sender->ShownAddress()), std::string::npos) << msg;
  EXPECT_NE(msg.find("has 1 TON"), std::string::npos) << msg;
  EXPECT_NE(msg.find("add at least 1.11 TON"), std::string::npos) << msg;
  ASSERT_OK_AND_ASSIGN(ton::AccountInfo poor_info,
                       api_->GetAddressInformation(poor.wallet.address()));
  EXPECT_EQ(poor_info.balance, kTon);
  EXPECT_NE(poor_info.status, ton::AccountStatus::kActive);

  // --- the root's params change: the same owner and key give a new proxy ----
  tc::Params params = ctx.params;
  params.price_per_token = 2000;
  ASSERT_OK_AND_ASSIGN(ton::CellRef set_params, tc::SetParamsBody(params, 1));
  ASSERT_TRUE(op.sender->Send({tc::ToContract({root_, {}}, false, kTon / 10, set_params)}).ok());
  ASSERT_OK_AND_ASSIGN(ChainContext ctx2, LoadChainContext(*api_, root_));
  EXPECT_EQ(ctx2.params.price_per_token, 2000u);
  ASSERT_OK_AND_ASSIGN(ProxyAccount proxy2,
                       EnsureProxyContract(*op.sender, ctx2, proxy_key.public_key(), 10 * kTon));
  EXPECT_TRUE(proxy2.deployed);
  EXPECT_NE(proxy2.address, proxy.address);
  ASSERT_OK_AND_ASSIGN(pd, tc::GetProxyData(*api_, proxy.address));
  // The old proxy stays, with its stake (less the 900 000 nanoTON of payouts
  // above its revenue: 3000 × 800 paid, 1500 × 1000 charged).
  EXPECT_EQ(pd.state, tc::ContractState::kActive);
  EXPECT_EQ(pd.stake, 12 * kTon - 900'000);
}

}  // namespace
}  // namespace cocoon::node
