// RA-TLS with tdx evidence, through the same certificate format and the same
// verification as sim evidence (ratls::VerifyPeerCertificate, which the TLS
// handshake runs).
//
// A real quote binds the report data of the certificate it was made for, which
// we do not have; so with a real quote verification can at most get through
// the quote, collateral and TCB checks to the binding check, and be refused
// there (ratls.evidence_not_bound). That is what these tests show; a full
// handshake with tdx evidence needs a TD (TdxProvider) to quote our claims.
#include <gtest/gtest.h>

#include "attest/tdx_verifier.h"
#include "attest/test_data.h"
#include "ratls/verify.h"

namespace cocoon::ratls {
namespace {

using attest::testdata::kTdxQuoteTime;

// Replays a recorded quote whatever report data it is asked for.
class ReplayProvider final : public attest::EvidenceProvider {
 public:
  explicit ReplayProvider(Bytes quote) : quote_(std::move(quote)) {}
  attest::EvidenceKind kind() const override { return attest::EvidenceKind::kTdx; }
  Result<attest::Evidence> Produce(const attest::ReportData&) const override {
    return attest::Evidence{attest::EvidenceKind::kTdx, quote_};
  }

 private:
  Bytes quote_;
};

class TdxRatls : public ::testing::Test {
 protected:
  void SetUp() override {
    auto q = attest::testdata::ReadBytes("tdx_quote");
    auto c = attest::testdata::ReadCollateral("tdx_quote_collateral.json");
    if (!q || !c) GTEST_SKIP() << "test data not found under " << attest::testdata::TdxDir();
    quote_ = std::move(*q);
    auto m = attest::VerifyTdxQuote(quote_, *c, kTdxQuoteTime);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    image_ = m->image_hash;
    collateral_ = std::make_shared<attest::StaticCollateralSource>(std::move(*c));
  }

  PeerRequirements Requirements() {
    auto policy = std::make_shared<attest::Policy>();
    policy->require_tdx = true;
    policy->roles[attest::Role::kWorker] = {true, {image_}};
    return {std::make_shared<attest::TdxVerifier>(collateral_, clock_),
            policy,
            clock_,
            {attest::Role::kWorker}};
  }

  Result<PeerIdentity> VerifyWithQuote(const Bytes& quote) {
    ReplayProvider provider(quote);
    auto key = crypto::Ed25519PrivateKey::Generate();
    auto cert = IssueCertificate(key, &provider, *clock_, {attest::Role::kWorker, 3600, {}});
    if (!cert.ok()) return cert.status();
    return VerifyPeerCertificate(cert->x509.get(), Requirements());
  }

  Bytes quote_;
  attest::ImageHash image_{};
  std::shared_ptr<attest::TdxCollateralSource> collateral_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(kTdxQuoteTime);
};

std::string Tag(const Status& s) { return s.message().substr(0, s.message().find(':')); }

TEST_F(TdxRatls, RealQuoteVerifiesUpToTheBindingCheck) {
  auto peer = VerifyWithQuote(quote_);
  ASSERT_FALSE(peer.ok());
  // Quote, chain, collateral and TCB all passed: the only refusal left is that
  // the quote does not bind this certificate's claims.
  EXPECT_EQ(Tag(peer.status()), "ratls.evidence_not_bound") << peer.status().ToString();
}

TEST_F(TdxRatls, TamperedQuoteIsRefusedAsInvalidEvidence) {
  Bytes bad = quote_;
  bad[48 + 136] ^= 1;  // MRTD
  auto peer = VerifyWithQuote(bad);
  ASSERT_FALSE(peer.ok());
  EXPECT_EQ(Tag(peer.status()), "ratls.evidence_invalid");
  EXPECT_NE(peer.status().message().find("dcap.quote_signature_invalid"), std::string::npos)
      << peer.status().ToString();
}

TEST_F(TdxRatls, ExpiredCollateralIsRefusedAsInvalidEvidence) {
  clock_->Set(kTdxQuoteTime + 60 * 86400);
  auto peer = VerifyWithQuote(quote_);
  ASSERT_FALSE(peer.ok());
  EXPECT_EQ(Tag(peer.status()), "ratls.evidence_invalid");
  EXPECT_NE(peer.status().message().find("dcap.collateral_expired"), std::string::npos);
}

}  // namespace
}  // namespace cocoon::ratls
