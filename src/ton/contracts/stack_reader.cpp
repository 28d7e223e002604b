#include "ton/contracts/stack_reader.h"

#include "ton/cell_slice.h"
#include "ton/contracts/opcodes.h"

namespace cocoon::ton::contracts {
namespace {

const char* KindName(StackEntry::Kind k) {
  switch (k) {
    case StackEntry::Kind::kNull:
      return "null";
    case StackEntry::Kind::kNumber:
      return "number";
    case StackEntry::Kind::kCell:
      return "cell";
    case StackEntry::Kind::kSlice:
      return "slice";
    case StackEntry::Kind::kTuple:
      return "tuple";
    case StackEntry::Kind::kList:
      return "list";
  }
  return "?";
}

}  // namespace

Status StackReader::Bad(const char* field, const std::string& what) const {
  return ProtocolError(method_ + " returned a bad " + field + ": " + what);
}

Result<const StackEntry*> StackReader::Next(const char* field) {
  if (pos_ >= stack_.size()) {
    return ProtocolError(method_ + " returned " + std::to_string(stack_.size()) +
                         " stack entries; " + field + " is missing");
  }
  return &stack_[pos_++];
}

Result<uint64_t> StackReader::Uint(const char* field, unsigned bits) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if (e->kind != StackEntry::Kind::kNumber)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not a number");
  if (e->number.negative()) return Bad(field, "negative (" + e->number.ToDecimal() + ")");
  Result<Uint128> v = e->number.ToUint128();
  const Uint128 limit = static_cast<Uint128>(1) << bits;
  if (!v.ok() || *v >= limit)
    return Bad(field, e->number.ToHex() + " does not fit in " + std::to_string(bits) + " bits");
  return static_cast<uint64_t>(*v);
}

Result<Uint128> StackReader::Coins(const char* field) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if (e->kind != StackEntry::Kind::kNumber)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not a number");
  if (e->number.negative()) return Bad(field, "negative (" + e->number.ToDecimal() + ")");
  Result<Uint128> v = e->number.ToUint128();
  if (!v.ok() || *v > kMaxCoins) return Bad(field, e->number.ToHex() + " is above 2^120 - 1");
  return *v;
}

Result<bool> StackReader::Bool(const char* field) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if (e->kind != StackEntry::Kind::kNumber)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not a bool");
  Result<int64_t> v = e->number.ToInt64();
  if (!v.ok() || (*v != 0 && *v != -1)) return Bad(field, e->number.ToHex() + " is not -1 or 0");
  return *v == -1;
}

Result<std::array<uint8_t, 32>> StackReader::Uint256(const char* field) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if (e->kind != StackEntry::Kind::kNumber)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not a number");
  Result<Bytes> b = e->number.ToBytes(32);
  if (!b.ok()) return Bad(field, e->number.ToHex() + " is not a 256-bit unsigned integer");
  std::array<uint8_t, 32> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

Result<Address> StackReader::AddressValue(const char* field) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if ((e->kind != StackEntry::Kind::kSlice && e->kind != StackEntry::Kind::kCell) || !e->cell)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not an address slice");
  if (e->cell->exotic()) return Bad(field, "an exotic cell, not an address slice");
  CellSlice s(e->cell);
  Result<std::optional<Address>> a = s.LoadAddress();
  if (!a.ok()) return Bad(field, a.status().message());
  if (!*a) return Bad(field, "addr_none");
  return **a;
}

Result<CellRef> StackReader::CellValue(const char* field) {
  COCOON_ASSIGN_OR_RETURN(const StackEntry* e, Next(field));
  if ((e->kind != StackEntry::Kind::kSlice && e->kind != StackEntry::Kind::kCell) || !e->cell)
    return Bad(field, std::string("a ") + KindName(e->kind) + ", not a cell");
  return e->cell;
}

Status StackReader::Done() const {
  if (pos_ != stack_.size()) {
    return ProtocolError(method_ + " returned " + std::to_string(stack_.size()) +
                         " stack entries, expected " + std::to_string(pos_));
  }
  return Status::Ok();
}

Result<const std::vector<StackEntry>*> SuccessfulStack(const GetMethodResult& result,
                                                       const std::string& method) {
  if (result.exit_code == 0 || result.exit_code == 1) return &result.stack;
  if (result.exit_code == -13)
    return NotFound(method + ": the account is not active (not deployed, or frozen)");
  return FailedPrecondition(method + " failed with exit code " +
                            DescribeExitCode(result.exit_code));
}

}  // namespace cocoon::ton::contracts
