// Cell: TON's unit of data, up to 1023 bits and 4 references to other cells,
// immutable once created, identified by its representation hash.
//
// Cells form a DAG shared through CellRef (shared_ptr to const). Creation
// validates everything TON validates: bit and reference counts, depth at most
// 1024, and for exotic cells their layout (pruned branch, library reference,
// Merkle proof, Merkle update). Exotic cells are recognised and hashed like
// TON does (levels, higher hashes); this module reads them but offers no
// helper to build them.
//
// Thread-safety: a Cell is immutable; share it freely between threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ton/bit_string.h"
#include "util/status.h"

namespace cocoon::ton {

using CellHash = std::array<uint8_t, 32>;

enum class CellType : uint8_t {
  kOrdinary = 0,  // not stored in the data; exotic cells carry their type in the first byte
  kPrunedBranch = 1,
  kLibrary = 2,
  kMerkleProof = 3,
  kMerkleUpdate = 4,
};
std::string_view CellTypeName(CellType type);

class Cell;
using CellRef = std::shared_ptr<const Cell>;

class Cell {
 public:
  static constexpr size_t kMaxBits = 1023;
  static constexpr size_t kMaxRefs = 4;
  static constexpr unsigned kMaxDepth = 1024;
  static constexpr int kMaxLevel = 3;

  // Validates and hashes a cell. `exotic` cells take their type from the
  // first data byte. Errors are kInvalidArgument with the reason.
  static Result<CellRef> Create(BitString bits, std::vector<CellRef> refs, bool exotic = false);
  // The cell with no bits and no references.
  static const CellRef& Empty();

  CellType type() const { return type_; }
  bool exotic() const { return type_ != CellType::kOrdinary; }
  const BitString& bits() const { return bits_; }
  const std::vector<CellRef>& refs() const { return refs_; }
  uint8_t level_mask() const { return level_mask_; }
  // The highest significant level, 0..3.
  int level() const;

  // The hash at `level` (clamped to 0..3). hash() with no argument is the
  // representation hash, the identity of the cell in TON.
  const CellHash& hash(int level = kMaxLevel) const;
  uint16_t depth(int level = kMaxLevel) const;

  // The two descriptor bytes of the standard representation.
  uint8_t d1() const;
  uint8_t d2() const;

 private:
  Cell() = default;
  Status Finish();

  BitString bits_;
  std::vector<CellRef> refs_;
  CellType type_ = CellType::kOrdinary;
  uint8_t level_mask_ = 0;
  std::array<CellHash, 4> hashes_{};
  std::array<uint16_t, 4> depths_{};
};

}  // namespace cocoon::ton
