// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1):
// the platform's FMSPC, PCE ID and the TCB it was certified at. TCB matching
// (tcb_match.h) compares these SVNs with the levels of the TCB info.
//
// Thread-safety: plain values and a free function.
#pragma once

#include <array>

#include "attest/dcap/openssl.h"

namespace cocoon::attest::dcap {

struct PckInfo {
  Array<16> ppid{};
  std::array<uint8_t, 16> sgx_tcb_components{};  // SGX TCB comp 01..16 SVNs
  uint16_t pce_svn = 0;
  Array<16> cpu_svn{};
  Array<2> pce_id{};
  Array<6> fmspc{};
};

// Errors (dcap.certificate_chain_invalid): no SGX extension, or any of
// PPID, TCB (16 components, PCESVN, CPUSVN), PCE-ID, FMSPC missing or malformed.
Result<PckInfo> ParsePckExtension(X509* pck);

}  // namespace cocoon::attest::dcap
