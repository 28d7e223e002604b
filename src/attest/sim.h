// The `sim` attestation provider and verifier: a software quote signed by a
// platform key (Ed25519, in a file). For development and tests only. It proves
// nothing about the hardware: whoever holds the platform key can forge any
// measurement, so a verifier trusts only the platform keys an operator lists,
// and a production policy (Policy::require_tdx) refuses sim evidence.
//
// Thread-safety: both classes are immutable after construction.
#pragma once

#include <vector>

#include "attest/evidence.h"
#include "crypto/ed25519.h"

namespace cocoon::attest {

class SimProvider final : public EvidenceProvider {
 public:
  // `image_hash` is what this process measured of itself (image.h).
  SimProvider(crypto::Ed25519PrivateKey platform_key, ImageHash image_hash);

  EvidenceKind kind() const override { return EvidenceKind::kSim; }
  Result<Evidence> Produce(const ReportData& report_data) const override;

 private:
  crypto::Ed25519PrivateKey platform_key_;
  ImageHash image_hash_;
};

class SimVerifier final : public EvidenceVerifier {
 public:
  explicit SimVerifier(std::vector<crypto::Ed25519PublicKey> trusted_platform_keys);

  // Errors: not sim evidence; malformed quote; platform key not trusted;
  // bad signature.
  Result<Measurements> Verify(const Evidence& evidence) const override;

 private:
  std::vector<crypto::Ed25519PublicKey> trusted_;
};

// Checks a sim quote's signature against the platform key it names, without
// asking whether that key is trusted. For display (`cocoon cert inspect`).
Result<Measurements> InspectSimQuote(const Evidence& evidence);

}  // namespace cocoon::attest
