#include "cli/payee_payments.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/report.h"
#include "crypto/sha.h"
#include "inference/protocol.h"
#include "net/run_blocking.h"
#include "node/chain_accounts.h"

namespace cocoon::cli {

namespace asio = boost::asio;

PayeePayments::PayeePayments(const PaymentsConfig& config, const DaemonRuntime& rt,
                             node::PayeeRole role)
    : config_(config), role_(role), chain_(OpenChainClient(config, rt.identity.key)) {
  Result<std::unique_ptr<pay::VoucherKeeper>> keeper =
      pay::VoucherKeeper::Open(config.vouchers_file);
  if (!keeper.ok()) Fail(keeper.status().WithContext("[payments] vouchers"));
  payee_ = std::make_shared<node::Payee>(role, chain_.wallet->address(),
                                         std::shared_ptr<pay::VoucherKeeper>(std::move(*keeper)));
  submitter_ = std::make_unique<node::VoucherSubmitter>(
      *payee_,
      [this](const ton::Address& contract, const node::ProxyTerms& terms, const Bytes& voucher) {
        return Submit(contract, terms, voucher);
      },
      config.submit_threshold);
  if (role == node::PayeeRole::kClient) secret_ = LoadOrCreateSecret(config.secret_file);
}

PayeePayments::~PayeePayments() { blocking_.join(); }

Result<uint64_t> PayeePayments::Submit(const ton::Address& contract, const node::ProxyTerms& terms,
                                       const Bytes& voucher) {
  std::optional<ton::contracts::ContractInit> init;
  if (role_ == node::PayeeRole::kWorker) {
    // The first payout deploys the worker contract: it needs the StateInit.
    const std::string proxy = terms.proxy_contract.ToRaw();
    std::unique_lock lock(mu_);
    auto it = worker_inits_.find(proxy);
    if (it == worker_inits_.end()) {
      lock.unlock();
      COCOON_ASSIGN_OR_RETURN(
          ton::contracts::ContractInit made,
          node::WorkerContractInit(*chain_.api, terms.proxy_contract, chain_.wallet->address()));
      lock.lock();
      it = worker_inits_.emplace(proxy, std::move(made)).first;
    }
    init = it->second;
  }
  COCOON_ASSIGN_OR_RETURN(node::SubmittedVoucher sent,
                          node::SubmitVoucher(*chain_.wallet, contract, voucher, init));
  return sent.tokens_on_chain;
}

Status PayeePayments::EnsureClientContract(const ton::Address& proxy_contract) {
  {
    std::lock_guard lock(mu_);
    if (ready_proxies_.count(proxy_contract.ToRaw())) return Status::Ok();
  }
  Result<ton::contracts::Params> params = ton::contracts::GetParams(*chain_.api, proxy_contract);
  if (!params.ok()) return params.status().WithContext("reading the proxy's params");
  const ton::Uint128 stake = config_.stake.value_or(params->min_client_stake);
  const crypto::Sha256Digest secret_hash = crypto::Sha256(AsBytes(secret_));
  spdlog::info(
      "ensuring the client contract at proxy {} (stake {} TON, balance at least {} TON)...",
      proxy_contract.ToRaw(), ton::FormatTon(stake), ton::FormatTon(config_.min_balance));
  COCOON_ASSIGN_OR_RETURN(node::ClientAccount account,
                          node::EnsureClientContract(*chain_.wallet, proxy_contract, secret_hash,
                                                     stake, config_.min_balance));
  spdlog::info("client contract {}{}: balance {} TON, stake {} TON", account.address.ToRaw(),
               account.deployed ? " (deployed now)" : "", ton::FormatTon(account.data.balance),
               ton::FormatTon(account.data.stake));
  std::lock_guard lock(mu_);
  ready_proxies_.insert(proxy_contract.ToRaw());
  return Status::Ok();
}

asio::awaitable<Status> PayeePayments::ClientHello(const net::SecureSession& secure) {
  const crypto::Ed25519PublicKey proxy_key = secure.peer.key;
  auto reply = co_await secure.session->Call(inference::kPaymentTermsMethod, ByteSpan());
  if (!reply.ok()) co_return reply.status().WithContext("asking the proxy for its payment terms");
  inference::PaymentTerms terms;
  if (!terms.ParseFromArray(reply->data(), static_cast<int>(reply->size())))
    co_return ProtocolError("the proxy's payment terms do not parse");
  if (terms.proxy_contract().empty()) co_return Status::Ok();  // it does not charge
  Result<ton::ParsedAddress> proxy_contract = ton::ParseAddress(terms.proxy_contract());
  if (!proxy_contract.ok()) co_return ProtocolError("the proxy's contract address does not parse");
  const ton::Address proxy_address = proxy_contract->address;
  std::function<Status()> ensure = [this, proxy_address] {
    return EnsureClientContract(proxy_address);
  };
  Status ready = co_await net::RunBlocking(blocking_.get_executor(), std::move(ensure));
  if (!ready.ok()) co_return ready.WithContext("the client contract");

  inference::ClientHello hello;
  *hello.mutable_payment() = payee_->Identity(proxy_key);
  hello.set_secret(secret_);
  const std::string encoded = hello.SerializeAsString();
  auto welcome_bytes =
      co_await secure.session->Call(inference::kClientHelloMethod, AsBytes(encoded));
  if (!welcome_bytes.ok())
    co_return welcome_bytes.status().WithContext("the proxy refused this client");
  inference::ClientWelcome welcome;
  if (!welcome.ParseFromArray(welcome_bytes->data(), static_cast<int>(welcome_bytes->size())))
    co_return ProtocolError("the proxy's welcome does not parse");
  Status accepted = payee_->AcceptTerms(proxy_key, welcome.payment());
  if (!accepted.ok()) co_return accepted.WithContext("the proxy's payment terms");
  spdlog::info("proxy {} charges through {}: available credit {} nanoTON", proxy_key.Hex(),
               welcome.payment().peer_contract(), welcome.available_credit());
  co_return Status::Ok();
}

void PayeePayments::StartSubmitting(asio::any_io_executor executor) {
  timer_ = std::make_unique<asio::steady_timer>(executor);
  auto loop = [this]() -> asio::awaitable<void> {
    while (!stopped_) {
      timer_->expires_after(config_.submit_interval);
      auto [ec] = co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || stopped_) break;
      asio::post(blocking_, [this] { (void)submitter_->SubmitDue(false); });
    }
  };
  asio::co_spawn(executor, std::move(loop), asio::detached);
}

void PayeePayments::Stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
  Result<size_t> n = submitter_->SubmitDue(true);
  if (n.ok() && *n > 0) spdlog::info("submitted {} voucher(s) on close", *n);
}

}  // namespace cocoon::cli
