// The stable reason tags of DCAP verification errors.
//
// Every refusal from the dcap verifier is a Status whose message starts with
// one of these tags, then ": " and what is wrong, e.g.
// "dcap.quote_signature_invalid: the attestation key's signature over the quote
// does not verify". Tests, logs and operators match on the tag; the rest of the
// message is for people and may change.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace cocoon::attest::dcap {

namespace tag {
// Input shape.
inline constexpr std::string_view kMalformedQuote = "dcap.malformed_quote";
inline constexpr std::string_view kUnsupportedQuote = "dcap.unsupported_quote";
inline constexpr std::string_view kMalformedCollateral = "dcap.malformed_collateral";
// Quote signatures (the signed regions of the quote).
inline constexpr std::string_view kQuoteSignature = "dcap.quote_signature_invalid";
inline constexpr std::string_view kQeReportSignature = "dcap.qe_report_signature_invalid";
inline constexpr std::string_view kAttestationKeyNotBound = "dcap.attestation_key_not_bound";
// Certificate chains and CRLs.
inline constexpr std::string_view kUntrustedRoot = "dcap.untrusted_root";
inline constexpr std::string_view kChainInvalid = "dcap.certificate_chain_invalid";
inline constexpr std::string_view kCertificateExpired = "dcap.certificate_expired";
inline constexpr std::string_view kCertificateNotYetValid = "dcap.certificate_not_yet_valid";
inline constexpr std::string_view kPckRevoked = "dcap.pck_revoked";
inline constexpr std::string_view kCertificateRevoked = "dcap.certificate_revoked";
inline constexpr std::string_view kCrlSignature = "dcap.crl_signature_invalid";
// Collateral.
inline constexpr std::string_view kCollateralExpired = "dcap.collateral_expired";
inline constexpr std::string_view kCollateralNotYetValid = "dcap.collateral_not_yet_valid";
inline constexpr std::string_view kTcbInfoSignature = "dcap.tcb_info_signature_invalid";
inline constexpr std::string_view kQeIdentitySignature = "dcap.qe_identity_signature_invalid";
inline constexpr std::string_view kCollateralMismatch = "dcap.collateral_wrong_kind";
inline constexpr std::string_view kFmspcMismatch = "dcap.fmspc_mismatch";
inline constexpr std::string_view kPceIdMismatch = "dcap.pceid_mismatch";
inline constexpr std::string_view kQeIdentityMismatch = "dcap.qe_identity_mismatch";
inline constexpr std::string_view kTdxModuleMismatch = "dcap.tdx_module_mismatch";
inline constexpr std::string_view kTcbLevelNotFound = "dcap.tcb_level_not_found";
}  // namespace tag

// "<tag>: <detail>" with `code`.
inline Status DcapError(ErrorCode code, std::string_view reason_tag, std::string_view detail) {
  std::string m(reason_tag);
  m += ": ";
  m += detail;
  return Status(code, std::move(m));
}
inline Status Malformed(std::string_view reason_tag, std::string_view detail) {
  return DcapError(ErrorCode::kInvalidArgument, reason_tag, detail);
}
inline Status Refused(std::string_view reason_tag, std::string_view detail) {
  return DcapError(ErrorCode::kUnauthenticated, reason_tag, detail);
}

}  // namespace cocoon::attest::dcap
