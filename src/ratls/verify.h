// Verification of a peer's RA-TLS certificate, as done inside the TLS
// handshake (tls.h) and by `cocoon cert inspect --verify`.
//
// Every refusal is an error whose message starts with a stable reason tag,
// e.g. "ratls.key_not_bound: ...", then says what is wrong.
#pragma once

#include <optional>
#include <set>

#include "attest/policy.h"
#include "ratls/certificate.h"

namespace cocoon::ratls {

struct PeerRequirements {
  std::shared_ptr<const attest::EvidenceVerifier> verifier;
  std::shared_ptr<const attest::Policy> policy;
  std::shared_ptr<const Clock> clock;
  std::set<attest::Role> roles;  // roles accepted on this endpoint
};

// Who the peer proved to be.
struct PeerIdentity {
  attest::Role role = attest::Role::kWorker;
  crypto::Ed25519PublicKey key;
  std::optional<attest::Measurements> measurements;  // nullopt: no evidence (clients)
  int64_t not_after = 0;
  Bytes certificate_der;  // so the peer can be re-verified offline
};

// Checks, in order: Ed25519 key; self-signed; claims and evidence present; no
// unknown critical extension; validity (≤ 24 h, not expired, not before its
// start); claims match the certificate (key, expiry); role accepted here;
// evidence verified, bound to SHA-512(claims), its platform accepted by policy
// (TDX: no debug TD, an accepted TCB status) and its image hash allowed.
Result<PeerIdentity> VerifyPeerCertificate(X509* cert, const PeerRequirements& requirements);

}  // namespace cocoon::ratls
