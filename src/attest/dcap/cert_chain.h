// Certificate chains and CRLs of DCAP, checked against a pinned root at a
// given time (never the machine's clock, so verification is reproducible).
//
// Errors carry the reason tags of errors.h: dcap.untrusted_root,
// dcap.certificate_chain_invalid, dcap.certificate_expired,
// dcap.certificate_not_yet_valid, dcap.pck_revoked / dcap.certificate_revoked,
// dcap.crl_signature_invalid, dcap.collateral_expired /
// dcap.collateral_not_yet_valid (for CRLs).
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string_view>
#include <vector>

#include "attest/dcap/openssl.h"

namespace cocoon::attest::dcap {

// OK if `crl` names `issuer` as its issuer, is signed by its key, and `at` lies
// in [thisUpdate, nextUpdate). `what` names the CRL in messages.
Status VerifyCrl(X509_CRL* crl, X509* issuer, int64_t at, std::string_view what);

// OK if `chain` (leaf first) ends at a certificate byte-identical to `root`,
// every signature and CA constraint holds, every certificate is valid at `at`,
// and no certificate but the root is listed in the CRL of its issuer.
// REQUIRES: every CRL in `crls` passed VerifyCrl. A certificate whose issuer
// has no CRL in `crls` is refused (revocation must be checkable).
// `leaf_is_pck` selects dcap.pck_revoked for a revoked leaf.
Status VerifyChain(const std::vector<CertPtr>& chain, X509* root,
                   const std::vector<X509_CRL*>& crls, int64_t at, std::string_view what,
                   bool leaf_is_pck = false);

}  // namespace cocoon::attest::dcap
