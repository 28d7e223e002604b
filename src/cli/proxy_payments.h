// The proxy's payments, set up from its [payments] section at start
// (docs/payments.md "In the daemons"): the node wallet, the proxy contract
// deployed and staked through it, the ledger opened and checked, the
// PaymentDesk the ProxyServer uses, and the loop that anchors the ledger's
// head on chain.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "cli/daemon_runtime.h"
#include "cli/payments_config.h"
#include "proxy/payment_desk.h"

namespace cocoon::cli {

class ProxyPayments {
 public:
  // Blocking (chain reads, the contract's deployment, the ledger check);
  // throws CommandFailed with what to do when something is missing.
  ProxyPayments(const PaymentsConfig& config, const DaemonRuntime& rt);
  ~ProxyPayments();

  const std::shared_ptr<proxy::PaymentDesk>& desk() const { return desk_; }

  // Anchors the ledger's head every anchor_interval when it moved, until Stop().
  void StartAnchoring(boost::asio::any_io_executor executor);
  // Stops anchoring, sends a last anchor if the head moved, and waits for
  // blocking work to finish.
  void Stop();

 private:
  // Blocking: one anchor of the current head if it is above the last one.
  Status AnchorNow();
  // The ledger must hold the record anchored on chain, with the same session
  // hash; a ledger that ends before it was restored from an older copy.
  Status CheckAgainstAnchor(const pay::Ledger& ledger) const;

  PaymentsConfig config_;
  crypto::Ed25519PrivateKey key_;
  ChainClient chain_;
  ton::Address proxy_contract_;
  std::shared_ptr<proxy::Billing> billing_;
  std::shared_ptr<proxy::PaymentDesk> desk_;
  boost::asio::thread_pool blocking_{2};
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool stopped_ = false;
};

}  // namespace cocoon::cli
