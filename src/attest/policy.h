// Policy: which verified measurements are acceptable for a peer of a role.
//
// Verification (a Verifier) establishes what code a peer runs; policy decides
// whether that code may act in a role: the image hash must be allowed for the
// role, and where TDX is required, simulated evidence is refused.
//
// Thread-safety: immutable after construction; safe from any thread.
#pragma once

#include <map>
#include <set>

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

  // OK, or why the measurements are refused for `role`.
  // `measurements` is nullptr when the peer presented no evidence.
  Status Check(Role role, const Measurements* measurements) const;
};

}  // namespace cocoon::attest
