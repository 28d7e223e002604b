// Dictionary: TON's HashmapE with fixed-width keys (TL-B Hashmap n X), read
// and written exactly as @ton/core does (same label choice, same tree), so
// the cells and hashes match.
//
// Keys are bit strings of key_bits() bits (32 and 256 are what the contracts
// use; anything 1..1023 works). A value is the content (bits and references)
// of an ordinary cell, appended to the leaf after its label; to store a
// uint32, set CellBuilder().StoreUint(v, 32).Finalize(). Reading returns the
// same shape: a cell holding the rest of the leaf.
//
// Parsing validates labels against the remaining key width and fails on any
// malformed node; recursion depth is bounded by the key width.
//
// Thread-safety: a plain value; not thread-safe for writes.
#pragma once

#include <map>

#include "ton/bit_string.h"
#include "ton/cell.h"
#include "ton/cell_builder.h"
#include "ton/cell_slice.h"

namespace cocoon::ton {

class Dictionary {
 public:
  // REQUIRES: 1 <= key_bits <= 1023.
  explicit Dictionary(unsigned key_bits) : key_bits_(key_bits) {}

  // Key helpers: an unsigned integer in key_bits bits (REQUIRES key_bits <=
  // 64), and 32 big-endian bytes for 256-bit keys.
  static BitString UintKey(uint64_t value, unsigned bits) {
    return BitString::FromUint(value, bits);
  }
  static BitString BytesKey(ByteSpan bytes) { return BitString::FromBytes(bytes); }

  unsigned key_bits() const { return key_bits_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::map<BitString, CellRef>& entries() const { return entries_; }

  // Fails if the key is not key_bits() bits or the value is null or exotic.
  Status Set(const BitString& key, CellRef value);
  // Null when absent.
  CellRef Get(const BitString& key) const;
  bool Remove(const BitString& key) { return entries_.erase(key) != 0; }

  // The Hashmap root cell. REQUIRES: !empty() (an error otherwise).
  Result<CellRef> ToRootCell() const;
  // HashmapE: a 0 bit when empty, else a 1 bit and a reference to the root.
  Status StoreHashmapE(CellBuilder& builder) const;

  // Reads a Hashmap from its root cell; a null root is the empty dictionary.
  // Shared subtrees could make a small hostile cell describe a huge
  // dictionary, so reading stops with kResourceExhausted past max_entries.
  static constexpr size_t kDefaultMaxEntries = 1 << 16;
  static Result<Dictionary> FromRootCell(const CellRef& root, unsigned key_bits,
                                         size_t max_entries = kDefaultMaxEntries);
  // Reads a HashmapE (Maybe ^Hashmap) from a slice.
  static Result<Dictionary> LoadHashmapE(CellSlice& slice, unsigned key_bits,
                                         size_t max_entries = kDefaultMaxEntries);

 private:
  unsigned key_bits_;
  std::map<BitString, CellRef> entries_;
};

}  // namespace cocoon::ton
