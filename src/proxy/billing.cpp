#include "proxy/billing.h"

#include "pay/errors.h"
#include "pay/voucher.h"
#include "pay/voucher_verifier.h"
#include "ton/uint128.h"

namespace cocoon::proxy {

namespace {

ton::Uint128 TokensCost(uint64_t tokens, const pay::Prices& prices) {
  return static_cast<ton::Uint128>(tokens) * prices.price_per_token;
}

}  // namespace

Billing::Billing(BillingOptions options, std::unique_ptr<pay::Ledger> ledger,
                 crypto::Ed25519PrivateKey key)
    : options_(std::move(options)),
      ledger_(std::move(ledger)),
      key_(std::move(key)),
      credit_(options_.credit) {
  // What the ledger says each client was charged, so a restarted proxy
  // does not lend again what it lent before the restart.
  for (const auto& [client, total] : ledger_->Totals(pay::Party::kClient)) {
    credit_.RestoreCharged(client, TokensCost(total, options_.prices));
  }
}

void Billing::UpdateClientFromChain(const ton::Address& client, ton::Uint128 balance,
                                    ton::Uint128 stake, uint64_t tokens_charged) {
  std::lock_guard lock(mu_);
  credit_.UpdateFromChain(client, balance, stake, TokensCost(tokens_charged, options_.prices));
}

Result<pay::Reservation> Billing::Reserve(const ton::Address& client, uint64_t prompt_estimate,
                                          uint64_t max_tokens, uint32_t max_coefficient) {
  COCOON_ASSIGN_OR_RETURN(pay::Charge worst, pay::WorstCase(prompt_estimate, max_tokens,
                                                            max_coefficient, options_.prices));
  std::lock_guard lock(mu_);
  return credit_.Reserve(client, worst.client_cost);
}

void Billing::Release(const pay::Reservation& reservation) {
  std::lock_guard lock(mu_);
  (void)credit_.Release(reservation);
}

Result<Receipt> Billing::Settle(const pay::Reservation& reservation, const std::string& request_id,
                                const BilledParty& client, const BilledParty& worker,
                                const pay::Usage& usage, uint32_t coefficient) {
  Result<pay::Charge> charge = pay::PriceUsage(usage, coefficient, options_.prices);
  if (!charge.ok()) {
    Release(reservation);
    return charge.status();
  }
  pay::Settlement settlement{request_id, client.id,       client.contract,
                             worker.id,  worker.contract, charge->adjusted_tokens};
  Result<pay::CommitResult> committed = ledger_->Commit(settlement);
  {
    std::lock_guard lock(mu_);
    if (committed.ok() && !committed->already_committed) {
      (void)credit_.Settle(reservation, charge->client_cost);
    } else {
      // Not charged now: either it failed to commit (the work goes unpaid
      // rather than paid without a durable record) or it was charged before.
      (void)credit_.Release(reservation);
    }
  }
  if (!committed.ok()) return committed.status();
  Receipt receipt;
  receipt.charge = *charge;
  receipt.already_settled = committed->already_committed;
  receipt.client_total = committed->record.client_total;
  receipt.worker_total = committed->record.worker_total;
  if (committed->already_committed) {
    COCOON_ASSIGN_OR_RETURN(
        receipt.charge,
        pay::PriceTokens(committed->record.settlement.adjusted_tokens, options_.prices));
  }
  // A request with no billable tokens leaves the totals where they were; a
  // voucher for an unchanged total would be refused by the contract (107).
  if (receipt.charge.adjusted_tokens > 0) {
    COCOON_ASSIGN_OR_RETURN(
        receipt.client_voucher,
        SignTotal(pay::VoucherKind::kCharge, receipt.client_total, client.contract));
    COCOON_ASSIGN_OR_RETURN(
        receipt.worker_voucher,
        SignTotal(pay::VoucherKind::kWorkerPayout, receipt.worker_total, worker.contract));
  }
  return receipt;
}

Status Billing::CheckPeerVoucher(ByteSpan voucher_boc, const ton::Address& peer_contract) const {
  COCOON_ASSIGN_OR_RETURN(pay::SignedVoucher voucher, pay::DeserializeVoucher(voucher_boc));
  if (voucher.payload.target != peer_contract) {
    return pay::PayError(ErrorCode::kInvalidArgument, pay::kVoucherWrongTarget,
                         "the presented voucher is for " + voucher.payload.target.ToRaw() +
                             ", not for the peer's contract " + peer_contract.ToRaw());
  }
  return ledger_->CheckPeerVoucher(voucher);
}

Result<Bytes> Billing::CurrentVoucher(pay::Party party, const ton::Address& contract) const {
  const uint64_t total = ledger_->Total(party, contract);
  if (total == 0) return Bytes{};
  return SignTotal(
      party == pay::Party::kClient ? pay::VoucherKind::kCharge : pay::VoucherKind::kWorkerPayout,
      total, contract);
}

pay::CreditAccount Billing::Account(const ton::Address& client) const {
  std::lock_guard lock(mu_);
  return credit_.Account(client);
}

Result<Bytes> Billing::SignTotal(pay::VoucherKind kind, uint64_t total,
                                 const ton::Address& target) const {
  // The query id is the total: unique per target and kind, and readable.
  pay::VoucherPayload payload{kind, total, total, target};
  COCOON_ASSIGN_OR_RETURN(pay::SignedVoucher signed_voucher, pay::SignVoucher(payload, key_));
  return pay::SerializeVoucher(signed_voucher);
}

}  // namespace cocoon::proxy
