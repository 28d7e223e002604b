// BoC round-trip properties and hostile input.
#include "ton/boc.h"

#include <gtest/gtest.h>

#include <random>

#include "ton/cell_builder.h"

namespace cocoon::ton {
namespace {

// A random DAG of `count` ordinary cells built bottom-up from a seeded
// generator; later cells reference earlier ones, so cells are shared.
CellRef RandomDag(std::mt19937& rng, int count) {
  std::vector<CellRef> made;
  for (int i = 0; i < count; ++i) {
    CellBuilder b;
    const size_t bits = rng() % 1024;
    for (size_t k = 0; k < bits; ++k) b.StoreBit(rng() & 1);
    const size_t refs = made.empty() ? 0 : rng() % 5;
    for (size_t k = 0; k < refs; ++k)
      b.StoreRef(made[made.size() - 1 - rng() % std::min<size_t>(made.size(), 6)]);
    Result<CellRef> cell = b.Finalize();
    EXPECT_TRUE(cell.ok());
    made.push_back(*cell);
  }
  return made.back();
}

size_t CountCells(const CellRef& root) {
  std::vector<CellRef> stack = {root};
  std::set<CellHash> seen;
  while (!stack.empty()) {
    CellRef c = stack.back();
    stack.pop_back();
    if (!seen.insert(c->hash()).second) continue;
    for (const CellRef& r : c->refs()) stack.push_back(r);
  }
  return seen.size();
}

TEST(BocTest, RandomCellsRoundTripWithSameHash) {
  std::mt19937 rng(20240611);
  for (int round = 0; round < 200; ++round) {
    CellRef root = RandomDag(rng, 1 + static_cast<int>(rng() % 80));
    for (bool index : {false, true}) {
      for (bool crc : {false, true}) {
        Result<Bytes> boc = SerializeBoc(root, {index, crc});
        ASSERT_TRUE(boc.ok());
        Result<CellRef> back = DeserializeBocSingleRoot(*boc);
        ASSERT_TRUE(back.ok()) << back.status().ToString();
        ASSERT_EQ((*back)->hash(), root->hash());
        ASSERT_EQ((*back)->depth(), root->depth());
        // Serialization is deterministic and stable across a round trip.
        ASSERT_EQ(*SerializeBoc(*back, {index, crc}), *boc);
      }
    }
  }
}

TEST(BocTest, SharedCellsAreStoredOnce) {
  CellRef leaf = *CellBuilder().StoreUint(7, 8).Finalize();
  CellRef mid = *CellBuilder().StoreRef(leaf).StoreRef(leaf).Finalize();
  CellRef root = *CellBuilder().StoreRef(mid).StoreRef(leaf).StoreRef(mid).Finalize();
  EXPECT_EQ(CountCells(root), 3u);
  Bytes boc = *SerializeBoc(root, {false, false});
  EXPECT_EQ(boc[6], 3);  // cell count
  EXPECT_EQ((*DeserializeBocSingleRoot(boc))->hash(), root->hash());
}

TEST(BocTest, SeveralRootsRoundTrip) {
  std::mt19937 rng(7);
  std::vector<CellRef> roots = {RandomDag(rng, 20), RandomDag(rng, 5), RandomDag(rng, 1)};
  roots.push_back(roots[0]->refs().empty() ? roots[1]
                                           : roots[0]->refs()[0]);  // a root inside another
  for (bool crc : {false, true}) {
    Result<Bytes> boc = SerializeBoc(roots, {true, crc});
    ASSERT_TRUE(boc.ok());
    Result<std::vector<CellRef>> back = DeserializeBoc(*boc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ(back->size(), roots.size());
    for (size_t i = 0; i < roots.size(); ++i) EXPECT_EQ((*back)[i]->hash(), roots[i]->hash());
    EXPECT_FALSE(DeserializeBocSingleRoot(*boc).ok());
  }
}

TEST(BocTest, ReadsLegacyIndexedFormats) {
  // The 68ff65f3 (lean) and acc3a728 (lean + CRC32C) layouts: magic, size,
  // off_bytes, cells, roots, absent, total size, index, cells, [crc].
  CellRef child = *CellBuilder().StoreUint(0xabc, 12).Finalize();
  CellRef root = *CellBuilder().StoreUint(1, 1).StoreRef(child).Finalize();
  Bytes generic = *SerializeBoc(root, {true, false});
  // Generic header: magic(4) flags(1) off(1) cells roots absent (1 each) total(1) root(1) index(2)
  Bytes lean = {0x68,       0xff,       0x65,       0xf3,       0x01,
                generic[5], generic[6], generic[7], generic[8], generic[9]};
  lean.insert(lean.end(), generic.begin() + 11, generic.end());
  Result<CellRef> back = DeserializeBocSingleRoot(lean);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->hash(), root->hash());
}

class HostileBocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(99);
    root_ = RandomDag(rng, 40);
    boc_ = *SerializeBoc(root_, {true, true});
  }
  CellRef root_;
  Bytes boc_;
};

TEST_F(HostileBocTest, EveryTruncationFailsCleanly) {
  for (size_t len = 0; len < boc_.size(); ++len) {
    Result<std::vector<CellRef>> r = DeserializeBoc(ByteSpan(boc_).first(len));
    EXPECT_FALSE(r.ok()) << len;
  }
}

TEST_F(HostileBocTest, EveryBitFlipIsCaughtByCrc) {
  for (size_t i = 0; i < boc_.size(); ++i) {
    Bytes bad = boc_;
    bad[i] ^= 0x10;
    EXPECT_FALSE(DeserializeBoc(bad).ok()) << i;
  }
}

TEST_F(HostileBocTest, FlipsWithoutCrcNeverCrash) {
  Bytes plain = *SerializeBoc(root_, {false, false});
  std::mt19937 rng(5);
  for (int i = 0; i < 3000; ++i) {
    Bytes bad = plain;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k)
      bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    Result<std::vector<CellRef>> r = DeserializeBoc(bad);
    if (r.ok()) {
      EXPECT_FALSE(r->empty());
    }
  }
}

TEST_F(HostileBocTest, CapsCellsAndBytes) {
  BocLimits limits;
  limits.max_cells = 10;
  Result<std::vector<CellRef>> r = DeserializeBoc(boc_, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceExhausted);
  limits = BocLimits();
  limits.max_bytes = boc_.size() - 1;
  r = DeserializeBoc(boc_, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceExhausted);
}

TEST(HostileBocHeaderTest, HugeCountsAreRejectedBeforeAllocation) {
  // Claims 2^32-1 cells and roots with 4-byte sizes and a tiny body.
  Bytes boc = {0xb5, 0xee, 0x9c, 0x72, 0x04, 0x08, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
               0x01, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  Result<std::vector<CellRef>> r = DeserializeBoc(boc);
  ASSERT_FALSE(r.ok());
  BocLimits huge;
  huge.max_cells = SIZE_MAX;
  huge.max_roots = SIZE_MAX;
  EXPECT_FALSE(DeserializeBoc(boc, huge).ok());
  EXPECT_FALSE(DeserializeBoc(Bytes{0x12, 0x34}).ok());
  EXPECT_FALSE(DeserializeBoc(Bytes{}).ok());
}

TEST(HostileBocHeaderTest, RejectsBackwardReferencesAndBadLevelMask) {
  // Two cells where cell 1 references cell 0 (a cycle-capable back edge).
  Bytes boc = {0xb5, 0xee, 0x9c, 0x72, 0x01, 0x01, 0x02, 0x01, 0x00,
               0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00};
  // cell 0: d1=1 ref, d2=0, ref->0 (self). Then cell 1 empty.
  boc[11] = 0x01;
  boc[12] = 0x00;
  boc[13] = 0x00;
  Result<std::vector<CellRef>> r = DeserializeBoc(boc);
  EXPECT_FALSE(r.ok());
}

TEST(BocTest, SerializeRejectsEmptyAndNullRoots) {
  EXPECT_FALSE(SerializeBoc(std::span<const CellRef>()).ok());
  EXPECT_FALSE(SerializeBoc(CellRef()).ok());
}

}  // namespace
}  // namespace cocoon::ton
