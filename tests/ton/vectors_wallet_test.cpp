// StateInit, messages and wallets against @ton/core / @ton/ton vectors.
#include <gtest/gtest.h>

#include "crypto/ed25519.h"
#include "ton/boc.h"
#include "ton/message.h"
#include "ton/state_init.h"
#include "ton/vector_file.h"
#include "ton/wallet.h"
#include "ton/wallet_code.h"

namespace cocoon::ton {
namespace {

using nlohmann::json;
using testing::HashHex;
using testing::Hex;

class WalletVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    v_ = &testing::Vectors(&error);
    ASSERT_TRUE(error.empty()) << error;
    const json& si = v()["state_inits"][0];
    init_.code = *DeserializeBocSingleRoot(Hex(si["code"]));
    init_.data = *DeserializeBocSingleRoot(Hex(si["data"]));
    for (const json& m : v()["messages"]) {
      if (m["name"] == "no_bounce_small_body")
        small_body_ = *DeserializeBocSingleRoot(Hex(m["body"]));
      if (m["name"] == "big_body_ref") big_body_ = *DeserializeBocSingleRoot(Hex(m["body"]));
    }
    ASSERT_TRUE(small_body_ && big_body_);
  }
  const json& v() const { return *v_; }

  const json* v_ = nullptr;
  StateInit init_;
  CellRef small_body_;
  CellRef big_body_;
};

void ExpectBocs(const CellRef& cell, const json& want, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(HashHex(cell), want["hash"].get<std::string>());
  EXPECT_EQ(HexEncode(*SerializeBoc(cell, {false, true})), want["boc_crc"].get<std::string>());
  EXPECT_EQ(HexEncode(*SerializeBoc(cell, {true, false})), want["boc_idx"].get<std::string>());
}

TEST_F(WalletVectorTest, StateInitAndContractAddress) {
  const json& si = v()["state_inits"][0];
  Result<CellRef> cell = init_.ToCell();
  ASSERT_TRUE(cell.ok());
  ExpectBocs(*cell, si["cell"], "state_init");
  EXPECT_EQ(ContractAddress(0, init_)->ToRaw(), si["address0"].get<std::string>());
  EXPECT_EQ(ContractAddress(-1, init_)->ToRaw(), si["address_m1"].get<std::string>());

  CellSlice s(*cell);
  Result<StateInit> back = StateInit::Load(s);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HashHex(back->code), HashHex(init_.code));
  EXPECT_EQ(HashHex(back->data), HashHex(init_.data));
  EXPECT_EQ(back->libraries, nullptr);
}

TEST_F(WalletVectorTest, InternalAndExternalMessages) {
  ASSERT_GE(v()["messages"].size(), 10u);
  for (const json& m : v()["messages"]) {
    const std::string name = m["name"];
    CellRef body = *DeserializeBocSingleRoot(Hex(m["body"]));
    if (body->bits().empty() && body->refs().empty())
      body = nullptr;  // the empty body, as by default
    Result<CellRef> cell = Internal("not built");
    if (m["kind"] == "internal") {
      InternalMessage msg;
      msg.destination = *ParseRawAddress(m["to"].get<std::string>());
      msg.value = *ParseUint128(m["value"].get<std::string>());
      msg.bounce = m["bounce"];
      if (m["init"].get<bool>()) msg.init = init_;
      msg.body = body;
      msg.force_refs = m.value("force_refs", false);
      cell = BuildInternalMessage(msg);
    } else {
      ExternalMessage msg;
      msg.destination = *ParseRawAddress(m["to"].get<std::string>());
      if (m["init"].get<bool>()) msg.init = init_;
      msg.body = body;
      msg.force_refs = m.value("force_refs", false);
      cell = BuildExternalMessage(msg);
    }
    ASSERT_TRUE(cell.ok()) << name << ": " << cell.status().ToString();
    ExpectBocs(*cell, m, name);
  }
}

TEST_F(WalletVectorTest, WalletCodeHashesMatchTonTon) {
  EXPECT_EQ(HashHex(WalletV4R2Code()), v()["wallet_code"]["v4r2"]["hash"].get<std::string>());
  EXPECT_EQ(HashHex(WalletV5R1Code()), v()["wallet_code"]["v5r1"]["hash"].get<std::string>());
  // The well-known hashes of the standard contracts.
  EXPECT_EQ(HashHex(WalletV4R2Code()),
            "feb5ff6820e2ff0d9483e7e0d62c817d846789fb4ae580c878866d959dabd5c0");
  EXPECT_EQ(HashHex(WalletV5R1Code()),
            "20834b7b72b112147e1b2fb457b84e74d1a30f04f737d4f62a668e9552d2b72f");
}

TEST_F(WalletVectorTest, AddressesAndSignedTransfers) {
  ASSERT_GE(v()["wallets"].size(), 12u);
  size_t transfers = 0;
  for (const json& w : v()["wallets"]) {
    const std::string label = w["version"].get<std::string>() + " seed " +
                              w["seed"].get<std::string>() +
                              (w["testnet"].get<bool>() ? " testnet" : " mainnet") + " wc " +
                              std::to_string(w["workchain"].get<int>());
    SCOPED_TRACE(label);
    Result<crypto::Ed25519PrivateKey> key = crypto::Ed25519PrivateKey::FromSeed(Hex(w["seed"]));
    ASSERT_TRUE(key.ok());
    ASSERT_EQ(key->public_key().Hex(), w["public_key"].get<std::string>());
    Wallet::Options options;
    options.workchain = static_cast<int8_t>(w["workchain"].get<int>());
    options.testnet = w["testnet"];
    Result<Wallet> wallet = Wallet::Create(*ParseWalletVersion(w["version"].get<std::string>()),
                                           key->public_key(), options);
    ASSERT_TRUE(wallet.ok()) << wallet.status().ToString();
    EXPECT_EQ(wallet->address().ToRaw(), w["address"].get<std::string>());
    EXPECT_EQ(wallet->address().ToFriendly(false, w["testnet"].get<bool>()),
              w["friendly"].get<std::string>());
    EXPECT_EQ(HexEncode(*SerializeBoc(wallet->state_init().data)), w["data"].get<std::string>());

    for (const json& t : w["transfers"]) {
      WalletTransfer transfer;
      transfer.seqno = t["seqno"];
      transfer.valid_until = t["valid_until"];
      transfer.send_mode = t["send_mode"];
      for (const json& m : t["msgs"]) {
        InternalMessage msg;
        msg.destination = *ParseRawAddress(m["to"].get<std::string>());
        msg.value = *ParseUint128(m["value"].get<std::string>());
        msg.bounce = m["bounce"];
        if (m.value("init", false)) msg.init = init_;
        const std::string body = m["body"];
        if (body == "comment") msg.body = *CommentBody(m["comment"].get<std::string>());
        if (body == "small") msg.body = small_body_;
        if (body == "big") msg.body = big_body_;
        transfer.messages.push_back(msg);
      }
      Result<CellRef> body = wallet->SignedBody(transfer, *key);
      ASSERT_TRUE(body.ok()) << body.status().ToString();
      ExpectBocs(*body, t["body"], "body seqno " + std::to_string(transfer.seqno));
      Result<CellRef> ext =
          wallet->ExternalTransfer(transfer, *key, /*deploy=*/transfer.seqno == 0);
      ASSERT_TRUE(ext.ok()) << ext.status().ToString();
      ExpectBocs(*ext, t["external"], "external seqno " + std::to_string(transfer.seqno));
      ++transfers;
    }
  }
  EXPECT_GE(transfers, 36u);
}

TEST_F(WalletVectorTest, RejectsForeignKeyAndTooManyMessages) {
  auto key = *crypto::Ed25519PrivateKey::FromSeed(Bytes(32, 1));
  auto other = *crypto::Ed25519PrivateKey::FromSeed(Bytes(32, 2));
  Wallet w = *Wallet::Create(WalletVersion::kV4R2, key.public_key());
  WalletTransfer t;
  EXPECT_FALSE(w.SignedBody(t, other).ok());
  t.messages.resize(5);
  EXPECT_FALSE(w.SignedBody(t, key).ok());
}

}  // namespace
}  // namespace cocoon::ton
