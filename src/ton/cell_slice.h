// CellSlice: reads TL-B primitives from a cell, front to back.
//
// Every load checks that enough bits or references remain and returns an
// error Result otherwise, so hostile cells never crash the reader. A failed
// load leaves the slice where it was.
//
// Thread-safety: not thread-safe; the cell it reads is immutable and shared.
#pragma once

#include <optional>

#include "ton/address.h"
#include "ton/bit_string.h"
#include "ton/cell.h"
#include "ton/uint128.h"

namespace cocoon::ton {

class CellSlice {
 public:
  // REQUIRES: cell is not null.
  explicit CellSlice(CellRef cell);

  size_t remaining_bits() const { return cell_->bits().size() - bit_pos_; }
  size_t remaining_refs() const { return cell_->refs().size() - ref_pos_; }
  bool empty() const { return remaining_bits() == 0 && remaining_refs() == 0; }
  const CellRef& cell() const { return cell_; }

  Result<bool> LoadBit();
  // REQUIRES nothing; fails for bits > 64.
  Result<uint64_t> LoadUint(unsigned bits);
  Result<int64_t> LoadInt(unsigned bits);
  Result<Uint128> LoadUint128(unsigned bits);
  Result<BitString> LoadBits(size_t bits);
  Result<Bytes> LoadBytes(size_t count);
  Result<Uint128> LoadCoins();
  // MsgAddressInt; nullopt for addr_none. addr_extern, anycast and addr_var
  // are errors.
  Result<std::optional<Address>> LoadAddress();
  Result<CellRef> LoadRef();
  // Maybe ^Cell; null for the 0 bit.
  Result<CellRef> LoadMaybeRef();
  Status SkipBits(size_t bits);

  // The remaining bits and references as a new ordinary cell.
  Result<CellRef> RemainderAsCell() const;
  // The remaining bits (not consumed).
  BitString PeekRemainingBits() const;

 private:
  CellRef cell_;
  size_t bit_pos_ = 0;
  size_t ref_pos_ = 0;
};

}  // namespace cocoon::ton
