// Certificate chains and CRLs with a throwaway test PKI: revocation, expiry,
// wrong roots and forged CRLs are each refused with their own reason.
#include <gtest/gtest.h>

#include "attest/dcap/cert_chain.h"
#include "attest/test_pki.h"

namespace cocoon::attest::dcap {
namespace {

using namespace testpki;

constexpr int64_t kT0 = 1750000000;
constexpr int64_t kDay = 86400;

struct Pki {
  PkeyPtr root_key = NewKey(), ca_key = NewKey(), leaf_key = NewKey();
  CertPtr root = NewCert("Test Root", root_key.get(), nullptr, nullptr, true, 1, kT0 - 100 * kDay,
                         kT0 + 100 * kDay);
  CertPtr ca = NewCert("Test PCK CA", ca_key.get(), root.get(), root_key.get(), true, 2,
                       kT0 - 50 * kDay, kT0 + 50 * kDay);
  CertPtr leaf = NewCert("Test PCK", leaf_key.get(), ca.get(), ca_key.get(), false, 77,
                         kT0 - 10 * kDay, kT0 + 10 * kDay);

  std::vector<CertPtr> Chain() const {
    std::vector<CertPtr> c;
    for (X509* x : {leaf.get(), ca.get(), root.get()}) {
      X509_up_ref(x);
      c.emplace_back(x);
    }
    return c;
  }
  CrlPtr RootCrl(std::vector<long> revoked = {}) const {
    return NewCrl(root.get(), root_key.get(), revoked, kT0 - kDay, kT0 + kDay);
  }
  CrlPtr CaCrl(std::vector<long> revoked = {}) const {
    return NewCrl(ca.get(), ca_key.get(), revoked, kT0 - kDay, kT0 + kDay);
  }
};

bool HasTag(const Status& s, std::string_view tag) { return s.message().rfind(tag, 0) == 0; }

TEST(DcapChain, GoodChainVerifies) {
  Pki p;
  auto root_crl = p.RootCrl(), ca_crl = p.CaCrl();
  EXPECT_TRUE(VerifyCrl(root_crl.get(), p.root.get(), kT0, "root CRL").ok());
  EXPECT_TRUE(VerifyCrl(ca_crl.get(), p.ca.get(), kT0, "PCK CRL").ok());
  Status s = VerifyChain(p.Chain(), p.root.get(), {root_crl.get(), ca_crl.get()}, kT0, "PCK", true);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(DcapChain, RevokedPckIsRefused) {
  Pki p;
  auto root_crl = p.RootCrl(), ca_crl = p.CaCrl({5, 77});
  Status s = VerifyChain(p.Chain(), p.root.get(), {root_crl.get(), ca_crl.get()}, kT0, "PCK", true);
  EXPECT_TRUE(HasTag(s, "dcap.pck_revoked")) << s.ToString();
}

TEST(DcapChain, RevokedIntermediateIsRefused) {
  Pki p;
  auto root_crl = p.RootCrl({2}), ca_crl = p.CaCrl();
  Status s = VerifyChain(p.Chain(), p.root.get(), {root_crl.get(), ca_crl.get()}, kT0, "PCK", true);
  EXPECT_TRUE(HasTag(s, "dcap.certificate_revoked")) << s.ToString();
}

TEST(DcapChain, MissingCrlIsRefused) {
  Pki p;
  auto root_crl = p.RootCrl();
  Status s = VerifyChain(p.Chain(), p.root.get(), {root_crl.get()}, kT0, "PCK", true);
  EXPECT_TRUE(HasTag(s, "dcap.certificate_chain_invalid")) << s.ToString();
}

TEST(DcapChain, ExpiredAndNotYetValidCertificatesAreRefused) {
  Pki p;
  auto root_crl = p.RootCrl(), ca_crl = p.CaCrl();
  Status late = VerifyChain(p.Chain(), p.root.get(), {root_crl.get(), ca_crl.get()},
                            kT0 + 20 * kDay, "PCK", true);
  EXPECT_TRUE(HasTag(late, "dcap.certificate_expired")) << late.ToString();
  Status early = VerifyChain(p.Chain(), p.root.get(), {root_crl.get(), ca_crl.get()},
                             kT0 - 20 * kDay, "PCK", true);
  EXPECT_TRUE(HasTag(early, "dcap.certificate_not_yet_valid")) << early.ToString();
}

TEST(DcapChain, OtherRootIsRefused) {
  Pki p, other;
  auto root_crl = p.RootCrl(), ca_crl = p.CaCrl();
  Status s =
      VerifyChain(p.Chain(), other.root.get(), {root_crl.get(), ca_crl.get()}, kT0, "PCK", true);
  EXPECT_TRUE(HasTag(s, "dcap.untrusted_root")) << s.ToString();
}

TEST(DcapChain, IntermediateFromAnotherRootIsRefused) {
  // The chain ends at the right root, but the intermediate was signed by an impostor.
  Pki p, impostor;
  CertPtr forged_ca = NewCert("Test PCK CA", p.ca_key.get(), impostor.root.get(),
                              impostor.root_key.get(), true, 2, kT0 - kDay, kT0 + kDay);
  std::vector<CertPtr> chain;
  for (X509* x : {p.leaf.get(), forged_ca.get(), p.root.get()}) {
    X509_up_ref(x);
    chain.emplace_back(x);
  }
  auto root_crl = p.RootCrl(), ca_crl = p.CaCrl();
  Status s = VerifyChain(chain, p.root.get(), {root_crl.get(), ca_crl.get()}, kT0, "PCK", true);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasTag(s, "dcap.certificate_chain_invalid") || HasTag(s, "dcap.untrusted_root"))
      << s.ToString();
}

TEST(DcapChain, CrlProblemsAreRefused) {
  Pki p, other;
  auto forged = NewCrl(p.ca.get(), other.ca_key.get(), {}, kT0 - kDay, kT0 + kDay);
  EXPECT_TRUE(
      HasTag(VerifyCrl(forged.get(), p.ca.get(), kT0, "PCK CRL"), "dcap.crl_signature_invalid"));
  auto crl = p.CaCrl();
  EXPECT_TRUE(HasTag(VerifyCrl(crl.get(), p.root.get(), kT0, "PCK CRL"),
                     "dcap.crl_signature_invalid"));  // wrong issuer
  EXPECT_TRUE(HasTag(VerifyCrl(crl.get(), p.ca.get(), kT0 + 2 * kDay, "PCK CRL"),
                     "dcap.collateral_expired"));
  EXPECT_TRUE(HasTag(VerifyCrl(crl.get(), p.ca.get(), kT0 - 2 * kDay, "PCK CRL"),
                     "dcap.collateral_not_yet_valid"));
}

}  // namespace
}  // namespace cocoon::attest::dcap
