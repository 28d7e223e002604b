// Reason tags of the pay module's errors.
//
// Every error this module returns has a message that starts with one of these
// tags, then ": " and what is wrong, e.g. "pay.voucher_bad_signature: ...".
// Callers (the daemons) branch on the tag with HasReason() and turn it into
// an HTTP status, a wire error or an operator message; the tags are stable.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cocoon::pay {

// Pricing.
inline constexpr std::string_view kOverflow = "pay.overflow";
inline constexpr std::string_view kBadUsage = "pay.bad_usage";
inline constexpr std::string_view kBadPrices = "pay.bad_prices";

// Credit.
inline constexpr std::string_view kInsufficientCredit = "pay.insufficient_credit";
inline constexpr std::string_view kUnknownReservation = "pay.unknown_reservation";

// Vouchers.
inline constexpr std::string_view kVoucherMalformed = "pay.voucher_malformed";
inline constexpr std::string_view kVoucherBadSignature = "pay.voucher_bad_signature";
inline constexpr std::string_view kVoucherWrongTarget = "pay.voucher_wrong_target";
inline constexpr std::string_view kVoucherWrongKind = "pay.voucher_wrong_kind";
inline constexpr std::string_view kVoucherNotNewer = "pay.voucher_not_newer";

// Ledger.
inline constexpr std::string_view kLedgerIo = "pay.ledger_io";
inline constexpr std::string_view kLedgerCorrupt = "pay.ledger_corrupt";
inline constexpr std::string_view kLedgerWrongKey = "pay.ledger_wrong_key";
inline constexpr std::string_view kLedgerBusy = "pay.ledger_busy";
inline constexpr std::string_view kLedgerBehindPeer = "pay.ledger_behind_peer";
inline constexpr std::string_view kLedgerConflict = "pay.ledger_conflict";
inline constexpr std::string_view kBadSettlement = "pay.bad_settlement";

// A Status with `code` and the message "<reason>: <detail>".
inline Status PayError(ErrorCode code, std::string_view reason, std::string_view detail) {
  std::string message(reason);
  message += ": ";
  message += detail;
  return Status(code, std::move(message));
}

// True when `status` carries `reason` (its message starts with "<reason>:").
inline bool HasReason(const Status& status, std::string_view reason) {
  const std::string& m = status.message();
  return m.size() > reason.size() && m.compare(0, reason.size(), reason) == 0 &&
         m[reason.size()] == ':';
}

}  // namespace cocoon::pay
