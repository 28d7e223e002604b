// Arbitrary bytes as a DER certificate through the whole RA-TLS verifier, and
// as claims and evidence: every path must end in a verdict, never a crash.
#include <cstddef>
#include <cstdint>

#include "attest/sim.h"
#include "ratls/verify.h"

namespace {

struct Fixture {
  std::shared_ptr<cocoon::attest::SimVerifier> verifier;
  std::shared_ptr<cocoon::attest::Policy> policy = std::make_shared<cocoon::attest::Policy>();
  std::shared_ptr<cocoon::ManualClock> clock = std::make_shared<cocoon::ManualClock>(1'800'000'000);
  Fixture() {
    auto seed = cocoon::Bytes(32, 7);
    auto key = *cocoon::crypto::Ed25519PrivateKey::FromSeed(seed);
    verifier = std::make_shared<cocoon::attest::SimVerifier>(
        std::vector<cocoon::crypto::Ed25519PublicKey>{key.public_key()});
    policy->roles[cocoon::attest::Role::kWorker] = {true, {}};
    policy->roles[cocoon::attest::Role::kClient] = {false, {}};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture f;  // immutable after first use
  cocoon::ByteSpan bytes(data, size);
  (void)cocoon::ratls::Claims::Parse(bytes);
  auto evidence = cocoon::attest::Evidence::Parse(bytes);
  if (evidence.ok()) (void)f.verifier->Verify(*evidence);
  auto cert = cocoon::ratls::CertificateFromDer(bytes);
  if (cert.ok()) {
    (void)cocoon::ratls::VerifyPeerCertificate(
        cert->get(), {f.verifier,
                      f.policy,
                      f.clock,
                      {cocoon::attest::Role::kWorker, cocoon::attest::Role::kClient}});
  }
  return 0;
}
