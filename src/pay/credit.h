// CreditBook: the proxy's view of what each client may still spend, and the
// reservations of the requests in flight (DESIGN.md §5).
//
// For each client (keyed by its client contract address):
//
//   limit      = min(balance, stake × stake_credit_percent / 100)
//   unsettled  = charged − settled   (charged by this proxy, not yet applied
//                                     on chain by a charge voucher)
//   available  = limit − reserved − unsettled   (0 when negative)
//
// `balance` and `stake` are the client contract's, as last read from the
// chain (or raised by TopUp); `settled` is the nanoTON its tokens_charged
// stands for. The stake bounds the credit because a client may withdraw
// anything above its stake at any moment: only the stake is sure to be there
// when the proxy submits its charge voucher.
//
// A request first Reserve()s its worst case (pricing.h WorstCase); a client
// that cannot cover it gets pay.insufficient_credit (the daemons answer it as
// OpenAI's 429 insufficient_quota). When the request ends, Settle() releases
// the reservation and adds the actual cost to `charged`, even when the actual
// cost exceeds the reservation (the work was done); a request that failed
// before any charge is Release()d.
//
// Thread-safety: thread-compatible. Const methods may be called from several
// threads at once; anything else needs external synchronisation (the proxy
// keeps one book per strand or behind its own mutex).
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>

#include "pay/address_order.h"
#include "ton/address.h"
#include "ton/uint128.h"
#include "util/status.h"

namespace cocoon::pay {

struct CreditPolicy {
  // Credit allowed per unit of stake, in percent (100: credit up to the stake).
  uint32_t stake_credit_percent = 100;
};

// One client's state. All amounts in nanoTON.
struct CreditAccount {
  ton::Uint128 balance = 0;    // on chain (or topped up since)
  ton::Uint128 stake = 0;      // on chain
  ton::Uint128 charged = 0;    // cumulative, charged by this proxy
  ton::Uint128 settled = 0;    // cumulative, applied on chain
  ton::Uint128 reserved = 0;   // requests in flight
  ton::Uint128 limit = 0;      // min(balance, stake-bounded limit)
  ton::Uint128 available = 0;  // limit − reserved − unsettled, or 0
};

// A reservation held by a request in flight. Plain value; pass it back to
// Settle or Release exactly once.
struct Reservation {
  uint64_t id = 0;
  ton::Address client;
  ton::Uint128 amount = 0;
};

class CreditBook {
 public:
  explicit CreditBook(CreditPolicy policy = {}) : policy_(policy) {}

  CreditBook(const CreditBook&) = delete;
  CreditBook& operator=(const CreditBook&) = delete;

  // Sets what the chain says about `client`: balance, stake and the cumulative
  // nanoTON of its charges applied on chain. `settled` never moves backwards
  // (an older chain read does not undo a newer one).
  void UpdateFromChain(const ton::Address& client, ton::Uint128 balance, ton::Uint128 stake,
                       ton::Uint128 settled);

  // A deposit seen before the next chain read: balance += amount.
  void TopUp(const ton::Address& client, ton::Uint128 amount);

  // Restores the cumulative charge from the ledger at start-up (never lowers it).
  void RestoreCharged(const ton::Address& client, ton::Uint128 charged);

  // Reserves `amount` for a request, or pay.insufficient_credit
  // (kResourceExhausted) when available < amount. An unknown client has no
  // credit.
  Result<Reservation> Reserve(const ton::Address& client, ton::Uint128 amount);

  // Ends a reservation with its actual cost: reserved −= reservation amount,
  // charged += actual_cost. pay.unknown_reservation (kNotFound) if the
  // reservation was already settled or released.
  Status Settle(const Reservation& reservation, ton::Uint128 actual_cost);

  // Ends a reservation with no charge. pay.unknown_reservation if unknown.
  Status Release(const Reservation& reservation);

  // The client's state (all zero for an unknown client).
  CreditAccount Account(const ton::Address& client) const;

  size_t open_reservations() const { return open_.size(); }

 private:
  struct State {
    ton::Uint128 balance = 0;
    ton::Uint128 stake = 0;
    ton::Uint128 charged = 0;
    ton::Uint128 settled = 0;
    ton::Uint128 reserved = 0;
  };
  CreditAccount Compute(const State& s) const;

  CreditPolicy policy_;
  std::map<ton::Address, State, AddressLess> clients_;
  std::unordered_map<uint64_t, Reservation> open_;
  uint64_t next_id_ = 1;
};

}  // namespace cocoon::pay
