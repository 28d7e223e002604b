// VoucherKeeper: the client's or worker's side of vouchers (DESIGN.md §5).
// It keeps, per contract (one per proxy it works with), the latest voucher
// the proxy signed for it, checked exactly as the contract will check it
// (voucher_verifier.h), and what part of it has been submitted on chain.
//
// The state is one JSON file, rewritten atomically (util/file.h) before
// Accept returns, so a voucher once acknowledged survives a crash; the file
// holds only vouchers (public, signed by the proxy) and totals, no key.
//
//   { "format": 1,
//     "contracts": { "0:<hex>": { "voucher": "<hex BoC>", "total": N,
//                                 "submitted": M } } }
//
// Accept refuses what the contract would refuse (bad signature, another
// contract, a kind this role does not take, a total not above the last one)
// with the pay.voucher_* reasons; a voucher equal to the one held is
// accepted again as a no-op (a proxy resends the current one at each
// handshake).
//
// Thread-safety: thread-safe (internal mutex).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "pay/address_order.h"
#include "pay/voucher_verifier.h"

namespace cocoon::pay {

struct HeldVoucher {
  Bytes voucher;           // wire form, as the proxy signed it
  uint64_t total = 0;      // its total_tokens
  uint64_t submitted = 0;  // the highest total put on chain (or seen applied there)
};

class VoucherKeeper {
 public:
  // Loads `path` (a missing file is an empty keeper). A file that does not
  // parse, or holds a voucher that does not parse, is an error naming it.
  static Result<std::unique_ptr<VoucherKeeper>> Open(std::filesystem::path path);

  // Checks `boc` against `expected` (its last_accepted_total is taken from
  // what is held for expected.my_address) and keeps it. Returns the new
  // total. Persisted before it returns.
  Result<uint64_t> Accept(ByteSpan boc, VoucherExpectation expected);

  // The voucher held for `contract`, if any.
  std::optional<HeldVoucher> Held(const ton::Address& contract) const;

  // Records that the voucher of `total` was submitted (or that the chain
  // already counts `total`); never moves backwards. Persisted.
  Status MarkSubmitted(const ton::Address& contract, uint64_t total);

  // Tokens held but not yet submitted, per contract.
  uint64_t Unsubmitted(const ton::Address& contract) const;

  std::map<ton::Address, HeldVoucher, AddressLess> All() const;

 private:
  explicit VoucherKeeper(std::filesystem::path path) : path_(std::move(path)) {}
  Status SaveLocked() const;

  std::filesystem::path path_;
  mutable std::mutex mu_;
  std::map<ton::Address, HeldVoucher, AddressLess> held_;
};

}  // namespace cocoon::pay
