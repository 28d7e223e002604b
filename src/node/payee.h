// Payee: a client's or worker's side of a paying proxy (DESIGN.md §5). It
// says who the node is to the proxy (the owner wallet of its contract, and
// the latest voucher it holds from that proxy, so the proxy can tell whether
// its ledger fell behind), takes the proxy's payment terms and keeps every
// voucher the proxy sends, checked as the contract will check it
// (pay/voucher_keeper.h).
//
// The proxy signs vouchers with its node key, the key its RA-TLS
// certificate carries; so the key a voucher must be signed with is the one
// the handshake verified, never one the proxy merely states.
//
// Thread-safety: thread-safe (the keeper is; the terms map has a mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "crypto/ed25519.h"
#include "inference/inference.pb.h"
#include "pay/voucher_keeper.h"
#include "ton/address.h"

namespace cocoon::node {

enum class PayeeRole { kClient, kWorker };

// What a proxy told this node, per proxy key.
struct ProxyTerms {
  ton::Address proxy_contract;
  ton::Address my_contract;
  uint64_t price_per_token = 0;       // what one adjusted token costs the client
  uint64_t worker_fee_per_token = 0;  // what it earns the worker
};

class Payee {
 public:
  Payee(PayeeRole role, ton::Address owner, std::shared_ptr<pay::VoucherKeeper> keeper);

  const ton::Address& owner() const { return owner_; }
  PayeeRole role() const { return role_; }

  // The identity to present to the proxy with `proxy_key`: the owner and the
  // held voucher with the highest total signed by that key (none if none).
  inference::PayeeIdentity Identity(const crypto::Ed25519PublicKey& proxy_key) const;

  // The terms from the handshake with the proxy whose verified key is
  // `proxy_key`: its stated key must be that key, the addresses must parse,
  // and its current voucher (if any) must be a valid one for my contract. A
  // current voucher below what is held is not an error here (the proxy's
  // ledger check is the proxy's business); it is simply not taken.
  Status AcceptTerms(const crypto::Ed25519PublicKey& proxy_key,
                     const inference::PaymentTerms& terms);

  // A voucher the proxy sent after a request. Returns its total.
  Result<uint64_t> AcceptVoucher(const crypto::Ed25519PublicKey& proxy_key, ByteSpan voucher);

  std::optional<ProxyTerms> Terms(const crypto::Ed25519PublicKey& proxy_key) const;
  // Keyed by the proxy key in hex.
  std::map<std::string, ProxyTerms> AllTerms() const;
  // For /stats: the owner, and per contract the proxy, the tokens held,
  // submitted and unclaimed, and the unclaimed amount in nanoTON (at the
  // proxy's current price for a client, worker fee for a worker).
  nlohmann::json Stats() const;
  pay::VoucherKeeper& keeper() { return *keeper_; }
  const pay::VoucherKeeper& keeper() const { return *keeper_; }

 private:
  pay::VoucherExpectation Expectation(const crypto::Ed25519PublicKey& proxy_key,
                                      const ton::Address& my_contract) const;

  PayeeRole role_;
  ton::Address owner_;
  std::shared_ptr<pay::VoucherKeeper> keeper_;
  mutable std::mutex mu_;
  std::map<std::string, ProxyTerms> terms_;  // by proxy key (hex)
};

}  // namespace cocoon::node
