#include "ton/contracts/opcodes.h"

namespace cocoon::ton::contracts {
namespace {

const char* Meaning(int code) {
  switch (code) {
    case exit_code::kAccessDenied:
      return "access denied";
    case exit_code::kAlreadyExists:
      return "registry entry already exists";
    case exit_code::kNotFound:
      return "registry entry not found";
    case exit_code::kBadParams:
      return "parameters fail validation";
    case exit_code::kLowValue:
      return "not enough TON attached or zero amount";
    case exit_code::kBadSignature:
      return "bad signature";
    case exit_code::kWrongTarget:
      return "signed payload is for another contract";
    case exit_code::kOldVoucher:
      return "voucher or anchor not newer than the last applied";
    case exit_code::kBadState:
      return "not allowed in the current state";
    case exit_code::kTooEarly:
      return "close delay not elapsed";
    case exit_code::kStakeTooLow:
      return "stake below the minimum";
    case exit_code::kNotChild:
      return "sender is not a client or worker contract of this proxy";
    case exit_code::kInsufficientFunds:
      return "the pool cannot cover this payment";
    case exit_code::kAmountTooLarge:
      return "amount larger than withdrawable";
    case exit_code::kNotProxy:
      return "sender is not the proxy";
    case exit_code::kWrongPayloadOp:
      return "signed payload of the wrong kind";
    case exit_code::kCodeNotSet:
      return "contract code not set";
    case exit_code::kUnknownOp:
      return "unknown op";
    // TVM's own (the ones a get-method caller meets).
    case -13:
      return "account not active";
    case 2:
      return "stack underflow";
    case 5:
      return "integer out of range";
    case 7:
      return "type check error";
    case 8:
      return "cell overflow";
    case 9:
      return "cell underflow";
    case 11:
      return "unknown get-method or exception";
    case 13:
      return "out of gas";
    default:
      return nullptr;
  }
}

}  // namespace

std::string DescribeExitCode(int code) {
  const char* m = Meaning(code);
  std::string out = std::to_string(code);
  if (m) out += std::string(" (") + m + ")";
  return out;
}

}  // namespace cocoon::ton::contracts
