// TVM stack values as get methods take and return them, and their JSON form
// in the TON HTTP API v2 (runGetMethod).
//
// Request stack: [["num", "0x1f"], ["tvm.Cell", "<base64 BoC>"],
// ["tvm.Slice", "<base64 BoC>"]]. Response stack: [["num", "-0x1f"],
// ["cell", {"bytes": "<base64 BoC>"}], ["slice", {...}], ["tuple" | "list",
// {"elements": [<typed tvm.stackEntry* objects>]}], ["null"]]. Decoding
// rejects anything malformed with kProtocol and limits nesting.
//
// Thread-safety: plain values.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "ton/cell.h"
#include "ton/uint128.h"
#include "util/bytes.h"

namespace cocoon::ton {

// A TVM integer (at most 257 bits signed) as sign and magnitude.
class TvmInt {
 public:
  TvmInt() = default;
  static TvmInt FromInt64(int64_t value);
  static TvmInt FromUint128(Uint128 value);
  // Unsigned big-endian magnitude (e.g. a 256-bit hash).
  static TvmInt FromBytes(ByteSpan big_endian, bool negative = false);
  // Decimal ("123", "-5") or hex ("0x1F", "-0xff"); fails beyond 257 bits.
  static Result<TvmInt> Parse(std::string_view text);

  bool negative() const { return negative_; }
  bool is_zero() const { return magnitude_.empty(); }
  // "0x1f" or "-0x1f" ("0x0" for zero).
  std::string ToHex() const;
  std::string ToDecimal() const;
  Result<int64_t> ToInt64() const;
  Result<Uint128> ToUint128() const;
  // The magnitude as `width` big-endian bytes; fails if negative or too wide.
  Result<Bytes> ToBytes(size_t width) const;

  friend bool operator==(const TvmInt&, const TvmInt&) = default;

 private:
  bool negative_ = false;
  Bytes magnitude_;  // big-endian, no leading zero bytes; empty for zero
};

struct StackEntry {
  enum class Kind { kNull, kNumber, kCell, kSlice, kTuple, kList };
  Kind kind = Kind::kNull;
  TvmInt number;                  // kNumber
  CellRef cell;                   // kCell, kSlice (the slice's whole cell)
  std::vector<StackEntry> items;  // kTuple, kList

  static StackEntry Number(TvmInt n);
  static StackEntry Cell(CellRef c);
  static StackEntry Slice(CellRef c);
  static StackEntry Tuple(std::vector<StackEntry> items);
};

// The request form of `stack`; tuples and null are not accepted by the API
// as inputs (kInvalidArgument).
Result<nlohmann::json> EncodeStackRequest(const std::vector<StackEntry>& stack);
Result<std::vector<StackEntry>> DecodeStackResponse(const nlohmann::json& stack);

}  // namespace cocoon::ton
