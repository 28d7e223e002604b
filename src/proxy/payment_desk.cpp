#include "proxy/payment_desk.h"

#include "crypto/random.h"
#include "crypto/sha.h"
#include "net/run_blocking.h"
#include "pay/ledger_record.h"
#include "ton/uint128.h"

namespace cocoon::proxy {

namespace asio = boost::asio;

namespace {

Result<ton::Address> ParseRawAddress(const std::string& text, const char* what) {
  Result<ton::ParsedAddress> parsed = ton::ParseAddress(text);
  if (!parsed.ok()) {
    return InvalidArgument(std::string(what) +
                           " is not a TON address: " + parsed.status().message());
  }
  return parsed->address;
}

}  // namespace

PaymentDesk::PaymentDesk(PaymentDeskOptions options, std::shared_ptr<Billing> billing,
                         ChainAccess chain, asio::any_io_executor blocking)
    : options_(std::move(options)),
      billing_(std::move(billing)),
      chain_(std::move(chain)),
      blocking_(std::move(blocking)) {}

inference::PaymentTerms PaymentDesk::Terms(const ton::Address& peer_contract,
                                           pay::Party party) const {
  inference::PaymentTerms terms = PublicTerms();
  terms.set_peer_contract(peer_contract.ToRaw());
  Result<Bytes> current = billing_->CurrentVoucher(party, peer_contract);
  if (current.ok()) terms.set_current_voucher(current->data(), current->size());
  return terms;
}

std::string PaymentDesk::LedgerId(std::string_view request_id) {
  constexpr size_t kMaxCallerPart = pay::kMaxLedgerIdBytes - 25;  // nonce (24) and ':'
  return HexEncode(crypto::RandomBytes(12)) + ":" +
         std::string(request_id.substr(0, kMaxCallerPart));
}

inference::PaymentTerms PaymentDesk::PublicTerms() const {
  inference::PaymentTerms terms;
  terms.set_proxy_contract(options_.proxy_contract.ToRaw());
  const auto& key = billing_->ledger().public_key().bytes();
  terms.set_proxy_key(key.data(), key.size());
  terms.set_price_per_token(billing_->prices().price_per_token);
  terms.set_worker_fee_per_token(billing_->prices().worker_fee_per_token);
  return terms;
}

asio::awaitable<Result<PaidPeer>> PaymentDesk::AdmitClient(const inference::ClientHello& hello,
                                                           const std::string& client_id) {
  auto owner = ParseRawAddress(hello.payment().owner_address(), "the client's owner_address");
  if (!owner.ok()) co_return owner.status();
  auto contract = chain_.client_contract(*owner);
  if (!contract.ok()) co_return contract.status();
  const ton::Address address = *contract;
  std::function<Result<ton::contracts::ClientData>()> read = [this, address] {
    return chain_.read_client(address);
  };
  Result<ton::contracts::ClientData> data = co_await net::RunBlocking(blocking_, std::move(read));
  if (!data.ok()) {
    if (data.status().code() == ErrorCode::kNotFound) {
      co_return FailedPrecondition("the client contract " + address.ToRaw() +
                                   " is not deployed; the client deploys it with its stake");
    }
    co_return data.status().WithContext("reading the client contract " + address.ToRaw());
  }
  const crypto::Sha256Digest secret_hash = crypto::Sha256(AsBytes(hello.secret()));
  if (hello.secret().empty() ||
      !std::equal(secret_hash.begin(), secret_hash.end(), data->secret_hash.begin())) {
    co_return PermissionDenied("the client's secret does not match the secret hash of " +
                               address.ToRaw());
  }
  if (!hello.payment().last_voucher().empty()) {
    Status peer = billing_->CheckPeerVoucher(AsBytes(hello.payment().last_voucher()), address);
    if (!peer.ok()) co_return peer;
  }
  // The chain counts every charge voucher the client applied: a ledger below
  // that lost records, whatever voucher the client chose to present.
  Status applied =
      billing_->ledger().CheckPeerTotal(pay::Party::kClient, address, data->tokens_charged);
  if (!applied.ok()) co_return applied;
  billing_->UpdateClientFromChain(address, data->balance, data->stake, data->tokens_charged);
  co_return PaidPeer{BilledParty{address, client_id}, Terms(address, pay::Party::kClient)};
}

Result<PaidPeer> PaymentDesk::AdmitWorker(const inference::PayeeIdentity& payee,
                                          const std::string& worker_id) {
  COCOON_ASSIGN_OR_RETURN(ton::Address owner,
                          ParseRawAddress(payee.owner_address(), "the worker's owner_address"));
  COCOON_ASSIGN_OR_RETURN(ton::Address contract, chain_.worker_contract(owner));
  if (!payee.last_voucher().empty()) {
    COCOON_RETURN_IF_ERROR(billing_->CheckPeerVoucher(AsBytes(payee.last_voucher()), contract));
  }
  return PaidPeer{BilledParty{contract, worker_id}, Terms(contract, pay::Party::kWorker)};
}

asio::awaitable<Status> PaymentDesk::RefreshClient(const ton::Address& client) {
  std::function<Result<ton::contracts::ClientData>()> read = [this, client] {
    return chain_.read_client(client);
  };
  Result<ton::contracts::ClientData> data = co_await net::RunBlocking(blocking_, std::move(read));
  if (!data.ok()) co_return data.status();
  billing_->UpdateClientFromChain(client, data->balance, data->stake, data->tokens_charged);
  co_return Status::Ok();
}

Result<pay::Reservation> PaymentDesk::Reserve(const BilledParty& client,
                                              inference::InferRequest& request,
                                              uint32_t max_coefficient) {
  uint64_t max_tokens = options_.default_max_tokens;
  if (request.max_tokens() > 0 && static_cast<uint64_t>(request.max_tokens()) < max_tokens) {
    max_tokens = static_cast<uint64_t>(request.max_tokens());
  }
  request.set_max_tokens(static_cast<int64_t>(max_tokens));
  return billing_->Reserve(client.contract, request.body().size(), max_tokens, max_coefficient);
}

asio::awaitable<Result<Receipt>> PaymentDesk::Settle(
    const pay::Reservation& reservation, const std::string& request_id, const BilledParty& client,
    const BilledParty& worker, const inference::Usage& usage, uint32_t coefficient) {
  Result<pay::Usage> parsed = pay::MakeUsage(usage.prompt_tokens(), usage.cached_tokens(),
                                             usage.completion_tokens(), usage.reasoning_tokens());
  if (!parsed.ok()) {
    billing_->Release(reservation);
    co_return parsed.status();
  }
  std::function<Result<Receipt>()> settle = [this, reservation, request_id, client, worker,
                                             u = *parsed, coefficient] {
    return billing_->Settle(reservation, request_id, client, worker, u, coefficient);
  };
  Result<Receipt> receipt = co_await net::RunBlocking(blocking_, std::move(settle));
  co_return receipt;
}

namespace {

inference::Payment PaymentOf(const Receipt& receipt, const ton::Uint128& amount, uint64_t total,
                             const Bytes& voucher) {
  inference::Payment p;
  p.set_adjusted_tokens(receipt.charge.adjusted_tokens);
  p.set_amount(ton::Uint128ToString(amount));
  p.set_total_tokens(total);
  p.set_voucher(voucher.data(), voucher.size());
  return p;
}

}  // namespace

inference::Payment ClientPayment(const Receipt& receipt) {
  return PaymentOf(receipt, receipt.charge.client_cost, receipt.client_total,
                   receipt.client_voucher);
}

inference::Payment WorkerPayment(const Receipt& receipt) {
  return PaymentOf(receipt, receipt.charge.worker_earning, receipt.worker_total,
                   receipt.worker_voucher);
}

}  // namespace cocoon::proxy
