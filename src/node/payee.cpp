#include "node/payee.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "pay/signed_cell.h"
#include "ton/uint128.h"

namespace cocoon::node {

namespace {

Result<ton::Address> ParseContract(const std::string& text, const char* what) {
  Result<ton::ParsedAddress> parsed = ton::ParseAddress(text);
  if (!parsed.ok()) {
    return ProtocolError(std::string("the proxy's ") + what +
                         " is not a TON address: " + parsed.status().message());
  }
  return parsed->address;
}

}  // namespace

Payee::Payee(PayeeRole role, ton::Address owner, std::shared_ptr<pay::VoucherKeeper> keeper)
    : role_(role), owner_(std::move(owner)), keeper_(std::move(keeper)) {}

pay::VoucherExpectation Payee::Expectation(const crypto::Ed25519PublicKey& proxy_key,
                                           const ton::Address& my_contract) const {
  pay::VoucherExpectation e;
  e.proxy_key = proxy_key;
  e.my_address = my_contract;
  // Only the running kinds: final refunds and last payouts close a contract
  // and are asked for explicitly, never taken from a routine message.
  e.kinds = {role_ == PayeeRole::kClient ? pay::VoucherKind::kCharge
                                         : pay::VoucherKind::kWorkerPayout};
  return e;
}

inference::PayeeIdentity Payee::Identity(const crypto::Ed25519PublicKey& proxy_key) const {
  inference::PayeeIdentity id;
  id.set_owner_address(owner_.ToRaw());
  const pay::HeldVoucher* best = nullptr;
  auto all = keeper_->All();
  for (const auto& [contract, held] : all) {
    Result<pay::SignedVoucher> v = pay::DeserializeVoucher(held.voucher);
    if (!v.ok()) continue;
    Result<ton::CellRef> cell = pay::BuildVoucherPayloadCell(v->payload);
    if (!cell.ok() || !pay::VerifyCellSignature(*cell, v->signature, proxy_key)) continue;
    if (!best || held.total > best->total) best = &held;
  }
  if (best) id.set_last_voucher(best->voucher.data(), best->voucher.size());
  return id;
}

Status Payee::AcceptTerms(const crypto::Ed25519PublicKey& proxy_key,
                          const inference::PaymentTerms& terms) {
  if (terms.proxy_key().size() != crypto::Ed25519PublicKey::kSize ||
      std::memcmp(proxy_key.bytes().data(), terms.proxy_key().data(),
                  crypto::Ed25519PublicKey::kSize) != 0) {
    return PermissionDenied(
        "the proxy signs vouchers with a key other than its attested one; refusing its terms");
  }
  COCOON_ASSIGN_OR_RETURN(ton::Address proxy_contract,
                          ParseContract(terms.proxy_contract(), "proxy contract"));
  COCOON_ASSIGN_OR_RETURN(ton::Address my_contract,
                          ParseContract(terms.peer_contract(), "contract for this node"));
  if (!terms.current_voucher().empty()) {
    auto held = keeper_->Held(my_contract);
    Result<pay::SignedVoucher> v = pay::DeserializeVoucher(AsBytes(terms.current_voucher()));
    if (!v.ok()) return v.status().WithContext("the proxy's current voucher");
    if (!held || v->payload.total_tokens > held->total) {
      Result<uint64_t> accepted =
          keeper_->Accept(AsBytes(terms.current_voucher()), Expectation(proxy_key, my_contract));
      if (!accepted.ok()) return accepted.status().WithContext("the proxy's current voucher");
    }
  }
  std::lock_guard lock(mu_);
  terms_[proxy_key.Hex()] = ProxyTerms{proxy_contract, my_contract, terms.price_per_token(),
                                       terms.worker_fee_per_token()};
  return Status::Ok();
}

Result<uint64_t> Payee::AcceptVoucher(const crypto::Ed25519PublicKey& proxy_key, ByteSpan voucher) {
  std::optional<ProxyTerms> terms = Terms(proxy_key);
  if (!terms) {
    return FailedPrecondition("a voucher from a proxy that gave no payment terms");
  }
  return keeper_->Accept(voucher, Expectation(proxy_key, terms->my_contract));
}

std::optional<ProxyTerms> Payee::Terms(const crypto::Ed25519PublicKey& proxy_key) const {
  std::lock_guard lock(mu_);
  auto it = terms_.find(proxy_key.Hex());
  if (it == terms_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, ProxyTerms> Payee::AllTerms() const {
  std::lock_guard lock(mu_);
  return terms_;
}

nlohmann::json Payee::Stats() const {
  nlohmann::json contracts = nlohmann::json::array();
  const auto terms = AllTerms();
  for (const auto& [contract, held] : keeper_->All()) {
    nlohmann::json c = {{"contract", contract.ToRaw()},
                        {"total_tokens", held.total},
                        {"submitted_tokens", held.submitted},
                        {"unclaimed_tokens", held.total - held.submitted}};
    for (const auto& [key, t] : terms) {
      if (t.my_contract != contract) continue;
      const uint64_t rate =
          role_ == PayeeRole::kClient ? t.price_per_token : t.worker_fee_per_token;
      c["proxy_contract"] = t.proxy_contract.ToRaw();
      c["unclaimed_nanoton"] =
          ton::Uint128ToString(static_cast<ton::Uint128>(held.total - held.submitted) * rate);
      c["total_nanoton"] = ton::Uint128ToString(static_cast<ton::Uint128>(held.total) * rate);
    }
    contracts.push_back(std::move(c));
  }
  return {{"owner", owner_.ToRaw()}, {"contracts", std::move(contracts)}};
}

}  // namespace cocoon::node
