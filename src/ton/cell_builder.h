// CellBuilder: writes TL-B primitives into a new cell.
//
// Store methods chain and never throw. The first failure (a value that does
// not fit its width, more than 1023 bits or 4 references) is remembered and
// every later store is ignored; Finalize() then returns that error. So a
// caller writes a whole layout and checks once:
//
//   CellBuilder b;
//   b.StoreUint(op, 32).StoreCoins(amount).StoreAddress(dest);
//   COCOON_ASSIGN_OR_RETURN(CellRef cell, b.Finalize());
//
// Thread-safety: not thread-safe; one builder per thread.
#pragma once

#include <optional>

#include "ton/address.h"
#include "ton/bit_string.h"
#include "ton/cell.h"
#include "ton/uint128.h"
#include "util/bytes.h"

namespace cocoon::ton {

class CellSlice;

class CellBuilder {
 public:
  CellBuilder() = default;

  CellBuilder& StoreBit(bool bit);
  // REQUIRES nothing; fails if `value` needs more than `bits` bits (bits <= 256).
  CellBuilder& StoreUint(uint64_t value, unsigned bits);
  // Two's complement; fails if `value` does not fit in `bits` signed bits
  // (bits <= 257; wider than 64 sign-extends).
  CellBuilder& StoreInt(int64_t value, unsigned bits);
  // `big_endian` as an unsigned number in `bits` bits; fails if it does not fit.
  CellBuilder& StoreBigUint(ByteSpan big_endian, unsigned bits);
  CellBuilder& StoreUint128(Uint128 value, unsigned bits);
  // VarUInteger 16: a 4-bit byte length, then the value. Fails above 2^120 - 1.
  CellBuilder& StoreCoins(Uint128 amount);
  // MsgAddressInt (addr_std, no anycast) or addr_none when absent.
  CellBuilder& StoreAddress(const std::optional<Address>& address);
  CellBuilder& StoreBits(const BitString& bits);
  CellBuilder& StoreBytes(ByteSpan bytes);
  // REQUIRES: cell is not null (a null cell is remembered as an error).
  CellBuilder& StoreRef(const CellRef& cell);
  // Maybe ^Cell: a 0 bit for null, else a 1 bit and the reference.
  CellBuilder& StoreMaybeRef(const CellRef& cell);
  // Appends the remaining bits and references of `slice`.
  CellBuilder& StoreSlice(const CellSlice& slice);
  // Appends the bits and references of `other`.
  CellBuilder& StoreBuilder(const CellBuilder& other);
  // Appends the content (bits and references) of `cell`.
  CellBuilder& StoreCellContent(const Cell& cell);

  size_t bits() const { return data_.size(); }
  size_t refs() const { return refs_.size(); }
  size_t available_bits() const { return Cell::kMaxBits - data_.size(); }
  size_t available_refs() const { return Cell::kMaxRefs - refs_.size(); }
  const BitString& data() const { return data_; }
  const std::vector<CellRef>& ref_list() const { return refs_; }
  // OK, or the first store that failed.
  const Status& status() const { return status_; }

  Result<CellRef> Finalize(bool exotic = false) const;

 private:
  bool Reserve(size_t bits, size_t refs);

  BitString data_;
  std::vector<CellRef> refs_;
  Status status_;
};

}  // namespace cocoon::ton
