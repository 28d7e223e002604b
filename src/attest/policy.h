// Policy: which verified measurements are acceptable for a peer of a role.
//
// Verification (a Verifier) establishes what code a peer runs; policy decides
// whether that code may act in a role: the image hash must be allowed for the
// role, and where TDX is required, simulated evidence is refused. For TDX
// evidence, policy also refuses debug TDs (their memory is open to the host)
// and any TCB status not explicitly accepted: UpToDate only by default; an
// operator may add SWHardeningNeeded, ConfigurationNeeded and
// ConfigurationAndSWHardeningNeeded. OutOfDate, OutOfDateConfigurationNeeded
// and Revoked are never accepted.
//
// Thread-safety: immutable after construction; safe from any thread.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "attest/dcap/tcb_status.h"
#include "attest/evidence.h"
#include "attest/role.h"

namespace cocoon::attest {

struct RolePolicy {
  // Whether a peer of this role must present evidence at all (clients run on
  // ordinary app servers and are trusted through their contract instead).
  bool attestation_required = true;
  std::set<ImageHash> allowed_image_hashes;
};

struct Policy {
  // Production setting: only real TDX evidence is accepted.
  bool require_tdx = false;
  std::map<Role, RolePolicy> roles;
  // TDX TCB statuses accepted (see above). Statuses that are never acceptable
  // are refused even if listed here.
  std::set<dcap::TcbStatus> accepted_tcb_statuses = {dcap::TcbStatus::kUpToDate};

  // OK, or why the measurements are refused for `role`.
  // `measurements` is nullptr when the peer presented no evidence.
  // Equals CheckPlatform, then CheckImage; the two halves are public so
  // callers can tell an unacceptable platform from an unlisted image.
  Status Check(Role role, const Measurements* measurements) const;
  // The evidence kind (TDX where required) and, for TDX, no debug TD and an
  // accepted TCB status.
  Status CheckPlatform(Role role, const Measurements* measurements) const;
  // Attestation present where required, and the image hash allowed.
  Status CheckImage(Role role, const Measurements* measurements) const;
};

// The accepted-status set from configuration text (Intel's spellings). Refuses
// unknown names and the statuses that are never acceptable; an empty list
// means the default, UpToDate only.
Result<std::set<dcap::TcbStatus>> ParseAcceptedTcbStatuses(const std::vector<std::string>& names);

}  // namespace cocoon::attest
