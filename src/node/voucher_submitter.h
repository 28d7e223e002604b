// VoucherSubmitter: puts a client's or worker's vouchers on chain when they
// are worth the fee (DESIGN.md §5): a voucher whose unsubmitted part is worth
// at least `threshold` nanoTON (at the proxy's price for a client, its worker
// fee for a worker), and every voucher with anything unsubmitted when the
// daemon closes.
//
// The chain is reached through `submit` (the daemon passes
// node::SubmitVoucher with its wallet), so this is tested without one.
// `submit` returns the total the contract counts afterwards.
//
// Blocking: SubmitDue calls `submit`, which waits for the chain. Call it from
// a thread pool. Thread-safety: one SubmitDue at a time (internal mutex).
#pragma once

#include <functional>
#include <mutex>

#include "node/payee.h"
#include "ton/uint128.h"

namespace cocoon::node {

using SubmitFn = std::function<Result<uint64_t>(const ton::Address& contract,
                                                const ProxyTerms& terms, const Bytes& voucher)>;

class VoucherSubmitter {
 public:
  VoucherSubmitter(Payee& payee, SubmitFn submit, ton::Uint128 threshold);

  // Submits the vouchers that are due (all with something unsubmitted when
  // `closing`). Returns how many were submitted; the first error (the others
  // are still tried).
  Result<size_t> SubmitDue(bool closing);

 private:
  Payee& payee_;
  SubmitFn submit_;
  ton::Uint128 threshold_;
  std::mutex mu_;
};

}  // namespace cocoon::node
