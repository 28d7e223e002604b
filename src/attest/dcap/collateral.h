// Collateral: what a verifier needs from Intel (through a PCCS) besides the
// quote: TCB info and QE identity with their signatures and signing chains,
// the PCK CRL with its issuer chain, and the root CA CRL.
//
// The JSON shape is the PCCS/QVL "QuoteCollateralV3" one used by dcap-qvl and
// the Intel PCCS client libraries: one object with the string fields
// pck_crl_issuer_chain, root_ca_crl (hex DER), pck_crl (hex DER),
// tcb_info_issuer_chain, tcb_info (the exact signed JSON text), tcb_info_signature
// (hex r||s), qe_identity_issuer_chain, qe_identity (exact signed JSON text),
// qe_identity_signature (hex r||s). Unknown fields are ignored.
//
// Parsing checks shape only; dcap::VerifyQuote checks every signature.
// Thread-safety: plain values.
#pragma once

#include <filesystem>
#include <string>

#include "util/bytes.h"
#include "util/status.h"

namespace cocoon::attest::dcap {

// Collateral documents larger than this are refused (real ones are ~20 KB).
inline constexpr size_t kMaxCollateralSize = 1024 * 1024;

struct Collateral {
  std::string pck_crl_issuer_chain;
  Bytes root_ca_crl;
  Bytes pck_crl;
  std::string tcb_info_issuer_chain;
  std::string tcb_info;
  Bytes tcb_info_signature;
  std::string qe_identity_issuer_chain;
  std::string qe_identity;
  Bytes qe_identity_signature;

  // The JSON shape above (CRLs and signatures in lower-case hex).
  std::string ToJson() const;
};

// Errors (dcap.malformed_collateral): oversized, not JSON, a field missing or
// not a string, hex fields that are not hex.
Result<Collateral> ParseCollateralJson(std::string_view text);
Result<Collateral> ReadCollateralFile(const std::filesystem::path& path);

}  // namespace cocoon::attest::dcap
