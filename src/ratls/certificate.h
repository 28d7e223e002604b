// RA-TLS certificates: self-signed Ed25519 X.509 certificates that carry the
// owner's claims and the attestation evidence binding them.
//
// Issue: the claims name the certificate key, the role and the expiry; the
// provider produces evidence over SHA-512(claims); both go into critical
// extensions (claims.h). Verification is in verify.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attest/evidence.h"
#include "ratls/claims.h"
#include "util/clock.h"

typedef struct x509_st X509;

namespace cocoon::ratls {

inline constexpr int64_t kMaxValiditySeconds = 24 * 3600;
// Certificates start this long before issue, for peers whose clocks lag.
inline constexpr int64_t kBackdateSeconds = 60;

struct X509Free {
  void operator()(X509* x) const;
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct IssueOptions {
  attest::Role role = attest::Role::kWorker;
  int64_t validity_seconds = kMaxValiditySeconds;  // REQUIRES: 0 < v <= 24 h
  std::map<std::string, std::string> extra_claims;
};

// A certificate with its key, ready for a TLS context.
struct Certificate {
  X509Ptr x509;
  std::string pem;
};

// The raw parts of a certificate, for BuildCertificate.
struct CertificateParts {
  attest::Role role = attest::Role::kWorker;  // names the subject
  Bytes claims;
  std::optional<Bytes> evidence;  // serialized attest::Evidence
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::vector<std::pair<std::string, Bytes>> extra_critical_extensions;  // OID, value
};

// Builds and self-signs a certificate from exactly these parts, checking
// nothing. Daemons call IssueCertificate; tests use this to build bad ones.
Result<Certificate> BuildCertificate(const crypto::Ed25519PrivateKey& key,
                                     const CertificateParts& parts);

// `provider` is nullptr for roles that present no evidence (clients).
Result<Certificate> IssueCertificate(const crypto::Ed25519PrivateKey& key,
                                     const attest::EvidenceProvider* provider, const Clock& clock,
                                     const IssueOptions& options);

// What a certificate says, before anything is verified.
struct CertificateContents {
  crypto::Ed25519PublicKey key;
  Bytes claims_bytes;
  Claims claims;
  std::optional<attest::Evidence> evidence;
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::vector<std::string> unknown_critical_extensions;  // OIDs
};

// Parses without verifying; errors on a non-Ed25519 key or missing/malformed
// claims. Used by the verifier and by `cocoon cert inspect`.
Result<CertificateContents> ParseCertificate(X509* cert);

Result<X509Ptr> CertificateFromPem(std::string_view pem);
Result<X509Ptr> CertificateFromDer(ByteSpan der);
Bytes CertificateToDer(X509* cert);

}  // namespace cocoon::ratls
