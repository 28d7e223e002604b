#include "ratls/verify.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace cocoon::ratls {
namespace {

// Peers' clocks may differ by this much.
constexpr int64_t kClockSkewSeconds = 300;

Status Refuse(ErrorCode code, std::string_view tag, const std::string& detail) {
  std::string m(tag);
  m += ": ";
  m += detail;
  return Status(code, std::move(m));
}

}  // namespace

Result<PeerIdentity> VerifyPeerCertificate(X509* cert, const PeerRequirements& req) {
  COCOON_ASSIGN_OR_RETURN(CertificateContents c, ParseCertificate(cert));
  if (X509_check_issued(cert, cert) != X509_V_OK ||
      X509_verify(cert, X509_get0_pubkey(cert)) != 1) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.not_self_signed",
                  "certificate is not validly self-signed");
  }
  if (!c.unknown_critical_extensions.empty()) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.unknown_critical_extension",
                  "certificate has unknown critical extension " + c.unknown_critical_extensions[0]);
  }
  const int64_t now = req.clock->NowUnix();
  if (c.not_after - c.not_before > kMaxValiditySeconds + kBackdateSeconds) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.validity_too_long",
                  "certificate is valid for more than 24 hours");
  }
  if (now > c.not_after) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.expired",
                  "certificate expired " + std::to_string(now - c.not_after) + " s ago");
  }
  if (now + kClockSkewSeconds < c.not_before) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.not_yet_valid",
                  "certificate is not valid yet (check the clocks)");
  }
  if (c.claims.public_key != c.key) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.key_not_bound",
                  "claims name key " + c.claims.public_key.Hex() + " but the certificate key is " +
                      c.key.Hex());
  }
  if (c.claims.not_after != c.not_after) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.claims_mismatch",
                  "claims expiry differs from the certificate's");
  }
  if (!req.roles.count(c.claims.role)) {
    return Refuse(
        ErrorCode::kPermissionDenied, "ratls.wrong_role",
        "a " + std::string(attest::RoleName(c.claims.role)) + " is not accepted on this endpoint");
  }

  PeerIdentity peer;
  peer.role = c.claims.role;
  peer.key = c.key;
  peer.not_after = c.not_after;
  peer.certificate_der = CertificateToDer(cert);

  if (c.evidence->kind == attest::EvidenceKind::kNone) {
    Status s = req.policy->Check(peer.role, nullptr);
    if (!s.ok()) return Refuse(s.code(), "ratls.attestation_required", s.message());
    return peer;
  }
  if (req.policy->require_tdx && c.evidence->kind != attest::EvidenceKind::kTdx) {
    return Refuse(ErrorCode::kPermissionDenied, "ratls.tdx_required",
                  "policy requires TDX attestation, peer presented " +
                      std::string(attest::EvidenceKindName(c.evidence->kind)) + " evidence");
  }
  auto m = req.verifier->Verify(*c.evidence);
  if (!m.ok()) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.evidence_invalid", m.status().message());
  }
  if (m->report_data != ReportDataFor(c.claims_bytes)) {
    return Refuse(ErrorCode::kUnauthenticated, "ratls.evidence_not_bound",
                  "evidence does not bind this certificate's claims");
  }
  Status platform = req.policy->CheckPlatform(peer.role, &*m);
  if (!platform.ok()) {
    return Refuse(platform.code(), "ratls.platform_not_accepted", platform.message());
  }
  Status s = req.policy->CheckImage(peer.role, &*m);
  if (!s.ok()) return Refuse(s.code(), "ratls.image_not_allowed", s.message());
  peer.measurements = std::move(*m);
  return peer;
}

}  // namespace cocoon::ratls
