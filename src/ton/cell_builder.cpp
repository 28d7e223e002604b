#include "ton/cell_builder.h"

#include <bit>

#include "ton/cell_slice.h"

namespace cocoon::ton {

bool CellBuilder::Reserve(size_t bits, size_t refs) {
  if (!status_.ok()) return false;
  if (bits > available_bits()) {
    status_ = InvalidArgument("cell overflow: more than 1023 bits");
    return false;
  }
  if (refs > available_refs()) {
    status_ = InvalidArgument("cell overflow: more than 4 references");
    return false;
  }
  return true;
}

CellBuilder& CellBuilder::StoreBit(bool bit) {
  if (Reserve(1, 0)) data_.PushBit(bit);
  return *this;
}

CellBuilder& CellBuilder::StoreUint(uint64_t value, unsigned bits) {
  if (!status_.ok()) return *this;
  if (bits > 256) {
    status_ = InvalidArgument("integer wider than 256 bits");
    return *this;
  }
  if (bits < 64 && (value >> bits) != 0) {
    status_ = InvalidArgument("value " + std::to_string(value) + " does not fit in " +
                              std::to_string(bits) + " bits");
    return *this;
  }
  if (!Reserve(bits, 0)) return *this;
  if (bits > 64) data_.AppendUint(0, bits - 64);
  data_.AppendUint(value, bits > 64 ? 64 : bits);
  return *this;
}

CellBuilder& CellBuilder::StoreInt(int64_t value, unsigned bits) {
  if (!status_.ok()) return *this;
  if (bits == 0 || bits > 257) {
    status_ = InvalidArgument("signed integer width must be 1..257 bits");
    return *this;
  }
  if (bits < 64) {
    const int64_t limit = static_cast<int64_t>(1) << (bits - 1);
    if (value < -limit || value >= limit) {
      status_ = InvalidArgument("value " + std::to_string(value) + " does not fit in " +
                                std::to_string(bits) + " signed bits");
      return *this;
    }
  }
  if (!Reserve(bits, 0)) return *this;
  const uint64_t u = static_cast<uint64_t>(value);
  if (bits > 64) {
    for (unsigned i = 0; i < bits - 64; ++i) data_.PushBit(value < 0);
  }
  data_.AppendUint(bits >= 64 ? u : u & ((static_cast<uint64_t>(1) << bits) - 1),
                   bits > 64 ? 64 : bits);
  return *this;
}

CellBuilder& CellBuilder::StoreBigUint(ByteSpan big_endian, unsigned bits) {
  if (!status_.ok()) return *this;
  const BitString value = BitString::FromBytes(big_endian);
  size_t leading = 0;
  while (leading < value.size() && !value.Get(leading)) ++leading;
  const size_t significant = value.size() - leading;
  if (significant > bits) {
    status_ = InvalidArgument("big integer does not fit in " + std::to_string(bits) + " bits");
    return *this;
  }
  if (!Reserve(bits, 0)) return *this;
  for (size_t i = significant; i < bits; ++i) data_.PushBit(false);
  data_.Append(value.Substr(leading, significant));
  return *this;
}

CellBuilder& CellBuilder::StoreUint128(Uint128 value, unsigned bits) {
  Bytes be(16);
  for (int i = 15; i >= 0; --i) {
    be[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return StoreBigUint(be, bits);
}

CellBuilder& CellBuilder::StoreCoins(Uint128 amount) {
  if (!status_.ok()) return *this;
  if (amount > kMaxCoins) {
    status_ = InvalidArgument("coins amount above 2^120 - 1");
    return *this;
  }
  unsigned len = 0;
  for (Uint128 v = amount; v != 0; v >>= 8) ++len;
  StoreUint(len, 4);
  return StoreUint128(amount, len * 8);
}

CellBuilder& CellBuilder::StoreAddress(const std::optional<Address>& address) {
  if (!address) return StoreUint(0, 2);
  StoreUint(2, 2).StoreBit(false).StoreInt(address->workchain, 8);
  return StoreBytes(address->hash);
}

CellBuilder& CellBuilder::StoreBits(const BitString& bits) {
  if (Reserve(bits.size(), 0)) data_.Append(bits);
  return *this;
}

CellBuilder& CellBuilder::StoreBytes(ByteSpan bytes) {
  return StoreBits(BitString::FromBytes(bytes));
}

CellBuilder& CellBuilder::StoreRef(const CellRef& cell) {
  if (!status_.ok()) return *this;
  if (!cell) {
    status_ = InvalidArgument("null cell reference");
    return *this;
  }
  if (Reserve(0, 1)) refs_.push_back(cell);
  return *this;
}

CellBuilder& CellBuilder::StoreMaybeRef(const CellRef& cell) {
  if (!cell) return StoreBit(false);
  return StoreBit(true).StoreRef(cell);
}

CellBuilder& CellBuilder::StoreSlice(const CellSlice& slice) {
  if (!Reserve(slice.remaining_bits(), slice.remaining_refs())) return *this;
  data_.Append(slice.PeekRemainingBits());
  const auto& refs = slice.cell()->refs();
  refs_.insert(refs_.end(), refs.end() - static_cast<ptrdiff_t>(slice.remaining_refs()),
               refs.end());
  return *this;
}

CellBuilder& CellBuilder::StoreBuilder(const CellBuilder& other) {
  if (!other.status_.ok()) {
    if (status_.ok()) status_ = other.status_;
    return *this;
  }
  if (!Reserve(other.bits(), other.refs())) return *this;
  data_.Append(other.data_);
  refs_.insert(refs_.end(), other.refs_.begin(), other.refs_.end());
  return *this;
}

CellBuilder& CellBuilder::StoreCellContent(const Cell& cell) {
  if (!Reserve(cell.bits().size(), cell.refs().size())) return *this;
  data_.Append(cell.bits());
  refs_.insert(refs_.end(), cell.refs().begin(), cell.refs().end());
  return *this;
}

Result<CellRef> CellBuilder::Finalize(bool exotic) const {
  if (!status_.ok()) return status_;
  return Cell::Create(data_, refs_, exotic);
}

}  // namespace cocoon::ton
