#include "attest/policy.h"

namespace cocoon::attest {
namespace {

bool NeverAcceptable(dcap::TcbStatus s) {
  return s == dcap::TcbStatus::kOutOfDate || s == dcap::TcbStatus::kOutOfDateConfigurationNeeded ||
         s == dcap::TcbStatus::kRevoked;
}

Status CheckTdx(const Policy& policy, const Measurements& m) {
  auto debug = m.details.find("debug");
  if (debug == m.details.end() || debug->second != "false") {
    return PermissionDenied(
        "the peer is a debug TD (TD_ATTRIBUTES.DEBUG is set): its memory is "
        "readable by the host");
  }
  auto status = dcap::ParseTcbStatus(m.tcb_status);
  if (!status) return PermissionDenied("unknown TDX TCB status \"" + m.tcb_status + "\"");
  std::string advisories;
  for (const auto& a : m.advisories) advisories += (advisories.empty() ? " (" : ", ") + a;
  if (!advisories.empty()) advisories += ")";
  if (NeverAcceptable(*status)) {
    return PermissionDenied("the peer's TDX TCB status is " + m.tcb_status + advisories +
                            ", which is never accepted: the platform needs updates");
  }
  if (!policy.accepted_tcb_statuses.count(*status)) {
    return PermissionDenied("the peer's TDX TCB status is " + m.tcb_status + advisories +
                            ", which this policy does not accept (accept it explicitly to allow)");
  }
  return Status::Ok();
}

}  // namespace

Status Policy::Check(Role role, const Measurements* m) const {
  COCOON_RETURN_IF_ERROR(CheckPlatform(role, m));
  return CheckImage(role, m);
}

Status Policy::CheckPlatform(Role role, const Measurements* m) const {
  auto it = roles.find(role);
  if (it == roles.end() || m == nullptr || !it->second.attestation_required) return Status::Ok();
  if (require_tdx && m->kind != EvidenceKind::kTdx) {
    return PermissionDenied("policy requires TDX attestation, peer presented " +
                            std::string(EvidenceKindName(m->kind)) + " evidence");
  }
  if (m->kind == EvidenceKind::kTdx) return CheckTdx(*this, *m);
  return Status::Ok();
}

Status Policy::CheckImage(Role role, const Measurements* m) const {
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
  if (rp.attestation_required && !rp.allowed_image_hashes.count(m->image_hash)) {
    return PermissionDenied("image hash " + HexEncode(m->image_hash) + " is not allowed for role " +
                            std::string(RoleName(role)));
  }
  return Status::Ok();
}

Result<std::set<dcap::TcbStatus>> ParseAcceptedTcbStatuses(const std::vector<std::string>& names) {
  std::set<dcap::TcbStatus> out;
  for (const auto& name : names) {
    auto s = dcap::ParseTcbStatus(name);
    if (!s) {
      return InvalidArgument("\"" + name +
                             "\" is not a TCB status (UpToDate, SWHardeningNeeded, "
                             "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded)");
    }
    if (NeverAcceptable(*s)) {
      return InvalidArgument("TCB status " + name + " cannot be accepted");
    }
    out.insert(*s);
  }
  if (out.empty()) out.insert(dcap::TcbStatus::kUpToDate);
  return out;
}

}  // namespace cocoon::attest
