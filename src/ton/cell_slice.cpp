#include "ton/cell_slice.h"

namespace cocoon::ton {
namespace {

Status NotEnoughBits(size_t want, size_t have) {
  return InvalidArgument("cell underflow: need " + std::to_string(want) + " bits, " +
                         std::to_string(have) + " left");
}

}  // namespace

CellSlice::CellSlice(CellRef cell) : cell_(std::move(cell)) {}

Result<bool> CellSlice::LoadBit() {
  if (remaining_bits() < 1) return NotEnoughBits(1, 0);
  return cell_->bits().Get(bit_pos_++);
}

Result<uint64_t> CellSlice::LoadUint(unsigned bits) {
  if (bits > 64) return InvalidArgument("LoadUint supports at most 64 bits");
  if (remaining_bits() < bits) return NotEnoughBits(bits, remaining_bits());
  uint64_t v = 0;
  for (unsigned i = 0; i < bits; ++i) v = (v << 1) | (cell_->bits().Get(bit_pos_ + i) ? 1 : 0);
  bit_pos_ += bits;
  return v;
}

Result<int64_t> CellSlice::LoadInt(unsigned bits) {
  if (bits == 0) return static_cast<int64_t>(0);
  COCOON_ASSIGN_OR_RETURN(uint64_t u, LoadUint(bits));
  if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~static_cast<uint64_t>(0) << bits;
  return static_cast<int64_t>(u);
}

Result<Uint128> CellSlice::LoadUint128(unsigned bits) {
  if (bits > 128) return InvalidArgument("LoadUint128 supports at most 128 bits");
  if (remaining_bits() < bits) return NotEnoughBits(bits, remaining_bits());
  Uint128 v = 0;
  for (unsigned i = 0; i < bits; ++i) v = (v << 1) | (cell_->bits().Get(bit_pos_ + i) ? 1 : 0);
  bit_pos_ += bits;
  return v;
}

Result<BitString> CellSlice::LoadBits(size_t bits) {
  if (remaining_bits() < bits) return NotEnoughBits(bits, remaining_bits());
  BitString out = cell_->bits().Substr(bit_pos_, bits);
  bit_pos_ += bits;
  return out;
}

Result<Bytes> CellSlice::LoadBytes(size_t count) {
  if (count > remaining_bits() / 8) return NotEnoughBits(count * 8, remaining_bits());
  COCOON_ASSIGN_OR_RETURN(BitString bits, LoadBits(count * 8));
  return bits.bytes();
}

Result<Uint128> CellSlice::LoadCoins() {
  const size_t start = bit_pos_;
  COCOON_ASSIGN_OR_RETURN(uint64_t len, LoadUint(4));
  Result<Uint128> v = LoadUint128(static_cast<unsigned>(len * 8));
  if (!v.ok()) bit_pos_ = start;
  return v;
}

Result<std::optional<Address>> CellSlice::LoadAddress() {
  const size_t start = bit_pos_;
  COCOON_ASSIGN_OR_RETURN(uint64_t tag, LoadUint(2));
  if (tag == 0) return std::optional<Address>();
  if (tag != 2 || remaining_bits() < 1 + 8 + 256) {
    bit_pos_ = start;
    return InvalidArgument(tag == 1   ? "external addresses are not supported here"
                           : tag == 3 ? "addr_var is not supported"
                                      : "address truncated");
  }
  if (cell_->bits().Get(bit_pos_)) {
    bit_pos_ = start;
    return InvalidArgument("anycast addresses are not supported");
  }
  ++bit_pos_;
  Address a;
  a.workchain = static_cast<int8_t>(LoadInt(8).value());
  Bytes hash = LoadBytes(32).value();
  std::copy(hash.begin(), hash.end(), a.hash.begin());
  return std::optional<Address>(a);
}

Result<CellRef> CellSlice::LoadRef() {
  if (remaining_refs() == 0) return InvalidArgument("cell underflow: no references left");
  return cell_->refs()[ref_pos_++];
}

Result<CellRef> CellSlice::LoadMaybeRef() {
  if (remaining_bits() < 1) return NotEnoughBits(1, 0);
  if (!cell_->bits().Get(bit_pos_)) {
    ++bit_pos_;
    return CellRef();
  }
  if (remaining_refs() == 0) return InvalidArgument("Maybe ^Cell: bit set but no reference left");
  ++bit_pos_;
  return LoadRef();
}

Status CellSlice::SkipBits(size_t bits) {
  if (remaining_bits() < bits) return NotEnoughBits(bits, remaining_bits());
  bit_pos_ += bits;
  return Status::Ok();
}

BitString CellSlice::PeekRemainingBits() const {
  return cell_->bits().Substr(bit_pos_, remaining_bits());
}

Result<CellRef> CellSlice::RemainderAsCell() const {
  std::vector<CellRef> refs(cell_->refs().begin() + static_cast<ptrdiff_t>(ref_pos_),
                            cell_->refs().end());
  return Cell::Create(PeekRemainingBits(), std::move(refs));
}

}  // namespace cocoon::ton
