// Cells, BoCs, dictionaries and addresses against @ton/core's vectors.
#include <gtest/gtest.h>

#include "ton/address.h"
#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"
#include "ton/dictionary.h"
#include "ton/vector_file.h"

namespace cocoon::ton {
namespace {

using nlohmann::json;
using testing::HashHex;
using testing::Hex;

class VectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    v_ = &testing::Vectors(&error);
    ASSERT_TRUE(error.empty()) << error;
  }
  const json& v() const { return *v_; }
  const json* v_ = nullptr;
};

// Checks a cell against a vector entry made by describe() in generate.js:
// hash, depth, and all four BoC forms byte for byte, and that each BoC
// parses back to the same hash.
void ExpectMatches(const CellRef& cell, const json& want, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(HashHex(cell), want["hash"].get<std::string>());
  EXPECT_EQ(cell->depth(), want["depth"].get<int>());
  const std::pair<const char*, BocWriteOptions> forms[] = {{"boc", {false, false}},
                                                           {"boc_crc", {false, true}},
                                                           {"boc_idx", {true, false}},
                                                           {"boc_idx_crc", {true, true}}};
  for (const auto& [key, options] : forms) {
    Result<Bytes> boc = SerializeBoc(cell, options);
    ASSERT_TRUE(boc.ok()) << boc.status().ToString();
    EXPECT_EQ(HexEncode(*boc), want[key].get<std::string>()) << key;
    Result<CellRef> back = DeserializeBocSingleRoot(Hex(want[key]));
    ASSERT_TRUE(back.ok()) << key << ": " << back.status().ToString();
    EXPECT_EQ(HashHex(*back), want["hash"].get<std::string>()) << key;
  }
}

Result<CellRef> BuildFromOps(const json& ops, const std::vector<CellRef>& earlier) {
  CellBuilder b;
  for (const json& op : ops) {
    const std::string kind = op["op"];
    if (kind == "bit") {
      b.StoreBit(op["v"].get<bool>());
    } else if (kind == "uint") {
      std::string hex = op["hex"];
      if (hex.size() % 2) hex = "0" + hex;
      COCOON_ASSIGN_OR_RETURN(Bytes value, HexDecode(hex));
      b.StoreBigUint(value, op["bits"].get<unsigned>());
    } else if (kind == "int") {
      b.StoreInt(std::stoll(op["dec"].get<std::string>()), op["bits"].get<unsigned>());
    } else if (kind == "coins") {
      COCOON_ASSIGN_OR_RETURN(Uint128 amount, ParseUint128(op["dec"].get<std::string>()));
      b.StoreCoins(amount);
    } else if (kind == "addr") {
      if (op["raw"].is_null()) {
        b.StoreAddress(std::nullopt);
      } else {
        COCOON_ASSIGN_OR_RETURN(Address a, ParseRawAddress(op["raw"].get<std::string>()));
        b.StoreAddress(a);
      }
    } else if (kind == "bytes") {
      b.StoreBytes(Hex(op["hex"]));
    } else if (kind == "bits") {
      b.StoreBits(BitString::FromBytes(Hex(op["hex"]), op["bits"].get<size_t>()));
    } else if (kind == "ref") {
      b.StoreRef(earlier.at(op["index"].get<size_t>()));
    } else if (kind == "maybe_ref") {
      b.StoreMaybeRef(op["index"].is_null() ? CellRef() : earlier.at(op["index"].get<size_t>()));
    } else {
      return InvalidArgument("unknown op " + kind);
    }
  }
  return b.Finalize();
}

TEST_F(VectorTest, CellsBuiltFromEveryPrimitiveMatch) {
  std::vector<CellRef> built;
  for (const json& c : v()["cells"]) {
    Result<CellRef> cell = BuildFromOps(c["ops"], built);
    ASSERT_TRUE(cell.ok()) << c["name"] << ": " << cell.status().ToString();
    ExpectMatches(*cell, c, c["name"]);
    built.push_back(*cell);
  }
  ASSERT_GE(built.size(), 10u);
}

TEST_F(VectorTest, SlicesReadBackEveryPrimitive) {
  std::vector<CellRef> built;
  for (const json& c : v()["cells"]) {
    Result<CellRef> cell = DeserializeBocSingleRoot(Hex(c["boc"]));
    ASSERT_TRUE(cell.ok());
    CellSlice s(*cell);
    for (const json& op : c["ops"]) {
      const std::string kind = op["op"];
      SCOPED_TRACE(c["name"].get<std::string>() + " " + op.dump());
      if (kind == "bit") {
        EXPECT_EQ(*s.LoadBit(), op["v"].get<bool>());
      } else if (kind == "uint") {
        const unsigned bits = op["bits"];
        std::string hex = op["hex"];
        if (hex.size() % 2) hex = "0" + hex;
        Result<BitString> got = s.LoadBits(bits);
        ASSERT_TRUE(got.ok());
        CellBuilder expected;
        expected.StoreBigUint(*HexDecode(hex), bits);
        EXPECT_EQ(*got, expected.data());
      } else if (kind == "int") {
        const unsigned bits = op["bits"];
        if (bits <= 64) {
          EXPECT_EQ(*s.LoadInt(bits), std::stoll(op["dec"].get<std::string>()));
        } else {
          ASSERT_TRUE(s.SkipBits(bits - 64).ok());
          EXPECT_EQ(*s.LoadInt(64), std::stoll(op["dec"].get<std::string>()));
        }
      } else if (kind == "coins") {
        Result<Uint128> got = s.LoadCoins();
        ASSERT_TRUE(got.ok());
        EXPECT_EQ(Uint128ToString(*got), op["dec"].get<std::string>());
      } else if (kind == "addr") {
        Result<std::optional<Address>> got = s.LoadAddress();
        ASSERT_TRUE(got.ok());
        if (op["raw"].is_null()) {
          EXPECT_FALSE(got->has_value());
        } else {
          ASSERT_TRUE(got->has_value());
          EXPECT_EQ((*got)->ToRaw(), op["raw"].get<std::string>());
        }
      } else if (kind == "bytes") {
        EXPECT_EQ(*s.LoadBytes(Hex(op["hex"]).size()), Hex(op["hex"]));
      } else if (kind == "bits") {
        EXPECT_EQ(*s.LoadBits(op["bits"]),
                  BitString::FromBytes(Hex(op["hex"]), op["bits"].get<size_t>()));
      } else if (kind == "ref") {
        EXPECT_EQ(HashHex(*s.LoadRef()), HashHex(built.at(op["index"])));
      } else if (kind == "maybe_ref") {
        Result<CellRef> got = s.LoadMaybeRef();
        ASSERT_TRUE(got.ok());
        if (op["index"].is_null()) {
          EXPECT_EQ(*got, nullptr);
        } else {
          EXPECT_EQ(HashHex(*got), HashHex(built.at(op["index"])));
        }
      }
    }
    EXPECT_TRUE(s.empty());
    built.push_back(*cell);
  }
}

TEST_F(VectorTest, DictionariesMatchAndReadBack) {
  ASSERT_FALSE(v()["dicts"].empty());
  std::vector<CellRef> op_cells;
  for (const json& c : v()["cells"]) op_cells.push_back(*DeserializeBocSingleRoot(Hex(c["boc"])));
  for (const json& d : v()["dicts"]) {
    SCOPED_TRACE(d["name"].get<std::string>());
    const unsigned key_bits = d["key_bits"];
    const bool cells = d["value"] == "cell";
    Dictionary dict(key_bits);
    for (const json& e : d["entries"]) {
      std::string key_hex = e[0];
      BitString key = BitString::FromBytes(*HexDecode(key_hex), key_bits);
      CellRef value;
      if (cells) {
        value = *CellBuilder().StoreRef(op_cells.at(e[1].get<size_t>())).Finalize();
      } else {
        value = *CellBuilder().StoreUint(e[1].get<uint64_t>(), 32).Finalize();
      }
      ASSERT_TRUE(dict.Set(key, value).ok());
    }
    Result<CellRef> root = dict.ToRootCell();
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    ExpectMatches(*root, d["root"], "root");
    CellBuilder wrapped;
    ASSERT_TRUE(dict.StoreHashmapE(wrapped).ok());
    ExpectMatches(*wrapped.Finalize(), d["hashmape"], "hashmape");

    // Read the reference cell back and compare every entry.
    CellRef ref_root = *DeserializeBocSingleRoot(Hex(d["hashmape"]["boc"]));
    CellSlice s(ref_root);
    Result<Dictionary> parsed = Dictionary::LoadHashmapE(s, key_bits);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), dict.size());
    for (const auto& [key, value] : dict.entries()) {
      CellRef got = parsed->Get(key);
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(HashHex(got), HashHex(value));
    }
  }
}

TEST_F(VectorTest, LargeAndExoticBocsRoundTripByteForByte) {
  ASSERT_GE(v()["bocs"].size(), 5u);
  for (const json& b : v()["bocs"]) {
    SCOPED_TRACE(b["name"].get<std::string>());
    Result<CellRef> cell = DeserializeBocSingleRoot(Hex(b["boc_idx_crc"]));
    ASSERT_TRUE(cell.ok()) << cell.status().ToString();
    ExpectMatches(*cell, b, b["name"]);
    if (b.value("exotic", false)) {
      EXPECT_TRUE((*cell)->exotic());
    }
    if (b["name"] == "merkle_proof") {
      EXPECT_EQ((*cell)->type(), CellType::kMerkleProof);
      EXPECT_EQ(HexEncode((*cell)->refs()[0]->hash(0)), b["inner_hash"].get<std::string>());
      // The proof prunes the branches it does not need.
      bool saw_pruned = false;
      std::vector<CellRef> stack = {*cell};
      while (!stack.empty()) {
        CellRef c = stack.back();
        stack.pop_back();
        if (c->type() == CellType::kPrunedBranch) saw_pruned = true;
        for (const CellRef& r : c->refs()) stack.push_back(r);
      }
      EXPECT_TRUE(saw_pruned);
    }
    if (b["name"] == "library") {
      EXPECT_EQ((*cell)->type(), CellType::kLibrary);
    }
  }
}

TEST_F(VectorTest, RandomCellsFromTonCoreRoundTrip) {
  for (const json& c : v()["random_cells"]) {
    Result<CellRef> cell = DeserializeBocSingleRoot(Hex(c["boc"]));
    ASSERT_TRUE(cell.ok());
    ExpectMatches(*cell, c, "random");
  }
}

TEST_F(VectorTest, AddressesInEveryForm) {
  ASSERT_GE(v()["addresses"].size(), 5u);
  for (const json& a : v()["addresses"]) {
    SCOPED_TRACE(a["raw"].get<std::string>());
    Result<Address> raw = ParseRawAddress(a["raw"].get<std::string>());
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->ToRaw(), a["raw"].get<std::string>());
    EXPECT_EQ(raw->workchain, a["workchain"].get<int>());
    for (const auto& [key, text_json] : a["forms"].items()) {
      const std::string text = text_json;
      const bool bounceable = key[0] == 'b';
      const bool testnet = key[1] == 't';
      const bool url = key[2] == 'u';
      EXPECT_EQ(raw->ToFriendly(bounceable, testnet, url), text) << key;
      Result<ParsedAddress> parsed = ParseAddress(text);
      ASSERT_TRUE(parsed.ok()) << text;
      EXPECT_EQ(parsed->address, *raw);
      EXPECT_TRUE(parsed->friendly);
      EXPECT_EQ(parsed->bounceable, bounceable);
      EXPECT_EQ(parsed->testnet, testnet);
    }
  }
}

}  // namespace
}  // namespace cocoon::ton
