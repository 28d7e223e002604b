// Bag of cells (BoC): TON's serialization of a DAG of cells, as @ton/core
// and the TON node read and write it.
//
// Serialization writes the generic format (magic b5ee9c72), with an optional
// offset index and CRC32C trailer, cells in the order @ton/core uses
// (depth-first from each root, references right to left, then reversed), so
// a single-root BoC is byte-for-byte what @ton/core's Cell.toBoc() makes.
// Identical cells are stored once.
//
// Deserialization accepts the generic format and the two legacy ones
// (68ff65f3, acc3a728). Input is hostile: sizes are checked before anything
// is allocated, cells and bytes are capped by BocLimits, and any
// inconsistency is a kInvalidArgument (kResourceExhausted for a cap) error,
// never a crash.
//
// Thread-safety: free functions over immutable cells.
#pragma once

#include <span>
#include <vector>

#include "ton/cell.h"
#include "util/bytes.h"

namespace cocoon::ton {

struct BocWriteOptions {
  bool with_index = false;
  bool with_crc32c = true;  // @ton/core's default
};

struct BocLimits {
  size_t max_bytes = 32 << 20;
  size_t max_cells = 1 << 20;
  size_t max_roots = 1024;
};

// REQUIRES: roots is not empty and holds no null cell (an error otherwise).
Result<Bytes> SerializeBoc(std::span<const CellRef> roots, const BocWriteOptions& options = {});
Result<Bytes> SerializeBoc(const CellRef& root, const BocWriteOptions& options = {});

Result<std::vector<CellRef>> DeserializeBoc(ByteSpan boc, const BocLimits& limits = {});
// Fails unless the BoC has exactly one root.
Result<CellRef> DeserializeBocSingleRoot(ByteSpan boc, const BocLimits& limits = {});

}  // namespace cocoon::ton
