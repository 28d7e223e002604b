// A client's or worker's payments, set up from its [payments] section
// (docs/payments.md "In the daemons"): the node wallet, the vouchers kept on
// disk (node::Payee), and the loop that submits them on chain when they are
// worth the fee, and once more when the daemon stops. A client also keeps
// its contract at each charging proxy deployed, staked, holding its secret's
// hash and topped up (EnsureClientContract).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "cli/daemon_runtime.h"
#include "cli/payments_config.h"
#include "net/persistent_link.h"
#include "node/payee.h"
#include "node/voucher_submitter.h"
#include "ton/contracts/storage.h"

namespace cocoon::cli {

class PayeePayments {
 public:
  // Throws CommandFailed on an unusable configuration or voucher file.
  PayeePayments(const PaymentsConfig& config, const DaemonRuntime& rt, node::PayeeRole role);
  ~PayeePayments();

  const std::shared_ptr<node::Payee>& payee() const { return payee_; }

  // The client's step after each handshake with a proxy: asks for its
  // terms, makes sure its contract there is ready (blocking chain work on the
  // pool), then says hello. A proxy that does not charge needs nothing.
  boost::asio::awaitable<Status> ClientHello(const net::SecureSession& secure);

  void StartSubmitting(boost::asio::any_io_executor executor);
  // Submits what is left unsubmitted (blocking), then stops the loop.
  void Stop();

 private:
  Result<uint64_t> Submit(const ton::Address& contract, const node::ProxyTerms& terms,
                          const Bytes& voucher);
  Status EnsureClientContract(const ton::Address& proxy_contract);

  PaymentsConfig config_;
  node::PayeeRole role_;
  ChainClient chain_;
  std::shared_ptr<node::Payee> payee_;
  std::unique_ptr<node::VoucherSubmitter> submitter_;
  std::string secret_;  // client
  std::mutex mu_;
  std::set<std::string> ready_proxies_;  // client: proxy contracts whose client contract is ready
  std::map<std::string, ton::contracts::ContractInit> worker_inits_;  // worker: per proxy
  boost::asio::thread_pool blocking_{1};
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool stopped_ = false;
};

}  // namespace cocoon::cli
