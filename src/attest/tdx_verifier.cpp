#include "attest/tdx_verifier.h"

#include "attest/dcap/errors.h"
#include "attest/dcap/verify.h"
#include "attest/tdx_measurements.h"

namespace cocoon::attest {

Result<Measurements> VerifyTdxQuote(ByteSpan quote, const dcap::Collateral& collateral,
                                    int64_t at) {
  COCOON_ASSIGN_OR_RETURN(dcap::VerifiedQuote v, dcap::VerifyQuote(quote, collateral, at));
  if (!v.quote.is_tdx()) {
    return dcap::Malformed(dcap::tag::kUnsupportedQuote,
                           "an SGX quote is not TDX evidence (the quote's TEE type is SGX)");
  }
  return TdxMeasurements(v);
}

TdxVerifier::TdxVerifier(std::shared_ptr<const TdxCollateralSource> collateral,
                         std::shared_ptr<const Clock> clock)
    : collateral_(std::move(collateral)), clock_(std::move(clock)) {}

Result<Measurements> TdxVerifier::Verify(const Evidence& evidence) const {
  if (evidence.kind != EvidenceKind::kTdx) {
    return InvalidArgument("expected tdx evidence, got " +
                           std::string(EvidenceKindName(evidence.kind)));
  }
  COCOON_ASSIGN_OR_RETURN(dcap::Quote parsed, dcap::ParseQuote(evidence.quote));
  auto collateral = collateral_->Get(parsed);
  if (!collateral.ok()) {
    return Status(ErrorCode::kUnavailable,
                  "dcap.collateral_unavailable: " + collateral.status().message());
  }
  return VerifyTdxQuote(evidence.quote, *collateral, clock_->NowUnix());
}

}  // namespace cocoon::attest
