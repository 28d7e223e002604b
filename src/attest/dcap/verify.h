// DCAP quote verification, in process, on OpenSSL only: the whole of what
// Intel's Quote Verification Library checks for an ECDSA quote, given the
// collateral and the time to verify at.
//
// Checks, in order (each failure has its own reason tag, errors.h):
//   1. the quote parses and comes from Intel's QE (QE vendor ID);
//   2. its PCK chain ends at the pinned Intel SGX Root CA (intel_root.h);
//   3. the root CA CRL and the PCK CRL (and its issuer chain) are signed by
//      their issuers and current at `at`;
//   4. the PCK chain verifies at `at` and no certificate in it is revoked;
//   5. the PCK certificate signs the QE report;
//   6. the QE report data binds the attestation key: SHA-256(attestation key
//      || QE authentication data) || 32 zero bytes;
//   7. the attestation key signs the quote header and body;
//   8. TCB info and QE identity are signed by Intel's TCB signing chain
//      (verified to the root, not revoked), current at `at` (issueDate <= at <
//      nextUpdate), and for this TEE ("TDX"/"TD_QE" or "SGX"/"QE");
//   9. the TCB info's FMSPC and PCE ID are the PCK certificate's;
//  10. TCB evaluation (tcb_match.h) yields a status.
// A quote that verifies may still be unacceptable: the status, the debug bit
// and the measurements are for policy (attest/policy.h) to judge.
//
// Thread-safety: pure function, safe from any thread.
#pragma once

#include "attest/dcap/collateral.h"
#include "attest/dcap/openssl.h"
#include "attest/dcap/pck_extension.h"
#include "attest/dcap/quote.h"
#include "attest/dcap/tcb_match.h"

namespace cocoon::attest::dcap {

struct VerifiedQuote {
  Quote quote;
  PckInfo pck;
  TcbEvaluation tcb;
  std::string tcb_info_id;  // "TDX" or "SGX"
  int64_t tcb_evaluation_data_number = 0;
  // The earliest nextUpdate among TCB info, QE identity and the CRLs: after
  // it, this collateral no longer verifies anything.
  int64_t collateral_expires_at = 0;
};

// `pinned_root`: the trust anchor; nullptr means the Intel SGX Root CA. Tests
// pass their own to show that any other root is refused.
Result<VerifiedQuote> VerifyQuote(ByteSpan quote, const Collateral& collateral, int64_t at,
                                  X509* pinned_root = nullptr);

}  // namespace cocoon::attest::dcap
