// Test fixture: a sim platform, identities for each role and the matching
// verifier and policy, so RA-TLS and session tests can build contexts in one
// line.
#pragma once

#include <memory>

#include "attest/policy.h"
#include "attest/sim.h"
#include "ratls/tls.h"

namespace cocoon::testing {

struct SimPlatform {
  crypto::Ed25519PrivateKey platform_key = crypto::Ed25519PrivateKey::Generate();
  attest::ImageHash worker_image = crypto::Sha256(AsBytes("test worker image"));
  attest::ImageHash proxy_image = crypto::Sha256(AsBytes("test proxy image"));
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(1'800'000'000);

  std::shared_ptr<attest::Policy> MakePolicy() const {
    auto p = std::make_shared<attest::Policy>();
    p->roles[attest::Role::kWorker] = {true, {worker_image}};
    p->roles[attest::Role::kProxy] = {true, {proxy_image}};
    p->roles[attest::Role::kClient] = {false, {}};
    return p;
  }
  std::shared_ptr<attest::SimVerifier> MakeVerifier() const {
    return std::make_shared<attest::SimVerifier>(
        std::vector<crypto::Ed25519PublicKey>{platform_key.public_key()});
  }
  ratls::PeerRequirements Requirements(std::set<attest::Role> roles) const {
    return {MakeVerifier(), MakePolicy(), clock, std::move(roles)};
  }
  attest::ImageHash ImageOf(attest::Role role) const {
    return role == attest::Role::kProxy ? proxy_image : worker_image;
  }
  // A certificate for `role` with honest sim evidence (none for clients).
  ratls::Certificate Issue(const crypto::Ed25519PrivateKey& key, attest::Role role) const {
    attest::SimProvider provider(platform_key, ImageOf(role));
    auto cert = ratls::IssueCertificate(key, role == attest::Role::kClient ? nullptr : &provider,
                                        *clock, {role, 3600, {}});
    if (!cert.ok()) throw std::runtime_error(cert.status().ToString());
    return std::move(*cert);
  }
  std::shared_ptr<ratls::TlsContext> Context(ratls::TlsSide side, attest::Role self,
                                             std::set<attest::Role> peers) const {
    auto key = crypto::Ed25519PrivateKey::Generate();
    auto ctx = ratls::TlsContext::Create(side, Issue(key, self), key, Requirements(peers));
    if (!ctx.ok()) throw std::runtime_error(ctx.status().ToString());
    return *ctx;
  }
};

}  // namespace cocoon::testing
