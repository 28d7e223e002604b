// ChainRegistry over a scripted chain: the snapshot it builds from a root's
// storage, and clear errors for every kind of bad answer.
#include "node/chain_registry.h"

#include <gtest/gtest.h>

#include "chain/fake_transport.h"
#include "ton/cell_builder.h"
#include "ton/contracts/storage.h"
#include "ton/contracts/text.h"
#include "ton/dictionary.h"

namespace cocoon::node {
namespace {

namespace tc = ton::contracts;
using testing::FakeChain;

const ton::Address kRoot{0, {0xaa}};
const ton::Address kOwner{0, {0xbb}};

tc::Params GoodParams() {
  return tc::Params{1000, 800, 10000, 1000, 10000, 10000, 3600, 600, 10'000'000'000, 1'000'000'000};
}

crypto::Sha256Digest H(std::string_view s) { return crypto::Sha256(AsBytes(s)); }

// A root storage cell with the given lists, built like the contract stores them.
ton::CellRef RootData(uint32_t version, const std::vector<crypto::Sha256Digest>& proxy_images,
                      const std::vector<std::string>& models,
                      const std::map<uint32_t, std::string>& proxies,
                      const tc::Params& params = GoodParams()) {
  auto hash_set = [](const std::vector<crypto::Sha256Digest>& hashes, ton::CellBuilder& b) {
    ton::Dictionary d(256);
    for (const auto& h : hashes) {
      ton::CellBuilder v;
      v.StoreBit(true);
      EXPECT_TRUE(d.Set(ton::Dictionary::BytesKey(h), *v.Finalize()).ok());
    }
    EXPECT_TRUE(d.StoreHashmapE(b).ok());
  };
  ton::CellBuilder reg;
  hash_set(proxy_images, reg);
  hash_set({}, reg);
  std::vector<crypto::Sha256Digest> model_hashes;
  for (const auto& m : models) model_hashes.push_back(ModelHash(m));
  hash_set(model_hashes, reg);
  ton::Dictionary eps(32);
  uint32_t next = 0;
  for (const auto& [seqno, text] : proxies) {
    ton::CellBuilder v;
    v.StoreRef(*tc::SnakeTextCell(text));
    EXPECT_TRUE(eps.Set(ton::Dictionary::UintKey(seqno, 32), *v.Finalize()).ok());
    next = seqno + 1;
  }
  EXPECT_TRUE(eps.StoreHashmapE(reg).ok());
  ton::CellBuilder codes;
  codes.StoreRef(ton::Cell::Empty()).StoreRef(ton::Cell::Empty()).StoreRef(ton::Cell::Empty());
  ton::CellBuilder b;
  b.StoreAddress(kOwner)
      .StoreUint(version, 32)
      .StoreUint(next, 32)
      .StoreRef(*reg.Finalize())
      .StoreRef(*tc::ParamsCell(params))
      .StoreRef(*codes.Finalize());
  return *b.Finalize();
}

struct Fixture {
  std::shared_ptr<FakeChain> chain = std::make_shared<FakeChain>();
  ChainRegistry registry{testing::ClientOver(chain),
                         ChainRegistryOptions{kRoot, {"m1", "m2", "m3"}}};
};

// A one-entry stack in the API's JSON form.
nlohmann::json Stack(const std::string& kind, const nlohmann::json& value) {
  return nlohmann::json::array({nlohmann::json::array({kind, value})});
}

void ExpectError(const Status& st, ErrorCode code, const std::string& part) {
  EXPECT_EQ(st.code(), code) << st.ToString();
  EXPECT_NE(st.message().find(part), std::string::npos) << st.ToString();
}

TEST(ChainRegistryTest, SnapshotFromTheRootStorage) {
  Fixture f;
  f.chain->SetAccount(RootData(7, {H("img")}, {"m1", "m3"}, {{0, "a:1"}, {2, "b:2"}}));
  Result<RegistrySnapshot> s = f.registry.Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->version, 7u);
  EXPECT_EQ(s->proxy_images, std::set<attest::ImageHash>{H("img")});
  EXPECT_TRUE(s->worker_images.empty());
  EXPECT_EQ(s->models, (std::set<std::string>{"m1", "m3"}));
  EXPECT_EQ(s->model_hashes.size(), 2u);
  EXPECT_TRUE(s->AllowsModel("m3"));
  EXPECT_FALSE(s->AllowsModel("m2"));
  EXPECT_EQ(s->proxy_addresses, (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(s->prices.price_per_token, 1000u);
  EXPECT_EQ(s->prices.worker_fee_per_token, 800u);
  EXPECT_EQ(s->prices.cached_multiplier, 1000u);
  EXPECT_EQ(s->stakes.min_proxy_stake, 10'000'000'000u);
  EXPECT_EQ(s->stakes.proxy_close_delay_s, 3600u);
  EXPECT_EQ(s->root_address, kRoot.ToRaw());
  EXPECT_EQ(f.chain->calls("getAddressInformation"), 1);
}

TEST(ChainRegistryTest, VersionIsOneGetMethod) {
  Fixture f;
  f.chain->SetGetMethod("get_version", Stack("num", "0x2a"));
  Result<uint64_t> v = f.registry.LoadVersion();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 42u);
  EXPECT_EQ(f.chain->calls("getAddressInformation"), 0);
  f.chain->SetGetMethod(
      "get_version",
      Stack("cell", nlohmann::json{{"bytes", testing::BocBase64(ton::Cell::Empty())}}));
  ExpectError(f.registry.LoadVersion().status(), ErrorCode::kProtocol, "not a number");
  f.chain->SetGetMethod("get_version", Stack("num", "0x100000000"));
  ExpectError(f.registry.LoadVersion().status(), ErrorCode::kProtocol, "32 bits");
  f.chain->SetGetMethod("get_version", nlohmann::json::array(), -13);
  ExpectError(f.registry.LoadVersion().status(), ErrorCode::kNotFound, "not active");
  f.chain->SetGetMethod("get_version", Stack("weird", 1));
  EXPECT_FALSE(f.registry.LoadVersion().ok());
}

TEST(ChainRegistryTest, AnAccountThatIsNotARootIsRefused) {
  Fixture f;
  f.chain->SetAccount(nullptr, "uninitialized");
  ExpectError(f.registry.Load().status(), ErrorCode::kNotFound, "not active");
  f.chain->SetAccount(ton::Cell::Empty());
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "root storage owner");
  ton::CellBuilder b;
  b.StoreAddress(kOwner).StoreUint(1, 32).StoreUint(0, 32);  // references missing
  f.chain->SetAccount(*b.Finalize());
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "root's layout");

  Fixture g;
  g.registry = ChainRegistry(testing::ClientOver(g.chain),
                             ChainRegistryOptions{kRoot, {}, ton::CellHash{1}});
  g.chain->SetAccount(RootData(1, {}, {}, {}));
  ExpectError(g.registry.Load().status(), ErrorCode::kFailedPrecondition, "expected root code");
}

TEST(ChainRegistryTest, ValuesOutOfRangeAreRefused) {
  Fixture f;
  tc::Params p = GoodParams();
  p.price_per_token = static_cast<ton::Uint128>(1) << 100;
  f.chain->SetAccount(RootData(1, {}, {}, {}, p));
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "price_per_token");
  p = GoodParams();
  p.min_client_stake = static_cast<ton::Uint128>(1) << 70;
  f.chain->SetAccount(RootData(1, {}, {}, {}, p));
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "min_client_stake");
  p = GoodParams();
  p.prompt_mult = 0;
  f.chain->SetAccount(RootData(1, {}, {}, {}, p));
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "prompt_mult");
}

TEST(ChainRegistryTest, MalformedRegistryEntriesAreRefused) {
  Fixture f;
  f.chain->SetAccount(RootData(1, {}, {}, {{0, "\xff\xfe"}}));
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "UTF-8");
  // A hash-set entry whose value is not a Bool.
  ton::Dictionary d(256);
  ton::CellBuilder v;
  v.StoreUint(3, 8);
  ASSERT_TRUE(d.Set(ton::Dictionary::BytesKey(H("x")), *v.Finalize()).ok());
  ton::CellBuilder reg;
  ASSERT_TRUE(d.StoreHashmapE(reg).ok());
  reg.StoreBit(false).StoreBit(false).StoreBit(false);
  ton::CellBuilder codes;
  codes.StoreRef(ton::Cell::Empty()).StoreRef(ton::Cell::Empty()).StoreRef(ton::Cell::Empty());
  ton::CellBuilder b;
  b.StoreAddress(kOwner)
      .StoreUint(1, 32)
      .StoreUint(0, 32)
      .StoreRef(*reg.Finalize())
      .StoreRef(*tc::ParamsCell(GoodParams()))
      .StoreRef(*codes.Finalize());
  f.chain->SetAccount(*b.Finalize());
  ExpectError(f.registry.Load().status(), ErrorCode::kInvalidArgument, "not a Bool");
}

TEST(ChainRegistryTest, TooManyEntriesAreRefused) {
  auto chain = std::make_shared<FakeChain>();
  ChainRegistryOptions o{kRoot, {}};
  o.max_entries = 2;
  ChainRegistry r(testing::ClientOver(chain), o);
  chain->SetAccount(RootData(1, {H("a"), H("b"), H("c")}, {}, {}));
  EXPECT_EQ(r.Load().status().code(), ErrorCode::kResourceExhausted)
      << r.Load().status().ToString();
}

TEST(ChainRegistryTest, BadApiAnswersAreErrors) {
  Fixture f;
  f.chain->SetRaw("getAddressInformation", "{not json");
  EXPECT_FALSE(f.registry.Load().ok());
  f.chain->SetResult("getAddressInformation", {{"state", "active"}, {"data", "!!"}});
  EXPECT_FALSE(f.registry.Load().ok());
  f.chain->SetResult("getAddressInformation", nlohmann::json::array());
  EXPECT_FALSE(f.registry.Load().ok());
  Fixture g;  // nothing scripted: transport error
  ExpectError(g.registry.Load().status(), ErrorCode::kUnavailable, kRoot.ToRaw());
}

}  // namespace
}  // namespace cocoon::node
