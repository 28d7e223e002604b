#include "attest/verifier_set.h"

namespace cocoon::attest {

Result<Measurements> VerifierSet::Verify(const Evidence& evidence) const {
  auto it = verifiers_.find(evidence.kind);
  if (it == verifiers_.end()) {
    return Unauthenticated("no verifier is configured for " +
                           std::string(EvidenceKindName(evidence.kind)) + " evidence");
  }
  return it->second->Verify(evidence);
}

}  // namespace cocoon::attest
