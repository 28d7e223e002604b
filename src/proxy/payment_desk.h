// PaymentDesk: payments where the request path meets them (DESIGN.md §5,
// docs/payments.md "In the daemons"). It admits clients and workers (which
// contract each one is, what a client may spend, whether the ledger is
// behind what the peer holds), reserves before a request is routed and
// settles after the worker's tail, handing out the vouchers of each new
// total.
//
// The chain is reached through two functions passed in (ChainAccess), so the
// desk is tested without one; the daemon passes the contract bindings
// (src/ton/contracts): the client contract's get_client_data, and the
// client/worker contract addresses derived from the proxy contract's
// configuration.
//
// Blocking work (chain reads, the ledger's fsync) runs on `blocking`, a
// thread pool; every coroutine here resumes on the caller's executor.
//
// Threading: the coroutines are called from the proxy's executor; Billing is
// thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "inference/inference.pb.h"
#include "proxy/billing.h"
#include "ton/address.h"
#include "ton/contracts/getters.h"

namespace cocoon::proxy {

struct ChainAccess {
  // The client contract of `owner` at this proxy, and the worker contract.
  std::function<Result<ton::Address>(const ton::Address& owner)> client_contract;
  std::function<Result<ton::Address>(const ton::Address& owner)> worker_contract;
  // get_client_data of a client contract (blocking).
  std::function<Result<ton::contracts::ClientData>(const ton::Address& client)> read_client;
};

struct PaymentDeskOptions {
  ton::Address proxy_contract;
  // Completion tokens reserved for a request that names no max_tokens; the
  // worker caps the backend at what was reserved.
  uint64_t default_max_tokens = 4096;
};

// A client or worker admitted for payments.
struct PaidPeer {
  BilledParty party;
  inference::PaymentTerms terms;
};

class PaymentDesk {
 public:
  PaymentDesk(PaymentDeskOptions options, std::shared_ptr<Billing> billing, ChainAccess chain,
              boost::asio::any_io_executor blocking);

  // A client's hello: its contract must exist and hold SHA-256(secret) as
  // its secret hash (kPermissionDenied otherwise), its voucher must not be
  // ahead of the ledger (pay.ledger_behind_peer). Reads the contract's
  // balance and stake into the credit book.
  boost::asio::awaitable<Result<PaidPeer>> AdmitClient(const inference::ClientHello& hello,
                                                       const std::string& client_id);
  // A worker's announcement: where it is paid, and the same ledger check.
  Result<PaidPeer> AdmitWorker(const inference::PayeeIdentity& payee, const std::string& worker_id);

  // Re-reads a client contract (balance, stake, charges applied on chain).
  boost::asio::awaitable<Status> RefreshClient(const ton::Address& client);

  // Reserves the request's worst case: prompt tokens estimated by the body's
  // size in bytes (a token is at least a byte), completion tokens by
  // request.max_tokens() (set to default_max_tokens when 0, never raised),
  // at `max_coefficient`. Sets request.max_tokens to what was reserved.
  Result<pay::Reservation> Reserve(const BilledParty& client, inference::InferRequest& request,
                                   uint32_t max_coefficient);
  void Release(const pay::Reservation& reservation) { billing_->Release(reservation); }

  // Settles a request served by `worker` with the usage in its tail.
  boost::asio::awaitable<Result<Receipt>> Settle(
      const pay::Reservation& reservation, const std::string& request_id, const BilledParty& client,
      const BilledParty& worker, const inference::Usage& usage, uint32_t coefficient);

  // The ledger's key for a request: a fresh nonce plus (a prefix of) the
  // caller's request id. The caller chooses its ids: one reused must not
  // make a second answer free, and one too long for the ledger must not make
  // the settlement fail (an answer served for free).
  static std::string LedgerId(std::string_view request_id);

  // The terms any client may ask for before it has a contract: the proxy
  // contract (where client contracts live), the voucher key and prices.
  inference::PaymentTerms PublicTerms() const;

  Billing& billing() { return *billing_; }
  const PaymentDeskOptions& options() const { return options_; }

 private:
  inference::PaymentTerms Terms(const ton::Address& peer_contract, pay::Party party) const;

  PaymentDeskOptions options_;
  std::shared_ptr<Billing> billing_;
  ChainAccess chain_;
  boost::asio::any_io_executor blocking_;
};

// The Payment message of a receipt for the client (cost) or the worker (earning).
inference::Payment ClientPayment(const Receipt& receipt);
inference::Payment WorkerPayment(const Receipt& receipt);

}  // namespace cocoon::proxy
