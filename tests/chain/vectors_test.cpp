// The contract bindings against vectors made by tests/chain/vectors/generate.js
// from contracts/lib/layouts.js, @ton/core and the compiled contracts in
// @ton/sandbox: cells compared byte for byte (BoC) and addresses compared
// with what the contracts themselves compute.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/chain_registry.h"
#include "ton/boc.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/messages.h"
#include "ton/contracts/root_state.h"
#include "ton/contracts/storage.h"
#include "util/file.h"

#ifndef COCOON_CHAIN_VECTORS
#error "COCOON_CHAIN_VECTORS must name the generated vector file"
#endif

namespace cocoon::ton::contracts {
namespace {

using nlohmann::json;

class ChainVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> text = ReadFile(COCOON_CHAIN_VECTORS, 64 << 20);
    ASSERT_TRUE(text.ok()) << "vector file " << COCOON_CHAIN_VECTORS
                           << " is missing; the CTest fixture chain_vectors_generate makes it "
                              "(node tests/chain/vectors/generate.js contracts FILE)";
    v_ = json::parse(*text);
    if (v_.contains("skipped")) GTEST_SKIP() << v_["skipped"].get<std::string>();
    for (const char* n : {"root", "proxy", "client", "worker"})
      codes_[n] = Cell(v_["codes"][n]["boc"]);
    all_codes_ = ContractCodes{codes_["proxy"], codes_["client"], codes_["worker"]};
  }

  static CellRef Cell(const json& hex) {
    Result<Bytes> b = HexDecode(hex.get<std::string>());
    EXPECT_TRUE(b.ok());
    Result<CellRef> c = DeserializeBocSingleRoot(*b);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : ton::Cell::Empty();
  }
  static std::string Boc(const CellRef& c) {
    Result<Bytes> b = SerializeBoc(c, {.with_index = false, .with_crc32c = false});
    return b.ok() ? HexEncode(*b) : "error: " + b.status().ToString();
  }
  static Address Addr(const json& raw) {
    Result<Address> a = ParseRawAddress(raw.get<std::string>());
    EXPECT_TRUE(a.ok()) << raw;
    return a.ok() ? *a : Address{};
  }
  static Params ParamsOf(const json& f) {
    auto coins = [&](const char* k) { return *ParseUint128(f[k].get<std::string>()); };
    auto u32 = [&](const char* k) {
      return static_cast<uint32_t>(std::stoul(f[k].get<std::string>()));
    };
    return Params{coins("pricePerToken"), coins("workerFeePerToken"), u32("promptMult"),
                  u32("cachedMult"),      u32("completionMult"),      u32("reasoningMult"),
                  u32("proxyCloseDelay"), u32("clientCloseDelay"),    coins("minProxyStake"),
                  coins("minClientStake")};
  }
  static Hash256 H(const json& hex) {
    Hash256 h{};
    Result<Bytes> b = HexDecode(hex.get<std::string>());
    if (b.ok() && b->size() == 32) std::copy(b->begin(), b->end(), h.begin());
    return h;
  }
  static crypto::Ed25519PublicKey Key(const json& hex) { return crypto::Ed25519PublicKey(H(hex)); }
  GetMethodResult Get(const char* name) {
    const json& g = v_["sandbox"]["get"][name];
    GetMethodResult r;
    r.exit_code = g["exit_code"].get<int>();
    Result<std::vector<StackEntry>> s = DecodeStackResponse(g["stack"]);
    EXPECT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    if (s.ok()) r.stack = *s;
    return r;
  }
  Params P0() { return ParamsOf(v_["params"][0]["fields"]); }

  json v_;
  std::map<std::string, CellRef> codes_;
  ContractCodes all_codes_;
};

TEST_F(ChainVectorsTest, CompiledCodesMatchTheBuildFolder) {
  for (const char* n : {"root", "proxy", "client", "worker"})
    EXPECT_EQ(HexEncode(codes_[n]->hash()), v_["codes"][n]["hash"].get<std::string>()) << n;
}

TEST_F(ChainVectorsTest, ParamsCellsAndTheirParsing) {
  for (const json& p : v_["params"]) {
    const Params params = ParamsOf(p["fields"]);
    Result<CellRef> cell = ParamsCell(params);
    ASSERT_TRUE(cell.ok());
    EXPECT_EQ(Boc(*cell), p["boc"].get<std::string>());
    Result<Params> back = ParseParamsCell(Cell(p["boc"]));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, params);
  }
  EXPECT_TRUE(ValidateParams(P0()).ok());
  EXPECT_FALSE(ValidateParams(ParamsOf(v_["params"][1]["fields"])).ok());
}

TEST_F(ChainVectorsTest, InitialStorageAndAddresses) {
  const json& s = v_["storage"];
  const Address owner = Addr(s["owner"]);
  Result<ContractInit> root = RootContract(codes_["root"], owner, P0(), all_codes_);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Boc(root->init.data), s["root_with_codes"]["data"].get<std::string>());
  EXPECT_EQ(root->address.ToRaw(), s["root_with_codes"]["address"].get<std::string>());
  Result<ContractInit> bare = RootContract(codes_["root"], owner, P0(), ContractCodes{});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(Boc(bare->init.data), s["root_without_codes"]["data"].get<std::string>());
  EXPECT_EQ(bare->address.ToRaw(), s["root_without_codes"]["address"].get<std::string>());

  const ProxyConfig pc{owner, Key(s["proxy_key"]), Addr(s["root"]), P0(), all_codes_};
  Result<ContractInit> proxy = ProxyContract(codes_["proxy"], pc);
  ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
  EXPECT_EQ(Boc(proxy->init.data), s["proxy"]["data"].get<std::string>());
  EXPECT_EQ(proxy->address.ToRaw(), s["proxy"]["address"].get<std::string>());

  const Address child_owner = Addr(s["child_owner"]);
  Result<ContractInit> client = ClientOfProxy(pc, proxy->address, child_owner);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(Boc(client->init.data), s["client"]["data"].get<std::string>());
  EXPECT_EQ(client->address.ToRaw(), s["client"]["address"].get<std::string>());
  Result<ContractInit> worker = WorkerOfProxy(pc, proxy->address, child_owner);
  ASSERT_TRUE(worker.ok());
  EXPECT_EQ(Boc(worker->init.data), s["worker"]["data"].get<std::string>());
  EXPECT_EQ(worker->address.ToRaw(), s["worker"]["address"].get<std::string>());
}

TEST_F(ChainVectorsTest, EveryMessageBody) {
  const crypto::Ed25519PrivateKey key =
      *crypto::Ed25519PrivateKey::FromSeed(crypto::Sha256(AsBytes("chain-vectors-proxy")));
  std::set<std::string> seen;
  for (const json& b : v_["bodies"]) {
    const std::string name = b["name"];
    const json& a = b["args"];
    seen.insert(name);
    const uint64_t q = std::stoull(a["query_id"].get<std::string>());
    auto amount = [&] { return *ParseUint128(a["amount"].get<std::string>()); };
    auto signed_payload = [&] {
      SignedPayload sp;
      sp.payload = Cell(a["payload"]);
      Result<Bytes> sig = HexDecode(a["signature"].get<std::string>());
      std::copy(sig->begin(), sig->end(), sp.signature.begin());
      // Ed25519 is deterministic: the same key signs the same hash alike.
      EXPECT_EQ(key.Sign(sp.payload->hash()), sp.signature) << name;
      return sp;
    };
    Result<CellRef> got = InvalidArgument("no builder for " + name);
    const std::map<std::string, std::pair<RootList, bool>> lists = {
        {"add_proxy_image", {RootList::kProxyImages, true}},
        {"remove_proxy_image", {RootList::kProxyImages, false}},
        {"add_worker_image", {RootList::kWorkerImages, true}},
        {"remove_worker_image", {RootList::kWorkerImages, false}},
        {"add_model", {RootList::kModels, true}},
        {"remove_model", {RootList::kModels, false}}};
    if (auto it = lists.find(name); it != lists.end()) {
      got = it->second.second ? AddToRootListBody(it->second.first, H(a["hash"]), q)
                              : RemoveFromRootListBody(it->second.first, H(a["hash"]), q);
    } else if (name == "register_proxy") {
      got = RegisterProxyBody(a["endpoint"].get<std::string>(), q);
    } else if (name == "update_proxy") {
      got = UpdateProxyBody(a["seqno"].get<uint32_t>(), a["endpoint"].get<std::string>(), q);
    } else if (name == "unregister_proxy") {
      got = UnregisterProxyBody(a["seqno"].get<uint32_t>(), q);
    } else if (name == "set_params") {
      got = SetParamsBody(ParamsOf(v_["params"][a["params"].get<int>()]["fields"]), q);
    } else if (name == "set_codes") {
      got = SetCodesBody(all_codes_, q);
    } else if (name == "change_owner") {
      got = ChangeOwnerBody(Addr(a["owner"]), q);
    } else if (name == "add_stake") {
      got = AddStakeBody(amount(), q);
    } else if (name == "withdraw_commission") {
      got = WithdrawCommissionBody(amount(), q);
    } else if (name == "start_close") {
      got = StartCloseBody(q);
    } else if (name == "top_up") {
      got = TopUpBody(amount(), q);
    } else if (name == "increase_stake") {
      got = IncreaseStakeBody(amount(), q);
    } else if (name == "set_secret_hash") {
      got = SetSecretHashBody(H(a["hash"]), q);
    } else if (name == "withdraw") {
      got = WithdrawBody(amount(), q);
    } else if (name == "request_refund") {
      got = RequestRefundBody(q);
    } else if (name == "force_refund") {
      got = ForceRefundBody(q);
    } else {
      const SignedPayload sp = signed_payload();
      const std::map<std::string,
                     std::pair<Result<CellRef> (*)(const SignedPayload&, uint64_t), uint32_t>>
          signed_ops = {{"charge", {ChargeBody, op::kPayloadCharge}},
                        {"final_refund", {FinalRefundBody, op::kPayloadFinalRefund}},
                        {"payout", {PayoutBody, op::kPayloadWorkerPayout}},
                        {"last_payout", {LastPayoutBody, op::kPayloadWorkerLastPayout}},
                        {"complete_close", {CompleteCloseBody, op::kPayloadProxyClose}},
                        {"anchor", {AnchorBody, op::kPayloadAnchor}}};
      auto it = signed_ops.find(name);
      if (it != signed_ops.end()) {
        got = it->second.first(sp, q);
        EXPECT_TRUE(
            CheckSignedPayload(sp, it->second.second, Addr(a["target"]), key.public_key()).ok())
            << name;
      }
    }
    ASSERT_TRUE(got.ok()) << name << ": " << got.status().ToString();
    EXPECT_EQ(Boc(*got), b["boc"].get<std::string>()) << name;
  }
  EXPECT_EQ(seen.size(), 27u);
}

TEST_F(ChainVectorsTest, RootStorageAfterRealMessages) {
  const json& r = v_["sandbox"]["root"];
  Result<RootState> st = ParseRootState(Cell(r["data"]));
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->owner.ToRaw(), r["owner"].get<std::string>());
  EXPECT_EQ(st->version, 11u);
  EXPECT_EQ(st->next_proxy_seqno, r["next_proxy_seqno"].get<uint32_t>());
  auto set = [](const json& list) {
    std::set<Hash256> out;
    for (const json& h : list) out.insert(H(h));
    return out;
  };
  EXPECT_EQ(st->proxy_images, set(r["proxy_images"]));
  EXPECT_EQ(st->worker_images, set(r["worker_images"]));
  EXPECT_EQ(st->models, set(r["models"]));
  std::map<uint32_t, std::string> proxies;
  for (auto& [k, e] : r["proxies"].items()) proxies[std::stoul(k)] = e.get<std::string>();
  EXPECT_EQ(st->proxies, proxies);
  EXPECT_EQ(st->params, P0());
  EXPECT_EQ(st->codes.proxy->hash(), codes_["proxy"]->hash());
  EXPECT_EQ(st->codes.worker->hash(), codes_["worker"]->hash());

  Result<node::RegistrySnapshot> snap =
      node::SnapshotOfRootState(*st, Addr(r["address"]), {"Qwen/Qwen3-0.6B", "llama", "unknown"});
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->version, 11u);
  EXPECT_EQ(snap->models, std::set<std::string>{"Qwen/Qwen3-0.6B"});
  EXPECT_TRUE(snap->AllowsModel("Qwen/Qwen3-0.6B"));
  EXPECT_FALSE(snap->AllowsModel("llama"));
  EXPECT_EQ(snap->proxy_addresses.size(), 2u);
  EXPECT_EQ(snap->proxy_addresses[0], "proxy-1.local:8443");
  EXPECT_EQ(snap->prices.price_per_token, 1000u);
  EXPECT_EQ(snap->prices.cached_multiplier, 1000u);
  EXPECT_EQ(snap->stakes.min_proxy_stake, 10'000'000'000u);
  EXPECT_EQ(snap->stakes.client_close_delay_s, 600u);
}

TEST_F(ChainVectorsTest, RootGetMethods) {
  const json& r = v_["sandbox"]["root"];
  Result<RootData> d = DecodeRootData(Get("root_get_root_data"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->owner.ToRaw(), r["owner"].get<std::string>());
  EXPECT_EQ(d->version, 11u);
  EXPECT_EQ(d->next_proxy_seqno, 3u);
  EXPECT_EQ(*DecodeVersion(Get("root_get_version")), 11u);
  EXPECT_EQ(*DecodeParams(Get("root_get_params")), P0());
  Result<ContractCodes> codes = DecodeCodes(Get("root_get_codes"));
  ASSERT_TRUE(codes.ok());
  EXPECT_EQ(codes->client->hash(), codes_["client"]->hash());
  Result<std::optional<std::string>> ep = DecodeProxyEndpoint(Get("root_get_proxy_endpoint_1"));
  ASSERT_TRUE(ep.ok() && ep->has_value()) << ep.status().ToString();
  EXPECT_EQ(**ep, r["proxies"]["1"].get<std::string>());
  ep = DecodeProxyEndpoint(Get("root_get_proxy_endpoint_2"));  // unregistered
  ASSERT_TRUE(ep.ok());
  EXPECT_FALSE(ep->has_value());
  EXPECT_TRUE(*DecodeBool(Get("root_is_model_allowed"), "is_model_allowed"));
}

TEST_F(ChainVectorsTest, AddressesAsTheContractsComputeThem) {
  const json& sb = v_["sandbox"];
  const Address root = Addr(sb["root"]["address"]);
  const ProxyConfig pc{Addr(sb["proxy"]["owner"]), Key(v_["storage"]["proxy_key"]), root, P0(),
                       all_codes_};
  Result<ContractInit> proxy = ProxyContract(codes_["proxy"], pc);
  ASSERT_TRUE(proxy.ok());
  EXPECT_EQ(proxy->address.ToRaw(), sb["proxy"]["address"].get<std::string>());
  EXPECT_EQ(DecodeAddress(Get("root_get_proxy_address"), "get_proxy_address")->ToRaw(),
            proxy->address.ToRaw());

  const Address child_owner = Addr(sb["proxy"]["child_owner"]);
  EXPECT_EQ(DecodeAddress(Get("proxy_get_client_address"), "get_client_address")->ToRaw(),
            ClientOfProxy(pc, proxy->address, child_owner)->address.ToRaw());
  EXPECT_EQ(DecodeAddress(Get("proxy_get_worker_address"), "get_worker_address")->ToRaw(),
            WorkerOfProxy(pc, proxy->address, child_owner)->address.ToRaw());
  EXPECT_EQ(WorkerOfProxy(pc, proxy->address, child_owner)->address.ToRaw(),
            sb["worker"]["address"].get<std::string>());
  const Address client_owner = Addr(sb["client"]["owner"]);
  EXPECT_EQ(ClientOfProxy(pc, proxy->address, client_owner)->address.ToRaw(),
            sb["client"]["address"].get<std::string>());
  EXPECT_EQ(DecodeAddress(Get("proxy_get_client_address_2"), "get_client_address")->ToRaw(),
            sb["client"]["address"].get<std::string>());
}

TEST_F(ChainVectorsTest, ProxyClientWorkerGetMethods) {
  const json& sb = v_["sandbox"];
  const Params p = P0();
  Result<ProxyData> pd = DecodeProxyData(Get("proxy_get_proxy_data"));
  ASSERT_TRUE(pd.ok()) << pd.status().ToString();
  EXPECT_EQ(pd->state, ContractState::kActive);
  EXPECT_EQ(pd->stake, p.min_proxy_stake);  // read before any client or worker came
  EXPECT_EQ(pd->client_funds, 0u);
  Result<ProxyConfigView> pc = DecodeProxyConfig(Get("proxy_get_proxy_config"));
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(pc->owner.ToRaw(), sb["proxy"]["owner"].get<std::string>());
  EXPECT_EQ(pc->proxy_key, Key(v_["storage"]["proxy_key"]));
  EXPECT_EQ(pc->root.ToRaw(), sb["root"]["address"].get<std::string>());
  Result<Anchor> anchor = DecodeAnchor(Get("proxy_get_anchor"));
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(anchor->seqno, 0u);
  EXPECT_TRUE(*DecodeBool(Get("proxy_is_ready"), "is_ready"));

  Result<ClientData> cd = DecodeClientData(Get("client_get_client_data"));
  ASSERT_TRUE(cd.ok()) << cd.status().ToString();
  EXPECT_EQ(cd->stake, p.min_client_stake);
  EXPECT_EQ(cd->balance, p.min_client_stake);
  EXPECT_EQ(cd->pending_deposit, 0u);
  Result<ChildConfigView> cc =
      DecodeChildConfig(Get("client_get_client_config"), "get_client_config");
  ASSERT_TRUE(cc.ok());
  EXPECT_EQ(cc->proxy.ToRaw(), sb["proxy"]["address"].get<std::string>());
  EXPECT_EQ(cc->owner.ToRaw(), sb["client"]["owner"].get<std::string>());

  Result<WorkerData> wd = DecodeWorkerData(Get("worker_get_worker_data"));
  ASSERT_TRUE(wd.ok()) << wd.status().ToString();
  EXPECT_EQ(wd->tokens_paid, 100u);
  EXPECT_TRUE(DecodeChildConfig(Get("worker_get_worker_config"), "get_worker_config").ok());
}

}  // namespace
}  // namespace cocoon::ton::contracts
