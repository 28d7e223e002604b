// VerifierSet: one EvidenceVerifier that dispatches on the evidence kind to
// the verifiers configured for each kind, and refuses kinds with none.
#pragma once

#include <map>
#include <memory>

#include "attest/evidence.h"

namespace cocoon::attest {

class VerifierSet final : public EvidenceVerifier {
 public:
  void Add(EvidenceKind kind, std::shared_ptr<const EvidenceVerifier> verifier) {
    verifiers_[kind] = std::move(verifier);
  }
  Result<Measurements> Verify(const Evidence& evidence) const override;

 private:
  std::map<EvidenceKind, std::shared_ptr<const EvidenceVerifier>> verifiers_;
};

}  // namespace cocoon::attest
