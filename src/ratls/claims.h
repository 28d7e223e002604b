// RA-TLS claims and the private OID arc that carries them in certificates.
//
// OIDs (private, unregistered arc 1.3.6.1.4.1.58370.1): .1 claims, .2 evidence.
// Both extensions are critical, so a verifier that does not know them refuses
// the certificate rather than trusting it without attestation.
#pragma once

#include <map>
#include <string>

#include "attest/evidence.h"
#include "attest/role.h"
#include "crypto/ed25519.h"

namespace cocoon::ratls {

inline constexpr const char* kClaimsOid = "1.3.6.1.4.1.58370.1.1";
inline constexpr const char* kEvidenceOid = "1.3.6.1.4.1.58370.1.2";

struct Claims {
  crypto::Ed25519PublicKey public_key;
  attest::Role role = attest::Role::kWorker;
  int64_t not_after = 0;
  std::map<std::string, std::string> extra;

  Bytes Serialize() const;
  // Errors on malformed bytes, a key of the wrong size or an unknown role.
  static Result<Claims> Parse(ByteSpan bytes);
};

// What the evidence must bind for these serialized claims.
attest::ReportData ReportDataFor(ByteSpan serialized_claims);

}  // namespace cocoon::ratls
