// The pinned Intel SGX Root CA: the only trust anchor of DCAP verification
// (PCK chains, TCB info and QE identity signing chains, CRLs all end here).
//
// The certificate is compiled in and checked against its SHA-256 fingerprint,
// 44A0196B2B99F889B8E149E95B807A350E7424964399E885A7CBB8CCFAB674D3, as Intel
// publishes it (https://certificates.trustedservices.intel.com/IntelSGXRootCA.der).
// A quote whose chain ends at any other certificate is refused, whatever its
// subject says.
#pragma once

#include "attest/dcap/openssl.h"

namespace cocoon::attest::dcap {

// A fresh copy of the pinned root (never fails unless memory runs out).
CertPtr IntelSgxRootCa();

}  // namespace cocoon::attest::dcap
