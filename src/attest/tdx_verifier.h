// TdxVerifier: the EvidenceVerifier for `tdx` evidence (a DCAP TDX quote,
// v4 or v5), verified in process against collateral at the injected clock's
// time (dcap/verify.h). The result is Measurements (tdx_measurements.h); the
// TCB status and debug bit are for policy to judge, not refused here.
//
// Thread-safety: immutable after construction; Verify is safe from any thread
// if the collateral source's Get is.
#pragma once

#include <memory>

#include "attest/evidence.h"
#include "attest/tdx_collateral.h"
#include "util/clock.h"

namespace cocoon::attest {

class TdxVerifier final : public EvidenceVerifier {
 public:
  TdxVerifier(std::shared_ptr<const TdxCollateralSource> collateral,
              std::shared_ptr<const Clock> clock);

  // Errors: not tdx evidence; an SGX quote; collateral unavailable; every
  // dcap.* refusal of dcap::VerifyQuote.
  Result<Measurements> Verify(const Evidence& evidence) const override;

 private:
  std::shared_ptr<const TdxCollateralSource> collateral_;
  std::shared_ptr<const Clock> clock_;
};

// Verifies a TDX quote with `collateral` at `at` (seconds since the epoch).
// For tools (`cocoon attest verify`) and tests.
Result<Measurements> VerifyTdxQuote(ByteSpan quote, const dcap::Collateral& collateral, int64_t at);

}  // namespace cocoon::attest
