#include "attest/policy.h"

namespace cocoon::attest {

Status Policy::Check(Role role, const Measurements* m) const {
  auto it = roles.find(role);
  if (it == roles.end()) {
    return PermissionDenied("policy has no entry for role " + std::string(RoleName(role)));
  }
  const RolePolicy& rp = it->second;
  if (m == nullptr) {
    if (rp.attestation_required) {
      return PermissionDenied("a " + std::string(RoleName(role)) + " must present attestation");
    }
    return Status::Ok();
  }
  if (require_tdx && m->kind != EvidenceKind::kTdx) {
    return PermissionDenied("policy requires TDX attestation, peer presented " +
                            std::string(EvidenceKindName(m->kind)) + " evidence");
  }
  if (rp.attestation_required && !rp.allowed_image_hashes.count(m->image_hash)) {
    return PermissionDenied("image hash " + HexEncode(m->image_hash) + " is not allowed for role " +
                            std::string(RoleName(role)));
  }
  return Status::Ok();
}

}  // namespace cocoon::attest
