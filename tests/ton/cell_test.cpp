// Cells, builder and slice: limits, errors and exotic cells.
#include <gtest/gtest.h>

#include "ton/boc.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"
#include "ton/dictionary.h"

namespace cocoon::ton {
namespace {

TEST(CellTest, EmptyCellHasTheKnownHash) {
  // The representation hash of the empty cell, as every TON library prints it.
  EXPECT_EQ(HexEncode(Cell::Empty()->hash()),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  EXPECT_EQ(Cell::Empty()->depth(), 0);
}

// Found by UBSan: wider than 64 bits, the zero padding shifted a uint64_t by
// up to 191 bits.
TEST(CellTest, WideUintIsZeroExtended) {
  auto wide = CellBuilder().StoreUint(0x0102030405060708ull, 256).Finalize();
  ASSERT_TRUE(wide.ok());
  Bytes expected(24, 0);
  for (uint8_t b = 1; b <= 8; ++b) expected.push_back(b);
  auto same = CellBuilder().StoreBytes(expected).Finalize();
  ASSERT_TRUE(same.ok());
  EXPECT_EQ((*wide)->hash(), (*same)->hash());
}

TEST(CellTest, BuilderRemembersTheFirstError) {
  CellBuilder b;
  b.StoreUint(256, 8).StoreUint(1, 1);
  EXPECT_FALSE(b.status().ok());
  EXPECT_EQ(b.bits(), 0u);
  EXPECT_FALSE(b.Finalize().ok());

  CellBuilder full;
  for (int i = 0; i < 1023; ++i) full.StoreBit(true);
  EXPECT_TRUE(full.status().ok());
  full.StoreBit(false);
  EXPECT_FALSE(full.Finalize().ok());

  CellBuilder refs;
  for (int i = 0; i < 5; ++i) refs.StoreRef(Cell::Empty());
  EXPECT_FALSE(refs.Finalize().ok());

  EXPECT_FALSE(CellBuilder().StoreInt(128, 8).Finalize().ok());
  EXPECT_FALSE(CellBuilder().StoreInt(-129, 8).Finalize().ok());
  EXPECT_TRUE(CellBuilder().StoreInt(-128, 8).Finalize().ok());
  EXPECT_FALSE(CellBuilder().StoreCoins(kMaxCoins + 1).Finalize().ok());
  EXPECT_FALSE(CellBuilder().StoreRef(nullptr).Finalize().ok());
}

TEST(CellTest, SliceFailsCleanlyOnUnderflow) {
  CellRef c = *CellBuilder().StoreUint(5, 3).Finalize();
  CellSlice s(c);
  EXPECT_FALSE(s.LoadUint(4).ok());
  EXPECT_EQ(s.remaining_bits(), 3u);  // a failed load consumes nothing
  EXPECT_FALSE(s.LoadRef().ok());
  EXPECT_FALSE(s.LoadCoins().ok());
  EXPECT_FALSE(s.LoadAddress().ok());
  EXPECT_EQ(*s.LoadUint(3), 5u);
  EXPECT_FALSE(s.LoadBit().ok());
  EXPECT_FALSE(s.LoadMaybeRef().ok());
}

TEST(CellTest, SignedAndWideIntegersRoundTrip) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{5}, INT64_MIN, INT64_MAX}) {
    CellRef c = *CellBuilder().StoreInt(v, 64).StoreInt(v < 0 ? -1 : 1, 2).Finalize();
    CellSlice s(c);
    EXPECT_EQ(*s.LoadInt(64), v);
    EXPECT_EQ(*s.LoadInt(2), v < 0 ? -1 : 1);
  }
  CellRef c = *CellBuilder().StoreCoins(kMaxCoins).StoreCoins(0).Finalize();
  CellSlice s(c);
  EXPECT_TRUE(*s.LoadCoins() == kMaxCoins);
  EXPECT_TRUE(*s.LoadCoins() == 0);
  EXPECT_EQ(Uint128ToString(kMaxCoins), "1329227995784915872903807060280344575");
  EXPECT_TRUE(*ParseUint128("1329227995784915872903807060280344575") == kMaxCoins);
  EXPECT_FALSE(ParseUint128("340282366920938463463374607431768211456").ok());
  EXPECT_FALSE(ParseUint128("12a").ok());
}

TEST(CellTest, ExoticCellsAreValidated) {
  // Library cell: type 2 and a 256-bit hash.
  CellBuilder lib;
  lib.StoreUint(2, 8).StoreBytes(Bytes(32, 0xaa));
  Result<CellRef> library = lib.Finalize(/*exotic=*/true);
  ASSERT_TRUE(library.ok());
  EXPECT_EQ((*library)->type(), CellType::kLibrary);
  EXPECT_EQ((*library)->level(), 0);

  // Pruned branch of level 1: type, mask, hash, depth.
  CellBuilder pruned;
  pruned.StoreUint(1, 8).StoreUint(1, 8).StoreBytes(Bytes(32, 0x11)).StoreUint(7, 16);
  Result<CellRef> p = pruned.Finalize(true);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->type(), CellType::kPrunedBranch);
  EXPECT_EQ((*p)->level_mask(), 1);
  EXPECT_EQ((*p)->hash(0), CellHash{[] {
              CellHash h;
              h.fill(0x11);
              return h;
            }()});
  EXPECT_EQ((*p)->depth(0), 7);
  // An ordinary parent inherits the level; its BoC round-trips.
  CellRef parent = *CellBuilder().StoreRef(*p).Finalize();
  EXPECT_EQ(parent->level_mask(), 1);
  EXPECT_EQ((*DeserializeBocSingleRoot(*SerializeBoc(parent)))->hash(), parent->hash());

  // Malformed exotic cells.
  EXPECT_FALSE(CellBuilder().StoreUint(2, 8).Finalize(true).ok());
  EXPECT_FALSE(CellBuilder().StoreUint(9, 8).Finalize(true).ok());
  EXPECT_FALSE(CellBuilder().Finalize(true).ok());
  EXPECT_FALSE(
      CellBuilder().StoreUint(1, 8).StoreUint(0, 8).StoreBytes(Bytes(34, 0)).Finalize(true).ok());
  CellBuilder bad_proof;
  bad_proof.StoreUint(3, 8).StoreBytes(Bytes(32, 0)).StoreUint(0, 16).StoreRef(Cell::Empty());
  EXPECT_FALSE(bad_proof.Finalize(true).ok());
  CellBuilder good_proof;
  good_proof.StoreUint(3, 8)
      .StoreBytes(Cell::Empty()->hash())
      .StoreUint(0, 16)
      .StoreRef(Cell::Empty());
  EXPECT_TRUE(good_proof.Finalize(true).ok());
}

TEST(CellTest, DepthIsCappedAt1024) {
  CellRef c = Cell::Empty();
  for (int i = 0; i < 1024; ++i) c = *CellBuilder().StoreRef(c).Finalize();
  EXPECT_EQ(c->depth(), 1024);
  EXPECT_FALSE(CellBuilder().StoreRef(c).Finalize().ok());
}

TEST(BitStringTest, FiftHexAndOrdering) {
  EXPECT_EQ(BitString::FromUint(0xa, 4).ToFiftHex(), "A");
  EXPECT_EQ(BitString::FromUint(1, 1).ToFiftHex(), "C_");
  EXPECT_EQ(BitString::FromUint(0b101, 3).ToFiftHex(), "B_");
  EXPECT_LT(BitString::FromUint(0, 1), BitString::FromUint(1, 1));
  EXPECT_LT(BitString::FromUint(1, 1), BitString::FromUint(2, 2));
  EXPECT_EQ(BitString::FromUint(5, 8).Substr(5, 3), BitString::FromUint(5, 3));
}

TEST(DictionaryTest, RoundTripsAndRejectsBadInput) {
  Dictionary d(32);
  for (uint32_t k : {1u, 2u, 3u, 1000u, 0xffffffffu}) {
    ASSERT_TRUE(
        d.Set(Dictionary::UintKey(k, 32), *CellBuilder().StoreUint(k * 3 % 1000, 16).Finalize())
            .ok());
  }
  EXPECT_FALSE(d.Set(Dictionary::UintKey(1, 31), Cell::Empty()).ok());
  CellBuilder b;
  ASSERT_TRUE(d.StoreHashmapE(b).ok());
  CellRef cell = *b.Finalize();
  CellSlice s(cell);
  Result<Dictionary> back = Dictionary::LoadHashmapE(s, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 5u);
  CellSlice v(back->Get(Dictionary::UintKey(1000, 32)));
  EXPECT_EQ(*v.LoadUint(16), 1000u * 3 % 1000);
  EXPECT_EQ(back->Get(Dictionary::UintKey(4, 32)), nullptr);

  // Empty dictionary: a single 0 bit.
  CellBuilder e;
  ASSERT_TRUE(Dictionary(256).StoreHashmapE(e).ok());
  EXPECT_EQ(e.bits(), 1u);
  EXPECT_FALSE(Dictionary(8).ToRootCell().ok());

  // Reading with a key width that does not match fails instead of crashing.
  CellSlice wrong(cell);
  Result<Dictionary> mismatch = Dictionary::LoadHashmapE(wrong, 8);
  EXPECT_FALSE(mismatch.ok());
}

TEST(DictionaryTest, SharedSubtreesCannotExplode) {
  // A fork whose two branches are the same cell, 200 levels deep, would
  // describe 2^200 entries.
  CellRef node =
      *CellBuilder().StoreUint(0, 2).StoreUint(0, 8).Finalize();  // leaf: empty short label
  for (int i = 0; i < 200; ++i) {
    node = *CellBuilder().StoreUint(0, 2).StoreRef(node).StoreRef(node).Finalize();
  }
  Result<Dictionary> d = Dictionary::FromRootCell(node, 200);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace cocoon::ton
