// Billing: what the proxy charges and pays for each request (DESIGN.md §5),
// composed from src/pay — the worst case reserved before a request is
// routed, the settlement of the worker's reported usage into the ledger, and
// the cumulative vouchers for the client and worker contracts that each
// settlement makes due.
//
// A request's life:
//   Reserve(client, prompt_estimate, max_tokens, coefficient)
//     → pay.insufficient_credit (kResourceExhausted; the API's 429
//       insufficient_quota) when the client's available credit cannot cover
//       the worst case; nothing is routed then.
//   Settle(reservation, request, usage)   after the worker's tail
//     → the ledger record is durable before any voucher is signed, and the
//       vouchers sign exactly the ledger's totals after that record; the same
//       request id settled again charges nothing and returns the same totals.
//   Release(reservation)                  when nothing was served.
//
// Vouchers are signed only for totals already committed to the ledger, so a
// crash between commit and delivery loses no money: the next settlement (or
// the peer's next handshake) carries a total at least as high.
//
// A ledger found behind a peer (a peer holds a voucher for more than the
// ledger has: the ledger was restored from an older copy or cloned) is
// reported by CheckPeerVoucher; the proxy then stops serving that peer rather
// than sign a total it has already signed for less.
//
// Thread-safety: thread-safe (an internal mutex around the credit book; the
// ledger has its own). Settle blocks on the ledger's fsync: call it off the
// proxy's event loop.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "crypto/ed25519.h"
#include "pay/credit.h"
#include "pay/ledger.h"
#include "pay/pricing.h"
#include "ton/address.h"
#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::proxy {

struct BillingOptions {
  pay::Prices prices;
  pay::CreditPolicy credit;
};

// A client or worker as the ledger knows it: its contract (the target of its
// vouchers) and the proxy's name for it (its RA-TLS key, hex).
struct BilledParty {
  ton::Address contract;
  std::string id;
};

// What one settled request cost, and the vouchers it made due.
struct Receipt {
  pay::Charge charge;            // adjusted tokens, client cost, worker earning, commission
  uint64_t client_total = 0;     // the client contract's cumulative tokens after it
  uint64_t worker_total = 0;     // the worker contract's
  Bytes client_voucher;          // charge voucher (wire form) for client_total
  Bytes worker_voucher;          // payout voucher (wire form) for worker_total
  bool already_settled = false;  // the request id was settled before
};

class Billing {
 public:
  // `ledger` is open for `key`; `key` signs the vouchers.
  Billing(BillingOptions options, std::unique_ptr<pay::Ledger> ledger,
          crypto::Ed25519PrivateKey key);

  const pay::Prices& prices() const { return options_.prices; }
  const pay::Ledger& ledger() const { return *ledger_; }
  pay::Ledger& ledger() { return *ledger_; }

  // What the chain says about a client contract (get_client_data): its
  // balance and stake in nanoTON, and the tokens its applied charge
  // vouchers count. Call it when a client connects and whenever the proxy
  // re-reads the contract.
  void UpdateClientFromChain(const ton::Address& client, ton::Uint128 balance, ton::Uint128 stake,
                             uint64_t tokens_charged);

  // Reserves the most the request can cost: `prompt_estimate` prompt tokens
  // and `max_tokens` completion tokens at `max_coefficient` (1/1000, > 0).
  Result<pay::Reservation> Reserve(const ton::Address& client, uint64_t prompt_estimate,
                                   uint64_t max_tokens, uint32_t max_coefficient);
  void Release(const pay::Reservation& reservation);

  // Prices `usage` at the serving worker's `coefficient`, commits it to the
  // ledger and signs the vouchers of the new totals. The reservation ends
  // whatever the outcome. Blocks on fsync.
  Result<Receipt> Settle(const pay::Reservation& reservation, const std::string& request_id,
                         const BilledParty& client, const BilledParty& worker,
                         const pay::Usage& usage, uint32_t coefficient);

  // A voucher a client or worker presents at its handshake: OK if this
  // proxy signed it and the ledger holds at least its total; the caller
  // stops serving the peer otherwise (pay.ledger_behind_peer, or the
  // voucher's own error).
  Status CheckPeerVoucher(ByteSpan voucher_boc, const ton::Address& peer_contract) const;

  // The vouchers for a contract's current ledger total (nullopt-like empty
  // bytes when the ledger has nothing for it): what a peer is sent when it
  // connects, so one lost in a crash is replaced.
  Result<Bytes> CurrentVoucher(pay::Party party, const ton::Address& contract) const;

  pay::CreditAccount Account(const ton::Address& client) const;

 private:
  Result<Bytes> SignTotal(pay::VoucherKind kind, uint64_t total, const ton::Address& target) const;

  BillingOptions options_;
  std::unique_ptr<pay::Ledger> ledger_;
  crypto::Ed25519PrivateKey key_;
  mutable std::mutex mu_;  // guards credit_
  pay::CreditBook credit_;
};

}  // namespace cocoon::proxy
