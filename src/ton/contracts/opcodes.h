// Opcodes, exit codes and lifecycle states of the Cocoon contracts, exactly
// as contracts/src/common.tolk and contracts/lib/layouts.js define them
// (contracts/README.md lists them with their messages).
//
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace cocoon::ton::contracts {

namespace op {
inline constexpr uint32_t kExcesses = 0xd53276db;
// root (owner only)
inline constexpr uint32_t kAddProxyImage = 0xc0c00101;
inline constexpr uint32_t kRemoveProxyImage = 0xc0c00102;
inline constexpr uint32_t kAddWorkerImage = 0xc0c00103;
inline constexpr uint32_t kRemoveWorkerImage = 0xc0c00104;
inline constexpr uint32_t kAddModel = 0xc0c00105;
inline constexpr uint32_t kRemoveModel = 0xc0c00106;
inline constexpr uint32_t kRegisterProxy = 0xc0c00107;
inline constexpr uint32_t kUpdateProxy = 0xc0c00108;
inline constexpr uint32_t kUnregisterProxy = 0xc0c00109;
inline constexpr uint32_t kSetParams = 0xc0c0010a;
inline constexpr uint32_t kSetCodes = 0xc0c0010b;
inline constexpr uint32_t kChangeOwner = 0xc0c0010c;
// proxy
inline constexpr uint32_t kAddStake = 0xc0c00201;
inline constexpr uint32_t kWithdrawCommission = 0xc0c00202;
inline constexpr uint32_t kStartClose = 0xc0c00203;
inline constexpr uint32_t kCompleteClose = 0xc0c00204;
inline constexpr uint32_t kAnchor = 0xc0c00205;
// client
inline constexpr uint32_t kTopUp = 0xc0c00301;
inline constexpr uint32_t kIncreaseStake = 0xc0c00302;
inline constexpr uint32_t kSetSecretHash = 0xc0c00303;
inline constexpr uint32_t kWithdraw = 0xc0c00304;
inline constexpr uint32_t kRequestRefund = 0xc0c00305;
inline constexpr uint32_t kForceRefund = 0xc0c00306;
inline constexpr uint32_t kCharge = 0xc0c00307;
inline constexpr uint32_t kFinalRefund = 0xc0c00308;
// worker
inline constexpr uint32_t kPayout = 0xc0c00401;
inline constexpr uint32_t kLastPayout = 0xc0c00402;
// kinds of signed payloads (the first field of the payload cell)
inline constexpr uint32_t kPayloadCharge = 0xc0c00501;
inline constexpr uint32_t kPayloadFinalRefund = 0xc0c00502;
inline constexpr uint32_t kPayloadWorkerPayout = 0xc0c00503;
inline constexpr uint32_t kPayloadWorkerLastPayout = 0xc0c00504;
inline constexpr uint32_t kPayloadProxyClose = 0xc0c00505;
inline constexpr uint32_t kPayloadAnchor = 0xc0c00506;
}  // namespace op

// Lifecycle state of a proxy, client or worker contract.
enum class ContractState : uint8_t { kActive = 0, kClosing = 1, kClosed = 2 };

// Exit codes the contracts throw.
namespace exit_code {
inline constexpr int kAccessDenied = 100;
inline constexpr int kAlreadyExists = 101;
inline constexpr int kNotFound = 102;
inline constexpr int kBadParams = 103;
inline constexpr int kLowValue = 104;
inline constexpr int kBadSignature = 105;
inline constexpr int kWrongTarget = 106;
inline constexpr int kOldVoucher = 107;
inline constexpr int kBadState = 108;
inline constexpr int kTooEarly = 109;
inline constexpr int kStakeTooLow = 110;
inline constexpr int kNotChild = 111;
inline constexpr int kInsufficientFunds = 112;
inline constexpr int kAmountTooLarge = 113;
inline constexpr int kNotProxy = 114;
inline constexpr int kWrongPayloadOp = 115;
inline constexpr int kCodeNotSet = 116;
inline constexpr int kUnknownOp = 0xffff;
}  // namespace exit_code

// "105 (bad signature)" for a Cocoon exit code, "-13 (account not active)"
// or "9 (cell underflow)" for the TVM's own, "N" for anything else.
std::string DescribeExitCode(int code);

}  // namespace cocoon::ton::contracts
