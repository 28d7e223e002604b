// Values the TON HTTP API v2 client returns: account state, get-method
// results and transactions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ton/cell.h"
#include "ton/tvm_stack.h"
#include "ton/uint128.h"

namespace cocoon::ton {

enum class AccountStatus { kNonexistent, kUninitialized, kActive, kFrozen };
std::string_view AccountStatusName(AccountStatus status);

struct TransactionId {
  uint64_t lt = 0;
  Bytes hash;  // 32 bytes
};

struct AccountInfo {
  AccountStatus status = AccountStatus::kNonexistent;
  Uint128 balance = 0;
  CellRef code;  // null when the account has none
  CellRef data;
  std::optional<TransactionId> last_transaction;
  int64_t sync_utime = 0;
};

struct GetMethodResult {
  int exit_code = 0;
  int64_t gas_used = 0;
  std::vector<StackEntry> stack;
};

// A message as getTransactions describes it.
struct TransactionMessage {
  std::string source;       // user-friendly or empty (external)
  std::string destination;  // user-friendly or empty (external out)
  Uint128 value = 0;
  Uint128 fwd_fee = 0;
  uint64_t created_lt = 0;
  std::string body_hash;  // base64, as the API gives it
  CellRef body;           // from msg_data.body when present
  std::string comment;    // decoded text comment, if any
};

struct Transaction {
  TransactionId id;
  int64_t utime = 0;
  Uint128 fee = 0;
  Uint128 storage_fee = 0;
  Uint128 other_fee = 0;
  CellRef cell;  // the raw transaction (from "data"), when present
  std::optional<TransactionMessage> in_msg;
  std::vector<TransactionMessage> out_msgs;
};

}  // namespace cocoon::ton
