#include "cli/proxy_payments.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/report.h"
#include "node/chain_accounts.h"
#include "pay/anchor.h"
#include "ton/contracts/getters.h"
#include "ton/contracts/storage.h"

namespace cocoon::cli {

namespace asio = boost::asio;

namespace {

pay::Prices PricesOf(const ton::contracts::Params& p) {
  pay::Prices prices;
  prices.price_per_token = static_cast<uint64_t>(p.price_per_token);
  prices.worker_fee_per_token = static_cast<uint64_t>(p.worker_fee_per_token);
  prices.prompt_multiplier = p.prompt_mult;
  prices.cached_multiplier = p.cached_mult;
  prices.completion_multiplier = p.completion_mult;
  prices.reasoning_multiplier = p.reasoning_mult;
  return prices;
}

}  // namespace

ProxyPayments::ProxyPayments(const PaymentsConfig& config, const DaemonRuntime& rt)
    : config_(config), key_(rt.identity.key), chain_(OpenChainClient(config, rt.identity.key)) {
  Result<ton::ParsedAddress> root = ton::ParseAddress(config.root);
  if (!root.ok()) Fail(root.status().WithContext("[payments] root"));
  Result<node::ChainContext> ctx = node::LoadChainContext(*chain_.api, root->address);
  if (!ctx.ok()) Fail(ctx.status().WithContext("reading the root contract " + config.root));
  const ton::Uint128 stake = config.stake.value_or(ctx->params.min_proxy_stake);
  spdlog::info("ensuring the proxy contract (stake {} TON)...", ton::FormatTon(stake));
  Result<node::ProxyAccount> account =
      node::EnsureProxyContract(*chain_.wallet, *ctx, key_.public_key(), stake);
  if (!account.ok()) Fail(account.status().WithContext("the proxy contract"));
  proxy_contract_ = account->address;
  spdlog::info("proxy contract {}{}: stake {} TON", proxy_contract_.ToRaw(),
               account->deployed ? " (deployed now)" : "", ton::FormatTon(account->data.stake));

  pay::Prices prices = PricesOf(account->config.params);
  if (Status s = pay::ValidatePrices(prices); !s.ok()) {
    Fail(s.WithContext("the proxy contract's prices"));
  }
  Result<std::unique_ptr<pay::Ledger>> ledger =
      pay::Ledger::Open(config.ledger_file, key_, rt.clock);
  if (!ledger.ok())
    Fail(ledger.status().WithContext("[payments] ledger " + config.ledger_file.string()));
  const pay::LedgerHead head = (*ledger)->Head();
  spdlog::info("ledger {}: {} record(s) verified", config.ledger_file.string(), head.seqno);
  if (Status s = CheckAgainstAnchor(**ledger); !s.ok()) Fail(s);
  billing_ =
      std::make_shared<proxy::Billing>(proxy::BillingOptions{prices, {}}, std::move(*ledger), key_);

  proxy::ChainAccess access;
  const ton::contracts::ProxyConfig proxy_config = account->config;
  const ton::Address proxy_address = proxy_contract_;
  access.client_contract = [proxy_config,
                            proxy_address](const ton::Address& owner) -> Result<ton::Address> {
    COCOON_ASSIGN_OR_RETURN(ton::contracts::ContractInit init,
                            ton::contracts::ClientOfProxy(proxy_config, proxy_address, owner));
    return init.address;
  };
  access.worker_contract = [proxy_config,
                            proxy_address](const ton::Address& owner) -> Result<ton::Address> {
    COCOON_ASSIGN_OR_RETURN(ton::contracts::ContractInit init,
                            ton::contracts::WorkerOfProxy(proxy_config, proxy_address, owner));
    return init.address;
  };
  access.read_client = [api = chain_.api](const ton::Address& client) {
    return ton::contracts::GetClientData(*api, client);
  };
  desk_ = std::make_shared<proxy::PaymentDesk>(
      proxy::PaymentDeskOptions{proxy_contract_, config.default_max_tokens}, billing_,
      std::move(access), blocking_.get_executor());
}

Status ProxyPayments::CheckAgainstAnchor(const pay::Ledger& ledger) const {
  Result<ton::contracts::Anchor> anchor = ton::contracts::GetAnchor(*chain_.api, proxy_contract_);
  if (!anchor.ok()) return anchor.status().WithContext("reading the proxy contract's anchor");
  if (anchor->seqno == 0) return Status::Ok();
  const pay::LedgerHead head = ledger.Head();
  const std::string what = "the ledger " + config_.ledger_file.string();
  if (anchor->seqno > head.seqno) {
    return FailedPrecondition(
        what + " ends at record " + std::to_string(head.seqno) + " but record " +
        std::to_string(anchor->seqno) +
        " is anchored on chain: it was restored from an older copy. Start it with the latest "
        "copy; signing from this one would sign again totals already signed");
  }
  Result<pay::LedgerRecord> record = ledger.RecordAt(anchor->seqno);
  if (!record.ok()) return record.status();
  if (!std::equal(record->session_hash.begin(), record->session_hash.end(),
                  anchor->session_hash.begin())) {
    return FailedPrecondition(what + " differs from its anchor on chain at record " +
                              std::to_string(anchor->seqno) +
                              ": it is another history (another copy of the proxy?)");
  }
  return Status::Ok();
}

ProxyPayments::~ProxyPayments() { blocking_.join(); }

Status ProxyPayments::AnchorNow() {
  pay::Ledger& ledger = billing_->ledger();
  const pay::LedgerHead head = ledger.Head();
  const auto last = ledger.LastAnchor();
  if (head.seqno == 0 || (last && last->seqno >= head.seqno)) return Status::Ok();
  pay::AnchorPayload payload{head.seqno, head.seqno, head.session_hash, proxy_contract_};
  COCOON_ASSIGN_OR_RETURN(pay::SignedAnchor anchor, pay::SignAnchor(payload, key_));
  COCOON_ASSIGN_OR_RETURN(ton::CellRef body, pay::BuildAnchorMessageBody(anchor));
  COCOON_ASSIGN_OR_RETURN(node::SentAnchor sent,
                          node::SendAnchor(*chain_.wallet, proxy_contract_, body));
  COCOON_RETURN_IF_ERROR(ledger.RecordAnchor(head.seqno, head.session_hash));
  spdlog::info("anchored ledger record {} on chain", sent.seqno);
  return Status::Ok();
}

void ProxyPayments::StartAnchoring(asio::any_io_executor executor) {
  timer_ = std::make_unique<asio::steady_timer>(executor);
  auto loop = [this]() -> asio::awaitable<void> {
    while (!stopped_) {
      timer_->expires_after(config_.anchor_interval);
      auto [ec] = co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || stopped_) break;
      asio::post(blocking_, [this] {
        Status s = AnchorNow();
        if (!s.ok()) spdlog::error("anchoring the ledger failed: {}", s.ToString());
      });
    }
  };
  asio::co_spawn(executor, std::move(loop), asio::detached);
}

void ProxyPayments::Stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
  Status s = AnchorNow();
  if (!s.ok()) spdlog::error("the last anchor failed: {}", s.ToString());
}

}  // namespace cocoon::cli
