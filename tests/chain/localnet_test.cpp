// Integration with the local chain (contracts/localnet: @ton/sandbox behind
// the TON HTTP API): the chain registry follows a root changed by its owner's
// wallet, and the bindings deploy and drive proxy, client and worker
// contracts at the addresses the contracts themselves compute.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chain/localnet_process.h"
#include "node/chain_registry.h"
#include "node/registry_watcher.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/storage.h"
#include "ton/wallet.h"

#ifndef COCOON_CONTRACTS_DIR
#error "COCOON_CONTRACTS_DIR must name the contracts folder"
#endif

namespace cocoon::ton::contracts {
namespace {

using testing::LocalnetProcess;
constexpr Uint128 kTon = 1'000'000'000;

crypto::Sha256Digest H(std::string_view s) { return crypto::Sha256(AsBytes(s)); }

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    auto _s = (expr);                                       \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                    \
  auto COCOON_CONCAT(_r, __LINE__) = (expr);                               \
  ASSERT_TRUE(COCOON_CONCAT(_r, __LINE__).ok())                            \
      << #expr << ": " << COCOON_CONCAT(_r, __LINE__).status().ToString(); \
  lhs = std::move(*COCOON_CONCAT(_r, __LINE__))

class LocalnetTest : public ::testing::Test {
 protected:
  void StartChain(const std::string& config_json) {
    std::string why;
    if (!testing::LocalnetAvailable(COCOON_CONTRACTS_DIR, &why)) GTEST_SKIP() << why;
    auto chain =
        LocalnetProcess::Start(COCOON_CONTRACTS_DIR, config_json, std::chrono::seconds(40));
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    chain_ = std::move(*chain);
    transport_ = MakeCurlTransport();
    ApiConfig config;
    config.endpoint = chain_->endpoint();
    config.max_attempts = 2;
    config.initial_backoff = std::chrono::milliseconds(50);
    api_ = std::make_shared<const TonApiClient>(config, transport_);
    root_ = ParseAddress(chain_->root())->address;
  }

  // Funds the test wallet from the faucet.
  void Fund(Uint128 amount) {
    HttpRequest r;
    r.method = "POST";
    r.url = chain_->base_url() + "/localnet/faucet";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body =
        nlohmann::json{{"address", wallet_.address().ToRaw()}, {"amount", Uint128ToString(amount)}}
            .dump();
    Result<HttpResponse> resp = transport_->Send(r);
    ASSERT_TRUE(resp.ok() && resp->status == 200)
        << (resp.ok() ? resp->body : resp.status().ToString());
  }

  // Sends `messages` from the test wallet (deploying it on its first send).
  Status Send(std::vector<InternalMessage> messages) {
    uint32_t seqno = 0;
    Result<GetMethodResult> s = api_->RunGetMethod(wallet_.address(), "seqno");
    if (!s.ok()) return s.status();
    if (s->exit_code == 0 && !s->stack.empty())
      seqno = static_cast<uint32_t>(*s->stack[0].number.ToInt64());
    COCOON_ASSIGN_OR_RETURN(AccountInfo info, api_->GetAddressInformation(wallet_.address()));
    WalletTransfer t;
    t.seqno = seqno;
    t.valid_until = static_cast<uint32_t>(info.sync_utime + 60);  // the chain's clock
    t.messages = std::move(messages);
    COCOON_ASSIGN_OR_RETURN(CellRef ext, wallet_.ExternalTransfer(t, key_, seqno == 0));
    COCOON_ASSIGN_OR_RETURN(Bytes boc, SerializeBoc(ext));
    return api_->SendBoc(boc);
  }

  InternalMessage ToRoot(Result<CellRef> body) {
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    return InternalMessage{root_, kTon / 10, true, std::nullopt, body.ok() ? *body : nullptr};
  }

  crypto::Ed25519PrivateKey key_ = *crypto::Ed25519PrivateKey::FromSeed(H("chain-localnet-wallet"));
  Wallet wallet_ = *Wallet::Create(WalletVersion::kV4R2, key_.public_key());
  std::unique_ptr<LocalnetProcess> chain_;
  HttpTransportPtr transport_;
  std::shared_ptr<const TonApiClient> api_;
  Address root_;
};

TEST_F(LocalnetTest, RegistryFollowsTheRootAndReportsRemovals) {
  const std::string i1(64, '1'), i2(64, '2'), w1(64, '3');
  StartChain(nlohmann::json{{"owner", wallet_.address().ToRaw()},
                            {"proxyImages", {i1, i2}},
                            {"workerImages", {w1}},
                            {"models", {HexEncode(H("Qwen/Qwen3-0.6B")), HexEncode(H("llama"))}},
                            {"proxies", {"127.0.0.1:8443", "p2.local:9443"}}}
                 .dump());
  if (IsSkipped()) return;
  ASSERT_OK_AND_ASSIGN(CellRef root_code,
                       LoadCompiledCode(std::string(COCOON_CONTRACTS_DIR) + "/build/root.json"));
  node::ChainRegistry registry(
      api_,
      node::ChainRegistryOptions{root_, {"Qwen/Qwen3-0.6B", "llama", "other"}, root_code->hash()});

  ASSERT_OK_AND_ASSIGN(node::RegistrySnapshot s, registry.Load());
  EXPECT_EQ(s.version, 8u);  // 7 entries added, then the owner changed
  EXPECT_EQ(s.proxy_images.size(), 2u);
  EXPECT_EQ(s.worker_images.size(), 1u);
  EXPECT_EQ(s.models, (std::set<std::string>{"Qwen/Qwen3-0.6B", "llama"}));
  EXPECT_EQ(s.proxy_addresses, (std::vector<std::string>{"127.0.0.1:8443", "p2.local:9443"}));
  EXPECT_EQ(s.prices.price_per_token, 1000u);  // localnet defaults
  EXPECT_EQ(s.stakes.min_proxy_stake, 10 * kTon);
  EXPECT_EQ(s.root_address, root_.ToRaw());
  ASSERT_OK_AND_ASSIGN(uint64_t version, registry.LoadVersion());
  EXPECT_EQ(version, 8u);
  ASSERT_OK_AND_ASSIGN(RootData rd, GetRootData(*api_, root_));
  EXPECT_EQ(rd.owner, wallet_.address());

  ManualClock clock(1000);
  node::RegistryWatcher watcher(registry, clock);
  auto first = watcher.Poll();
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status().ToString();

  // The owner removes an image, a model and a proxy and raises the price.
  Fund(20 * kTon);
  ASSERT_OK_AND_ASSIGN(Params params, GetParams(*api_, root_));
  params.price_per_token = 2000;
  crypto::Sha256Digest i1_hash{};
  std::fill(i1_hash.begin(), i1_hash.end(), 0x11);
  ASSERT_OK(Send({ToRoot(RemoveFromRootListBody(RootList::kProxyImages, i1_hash, 1)),
                  ToRoot(RemoveFromRootListBody(RootList::kModels, H("llama"), 2)),
                  ToRoot(UnregisterProxyBody(1, 3)), ToRoot(SetParamsBody(params, 4))}));

  clock.Advance(10);  // not due yet
  auto r = watcher.Poll();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  clock.Advance(30);
  r = watcher.Poll();
  ASSERT_TRUE(r.ok() && r->has_value()) << r.status().ToString();
  const node::RegistryChange& c = **r;
  EXPECT_EQ(c.old_version, 8u);
  EXPECT_EQ(c.new_version, 12u);
  EXPECT_EQ(c.removed_proxy_images, std::set<attest::ImageHash>{i1_hash});
  EXPECT_TRUE(c.removed_worker_images.empty());
  EXPECT_EQ(c.removed_models, std::set<std::string>{"llama"});
  EXPECT_EQ(c.removed_model_hashes, std::set<crypto::Sha256Digest>{H("llama")});
  EXPECT_EQ(c.removed_proxy_addresses, std::vector<std::string>{"p2.local:9443"});
  EXPECT_TRUE(c.prices_changed);
  EXPECT_EQ(watcher.current()->prices.price_per_token, 2000u);
  EXPECT_TRUE(watcher.current()->AllowsModel("Qwen/Qwen3-0.6B"));
  EXPECT_FALSE(watcher.current()->AllowsModel("llama"));

  clock.Advance(30);  // unchanged: no reload
  r = watcher.Poll();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());

  // The codes on chain are the compiled ones.
  ASSERT_OK_AND_ASSIGN(ContractCodes on_chain, FetchCodes(*api_, root_));
  ASSERT_OK_AND_ASSIGN(ContractCodes built,
                       LoadCompiledCodes(std::string(COCOON_CONTRACTS_DIR) + "/build"));
  EXPECT_EQ(on_chain.proxy->hash(), built.proxy->hash());
  EXPECT_EQ(on_chain.client->hash(), built.client->hash());
  EXPECT_EQ(on_chain.worker->hash(), built.worker->hash());
}

SignedPayload Sign(const crypto::Ed25519PrivateKey& key, uint32_t payload_op, uint64_t total,
                   const Address& target) {
  CellBuilder b;
  b.StoreUint(payload_op, 32).StoreUint(7, 64).StoreUint(total, 64).StoreAddress(target);
  SignedPayload sp;
  sp.payload = *b.Finalize();
  sp.signature = key.Sign(sp.payload->hash());
  return sp;
}

TEST_F(LocalnetTest, BindingsDeployAndDriveProxyClientAndWorker) {
  StartChain("");
  if (IsSkipped()) return;
  Fund(100 * kTon);
  ASSERT_OK_AND_ASSIGN(ContractCodes codes, FetchCodes(*api_, root_));
  ASSERT_OK_AND_ASSIGN(Params params, GetParams(*api_, root_));
  const auto proxy_key = *crypto::Ed25519PrivateKey::FromSeed(H("chain-localnet-proxy"));
  const ProxyConfig cfg{wallet_.address(), proxy_key.public_key(), root_, params, codes};
  ASSERT_OK_AND_ASSIGN(ContractInit proxy, ProxyContract(codes.proxy, cfg));
  ASSERT_OK_AND_ASSIGN(Address from_root,
                       GetProxyAddress(*api_, root_, wallet_.address(), proxy_key.public_key()));
  EXPECT_EQ(from_root, proxy.address);

  // Proxy: deployed by its first add_stake.
  ASSERT_OK(Send({ToContract(proxy, true, params.min_proxy_stake + kTon / 5,
                             *AddStakeBody(params.min_proxy_stake, 1))}));
  ASSERT_OK_AND_ASSIGN(bool ready, IsProxyReady(*api_, proxy.address));
  EXPECT_TRUE(ready);
  ASSERT_OK_AND_ASSIGN(ProxyData pd, GetProxyData(*api_, proxy.address));
  EXPECT_EQ(pd.stake, params.min_proxy_stake);
  EXPECT_EQ(pd.state, ContractState::kActive);
  ASSERT_OK_AND_ASSIGN(ProxyConfigView pc, GetProxyConfig(*api_, proxy.address));
  EXPECT_EQ(pc.owner, wallet_.address());
  EXPECT_EQ(pc.proxy_key, proxy_key.public_key());
  EXPECT_EQ(pc.root, root_);
  ASSERT_OK_AND_ASSIGN(Params proxy_params, GetParams(*api_, proxy.address));
  EXPECT_EQ(proxy_params, params);

  // Client: deployed by its owner's increase_stake, then a secret hash and a top-up.
  ASSERT_OK_AND_ASSIGN(ContractInit client, ClientOfProxy(cfg, proxy.address, wallet_.address()));
  ASSERT_OK_AND_ASSIGN(Address client_from_proxy,
                       GetClientAddress(*api_, proxy.address, wallet_.address()));
  EXPECT_EQ(client_from_proxy, client.address);
  ASSERT_OK(Send({ToContract(client, true, params.min_client_stake + kTon / 5,
                             *IncreaseStakeBody(params.min_client_stake, 2)),
                  ToContract(client, false, kTon / 10, *SetSecretHashBody(H("secret"), 3))}));
  // A top-up needs the stake acknowledged by the proxy first: a message of its own.
  ASSERT_OK(Send({ToContract(client, false, kTon + kTon / 5, *TopUpBody(kTon, 4))}));
  ASSERT_OK_AND_ASSIGN(ClientData cd, GetClientData(*api_, client.address));
  EXPECT_EQ(cd.stake, params.min_client_stake);
  EXPECT_EQ(cd.balance, params.min_client_stake + kTon);
  EXPECT_EQ(cd.pending_deposit, 0u);
  EXPECT_EQ(cd.secret_hash, H("secret"));
  ASSERT_OK_AND_ASSIGN(ChildConfigView cc, GetClientConfig(*api_, client.address));
  EXPECT_EQ(cc.proxy, proxy.address);
  EXPECT_EQ(cc.owner, wallet_.address());

  // Worker: deployed by a payout voucher; a charge voucher for the client; an anchor.
  ASSERT_OK_AND_ASSIGN(ContractInit worker, WorkerOfProxy(cfg, proxy.address, wallet_.address()));
  ASSERT_OK_AND_ASSIGN(Address worker_from_proxy,
                       GetWorkerAddress(*api_, proxy.address, wallet_.address()));
  EXPECT_EQ(worker_from_proxy, worker.address);
  const SignedPayload payout = Sign(proxy_key, op::kPayloadWorkerPayout, 1000, worker.address);
  const SignedPayload charge = Sign(proxy_key, op::kPayloadCharge, 1500, client.address);
  ASSERT_OK(
      CheckSignedPayload(payout, op::kPayloadWorkerPayout, worker.address, proxy_key.public_key()));
  CellBuilder ab;
  ab.StoreUint(op::kPayloadAnchor, 32)
      .StoreUint(1, 64)
      .StoreUint(5, 64)
      .StoreBytes(H("s"))
      .StoreAddress(proxy.address);
  SignedPayload anchor{{}, *ab.Finalize()};
  anchor.signature = proxy_key.Sign(anchor.payload->hash());
  ASSERT_OK(Send({ToContract(worker, true, kTon / 5, *PayoutBody(payout, 5)),
                  ToContract(client, false, kTon / 5, *ChargeBody(charge, 6)),
                  ToContract(proxy, false, kTon / 10, *AnchorBody(anchor, 7))}));
  ASSERT_OK_AND_ASSIGN(WorkerData wd, GetWorkerData(*api_, worker.address));
  EXPECT_EQ(wd.tokens_paid, 1000u);
  ASSERT_OK_AND_ASSIGN(ChildConfigView wc, GetWorkerConfig(*api_, worker.address));
  EXPECT_EQ(wc.owner, wallet_.address());
  ASSERT_OK_AND_ASSIGN(cd, GetClientData(*api_, client.address));
  EXPECT_EQ(cd.tokens_charged, 1500u);
  EXPECT_EQ(cd.balance, params.min_client_stake + kTon - 1500 * params.price_per_token);
  ASSERT_OK_AND_ASSIGN(Anchor a, GetAnchor(*api_, proxy.address));
  EXPECT_EQ(a.seqno, 5u);
  EXPECT_EQ(a.session_hash, H("s"));

  // A contract that is not there: a clear kNotFound.
  Address nowhere = root_;
  nowhere.hash[0] ^= 1;
  Result<ProxyData> missing = GetProxyData(*api_, nowhere);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound) << missing.status().ToString();
}

}  // namespace
}  // namespace cocoon::ton::contracts
