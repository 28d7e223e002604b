#include "node/voucher_submitter.h"

#include <spdlog/spdlog.h>

namespace cocoon::node {

VoucherSubmitter::VoucherSubmitter(Payee& payee, SubmitFn submit, ton::Uint128 threshold)
    : payee_(payee), submit_(std::move(submit)), threshold_(threshold) {}

Result<size_t> VoucherSubmitter::SubmitDue(bool closing) {
  std::lock_guard lock(mu_);
  const auto terms = payee_.AllTerms();
  size_t submitted = 0;
  Status first_error;
  for (const auto& [contract, held] : payee_.keeper().All()) {
    const uint64_t unsubmitted = held.total - held.submitted;
    if (unsubmitted == 0) continue;
    const ProxyTerms* t = nullptr;
    for (const auto& [key, candidate] : terms) {
      if (candidate.my_contract == contract) t = &candidate;
    }
    if (t == nullptr) continue;  // no terms from its proxy in this run yet
    const uint64_t rate =
        payee_.role() == PayeeRole::kClient ? t->price_per_token : t->worker_fee_per_token;
    const ton::Uint128 worth = static_cast<ton::Uint128>(unsubmitted) * rate;
    if (!closing && worth < threshold_) continue;
    Result<uint64_t> on_chain = submit_(contract, *t, held.voucher);
    if (!on_chain.ok()) {
      spdlog::error("submitting the voucher of {} tokens to {} failed: {}", held.total,
                    contract.ToRaw(), on_chain.status().ToString());
      if (first_error.ok()) first_error = on_chain.status();
      continue;
    }
    Status marked = payee_.keeper().MarkSubmitted(contract, *on_chain);
    if (!marked.ok() && first_error.ok()) first_error = marked;
    spdlog::info("submitted the voucher of {} tokens to {} ({} nanoTON)", held.total,
                 contract.ToRaw(), ton::Uint128ToString(worth));
    ++submitted;
  }
  if (!first_error.ok()) return first_error;
  return submitted;
}

}  // namespace cocoon::node
