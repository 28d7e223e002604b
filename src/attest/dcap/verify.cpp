#include "attest/dcap/verify.h"

#include <openssl/x509.h>

#include <algorithm>

#include "attest/dcap/cert_chain.h"
#include "attest/dcap/errors.h"
#include "attest/dcap/intel_root.h"
#include "attest/dcap/tcb_info.h"
#include "crypto/sha.h"

namespace cocoon::attest::dcap {
namespace {

Result<std::vector<CertPtr>> Chain(std::string_view pem, std::string_view what,
                                   std::string_view reason_tag) {
  auto chain = ParsePemChain(pem, 4);
  if (!chain.ok())
    return Malformed(reason_tag, std::string(what) + ": " + chain.status().message());
  return chain;
}

Result<CrlPtr> Crl(ByteSpan der, std::string_view what) {
  auto crl = ParseDerCrl(der);
  if (!crl.ok())
    return Malformed(tag::kMalformedCollateral, std::string(what) + " is not a DER CRL");
  return crl;
}

Status CheckWindow(int64_t issue, int64_t next, int64_t at, std::string_view what) {
  if (at < issue) {
    return Refused(tag::kCollateralNotYetValid,
                   std::string(what) + " is issued at " + FormatIsoTime(issue) +
                       ", after the verification time " + FormatIsoTime(at));
  }
  if (at >= next) {
    return Refused(tag::kCollateralExpired, std::string(what) + " expired at " +
                                                FormatIsoTime(next) + " (verification time " +
                                                FormatIsoTime(at) + ")");
  }
  return Status::Ok();
}

// Verifies a signed collateral body (TCB info or QE identity) and its chain.
Status VerifySignedBody(std::string_view chain_pem, std::string_view body, ByteSpan signature,
                        X509* root, X509_CRL* root_crl, int64_t at, std::string_view what,
                        std::string_view signature_tag) {
  COCOON_ASSIGN_OR_RETURN(
      auto chain, Chain(chain_pem, std::string(what) + " issuer chain", tag::kMalformedCollateral));
  COCOON_RETURN_IF_ERROR(VerifyChain(chain, root, {root_crl}, at, std::string(what) + " signing"));
  if (!VerifyEcdsaP256(X509_get0_pubkey(chain[0].get()), AsBytes(body), signature)) {
    return Refused(signature_tag, std::string(what) + " signature does not verify");
  }
  return Status::Ok();
}

}  // namespace

Result<VerifiedQuote> VerifyQuote(ByteSpan quote_bytes, const Collateral& collateral, int64_t at,
                                  X509* pinned_root) {
  VerifiedQuote out;
  COCOON_ASSIGN_OR_RETURN(out.quote, ParseQuote(quote_bytes));
  const Quote& q = out.quote;
  if (q.header.qe_vendor_id != kIntelQeVendorId) {
    return Malformed(tag::kUnsupportedQuote,
                     "QE vendor ID " + HexEncode(q.header.qe_vendor_id) + " is not Intel's");
  }
  CertPtr intel_root;
  X509* root = pinned_root;
  if (root == nullptr) {
    intel_root = IntelSgxRootCa();
    root = intel_root.get();
  }

  // 2. The PCK chain must end at the pinned root, whatever else is wrong.
  COCOON_ASSIGN_OR_RETURN(auto pck_chain,
                          Chain(q.pck_chain_pem, "PCK certificate chain", tag::kMalformedQuote));
  if (CertificateDer(pck_chain.back().get()) != CertificateDer(root)) {
    return Refused(tag::kUntrustedRoot,
                   "the quote's PCK chain does not end at the pinned Intel SGX Root CA");
  }

  // 3. CRLs.
  COCOON_ASSIGN_OR_RETURN(CrlPtr root_crl, Crl(collateral.root_ca_crl, "root CA CRL"));
  COCOON_RETURN_IF_ERROR(VerifyCrl(root_crl.get(), root, at, "root CA CRL"));
  COCOON_ASSIGN_OR_RETURN(
      auto pck_crl_chain,
      Chain(collateral.pck_crl_issuer_chain, "PCK CRL issuer chain", tag::kMalformedCollateral));
  COCOON_RETURN_IF_ERROR(VerifyChain(pck_crl_chain, root, {root_crl.get()}, at, "PCK CRL issuer"));
  COCOON_ASSIGN_OR_RETURN(CrlPtr pck_crl, Crl(collateral.pck_crl, "PCK CRL"));
  COCOON_RETURN_IF_ERROR(VerifyCrl(pck_crl.get(), pck_crl_chain[0].get(), at, "PCK CRL"));

  // 4. The PCK chain, with revocation.
  COCOON_RETURN_IF_ERROR(
      VerifyChain(pck_chain, root, {root_crl.get(), pck_crl.get()}, at, "PCK", true));
  X509* pck = pck_chain[0].get();
  COCOON_ASSIGN_OR_RETURN(out.pck, ParsePckExtension(pck));

  // 5-7. The quote's own signatures.
  if (!VerifyEcdsaP256(X509_get0_pubkey(pck), q.qe_report_raw, q.qe_report_signature)) {
    return Refused(tag::kQeReportSignature,
                   "the PCK certificate's signature over the QE report does not verify");
  }
  Bytes binding(q.attestation_key.begin(), q.attestation_key.end());
  binding.insert(binding.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  const auto expected = crypto::Sha256(binding);
  const auto& rd = q.qe_report.report_data;
  if (!std::equal(expected.begin(), expected.end(), rd.begin()) ||
      !std::all_of(rd.begin() + 32, rd.end(), [](uint8_t b) { return b == 0; })) {
    return Refused(tag::kAttestationKeyNotBound,
                   "the QE report data is not SHA-256(attestation key || QE authentication "
                   "data): the attestation key is not the QE's");
  }
  auto attestation_key = P256KeyFromRaw(q.attestation_key);
  if (!attestation_key.ok() ||
      !VerifyEcdsaP256(attestation_key->get(), q.signed_data, q.signature)) {
    return Refused(tag::kQuoteSignature,
                   "the attestation key's signature over the quote header and body does not "
                   "verify");
  }

  // 8. TCB info and QE identity.
  COCOON_RETURN_IF_ERROR(VerifySignedBody(collateral.tcb_info_issuer_chain, collateral.tcb_info,
                                          collateral.tcb_info_signature, root, root_crl.get(), at,
                                          "TCB info", tag::kTcbInfoSignature));
  COCOON_RETURN_IF_ERROR(VerifySignedBody(
      collateral.qe_identity_issuer_chain, collateral.qe_identity, collateral.qe_identity_signature,
      root, root_crl.get(), at, "QE identity", tag::kQeIdentitySignature));
  COCOON_ASSIGN_OR_RETURN(TcbInfo tcb_info, ParseTcbInfo(collateral.tcb_info));
  COCOON_ASSIGN_OR_RETURN(QeIdentity qe_identity, ParseQeIdentity(collateral.qe_identity));
  COCOON_RETURN_IF_ERROR(CheckWindow(tcb_info.issue_date, tcb_info.next_update, at, "TCB info"));
  COCOON_RETURN_IF_ERROR(
      CheckWindow(qe_identity.issue_date, qe_identity.next_update, at, "QE identity"));
  const bool tdx = q.is_tdx();
  if (tcb_info.id != (tdx ? "TDX" : "SGX") || qe_identity.id != (tdx ? "TD_QE" : "QE")) {
    return Refused(tag::kCollateralMismatch, std::string("collateral is for ") + tcb_info.id + "/" +
                                                 qe_identity.id + " but the quote is " +
                                                 (tdx ? "a TDX" : "an SGX") + " quote");
  }

  // 9. This platform's collateral.
  if (tcb_info.fmspc != out.pck.fmspc) {
    return Refused(tag::kFmspcMismatch, "TCB info is for FMSPC " + HexEncode(tcb_info.fmspc) +
                                            " but the PCK certificate's is " +
                                            HexEncode(out.pck.fmspc));
  }
  if (tcb_info.pce_id != out.pck.pce_id) {
    return Refused(tag::kPceIdMismatch, "TCB info is for PCE ID " + HexEncode(tcb_info.pce_id) +
                                            " but the PCK certificate's is " +
                                            HexEncode(out.pck.pce_id));
  }

  // 10. TCB status.
  COCOON_ASSIGN_OR_RETURN(out.tcb, EvaluateTcb(q, out.pck, tcb_info, qe_identity));
  out.tcb_info_id = tcb_info.id;
  out.tcb_evaluation_data_number = tcb_info.tcb_evaluation_data_number;
  int64_t expires = std::min(tcb_info.next_update, qe_identity.next_update);
  for (X509_CRL* crl : {root_crl.get(), pck_crl.get()}) {
    auto next = AsnTimeToUnix(X509_CRL_get0_nextUpdate(crl));
    if (next.ok()) expires = std::min(expires, *next);
  }
  out.collateral_expires_at = expires;
  return out;
}

}  // namespace cocoon::attest::dcap
