// StackReader: reads the typed values a get-method returned, front to back,
// checking every entry's kind and range. A chain answer is input from the
// network: a wrong kind, a value out of its field's range, a missing or an
// extra entry is a kProtocol error naming the method and the field, never a
// crash or a silently truncated number.
//
// Thread-safety: not thread-safe; one reader per result.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ton/address.h"
#include "ton/api_types.h"
#include "ton/tvm_stack.h"

namespace cocoon::ton::contracts {

class StackReader {
 public:
  // REQUIRES: `stack` outlives the reader.
  StackReader(const std::vector<StackEntry>& stack, std::string method)
      : stack_(stack), method_(std::move(method)) {}

  // An integer in [0, 2^bits). REQUIRES: bits <= 64.
  Result<uint64_t> Uint(const char* field, unsigned bits);
  // Coins: an integer in [0, 2^120).
  Result<Uint128> Coins(const char* field);
  // A TVM bool: -1 (true) or 0 (false); anything else is an error.
  Result<bool> Bool(const char* field);
  // An integer in [0, 2^256) as 32 big-endian bytes.
  Result<std::array<uint8_t, 32>> Uint256(const char* field);
  // A slice (or cell) that starts with a MsgAddressInt (addr_none is an error).
  Result<Address> AddressValue(const char* field);
  // A cell (or slice: its cell).
  Result<CellRef> CellValue(const char* field);
  // OK when every entry was read.
  Status Done() const;

 private:
  Result<const StackEntry*> Next(const char* field);
  Status Bad(const char* field, const std::string& what) const;

  const std::vector<StackEntry>& stack_;
  std::string method_;
  size_t pos_ = 0;
};

// The stack of `result` if the get-method `method` exited with 0 or 1 (TVM's
// two success codes); otherwise kNotFound for an account that is not active
// (-13) and kFailedPrecondition naming the exit code for anything else.
Result<const std::vector<StackEntry>*> SuccessfulStack(const GetMethodResult& result,
                                                       const std::string& method);

}  // namespace cocoon::ton::contracts
